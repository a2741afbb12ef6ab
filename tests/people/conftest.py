"""An organizer logged in to the people console, and helpers shared by its tests."""

import re

import pytest
from sqlalchemy import select

from contest.extensions import db
from contest.models import AuditEvent, User
from tests.factories import csrf_token, login, make_user

ORGANIZER_PHONE = "0912999001"
TEMPORARY = re.compile(r'<code class="sha">([a-z0-9-]+)</code>')


@pytest.fixture
def organizer(app):
    """The organizer's id and a client logged in as them."""
    with app.app_context():
        user_id = make_user(
            phone=ORGANIZER_PHONE, role="organizer", group="can_bo", full_name="Lê Tổ Chức"
        ).id
    client = app.test_client()
    assert login(client, ORGANIZER_PHONE).status_code == 302
    return user_id, client


def post(client, path, data=None, page="/to-chuc/nguoi/"):
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client, page)})


def temporary_password(response) -> str:
    return TEMPORARY.search(response.get_data(as_text=True)).group(1)


def logged_in(client) -> bool:
    return "Đăng xuất" in client.get("/", follow_redirects=True).get_data(as_text=True)


def account(app, user_id) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def account_by_phone(app, phone) -> User:
    with app.app_context():
        user = db.session.execute(select(User).where(User.phone == phone)).scalar_one()
        db.session.expunge(user)
        return user


def audit_events(app, user_id=None) -> list[tuple[str, int | None, str | None, dict]]:
    """(action, actor id, address, details) of every line, or those about one account."""
    with app.app_context():
        query = select(AuditEvent).order_by(AuditEvent.id)
        if user_id is not None:
            query = query.where(AuditEvent.object_type == "user", AuditEvent.object_id == user_id)
        return [
            (event.action, event.actor_id, event.address, event.details)
            for event in db.session.execute(query).scalars()
        ]

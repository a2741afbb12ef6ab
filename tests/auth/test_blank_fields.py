"""Blank optional fields are NULL everywhere: the form, the service, old rows and the database."""

from datetime import date

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from contest import MIGRATIONS_DIR
from contest.auth import accounts
from contest.auth.forms import parse_vietnamese_date
from contest.extensions import db
from contest.models import User
from tests.auth.test_auth import register


def values(phone: str, **changes) -> dict:
    return {
        "full_name": "Nguyễn Thị Hoa",
        "date_of_birth": date(1990, 3, 15),
        "gender": "nu",
        "phone": phone,
        "email": "",
        "national_id": "",
        "address": "  ",
        "participant_group": "nhan_dan",
        "agency_id": 0,
        **changes,
    }


def test_the_service_stores_blank_optional_fields_as_null_whoever_calls_it(app):
    with app.app_context():
        for n in range(3):
            accounts.register_participant(values(f"091200000{n}"), "mat-khau-8")
        rows = db.session.execute(select(User.email, User.national_id, User.address)).all()
        assert rows == [(None, None, None)] * 3


def test_the_database_refuses_blank_text_in_optional_unique_columns(app):
    with app.app_context():
        for column in ("email", "national_id", "phone"):
            for blank in ("", "   "):
                user = User(
                    full_name="Lê Văn Minh",
                    phone="0912000009",
                    participant_group="nhan_dan",
                    password_hash="x",
                )
                setattr(user, column, blank)
                db.session.add(user)
                with pytest.raises(IntegrityError):
                    db.session.commit()
                db.session.rollback()


def test_second_and_later_blank_registrations_through_the_form_succeed(app):
    for n in range(4):
        response = register(
            app.test_client(), phone=f"09120000{n:02d}", email="", national_id="", address=""
        )
        assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(User.email, User.national_id)).all() == [(None, None)] * 4


def test_the_migration_turns_existing_blank_text_into_null(app):
    with app.app_context():
        db.session.remove()
        downgrade(directory=MIGRATIONS_DIR, revision="7d2f4c1b9e30")
        with db.engine.begin() as connection:
            for n, (email, national_id) in enumerate(
                (("", ""), (" ", "012345678901"), ("a@example.vn", "  "))
            ):
                connection.execute(
                    text(
                        'INSERT INTO "user" (full_name, phone, email, national_id, address, '
                        "participant_group, role, password_hash, prize_eligible, created_at) "
                        "VALUES ('Người thứ ' || :n, :phone, :email, :nid, '', 'nhan_dan', "
                        "'participant', 'x', true, CURRENT_TIMESTAMP)"
                    ),
                    {"n": str(n), "phone": f"091200000{n}", "email": email, "nid": national_id},
                )
        db.session.remove()
        upgrade(directory=MIGRATIONS_DIR)
        rows = db.session.execute(
            select(User.email, User.national_id, User.address, User.session_version).order_by(
                User.id
            )
        ).all()
        assert rows == [
            (None, None, None, 0),
            (None, "012345678901", None, 0),
            ("a@example.vn", None, None, 0),
        ]


@pytest.mark.parametrize(
    "typed", ["15031990", "15/03/1990", "15-03-1990", "15.03.1990", "1990-03-15", " 15/3/1990 "]
)
def test_a_date_of_birth_typed_on_a_phone_is_read(typed):
    assert parse_vietnamese_date(typed) == date(1990, 3, 15)


@pytest.mark.parametrize(
    "typed", ["1503199", "150319900", "31021990", "15/13/1990", "1990/03/15", "abc", "15 03 1990"]
)
def test_a_date_that_is_not_one_is_refused(typed):
    assert parse_vietnamese_date(typed) is None


def test_registration_accepts_the_number_pad_date_and_offers_number_pads(app, client):
    page = client.get("/dang-ky").get_data(as_text=True)
    for name in ("date_of_birth", "phone", "national_id"):
        tag = page[page.index(f'id="{name}"') - 200 : page.index(f'id="{name}"') + 300]
        assert 'inputmode="numeric"' in tag, name
    for hint in ('autocomplete="name"', 'autocomplete="tel"', 'autocomplete="email"'):
        assert hint in page
    assert page.count('autocomplete="new-password"') == 2
    assert '<label for="agency-search"' in page
    assert register(client, date_of_birth="15031990").status_code == 302
    with app.app_context():
        assert db.session.execute(select(User.date_of_birth)).scalar_one() == date(1990, 3, 15)


def test_login_page_offers_autocomplete_hints(client):
    page = client.get("/dang-nhap").get_data(as_text=True)
    assert 'autocomplete="username"' in page and 'autocomplete="current-password"' in page

"""Rate limits: shared by every worker and host through Redis, keyed by account when logged in."""

import os
import socket

import pytest

from contest import create_app
from contest.extensions import db, limiter
from tests.factories import csrf_token, login, make_user

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(
    not redis_answers() and not os.environ.get("CI"),
    reason="Redis rate-limit tests skipped: nothing answers on 127.0.0.1:6379",
)


@pytest.fixture
def hosts(app):
    """Make apps as other gunicorn workers or hosts would be: same database, same Redis."""
    made = []

    def make():
        made.append(limited_app(app))
        # Flask-Limiter is one object per process; start each test from empty counters.
        limiter.reset()
        return made[-1]

    yield make
    for host in made:
        with host.app_context():
            db.engine.dispose()


def limited_app(app):
    config = {key: app.config[key] for key in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI")}
    config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=REDIS_URL)
    return create_app(config)


def wrong_login(client):
    token = csrf_token(client, "/dang-nhap")
    return client.post(
        "/dang-nhap", data={"identifier": "0912000001", "password": "sai", "csrf_token": token}
    )


@needs_redis
def test_login_limit_is_shared_between_hosts(app, hosts):
    with app.app_context():
        make_user()
    host_a, host_b = hosts(), hosts()
    client_a, client_b = host_a.test_client(), host_b.test_client()
    for i in range(30):
        assert wrong_login(client_a if i % 2 else client_b).status_code == 200
    refused = wrong_login(client_a)
    assert refused.status_code == 429
    assert "Bạn thao tác quá nhanh" in refused.get_data(as_text=True)
    assert wrong_login(client_b).status_code == 429


ANSWER = {"position": 1, "chosen": [0]}


@needs_redis
def test_logged_in_limits_are_per_account_not_per_address(app, hosts):
    with app.app_context():
        make_user(phone="0912000001")
        make_user(phone="0912000002")
    host = hosts()
    first, second = host.test_client(), host.test_client()
    assert login(first, "0912000001").status_code == 302
    assert login(second, "0912000002").status_code == 302
    token = csrf_token(first)
    # Both come from the same address (an office behind one NAT); saves to a missing attempt
    # still pass through the limiter before the 404.
    statuses = [
        first.post("/bai-thi/999/luu", json=ANSWER, headers={"X-CSRFToken": token}).status_code
        for _ in range(601)
    ]
    assert statuses[:600] == [404] * 600
    assert statuses[600] == 429
    token = csrf_token(second)
    assert (
        second.post("/bai-thi/999/luu", json=ANSWER, headers={"X-CSRFToken": token}).status_code
        == 404
    )


@needs_redis
def test_answer_saves_that_go_through_are_capped_per_question_not_per_account(app, hosts):
    """The account limit counts refusals and predictions only: a participant answering and
    changing answers is never stopped by it; the per-question cap stops a stuck page."""
    from tests.web.test_quiz import attempt_id_from, save, setup_round, start

    round_id = setup_round(app)
    host = hosts()
    client = host.test_client()
    assert login(client, "0912000001").status_code == 302
    attempt_id = attempt_id_from(start(client, round_id))
    token = csrf_token(client)
    statuses = [
        save(client, attempt_id, {"position": n % 10 + 1, "chosen": [n % 2]}, token).status_code
        for n in range(700)
    ]
    assert statuses == [200] * 700
    # Refused saves still count against the account, whatever the reason: 600 in 10 minutes,
    # then 429.
    impossible = [
        save(client, attempt_id, {"position": 1, "chosen": [9]}, token).status_code
        for _ in range(300)
    ]
    missing = [
        save(client, 999, {"position": 1, "chosen": [0]}, token).status_code for _ in range(301)
    ]
    assert impossible + missing == [400] * 300 + [404] * 300 + [429]


def test_limits_for_every_route_are_refused_rather_than_silently_ignored(app):
    """RouteLimiter checks the limits declared on routes only (it skips Flask-Limiter's check
    before every request): an application-wide limit in the configuration would not apply."""
    config = {key: app.config[key] for key in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI")}
    config["RATELIMIT_DEFAULT"] = "100/minute"
    with pytest.raises(RuntimeError, match="RATELIMIT_DEFAULT"):
        create_app(config)

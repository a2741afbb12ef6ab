"""What our overrides rely on in Flask-Limiter, Flask-WTF and limits: these fail first when a
new release changes it (their versions are bounded in pyproject.toml)."""

import inspect

from flask_limiter import Limiter
from flask_wtf.csrf import CSRFProtect
from limits.storage import MemoryStorage
from limits.strategies import SlidingWindowCounterRateLimiter

from contest import create_app
from contest.extensions import db, limiter
from tests.factories import csrf_token, make_user


def parameters(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_the_private_methods_we_override_are_still_there_with_their_parameters():
    # RouteLimiter skips the check before every request (extensions.py).
    assert parameters(Limiter._check_request_limit) == ["self", "callable_name", "in_middleware"]
    # HeaderFirstCSRFProtect reads the header before the form (extensions.py).
    assert parameters(CSRFProtect._get_csrf_token) == ["self"]
    # The log-in throttles compute the sliding window's wait (auth/throttles.py).
    assert parameters(MemoryStorage.get_sliding_window) == ["self", "key", "expiry"]
    storage = MemoryStorage()
    assert SlidingWindowCounterRateLimiter(storage).storage is storage


def test_a_limit_declared_on_a_route_is_still_checked(app):
    """RouteLimiter skips only the check that has nothing to find; a route's own limit holds."""
    config = {key: app.config[key] for key in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI")}
    config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    limited = create_app(config)

    @limited.get("/thu-gioi-han")
    @limiter.limit("2/minute")
    def probe():
        return "ok"

    client = limited.test_client()
    assert [client.get("/thu-gioi-han").status_code for _ in range(3)] == [200, 200, 429]
    with limited.app_context():
        db.engine.dispose()


def test_the_csrf_header_is_judged_before_the_form(app, client):
    with app.app_context():
        make_user(phone="0912000001")
    token = csrf_token(client, "/dang-nhap")
    form = {"identifier": "0912000001", "password": "mat-khau-8", "csrf_token": token}
    # A valid form token does not save a request whose header holds a wrong one...
    refused = client.post("/dang-nhap", data=form, headers={"X-CSRFToken": "sai"})
    assert refused.status_code == 400
    # ...and a valid header token is enough on its own.
    del form["csrf_token"]
    assert client.post("/dang-nhap", data=form, headers={"X-CSRFToken": token}).status_code == 302

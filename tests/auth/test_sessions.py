"""Sessions that end: a cookie copied before log-out, remember-me limits, Secure cookies."""

import re
from datetime import timedelta

from sqlalchemy import select

from contest.extensions import db
from contest.models import User
from tests.attempts.test_quiz import attempt_id_from, save, setup_round, start
from tests.factories import csrf_token, login, make_user


def logged_in(client) -> bool:
    return "Đăng xuất" in client.get("/").get_data(as_text=True)


def copy_cookies(source, target) -> None:
    """What someone who copied the browser's cookies (a shared computer, a stolen cookie) holds."""
    for name in ("session", "remember_token"):
        cookie = source.get_cookie(name)
        if cookie is not None:
            target.set_cookie(name, cookie.value)


def log_out(client):
    return client.post("/dang-xuat", data={"csrf_token": csrf_token(client)})


def test_a_session_cookie_copied_before_log_out_is_refused_after_it(app):
    with app.app_context():
        make_user(phone="0912000001")
    browser, thief = app.test_client(), app.test_client()
    login(browser, "0912000001")
    copy_cookies(browser, thief)
    assert logged_in(thief)
    assert log_out(browser).status_code == 302
    assert not logged_in(browser)
    assert not logged_in(thief)
    # Logging in again makes a new session; the old copy stays dead.
    login(browser, "0912000001")
    assert logged_in(browser) and not logged_in(thief)


def test_a_remember_me_cookie_copied_before_log_out_is_refused_after_it(app):
    with app.app_context():
        make_user(phone="0912000001")
    browser, thief = app.test_client(), app.test_client()
    token = csrf_token(browser, "/dang-nhap")
    browser.post(
        "/dang-nhap",
        data={
            "identifier": "0912000001",
            "password": "mat-khau-8",
            "remember": "y",
            "csrf_token": token,
        },
    )
    remember = browser.get_cookie("remember_token")
    assert remember is not None
    # The remember-me cookie alone (the browser was closed) restores the session...
    thief.set_cookie("remember_token", remember.value)
    assert logged_in(thief)
    log_out(browser)
    # ...until the person logs out anywhere.
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember.value)
    assert not logged_in(fresh)


def test_remember_me_lasts_thirty_days_and_staff_get_none(app):
    with app.app_context():
        make_user(phone="0912000001")
        make_user(phone="0912000002", role="organizer", group="can_bo")
        make_user(phone="0912000003", role="judge", group="can_bo")
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=30)
    for phone, remembered in (("0912000001", True), ("0912000002", False), ("0912000003", False)):
        client = app.test_client()
        token = csrf_token(client, "/dang-nhap")
        response = client.post(
            "/dang-nhap",
            data={
                "identifier": phone,
                "password": "mat-khau-8",
                "remember": "y",
                "csrf_token": token,
            },
        )
        assert response.status_code == 302
        cookie = client.get_cookie("remember_token")
        assert (cookie is not None) == remembered, phone
        if remembered:
            set_cookie = next(
                h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token")
            )
            assert "Max-Age=2592000" in set_cookie or "Expires=" in set_cookie


def test_an_answer_save_from_a_copied_cookie_is_refused_after_log_out(app):
    round_id = setup_round(app)
    browser, thief = app.test_client(), app.test_client()
    login(browser, "0912000001")
    attempt_id = attempt_id_from(start(browser, round_id))
    token = csrf_token(browser)
    copy_cookies(browser, thief)
    assert save(thief, attempt_id, {"position": 1, "chosen": [0]}, token).json["ok"]
    # The prediction and refused saves take another path: check both after log-out.
    log_out(browser)
    for body in ({"position": 1, "chosen": [1]}, {"position": 99, "chosen": [0]}):
        reply = save(thief, attempt_id, body, token)
        assert reply.status_code == 401, body
        assert reply.json["code"] == "login_required"
    # The answer saved before the log-out is kept.
    with app.app_context():
        from contest.models import AttemptItem

        item = db.session.execute(
            select(AttemptItem).where(
                AttemptItem.attempt_id == attempt_id, AttemptItem.position == 1
            )
        ).scalar_one()
        assert item.chosen == [0]


def test_log_out_ends_the_session_version_once_per_log_out(app, client):
    with app.app_context():
        user_id = make_user(phone="0912000001").id
    for expected in (1, 2):
        login(client, "0912000001")
        log_out(client)
        with app.app_context():
            assert db.session.get(User, user_id).session_version == expected


def cookies_set(response) -> list[str]:
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies
    return cookies


def test_cookies_are_secure_over_https_behind_the_trusted_proxy(app):
    from contest import create_app

    with app.app_context():
        make_user(phone="0912000001")
    config = {k: app.config[k] for k in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI")}
    config.update(RATELIMIT_ENABLED=False, TRUSTED_PROXY_HOPS=1)
    proxied = create_app(config)
    # nginx talks plain HTTP to the app and says in X-Forwarded-Proto how the browser came.
    for proto, secure in (("https", True), ("http", False)):
        client = proxied.test_client()
        client.environ_base.update(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_PROTO=proto)
        cookies = cookies_set(client.get("/dang-nhap"))
        assert all(("; Secure" in c) == secure for c in cookies), cookies
    # Without a trusted proxy, a client's own X-Forwarded-Proto is not believed.
    direct = app.test_client()
    direct.environ_base.update(HTTP_X_FORWARDED_PROTO="https")
    assert all("; Secure" not in c for c in cookies_set(direct.get("/dang-nhap")))
    # SECURE_COOKIES marks every cookie Secure, the remember-me cookie too.
    config.update(TRUSTED_PROXY_HOPS=0, SECURE_COOKIES=True)
    always_app = create_app(config)
    browser = always_app.test_client()
    page = browser.get("/dang-nhap", base_url="https://localhost")
    assert all("; Secure" in c for c in cookies_set(page))
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.get_data(as_text=True)).group(1)
    # Over HTTPS Flask-WTF also checks that the Referer is this site, as browsers send it.
    response = browser.post(
        "/dang-nhap",
        base_url="https://localhost",
        headers={"Referer": "https://localhost/dang-nhap"},
        data={
            "identifier": "0912000001",
            "password": "mat-khau-8",
            "remember": "y",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    cookies = cookies_set(response)
    assert any(c.startswith("remember_token=") for c in cookies), cookies
    assert all("; Secure" in c for c in cookies), cookies
    for made in (proxied, always_app):
        with made.app_context():
            db.engine.dispose()

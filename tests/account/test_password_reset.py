"""Passwords: changing one ends every other session, a temporary one must be changed first,
and a forgotten one is reset through a single-use link mailed by a real SMTP server."""

import email
import email.policy
import logging
import re
import socket
import time

import itsdangerous.timed
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from contest import create_app
from contest.account import tokens
from contest.extensions import db, limiter
from contest.models import User
from tests.attempts.test_quiz import attempt_id_from, save, setup_round, start
from tests.factories import PASSWORD, csrf_token, login, make_user

CHANGE = "/tai-khoan/doi-mat-khau"
FORGOT = "/tai-khoan/quen-mat-khau"
NEW_PASSWORD = "mat-khau-moi-9"
SAME_ANSWER = "Nếu tài khoản có email, chúng tôi đã gửi hướng dẫn đặt lại mật khẩu"
CONTACT = "Ban Tổ chức: 0238 3123 456, bantochuc@sonoivu.example.vn"
INVALID_LINK = "Liên kết đặt lại mật khẩu không hợp lệ, đã hết hạn (sau 30 phút) hoặc đã được dùng."


def logged_in_page(client) -> bool:
    html = client.get("/").get_data(as_text=True)
    assert ("Đăng xuất" in html) != ("Đăng nhập" in html.split("<main>")[0])
    return "Đăng xuất" in html


def copy_cookies(source, target) -> None:
    """What someone who copied the browser's cookies would hold."""
    for name in ("session", "remember_token"):
        cookie = source.get_cookie(name)
        if cookie is not None:
            target.set_cookie(name, cookie.value)


def change_password(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    data = {
        "current_password": current,
        "password": new,
        "confirm": new if confirm is None else confirm,
        "csrf_token": csrf_token(client, CHANGE),
    }
    return client.post(CHANGE, data=data)


def stored(app, phone) -> User:
    with app.app_context():
        user = db.session.execute(select(User).where(User.phone == phone)).scalar_one()
        db.session.expunge(user)
        return user


# Changing the password


def test_a_changed_password_ends_copied_cookies_and_keeps_this_browser(app):
    with app.app_context():
        make_user("0912000001")
    browser = app.test_client()
    token = csrf_token(browser, "/dang-nhap")
    browser.post(
        "/dang-nhap",
        data={
            "identifier": "0912000001",
            "password": PASSWORD,
            "remember": "y",
            "csrf_token": token,
        },
    )
    assert browser.get_cookie("remember_token") is not None
    copied, remembered_only = app.test_client(), app.test_client()
    copy_cookies(browser, copied)
    assert logged_in_page(copied)
    version = stored(app, "0912000001").session_version

    response = change_password(browser)
    assert response.status_code == 302
    assert "Đã đổi mật khẩu." in browser.get(response.headers["Location"]).get_data(as_text=True)
    assert stored(app, "0912000001").session_version == version + 1
    assert logged_in_page(browser)
    assert not logged_in_page(copied)  # the session and remember-me cookie copied before
    # The browser's new remember-me cookie carries the new version: it alone logs in.
    remembered_only.set_cookie("remember_token", browser.get_cookie("remember_token").value)
    assert logged_in_page(remembered_only)

    assert "mật khẩu không đúng" in login(app.test_client(), "0912000001").get_data(as_text=True)
    assert login(app.test_client(), "0912000001", NEW_PASSWORD).status_code == 302


def test_a_wrong_current_password_or_a_bad_new_one_is_refused_in_vietnamese(app, client):
    with app.app_context():
        make_user("0912000001")
    login(client, "0912000001")
    html = change_password(client, current="sai-mat-khau").get_data(as_text=True)
    assert "Mật khẩu hiện tại không đúng." in html
    html = change_password(client, new="ngan").get_data(as_text=True)
    assert "Mật khẩu mới: cần từ 8 đến 128 ký tự." in html
    html = change_password(client, confirm="khac-han-nhau").get_data(as_text=True)
    assert "Hai mật khẩu không khớp nhau." in html
    html = change_password(client, new=PASSWORD).get_data(as_text=True)
    assert "Mật khẩu mới phải khác mật khẩu hiện tại." in html
    html = change_password(client, current="").get_data(as_text=True)
    assert "Vui lòng nhập mật khẩu hiện tại." in html
    assert stored(app, "0912000001").check_password(PASSWORD)
    assert logged_in_page(client)


def test_the_change_page_needs_a_log_in(client):
    response = client.get(CHANGE)
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


# A temporary password


def test_a_temporary_password_must_be_changed_before_anything_else(app, client):
    with app.app_context():
        make_user("0912000001", must_change_password=True)
    assert login(client, "0912000001").status_code == 302
    for path in (
        "/",
        "/bai-thi-cua-toi",
        "/tai-khoan/ho-so",
        FORGOT,
        "/giam-khao/",
        "/giam-khao/thay-doi-ho-so/",
        "/to-chuc/",
        "/dang-nhap",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"] == CHANGE, path
    html = client.get(CHANGE).get_data(as_text=True)
    assert html.count("Bạn cần đổi mật khẩu tạm thời trước khi tiếp tục.") == 1
    assert "mật khẩu tạm thời do Ban Tổ chức cấp" in html
    with client.get("/static/style.css") as static:
        assert static.status_code == 200
    # The temporary password is the current one.
    assert change_password(client, current="sai-mat-khau").status_code == 200
    assert change_password(client).status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/tai-khoan/ho-so").status_code == 200
    assert stored(app, "0912000001").must_change_password is False


def test_a_temporary_password_can_still_log_out(app, client):
    with app.app_context():
        make_user("0912000001", must_change_password=True)
    login(client, "0912000001")
    token = csrf_token(client, CHANGE)
    assert client.post("/dang-xuat", data={"csrf_token": token}).headers["Location"] == "/"
    assert not logged_in_page(client)


def test_the_answer_save_is_not_redirected_for_a_temporary_password(app, client):
    round_id = setup_round(app)
    login(client, "0912000001")
    attempt_id = attempt_id_from(start(client, round_id))
    with app.app_context():
        user = db.session.execute(select(User).where(User.phone == "0912000001")).scalar_one()
        user.must_change_password = True
        db.session.commit()
    token = csrf_token(client, CHANGE)
    assert client.get(f"/bai-thi/{attempt_id}").headers["Location"] == CHANGE
    response = save(client, attempt_id, {"position": 1, "chosen": [0]}, token)
    assert response.status_code == 200
    assert response.json["ok"] is True


# A forgotten password, with a real SMTP server


class Collector:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(app):
    handler = Collector()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.port = port
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_DEFAULT_SENDER="Ban Tổ chức cuộc thi <bantochuc@example.vn>",
        ORGANIZER_CONTACT=CONTACT,
    )
    yield handler
    controller.stop()


def forgot(client, identifier, **kwargs):
    token = csrf_token(client, FORGOT) if "csrf" not in kwargs else kwargs.pop("csrf")
    return client.post(FORGOT, data={"identifier": identifier, "csrf_token": token}, **kwargs)


def link_in(message) -> str:
    return re.search(r"https?://\S+/tai-khoan/dat-lai-mat-khau/\S+", message.get_content()).group(0)


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def reset(client, path, password=NEW_PASSWORD):
    token = csrf_token(client, "/dang-nhap")
    return client.post(path, data={"password": password, "confirm": password, "csrf_token": token})


def without_tokens(html: str) -> str:
    return re.sub(r'(name="csrf[-_]token"[^>]*(content|value)=)"[^"]*"', r"\1", html)


def test_the_mail_arrives_in_vietnamese_and_its_link_works_once(app, smtp):
    with app.app_context():
        make_user("0912000001", full_name="Trần Thị Bình", email="binh@example.vn")
    client = app.test_client()
    login_page = client.get("/dang-nhap").get_data(as_text=True)
    assert f'href="{FORGOT}"' in login_page and "Quên mật khẩu?" in login_page
    assert CONTACT in client.get(FORGOT).get_data(as_text=True)

    response = forgot(client, "0912 000 001")
    assert response.status_code == 200
    assert SAME_ANSWER in response.get_data(as_text=True)
    assert CONTACT in response.get_data(as_text=True)
    assert smtp.recipients == [["binh@example.vn"]]
    message = smtp.messages[0]
    assert message["Subject"].strip() == "Đặt lại mật khẩu tài khoản Thi Trực Tuyến"
    assert message["From"].addresses[0].display_name == "Ban Tổ chức cuộc thi"
    assert message.get_content_type() == "text/plain"
    body = message.get_content()
    assert "Xin chào Trần Thị Bình," in body
    assert "có hiệu lực trong 30 phút và chỉ dùng được một lần" in body
    link = link_in(message)
    assert link.startswith("http://localhost/tai-khoan/dat-lai-mat-khau/")

    page = client.get(path_of(link))
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "Đặt lại mật khẩu" in page.get_data(as_text=True)
    html = reset(client, path_of(link), "ngan").get_data(as_text=True)
    assert "Mật khẩu mới: cần từ 8 đến 128 ký tự." in html
    response = reset(client, path_of(link))
    assert response.status_code == 302 and response.headers["Location"] == "/dang-nhap"
    assert "Đã đặt mật khẩu mới." in client.get("/dang-nhap").get_data(as_text=True)
    assert login(app.test_client(), "0912000001", NEW_PASSWORD).status_code == 302
    assert login(app.test_client(), "0912000001").status_code == 200  # the old one: refused

    # Used once: the link no longer works, to look at or to set another password.
    for again in (client.get(path_of(link)), reset(client, path_of(link), "mat-khau-thu-ba")):
        assert again.status_code == 400
        assert INVALID_LINK in again.get_data(as_text=True)
    assert login(app.test_client(), "0912000001", NEW_PASSWORD).status_code == 302


def test_a_reset_ends_every_session_and_clears_a_temporary_password(app, smtp):
    with app.app_context():
        make_user("0912000001", email="binh@example.vn", must_change_password=True)
    elsewhere = app.test_client()
    login(elsewhere, "0912000001")
    assert elsewhere.get("/").headers["Location"] == CHANGE
    client = app.test_client()
    forgot(client, "BINH@example.vn")
    assert reset(client, path_of(link_in(smtp.messages[0]))).status_code == 302
    assert not logged_in_page(elsewhere)
    assert stored(app, "0912000001").must_change_password is False
    fresh = app.test_client()
    login(fresh, "0912000001", NEW_PASSWORD)
    assert logged_in_page(fresh)


def test_an_expired_link_is_refused(app, smtp, monkeypatch):
    with app.app_context():
        make_user("0912000001", email="binh@example.vn")
    client = app.test_client()
    forgot(client, "0912000001")
    path = path_of(link_in(smtp.messages[0]))

    class Later:
        """itsdangerous reads the time through `time.time`: move its clock only."""

        def __init__(self, seconds):
            self.seconds = seconds

        def time(self):
            return time.time() + self.seconds

    monkeypatch.setattr(itsdangerous.timed, "time", Later(29 * 60))
    assert client.get(path).status_code == 200
    monkeypatch.setattr(itsdangerous.timed, "time", Later(31 * 60))
    for response in (client.get(path), reset(client, path)):
        assert response.status_code == 400
        assert INVALID_LINK in response.get_data(as_text=True)
    monkeypatch.undo()
    assert stored(app, "0912000001").check_password(PASSWORD)


def test_unknown_accounts_and_accounts_without_email_get_the_same_answer_and_no_mail(app, smtp):
    with app.app_context():
        make_user("0912000001", email="binh@example.vn")
        make_user("0912000002", email=None)
    answers = []
    for identifier in ("0912000001", "0912000002", "0999999999", "khong-co@example.vn"):
        response = forgot(app.test_client(), identifier)
        assert response.status_code == 200
        answers.append(without_tokens(response.get_data(as_text=True)))
    assert SAME_ANSWER in answers[0]
    assert answers[1:] == answers[:1] * 3
    assert smtp.recipients == [["binh@example.vn"]]


def test_without_a_mail_server_the_page_says_whom_to_contact(app):
    app.config["ORGANIZER_CONTACT"] = CONTACT
    with app.app_context():
        make_user("0912000001", email="binh@example.vn")
    client = app.test_client()
    html = client.get(FORGOT).get_data(as_text=True)
    assert CONTACT in html and "Hệ thống hiện chưa gửi được thư điện tử." in html
    assert 'name="identifier"' not in html
    response = forgot(client, "0912000001", csrf=csrf_token(client, "/dang-nhap"))
    assert response.status_code == 200 and CONTACT in response.get_data(as_text=True)


def test_the_default_contact_is_a_vietnamese_sentence(app):
    html = app.test_client().get(FORGOT).get_data(as_text=True)
    assert "Số điện thoại và email của Ban Tổ chức có trong thể lệ cuộc thi." in html


def test_a_mail_server_that_is_down_still_gets_the_same_answer(app, smtp, caplog):
    # The migrations' logging set-up runs in this process too, and must leave this logger on.
    assert not logging.getLogger("contest.account.mail").disabled
    with app.app_context():
        make_user("0912000001", email="binh@example.vn")
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    response = forgot(app.test_client(), "0912000001")
    assert response.status_code == 200
    assert SAME_ANSWER in response.get_data(as_text=True)
    assert "password-reset mail" in caplog.text
    assert smtp.messages == []


def test_links_are_built_on_public_url_whatever_the_host_header_says(app, smtp):
    with app.app_context():
        make_user("0912000001", email="binh@example.vn")
    app.config["PUBLIC_URL"] = "https://thi.example.gov.vn/"
    client = app.test_client()
    page = client.get(FORGOT, base_url="http://evil.example").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    response = client.post(
        FORGOT,
        base_url="http://evil.example",
        data={"identifier": "0912000001", "csrf_token": token},
    )
    assert SAME_ANSWER in response.get_data(as_text=True)
    link = link_in(smtp.messages[0])
    assert link.startswith("https://thi.example.gov.vn/tai-khoan/dat-lai-mat-khau/")
    assert "evil" not in smtp.messages[0].get_content()


def test_garbage_tampered_or_foreign_tokens_are_refused_never_a_500(app, smtp):
    with app.app_context():
        user_id = make_user("0912000001", email="binh@example.vn").id
    client = app.test_client()
    forgot(client, "0912000001")
    good = path_of(link_in(smtp.messages[0])).rsplit("/", 1)[1]
    tampered = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")
    with app.app_context():
        password_hash = db.session.get(User, user_id).password_hash
    foreign = tokens.make_token(["another-secret"], user_id, password_hash)
    nobody = tokens.make_token([app.secret_key], user_id + 1000, password_hash)
    not_a_dict = itsdangerous.URLSafeTimedSerializer(app.secret_key, salt="password-reset").dumps(
        [user_id]
    )
    for token in (
        "garbage",
        "a.b.c",
        "..",
        tampered,
        foreign,
        nobody,
        not_a_dict,
        "%E2%82%AC",
        "x" * 3000,
    ):
        for response in (
            client.get(f"/tai-khoan/dat-lai-mat-khau/{token}"),
            reset(client, f"/tai-khoan/dat-lai-mat-khau/{token}"),
        ):
            assert response.status_code == 400, token
            assert INVALID_LINK in response.get_data(as_text=True), token
    assert stored(app, "0912000001").check_password(PASSWORD)


def test_forgot_requests_are_limited_per_identifier_and_per_address(app, smtp):
    config = {key: app.config[key] for key in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI")}
    config.update(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp.port,
    )
    limited = create_app(config)
    limiter.reset()
    try:
        client = limited.test_client()
        for _ in range(5):
            assert forgot(client, "0912000001").status_code == 200
        refused = forgot(client, "0912 000 001")
        assert refused.status_code == 429
        assert "Bạn đã yêu cầu đặt lại mật khẩu quá nhiều lần." in refused.get_data(as_text=True)
        assert "thử lại sau khoảng" in refused.get_data(as_text=True)
        assert 'value="0912 000 001"' in refused.get_data(as_text=True)  # what was typed stays
        assert int(refused.headers["Retry-After"]) > 0
        assert forgot(client, "0912000002").status_code == 200  # another person: counted apart
        # One address asking for many accounts (unknown ones too) meets the address's limit.
        from contest.auth.throttles import ADDRESS_RESET_REQUESTS

        allowed = ADDRESS_RESET_REQUESTS.limits[0].amount
        office = limited.test_client()
        office.environ_base.update(REMOTE_ADDR="203.0.113.20")
        statuses = [forgot(office, f"09130{n:05d}").status_code for n in range(allowed + 1)]
        assert statuses == [200] * allowed + [429]
        assert "cùng một mạng" in forgot(office, "0913099999").get_data(as_text=True)
    finally:
        limiter.reset()
        with limited.app_context():
            db.engine.dispose()


def test_mail_settings_and_the_contact_come_from_the_environment(monkeypatch):
    from contest.config import DEFAULTS, apply_environment

    for name, value in {
        "MAIL_SERVER": "smtp.example.gov.vn",
        "MAIL_PORT": "587",
        "MAIL_USERNAME": "thi@example.gov.vn",
        "MAIL_PASSWORD": "bi-mat",
        "MAIL_USE_TLS": "yes",
        "MAIL_USE_SSL": "0",
        "MAIL_DEFAULT_SENDER": "Ban Tổ chức <thi@example.gov.vn>",
        "ORGANIZER_CONTACT": CONTACT,
        "PUBLIC_URL": "https://thi.example.gov.vn",
    }.items():
        monkeypatch.setenv(name, value)
    config = dict(DEFAULTS)
    apply_environment(config)
    assert (config["MAIL_SERVER"], config["MAIL_PORT"]) == ("smtp.example.gov.vn", 587)
    assert (config["MAIL_USE_TLS"], config["MAIL_USE_SSL"]) == (True, False)
    assert config["MAIL_USERNAME"] == "thi@example.gov.vn" and config["MAIL_PASSWORD"] == "bi-mat"
    assert config["MAIL_DEFAULT_SENDER"] == "Ban Tổ chức <thi@example.gov.vn>"
    assert config["ORGANIZER_CONTACT"] == CONTACT
    assert config["PUBLIC_URL"] == "https://thi.example.gov.vn"

"""The password rule at every place a password is set: registration, the change, the reset
link, staff creation and temporary passwords (web and command line), the command line's own
set-password; for participants (8 characters) and staff (12), never a common password."""

import re

import pytest
from sqlalchemy import select

from contest.account import service as account_service
from contest.domain.passwords import problem
from contest.extensions import db
from contest.models import User
from contest.users import service as users
from tests.auth.test_auth import VALID
from tests.factories import PASSWORD, csrf_token, login, make_user

CHANGE = "/tai-khoan/doi-mat-khau"
COMMON = "quá phổ biến"
STAFF_LENGTH = "cần mật khẩu từ 12 đến 128 ký tự"
ELEVEN = "lua-ngo-xa1"  # 11 characters: a participant's, never a staff account's
TWELVE = "lua-ngo-xa12"
PASSWORD_LINE = re.compile(r"^Mật khẩu tạm thời[^:]*: (\S+)$", re.MULTILINE)


def stored(app, phone) -> User:
    with app.app_context():
        user = db.session.execute(select(User).where(User.phone == phone)).scalar_one()
        db.session.expunge(user)
        return user


def register(client, password, phone="+84 912.345.678"):
    data = {**VALID, "phone": phone, "password": password, "confirm": password}
    return client.post("/dang-ky", data={**data, "csrf_token": csrf_token(client, "/dang-ky")})


def change(client, new, current=PASSWORD):
    data = {"current_password": current, "password": new, "confirm": new}
    return client.post(CHANGE, data={**data, "csrf_token": csrf_token(client, CHANGE)})


def account_count(app) -> int:
    with app.app_context():
        return len(db.session.execute(select(User.id)).all())


@pytest.mark.parametrize(
    "password, message",
    [
        ("matkhau123", COMMON),
        ("MatKhau123", COMMON),
        ("12345678", COMMON),
        ("abc123456", COMMON),
        ("football", COMMON),
        ("0912345678", "số điện thoại của chính bạn"),
        ("an.nguyen@example.vn", "địa chỉ email của chính bạn"),
        ("ngan-qua", None),  # 8 characters, not common: accepted
    ],
)
def test_registration_refuses_common_passwords_and_the_own_phone(app, client, password, message):
    response = register(client, password)
    html = response.get_data(as_text=True)
    if message is None:
        assert response.status_code == 302
        assert stored(app, "0912345678").check_password(password)
        return
    assert response.status_code == 200 and account_count(app) == 0
    assert f"Mật khẩu: {'mật khẩu này ' if message == COMMON else ''}" in html
    assert message in html


def test_registration_of_someone_else_phone_as_password_is_judged_as_a_password(app, client):
    assert register(client, "0987612345").status_code == 302  # another number: not common


@pytest.mark.parametrize("role", ["participant", "organizer", "judge", "focal_point"])
def test_the_change_applies_the_minimum_of_the_accounts_role(app, role):
    staff = role != "participant"
    with app.app_context():
        make_user("0912000001", role=role, group="can_bo" if staff else "nhan_dan")
    client = app.test_client()
    assert login(client, "0912000001").status_code == 302
    page = client.get(CHANGE).get_data(as_text=True)
    assert f"Từ {12 if staff else 8} đến 128 ký tự" in page

    html = change(client, "matkhau123").get_data(as_text=True)
    assert "Mật khẩu mới: mật khẩu này quá phổ biến" in html
    response = change(client, ELEVEN)
    if staff:
        assert response.status_code == 200
        assert (
            f"Mật khẩu mới: tài khoản Ban Tổ chức, Ban Giám khảo và đầu mối cơ quan {STAFF_LENGTH}."
            in response.get_data(as_text=True)
        )
        assert stored(app, "0912000001").check_password(PASSWORD)  # nothing changed
        response = change(client, TWELVE)
        assert response.status_code == 302
        assert stored(app, "0912000001").check_password(TWELVE)
    else:
        assert response.status_code == 302
        assert stored(app, "0912000001").check_password(ELEVEN)


def test_the_change_refuses_the_accounts_own_phone(app, client):
    with app.app_context():
        make_user("0912583746")
    login(client, "0912583746")
    html = change(client, "0912583746").get_data(as_text=True)
    assert "Mật khẩu mới: không được dùng số điện thoại của chính bạn làm mật khẩu." in html
    assert stored(app, "0912583746").check_password(PASSWORD)


@pytest.mark.parametrize("role", ["participant", "judge"])
def test_the_reset_link_applies_the_rule_of_the_accounts_role(app, role):
    staff = role == "judge"
    with app.app_context():
        user = make_user("0912000002", role=role, email="binh@example.vn")
        token = account_service.reset_token([app.secret_key], user)
    path = f"/tai-khoan/dat-lai-mat-khau/{token}"
    client = app.test_client()

    def reset(password):
        data = {"password": password, "confirm": password}
        return client.post(path, data={**data, "csrf_token": csrf_token(client, "/dang-nhap")})

    html = reset("anhyeuem123").get_data(as_text=True)
    assert "Mật khẩu mới: mật khẩu này quá phổ biến" in html
    response = reset(ELEVEN)
    if staff:
        assert STAFF_LENGTH in response.get_data(as_text=True)
        assert stored(app, "0912000002").check_password(PASSWORD)
        response = reset(TWELVE)
    assert response.status_code == 302
    assert stored(app, "0912000002").check_password(TWELVE if staff else ELEVEN)


def test_the_service_refuses_what_a_form_would_let_through(app):
    """The services check on their own: a caller without the form cannot store a weak one."""
    with app.app_context():
        judge = make_user("0912000003", role="judge")
        with pytest.raises(account_service.WeakPassword, match="12 đến 128"):
            account_service.change_password(judge.id, PASSWORD, ELEVEN)
        with pytest.raises(account_service.WeakPassword, match=COMMON):
            account_service.change_password(judge.id, PASSWORD, "MatKhau123456")
        with pytest.raises(users.AccountError) as refused:
            users.set_password(judge.id, "qwertyuiop", users.COMMAND_LINE)
        assert refused.value.field == "password"
    assert stored(app, "0912000003").check_password(PASSWORD)


def test_every_generated_password_passes_the_staff_rule():
    for _ in range(300):
        password = users.temporary_password()
        assert problem(password, staff=True) is None


def test_staff_created_or_reset_get_passwords_that_pass_the_rule(app):
    with app.app_context():
        for role in ("organizer", "judge"):
            user, password = users.create_staff(role, "Lê Thị Hoa", f"09876543{len(role):02d}")
            assert problem(password, staff=True, phone=user.phone, email=user.email) is None
            assert user.check_password(password)
            again = users.reset_password(user.id, users.COMMAND_LINE)
            assert problem(again, staff=True, phone=user.phone) is None


def test_the_command_line_creates_with_a_passing_password_and_sets_only_accepted_ones(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--role",
            "judge",
            "--name",
            "Lê Văn Khoa",
            "--phone",
            "0987000111",
        ]
    )
    assert result.exit_code == 0, result.output
    temporary = PASSWORD_LINE.search(result.output).group(1)
    assert problem(temporary, staff=True) is None
    assert stored(app, "0987000111").check_password(temporary)

    def set_password(password):
        return runner.invoke(
            args=["users", "set-password", "0987000111"], input=f"{password}\n{password}\n"
        )

    for weak, message in ((ELEVEN, STAFF_LENGTH), ("MatKhau123456", COMMON)):
        result = set_password(weak)
        assert result.exit_code == 1 and message in result.output
        assert stored(app, "0987000111").check_password(temporary)
    version = stored(app, "0987000111").session_version
    result = set_password(TWELVE)
    assert result.exit_code == 0 and "Đã đặt mật khẩu" in result.output
    user = stored(app, "0987000111")
    assert user.check_password(TWELVE) and not user.must_change_password
    assert user.session_version == version + 1
    assert TWELVE not in result.output

    # A participant's password: 8 characters, never the own phone.
    with app.app_context():
        make_user("0912583746")
    own_phone = runner.invoke(
        args=["users", "set-password", "0912583746"], input="0912583746\n0912583746\n"
    )
    assert own_phone.exit_code == 1 and "số điện thoại của chính bạn" in own_phone.output
    accepted = runner.invoke(
        args=["users", "set-password", "0912583746"], input=f"{ELEVEN}\n{ELEVEN}\n"
    )
    assert accepted.exit_code == 0 and stored(app, "0912583746").check_password(ELEVEN)

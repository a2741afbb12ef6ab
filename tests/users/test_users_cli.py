"""`flask --app contest users …`: the first organizer of a fresh install, resets and roles."""

import re

import pytest
from sqlalchemy import func, select

from contest.extensions import db
from contest.models import User
from contest.users.service import PASSWORD_ALPHABET, temporary_password
from tests.factories import PASSWORD, login, make_user

PASSWORD_LINE = re.compile(r"^Mật khẩu tạm thời[^:]*: (\S+)$", re.MULTILINE)


def run(runner, *args):
    result = runner.invoke(args=["users", *args])
    return result.exit_code, result.output


def create(runner, role="organizer", name="Nguyễn Văn An", phone="0912345678", email=None):
    args = ["create", "--role", role, "--name", name, "--phone", phone]
    if email is not None:
        args += ["--email", email]
    return run(runner, *args)


def printed_password(output: str) -> str:
    return PASSWORD_LINE.search(output).group(1)


def account(app, phone="0912345678") -> User:
    with app.app_context():
        user = db.session.execute(select(User).where(User.phone == phone)).scalar_one()
        db.session.expunge(user)
        return user


def account_count(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(User)).scalar_one()


def changed_password(app, phone, password=PASSWORD):
    """As if the account's owner had replaced the temporary password."""
    with app.app_context():
        user = db.session.execute(select(User).where(User.phone == phone)).scalar_one()
        user.set_password(password)
        user.must_change_password = False
        db.session.commit()


def logged_in(client) -> bool:
    # Followed: an account with a temporary password is first sent to change it.
    return "Đăng xuất" in client.get("/", follow_redirects=True).get_data(as_text=True)


def test_temporary_passwords_are_long_random_and_unambiguous():
    passwords = {temporary_password() for _ in range(200)}
    assert len(passwords) == 200
    for password in passwords:
        letters = password.replace("-", "")
        assert len(letters) >= 12
        assert set(letters) <= set(PASSWORD_ALPHABET)
    assert not set("0Oo1lIi") & set(PASSWORD_ALPHABET)


def test_first_organizer_of_a_fresh_install_logs_in_with_the_printed_password(app, runner, client):
    assert account_count(app) == 0
    code, output = create(
        runner,
        name="Nguye\u0302\u0303n  Va\u0306n An",  # typed decomposed (NFD), two spaces
        phone="+84 912 345 678",
        email=" An.Nguyen@Example.VN ",
    )
    assert code == 0, output
    password = printed_password(output)
    assert output.count(password) == 1
    assert len(password.replace("-", "")) >= 12

    user = account(app)
    assert user.role == "organizer"
    assert user.full_name == "Nguyễn Văn An"
    assert user.email == "an.nguyen@example.vn"
    assert user.participant_group == "can_bo"
    assert user.prize_eligible is False
    assert user.must_change_password is True
    # Stored only as a hash: the printed text is in no column of the row.
    assert user.password_hash != password
    with app.app_context():
        row = db.session.execute(select(User.__table__).where(User.id == user.id)).one()
    assert not any(password in str(value) for value in row)

    assert login(client, "0912345678", password).status_code == 302
    assert logged_in(client)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"phone": "+84 912.345.678", "email": "khac@example.vn"}, "Số điện thoại 0912345678"),
        ({"phone": "0987654321", "email": "AN@example.vn"}, "Email an@example.vn"),
    ],
)
def test_a_phone_or_email_already_used_is_refused_and_nothing_added(app, runner, changes, message):
    code, output = create(runner, email="an@example.vn")
    assert code == 0, output
    code, output = create(runner, role="judge", name="Lê Thị Hoa", **changes)
    assert code == 1
    assert message in output
    assert "đã được dùng cho một tài khoản khác" in output
    assert "Mật khẩu" not in output
    assert account_count(app) == 1


def test_a_participant_phone_cannot_become_a_second_account(app, runner):
    with app.app_context():
        make_user(phone="0912345678")
    code, output = create(runner)
    assert code == 1
    assert "Số điện thoại 0912345678 đã được dùng" in output
    assert account_count(app) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"phone": "12345"}, "Số điện thoại «12345» không hợp lệ"),
        ({"phone": " "}, "Số điện thoại không được để trống"),
        ({"email": "khong-phai-email"}, "Email «khong-phai-email» không hợp lệ"),
        ({"name": "   "}, "Họ và tên không được để trống"),
        ({"name": "A" * 121}, "Họ và tên dài quá 120 ký tự"),
    ],
)
def test_invalid_values_are_refused_with_a_clear_message(app, runner, changes, message):
    code, output = create(runner, **changes)
    assert code == 1
    assert message in output
    assert account_count(app) == 0


def test_roles_outside_the_choice_are_refused(app, runner):
    code, output = create(runner, role="participant")
    assert code == 2
    assert "participant" in output
    code, _ = create(runner, role="admin")
    assert code == 2
    assert account_count(app) == 0


def test_blank_email_is_null_so_two_staff_without_one_both_succeed(app, runner):
    assert create(runner, phone="0912000001")[0] == 0
    assert create(runner, role="judge", phone="0912000002", email="  ")[0] == 0
    assert account(app, "0912000001").email is None
    assert account(app, "0912000002").email is None


def test_reset_password_replaces_it_and_ends_every_session(app, runner, client):
    create(runner, email="an@example.vn")
    changed_password(app, "0912345678")
    assert login(client, "0912345678").status_code == 302
    assert logged_in(client)
    before = account(app)

    code, output = run(runner, "reset-password", "AN@Example.vn")
    assert code == 0, output
    password = printed_password(output)
    after = account(app)
    assert after.must_change_password is True
    assert after.session_version == before.session_version + 1
    assert after.password_hash != password

    assert not logged_in(client)  # the session opened before is over
    assert login(app.test_client(), "0912345678", PASSWORD).status_code == 200
    fresh = app.test_client()
    assert login(fresh, "0912345678", password).status_code == 302
    assert logged_in(fresh)


def test_reset_password_of_an_unknown_account_is_an_error(app, runner):
    code, output = run(runner, "reset-password", "0999999999")
    assert code == 1
    assert "Không có tài khoản nào có email hoặc số điện thoại «0999999999»" in output


def test_list_shows_staff_by_default_and_one_role_on_request(app, runner):
    create(runner, name="Nguyễn Văn An", phone="0912000001", email="an@example.vn")
    create(runner, role="judge", name="Lê Thị Hoà", phone="0912000002")
    with app.app_context():
        make_user(phone="0912000003", full_name="Trần Thị Bình")

    code, output = run(runner, "list")
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0].split() == [
        "ID",
        "VAI",
        "TRÒ",
        "HỌ",
        "VÀ",
        "TÊN",
        "ĐIỆN",
        "THOẠI",
        "EMAIL",
        "PHẢI",
        "ĐỔI",
        "MK",
    ]
    assert re.search(r"organizer\s+Nguyễn Văn An\s+0912000001\s+an@example.vn\s+có", output)
    assert re.search(r"judge\s+Lê Thị Hoà\s+0912000002\s+-\s+có", output)
    assert "Trần Thị Bình" not in output
    assert "2 tài khoản." in output

    code, output = run(runner, "list", "--role", "participant")
    assert code == 0, output
    assert re.search(
        r"participant\s+Trần Thị Bình\s+0912000003\s+0912000003@example.vn\s+không", output
    )
    assert "Nguyễn Văn An" not in output

    code, output = run(runner, "list", "--role", "judge")
    assert "Lê Thị Hoà" in output and "Nguyễn Văn An" not in output
    assert run(runner, "list", "--role", "admin")[0] == 2


def test_set_role_changes_the_role_and_ends_sessions(app, runner, client):
    create(runner, name="Nguyễn Văn An", phone="0912000001")
    create(runner, name="Lê Thị Hoa", phone="0912000002")
    changed_password(app, "0912000002")
    assert login(client, "0912000002").status_code == 302
    assert logged_in(client)
    before = account(app, "0912000002")

    code, output = run(runner, "set-role", "0912000002", "judge")
    assert code == 0, output
    assert "Ban Giám khảo" in output
    after = account(app, "0912000002")
    assert after.role == "judge"
    assert after.session_version == before.session_version + 1
    assert not logged_in(client)

    code, output = run(runner, "set-role", "0912000002", "judge")
    assert code == 0
    assert "Không thay đổi" in output
    assert account(app, "0912000002").session_version == after.session_version


def test_promoting_a_participant_makes_them_ineligible_for_prizes(app, runner):
    with app.app_context():
        make_user(phone="0912000003")
    code, output = run(runner, "set-role", "0912000003", "organizer")
    assert code == 0, output
    user = account(app, "0912000003")
    assert user.role == "organizer"
    assert user.prize_eligible is False


def test_the_last_organizer_cannot_be_demoted(app, runner):
    create(runner, phone="0912000001")
    before = account(app, "0912000001")
    for role in ("judge", "participant"):
        code, output = run(runner, "set-role", "0912000001", role)
        assert code == 1
        assert "tài khoản Ban Tổ chức cuối cùng" in output
    after = account(app, "0912000001")
    assert after.role == "organizer"
    assert after.session_version == before.session_version

    # With a second organizer, the first may step down; then the second is the last.
    create(runner, phone="0912000002")
    assert run(runner, "set-role", "0912000001", "participant")[0] == 0
    assert run(runner, "set-role", "0912000002", "judge")[0] == 1


def test_set_role_of_an_unknown_account_is_an_error(app, runner):
    code, output = run(runner, "set-role", "khong-co@example.vn", "judge")
    assert code == 1
    assert "Không có tài khoản nào" in output


def test_the_first_organizer_changes_the_temporary_password_then_runs_the_contest(
    app, runner, client
):
    """The whole first day of an install without the demo: the command line, the log-in, the
    forced change, then the organizer's console."""
    from tests.factories import csrf_token

    code, output = create(runner, phone="0912345678")
    assert code == 0, output
    temporary = printed_password(output)
    login(client, "0912345678", temporary)
    assert client.get("/to-chuc/").headers["Location"].endswith("/tai-khoan/doi-mat-khau")
    token = csrf_token(client, "/tai-khoan/doi-mat-khau")
    response = client.post(
        "/tai-khoan/doi-mat-khau",
        data={
            "current_password": temporary,
            "password": "mat-khau-rieng-cua-toi",
            "confirm": "mat-khau-rieng-cua-toi",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    assert client.get("/to-chuc/").status_code == 200
    assert account(app).must_change_password is False
    # The temporary password is gone; the chosen one works from a new browser.
    assert login(app.test_client(), "0912345678", temporary).status_code == 200
    assert login(app.test_client(), "0912345678", "mat-khau-rieng-cua-toi").status_code == 302

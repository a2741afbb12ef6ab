"""The organizer's actions on accounts: staff created in the browser, roles, disabling and
enabling, temporary passwords; each one audited without a secret, bad input a 4xx in
Vietnamese."""

import pytest

from contest.account import service as account_service
from contest.audit.service import COMMAND_LINE
from contest.extensions import db
from contest.models import AuditEvent
from contest.users import service as users
from tests.factories import PASSWORD, csrf_token, login, make_agency, make_user
from tests.people.conftest import (
    ORGANIZER_PHONE,
    account,
    account_by_phone,
    audit_events,
    logged_in,
    post,
    temporary_password,
)

CREATE = "/to-chuc/nguoi/can-bo/moi"


def create(client, **values):
    data = {"role": "judge", "full_name": "Lê Thị Hoa", "phone": "0987654321", "email": ""}
    return post(client, CREATE, {**data, **values}, page=CREATE)


@pytest.fixture
def agency_id(app):
    with app.app_context():
        return make_agency().id


@pytest.fixture
def participant(app, agency_id):
    with app.app_context():
        return make_user(
            phone="0912000111",
            full_name="Trần Văn Thí Sinh",
            national_id="001099000111",
            agency_id=agency_id,
        ).id


@pytest.mark.parametrize("role", ["organizer", "judge", "focal_point"])
def test_each_staff_role_is_created_and_logs_in_with_the_temporary_password(
    app, organizer, agency_id, role
):
    _, client = organizer
    assert client.get(CREATE).status_code == 200
    response = create(client, role=role, phone="+84 987 654 321", agency_id=agency_id)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = temporary_password(response)
    # Shown once, in the answer to the POST, never kept in the session's flash messages.
    with client.session_transaction() as session:
        assert password not in str(session.get("_flashes", ()))
    user = account_by_phone(app, "0987654321")
    assert user.role == role
    assert user.prize_eligible is False and user.ineligible_reason
    assert user.must_change_password is True
    assert user.participant_group == "can_bo"
    assert user.agency_id == (agency_id if role == "focal_point" else None)
    assert password not in user.password_hash
    assert password not in client.get(f"/to-chuc/nguoi/{user.id}").get_data(as_text=True)

    staff = app.test_client()
    assert login(staff, "0987654321", password).status_code == 302
    assert staff.get("/tai-khoan/ho-so").headers["Location"].endswith("/tai-khoan/doi-mat-khau")


def test_a_focal_point_needs_an_existing_agency(app, organizer):
    _, client = organizer
    for agency in ("", "0", "999999", "abc", "9" * 30):
        response = create(client, role="focal_point", agency_id=agency)
        assert response.status_code == 422, agency
        assert "Đầu mối phải gắn với một cơ quan, đơn vị" in response.get_data(as_text=True)
    with app.app_context(), pytest.raises(users.AccountError, match="cơ quan, đơn vị"):
        users.create_staff("focal_point", "Lê Hoa", "0987654321", None, COMMAND_LINE)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"role": "admin"}, "Vai trò «admin» không hợp lệ"),
        ({"role": "participant"}, "Chỉ tạo được tài khoản"),
        ({"phone": "12345"}, "Số điện thoại «12345» không hợp lệ"),
        ({"phone": ORGANIZER_PHONE}, "đã được dùng cho một tài khoản khác"),
        ({"full_name": "  "}, "Họ và tên không được để trống"),
        ({"email": "khong-phai-email"}, "không hợp lệ"),
    ],
)
def test_bad_staff_values_are_a_422_in_vietnamese(app, organizer, values, message):
    _, client = organizer
    response = create(client, **values)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert not db.session.query(AuditEvent).filter_by(action="user.created").count()


def test_disabling_ends_an_open_session_and_blocks_log_in_until_enabled(
    app, organizer, participant
):
    _, client = organizer
    person = app.test_client()
    assert login(person, "0912000111").status_code == 302
    assert logged_in(person)

    page = f"/to-chuc/nguoi/{participant}"
    response = post(client, f"{page}/khoa", {"reason": "Trùng tài khoản"}, page=page)
    assert response.status_code == 302
    assert account(app, participant).disabled_at is not None
    assert not logged_in(person)  # the next request is anonymous
    refused = login(app.test_client(), "0912000111")
    assert refused.status_code == 403
    assert "Tài khoản này đã bị khóa" in refused.get_data(as_text=True)
    # A wrong password to a disabled account says nothing about it.
    wrong = login(app.test_client(), "0912000111", "sai-mat-khau")
    assert "đã bị khóa" not in wrong.get_data(as_text=True)
    html = client.get(page).get_data(as_text=True)
    assert "Đã khóa từ" in html and "Trùng tài khoản" in html

    # Disabling again changes nothing; enabling lets the person in again.
    assert post(client, f"{page}/khoa", {"reason": "Lần nữa"}, page=page).status_code == 302
    assert post(client, f"{page}/mo-khoa", {"reason": ""}, page=page).status_code == 302
    assert account(app, participant).disabled_at is None
    again = app.test_client()
    assert login(again, "0912000111").status_code == 302 and logged_in(again)
    actions = [event[0] for event in audit_events(app, participant)]
    assert actions.count("user.disabled") == 1 and actions.count("user.enabled") == 1


def test_disabling_needs_a_reason(app, organizer, participant):
    _, client = organizer
    page = f"/to-chuc/nguoi/{participant}"
    response = post(client, f"{page}/khoa", {"reason": "   "}, page=page)
    assert response.status_code == 422
    assert "Vui lòng ghi lý do" in response.get_data(as_text=True)
    assert account(app, participant).disabled_at is None


def test_a_reset_link_does_not_reactivate_a_disabled_account(app, participant):
    with app.app_context():
        users.disable_account(participant, "Gian lận", COMMAND_LINE)
        user = db.session.get(users.User, participant)
        keys = [app.secret_key]
        token = account_service.reset_token(keys, user)
        account_service.reset_password(keys, token, "mat-khau-moi-9")
    assert account(app, participant).disabled_at is not None
    assert login(app.test_client(), "0912000111", "mat-khau-moi-9").status_code == 403


def test_the_last_enabled_organizer_cannot_be_disabled_or_demoted_nor_disable_oneself(
    app, organizer, participant
):
    organizer_id, client = organizer
    page = f"/to-chuc/nguoi/{organizer_id}"
    response = post(client, f"{page}/khoa", {"reason": "Thử"}, page=page)
    assert response.status_code == 422
    assert "Bạn không thể tự khóa" in response.get_data(as_text=True)
    for role in ("judge", "participant"):
        response = post(client, f"{page}/vai-tro", {"role": role}, page=page)
        assert response.status_code == 422
        assert "tài khoản Ban Tổ chức cuối cùng" in response.get_data(as_text=True)
    with app.app_context():
        with pytest.raises(users.AccountError, match="cuối cùng đang hoạt động"):
            users.disable_account(organizer_id, "Thử", COMMAND_LINE)
        # A second organizer, disabled, does not count: the first is still the last.
        second = make_user(phone="0912999002", role="organizer").id
        users.disable_account(second, "Nghỉ", COMMAND_LINE)
        with pytest.raises(users.AccountError, match="cuối cùng"):
            users.set_role(organizer_id, "judge", COMMAND_LINE)
        users.enable_account(second, COMMAND_LINE)
    # With another enabled organizer, the first may be demoted (and is logged out).
    response = post(client, f"{page}/vai-tro", {"role": "judge"}, page=page)
    assert response.status_code == 302
    assert account(app, organizer_id).role == "judge"
    assert not logged_in(client)


def test_change_role_to_focal_point_needs_an_agency(app, organizer, participant, agency_id):
    _, client = organizer
    page = f"/to-chuc/nguoi/{participant}"
    person = app.test_client()
    assert login(person, "0912000111").status_code == 302
    for bad in ({"role": "focal_point", "agency_id": "999999"}, {"role": "admin"}):
        response = post(client, f"{page}/vai-tro", bad, page=page)
        assert response.status_code == 422
        assert "không hợp lệ" in response.get_data(
            as_text=True
        ) or "Đầu mối phải gắn" in response.get_data(as_text=True)
    assert account(app, participant).role == "participant"
    response = post(
        client, f"{page}/vai-tro", {"role": "focal_point", "agency_id": agency_id}, page=page
    )
    assert response.status_code == 302
    user = account(app, participant)
    assert (user.role, user.agency_id, user.prize_eligible) == ("focal_point", agency_id, False)
    assert not logged_in(person)


def test_reset_password_shows_it_once_and_ends_sessions(app, organizer, participant):
    _, client = organizer
    person = app.test_client()
    assert login(person, "0912000111").status_code == 302
    page = f"/to-chuc/nguoi/{participant}"
    response = post(client, f"{page}/dat-lai-mat-khau", page=page)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = temporary_password(response)
    assert password not in client.get(page).get_data(as_text=True)
    assert not logged_in(person)
    assert login(app.test_client(), "0912000111", PASSWORD).status_code == 200
    assert login(app.test_client(), "0912000111", password).status_code == 302
    assert account(app, participant).must_change_password is True


def test_actions_on_unknown_or_overflowing_ids_are_404(app, organizer):
    _, client = organizer
    for user_id in ("999999", "1" * 30):
        for action in ("khoa", "mo-khoa", "vai-tro", "dat-lai-mat-khau"):
            response = post(client, f"/to-chuc/nguoi/{user_id}/{action}", {"reason": "x"})
            assert response.status_code == 404, (user_id, action)
            assert "Không tìm thấy" in response.get_data(as_text=True)


def test_staff_log_ins_are_audited_from_the_request_address(app, organizer, participant):
    organizer_id, _ = organizer
    client = app.test_client()
    token = csrf_token(client, "/dang-nhap")
    response = client.post(
        "/dang-nhap",
        data={"identifier": ORGANIZER_PHONE, "password": PASSWORD, "csrf_token": token},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    assert response.status_code == 302
    logins = [event for event in audit_events(app, organizer_id) if event[0] == "login"]
    assert (organizer_id, "203.0.113.7") in [(event[1], event[2]) for event in logins]
    # Participants' log-ins are not audited.
    assert login(app.test_client(), "0912000111").status_code == 302
    assert [event for event in audit_events(app, participant) if event[0] == "login"] == []


def test_every_action_is_audited_without_a_secret(app, organizer, participant, agency_id):
    organizer_id, client = organizer
    page = f"/to-chuc/nguoi/{participant}"
    created = create(client, role="judge", phone="0987654321", email="hoa@example.vn")
    secrets = [temporary_password(created), "0987654321", "0912000111", "001099000111"]
    secrets.append(temporary_password(post(client, f"{page}/dat-lai-mat-khau", page=page)))
    post(client, f"{page}/vai-tro", {"role": "focal_point", "agency_id": agency_id}, page=page)
    post(client, f"{page}/khoa", {"reason": "Trùng tài khoản"}, page=page)
    post(client, f"{page}/mo-khoa", page=page)

    events = audit_events(app)
    by_action = {event[0]: event for event in events}
    assert {"user.created", "user.password_reset", "user.role_changed", "user.disabled"} <= set(
        by_action
    )
    assert "user.enabled" in by_action and "login" in by_action
    for action in ("user.created", "user.password_reset", "user.role_changed", "user.disabled"):
        assert by_action[action][1] == organizer_id
        assert by_action[action][2] == "127.0.0.1"
    assert by_action["user.created"][3]["phone"] == "098****321"
    assert by_action["user.disabled"][3]["reason"] == "Trùng tài khoản"
    for event in events:
        text = str(event[3])
        for secret in secrets:
            assert secret not in text, (event, secret)
    # The person's page shows the log.
    html = client.get(page).get_data(as_text=True)
    assert "Đặt lại mật khẩu" in html and "Khóa tài khoản" in html and "Lê Tổ Chức" in html

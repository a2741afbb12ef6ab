"""Registration, login and logout, in Vietnamese, keeping what was typed on an error."""

from sqlalchemy import select

from contest.extensions import db
from contest.models import User
from tests.factories import csrf_token, login, make_agency, make_user

VALID = {
    "full_name": "Nguyễn Văn An",
    "date_of_birth": "1990-05-17",
    "gender": "nam",
    "phone": "+84 912.345.678",
    "email": "An.Nguyen@Example.vn",
    "national_id": "",
    "address": "Thành phố Vinh",
    "participant_group": "nhan_dan",
    "agency_id": "0",
    "password": "mat-khau-an-toan",
    "confirm": "mat-khau-an-toan",
    "consent": "y",
}


def register(client, **changes):
    data = {**VALID, **changes, "csrf_token": csrf_token(client, "/dang-ky")}
    return client.post("/dang-ky", data=data)


def test_register_logs_in_and_stores_normalised_fields(app, client):
    response = register(
        client, full_name="Nguye\u0302\u0303n Va\u0306n An"
    )  # typed decomposed (NFD)
    assert response.status_code == 302
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        assert user.full_name == "Nguyễn Văn An"
        assert user.phone == "0912345678"
        assert user.email == "an.nguyen@example.vn"
        assert user.consent_at is not None
        assert user.password_hash != "mat-khau-an-toan"
    assert "Đăng xuất" in client.get("/").get_data(as_text=True)


def test_every_invalid_field_gets_a_vietnamese_message_and_input_is_kept(app, client):
    response = register(
        client,
        full_name="",
        date_of_birth="31/02/2001",
        phone="12345",
        email="khong-phai-email",
        national_id="0123",
        confirm="khac",
        consent="",
        participant_group="can_bo",
        address="Xã Nghi Phong <b>đậm</b>",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for message in (
        "Vui lòng nhập họ và tên.",
        "Ngày sinh không hợp lệ",
        "Số điện thoại gồm 10 chữ số",
        "Địa chỉ email không hợp lệ",
        "Số CCCD gồm đúng 12 chữ số.",
        "Hai mật khẩu không khớp nhau.",
        "Bạn cần đồng ý với việc xử lý dữ liệu cá nhân",
        "vui lòng chọn cơ quan, đơn vị công tác",
    ):
        assert message in html, message
    # What was typed comes back (escaped), except passwords.
    assert 'value="khong-phai-email"' in html
    assert "Xã Nghi Phong &lt;b&gt;đậm&lt;/b&gt;" in html
    assert "mat-khau-an-toan" not in html
    with app.app_context():
        assert db.session.execute(select(User)).first() is None


def test_too_young_is_refused(client):
    html = register(client, date_of_birth="2024-01-01").get_data(as_text=True)
    assert "Người dự thi phải từ đủ 12 tuổi trở lên." in html


def test_civil_servant_picks_an_agency(app, client):
    with app.app_context():
        agency_id = make_agency().id
    response = register(client, participant_group="can_bo", agency_id=str(agency_id))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.execute(select(User.agency_id)).scalar_one() == agency_id


def test_duplicate_phone_is_refused_with_a_message(app, client):
    with app.app_context():
        make_user(phone="0912345678")
    html = register(client).get_data(as_text=True)
    assert "Số điện thoại này đã được dùng để đăng ký" in html


def test_login_with_phone_or_email_and_logout(app, client):
    with app.app_context():
        make_user(phone="0912000009", email="binh@example.vn")
    assert login(client, "0912 000 009").status_code == 302
    token = csrf_token(client)
    assert client.post("/dang-xuat", data={"csrf_token": token}).status_code == 302
    assert login(client, "Binh@Example.vn").status_code == 302


def test_wrong_password_says_so(app, client):
    with app.app_context():
        make_user(phone="0912000009")
    html = login(client, "0912000009", "sai-mat-khau").get_data(as_text=True)
    assert "Email/số điện thoại hoặc mật khẩu không đúng." in html


def test_login_never_redirects_to_another_host(app, client):
    with app.app_context():
        make_user(phone="0912000009")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        token = csrf_token(client, "/dang-nhap")
        response = client.post(
            f"/dang-nhap?next={target}",
            data={"identifier": "0912000009", "password": "mat-khau-8", "csrf_token": token},
        )
        assert response.status_code == 302
        assert "evil" not in response.headers["Location"]
        client.post("/dang-xuat", data={"csrf_token": csrf_token(client)})
    token = csrf_token(client, "/dang-nhap")
    response = client.post(
        "/dang-nhap?next=/bai-thi-cua-toi",
        data={"identifier": "0912000009", "password": "mat-khau-8", "csrf_token": token},
    )
    assert response.headers["Location"] == "/bai-thi-cua-toi"


def test_a_next_with_control_characters_is_treated_as_absent(app, client):
    """A CR/LF in `next=` once made the redirect after a correct log-in a 500."""
    with app.app_context():
        make_user(phone="0912000009")
    for target in ("/bai-thi-cua-toi%0d%0aSet-Cookie:x=1", "/a%00b", "/" + "a" * 3000):
        token = csrf_token(client, "/dang-nhap")
        response = client.post(
            f"/dang-nhap?next={target}",
            data={"identifier": "0912000009", "password": "mat-khau-8", "csrf_token": token},
        )
        assert response.status_code == 302, target
        assert "Set-Cookie" not in response.headers["Location"]
        assert "bai-thi-cua-toi" not in response.headers["Location"]
        client.post("/dang-xuat", data={"csrf_token": csrf_token(client)})


def test_post_without_csrf_token_is_refused(app, client):
    with app.app_context():
        make_user(phone="0912000009")
    response = client.post(
        "/dang-nhap", data={"identifier": "0912000009", "password": "mat-khau-8"}
    )
    assert response.status_code == 400
    assert "Phiên làm việc đã hết hạn" in response.get_data(as_text=True)


def test_session_account_reads_the_role_and_group_and_nothing_of_a_missing_account(app):
    from contest.web.account_loader import SessionAccount, load_user

    with app.app_context():
        judge_id = make_user("0912000101", role="judge", group="can_bo").id
        organizer_id = make_user("0912000102", role="organizer").id
        judge, organizer = load_user(f"{judge_id}:0"), load_user(f"{organizer_id}:0")
        assert judge == SessionAccount(judge_id, "judge", "can_bo", 0, False)
        assert (judge.is_judge, judge.is_organizer) == (True, False)
        assert (organizer.is_judge, organizer.is_organizer) == (True, True)
        assert judge.is_authenticated and judge.get_id() == f"{judge_id}:0"
        assert load_user(f"{organizer_id + 1000}:0") is None
        # An old-style token without the version, another version, or junk: no account.
        for token in (str(judge_id), f"{judge_id}:1", "1 OR 1=1", f"{judge_id}:²", "9" * 40 + ":0"):
            assert load_user(token) is None, token


def test_a_deleted_account_is_logged_out_on_its_next_request(app, client):
    with app.app_context():
        user_id = make_user("0912000103").id
    login(client, "0912000103")
    assert "Đăng xuất" in client.get("/").get_data(as_text=True)
    with app.app_context():
        db.session.delete(db.session.get(User, user_id))
        db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Đăng xuất" not in page and "Đăng nhập" in page


def test_a_session_signed_with_a_retired_secret_key_still_works_when_listed_as_fallback(app):
    with app.app_context():
        make_user("0912000104")
    client = app.test_client()
    login(client, "0912000104")
    assert "Đăng xuất" in client.get("/").get_data(as_text=True)
    old_key = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "a-new-secret-key"
    assert "Đăng xuất" not in client.get("/").get_data(as_text=True)
    login(client, "0912000104")
    app.config.update(SECRET_KEY=old_key, SECRET_KEY_FALLBACKS=["a-new-secret-key"])
    assert "Đăng xuất" in client.get("/").get_data(as_text=True)

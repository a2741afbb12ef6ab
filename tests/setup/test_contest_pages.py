"""The organizers' contest console in the browser: create, edit, open, emblem, announcements."""

import io
from datetime import date, datetime

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from contest.extensions import db
from contest.models import Announcement, AuditEvent, Contest
from tests.factories import csrf_token, login, make_contest, make_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
BASE = "/to-chuc/cuoc-thi"

FORM = {
    "title": "Cuộc thi tìm hiểu chuyển đổi số năm 2026",
    "slug": "chuyen-doi-so-2026",
    "summary": "Tìm hiểu chuyển đổi số cho cán bộ và nhân dân.",
    "organizer_name": "Sở Thông tin và Truyền thông",
    "contact_phone": "0912 345 678",
    "contact_email": "bantochuc@stttt.gov.vn",
    "hotline": "Hỗ trợ kỹ thuật: 0912 345 678",
    "starts_on": "09/12/2026",
    "ends_on": "31/12/2026",
    "eligible_groups": ["can_bo"],
    "required_fields": ["national_id", "agency_id"],
    "minimum_age": "18",
    "access_code": "CDS-2026",
    "participation_target": "70",
    "collective_measure": "participation_rate",
    "rules_intro": "Cuộc thi nhằm **nâng cao** nhận thức.",
    "rules_participants": "",
    "rules_prizes": "",
    "rules_complaints": "",
}


def organizer(app):
    with app.app_context():
        make_user(phone="0900000009", role="organizer")
    client = app.test_client()
    login(client, "0900000009")
    return client


def post(client, path, data=None, **kwargs):
    token = csrf_token(client, f"{BASE}/")
    return client.post(path, data={**(data or {}), "csrf_token": token}, **kwargs)


def the_contest(app) -> Contest:
    with app.app_context():
        contest = db.session.execute(select(Contest)).scalar_one()
        db.session.expunge(contest)
        return contest


def test_an_organizer_creates_a_contest_from_nothing(app):
    client = organizer(app)
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert "Chưa có cuộc thi nào" in page
    form_page = client.get(f"{BASE}/moi").get_data(as_text=True)
    assert 'placeholder="dd/mm/yyyy"' in form_page
    assert 'type="date"' not in form_page
    assert "Số CCCD" in form_page and "Cán bộ, công chức" in form_page

    response = post(client, f"{BASE}/moi", FORM)
    assert response.status_code == 302
    contest = the_contest(app)
    assert response.headers["Location"].endswith(f"/to-chuc/cuoc-thi/{contest.id}/theo-doi")
    assert contest.status == "draft"
    assert (contest.starts_on, contest.ends_on) == (date(2026, 12, 9), date(2026, 12, 31))
    assert contest.eligible_groups == ["can_bo"]
    assert contest.required_fields == ["national_id", "agency_id"]
    assert (contest.minimum_age, contest.participation_target) == (18, 70)
    assert contest.contact_phone == "0912345678"
    assert contest.results_visible is False  # the box was not ticked
    with app.app_context():
        # The organizer's log-in is a line of its own: the creation is the other one.
        line = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "contest.created")
        ).scalar_one()
        assert line.address == "127.0.0.1"
        assert line.actor_id is not None

    listing = client.get(f"{BASE}/").get_data(as_text=True)
    assert "Cuộc thi tìm hiểu chuyển đổi số năm 2026" in listing
    assert "Bản nháp" in listing and "09/12/2026 – 31/12/2026" in listing
    assert "Mở cuộc thi" in listing


def test_bad_input_is_explained_beside_its_field_with_a_4xx(app):
    client = organizer(app)
    with app.app_context():
        make_contest().slug = "da-co"
        db.session.commit()
    data = {
        **FORM,
        "slug": "da-co",
        "starts_on": "31/02/2026",
        "ends_on": "2026-12-31",
        "minimum_age": "mười tám",
        "contact_email": "khong-phai-email",
    }
    response = post(client, f"{BASE}/moi", data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Vui lòng sửa các mục được đánh dấu" in page
    assert "tháng 2/2026 không có ngày 31" in page
    assert "không đúng dạng dd/mm/yyyy" in page
    assert "không phải số nguyên" in page
    # What was typed stays in the boxes.
    assert 'value="31/02/2026"' in page
    with app.app_context():
        assert len(db.session.execute(select(Contest)).all()) == 1

    # Once the dates parse, the service's checks show beside their fields too.
    data = {**data, "starts_on": "", "ends_on": "", "minimum_age": ""}
    page = post(client, f"{BASE}/moi", data).get_data(as_text=True)
    assert "Địa chỉ «da-co» đã được cuộc thi" in page
    assert "Thư điện tử «khong-phai-email» không hợp lệ" in page


def test_editing_shows_the_settings_and_saves_changes(app):
    client = organizer(app)
    post(client, f"{BASE}/moi", FORM)
    contest = the_contest(app)
    page = client.get(f"{BASE}/{contest.id}/sua").get_data(as_text=True)
    assert 'value="09/12/2026"' in page and 'value="chuyen-doi-so-2026"' in page
    assert 'value="national_id" checked' in page or 'checked id="required_fields-0"' in page
    assert page.count("checked") == 3  # two required fields and one group

    data = {**FORM, "title": "Cuộc thi chuyển đổi số", "ends_on": "15/01/2027"}
    data["eligible_groups"] = []
    data["results_visible"] = "y"
    response = post(client, f"{BASE}/{contest.id}/sua", data)
    assert response.status_code == 302
    contest = the_contest(app)
    assert contest.title == "Cuộc thi chuyển đổi số"
    assert contest.ends_on == date(2027, 1, 15)
    assert contest.eligible_groups == [] and contest.results_visible is True
    assert "Đã lưu thiết lập cuộc thi" in client.get(f"{BASE}/{contest.id}/sua").get_data(
        as_text=True
    )
    with app.app_context():
        line = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "contest.changed")
        ).scalar_one()
        assert line.details["before"]["ends_on"] == "2026-12-31"
        assert line.details["after"]["title"] == "Cuộc thi chuyển đổi số"

    response = post(client, f"{BASE}/{contest.id}/sua", {**data, "ends_on": "01/01/2026"})
    assert response.status_code == 400
    assert "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu" in response.get_data(as_text=True)


def test_an_organizer_opens_closes_and_archives(app):
    client = organizer(app)
    post(client, f"{BASE}/moi", FORM)
    contest_id = the_contest(app).id
    response = post(client, f"{BASE}/{contest_id}/trang-thai/open")
    assert response.status_code == 302
    assert the_contest(app).status == "open"
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert "Đang mở" in page and "Đóng cuộc thi" in page

    # Archiving an open contest is refused with a message, not a 500.
    response = post(client, f"{BASE}/{contest_id}/trang-thai/archived")
    assert response.status_code == 409
    assert "Không thể chuyển cuộc thi" in response.get_data(as_text=True)
    assert post(client, f"{BASE}/{contest_id}/trang-thai/bogus").status_code == 409

    back = post(client, f"{BASE}/{contest_id}/trang-thai/closed", {"back": "edit"})
    assert back.headers["Location"].endswith(f"/{contest_id}/sua")
    assert "Mở lại cuộc thi" in client.get(f"{BASE}/{contest_id}/sua").get_data(as_text=True)
    post(client, f"{BASE}/{contest_id}/trang-thai/archived")
    assert the_contest(app).status == "archived"

    # Without the CSRF token nothing happens.
    with app.app_context():
        other = make_contest(status="draft").id
    assert client.post(f"{BASE}/{other}/trang-thai/open").status_code == 400


def test_a_new_contest_leads_to_its_live_page_with_what_is_left_to_do(app):
    client = organizer(app)
    assert "Tạo cuộc thi" in client.get("/to-chuc/").get_data(as_text=True)
    post(client, f"{BASE}/moi", FORM)
    contest = the_contest(app)
    live = f"/to-chuc/cuoc-thi/{contest.id}/theo-doi"
    html = client.get(live).get_data(as_text=True)
    assert "Việc cần làm để người thi dự thi được" in html
    assert "Ngân hàng chưa có câu hỏi nào đang dùng." in html
    assert "Cuộc thi chưa có vòng thi nào." in html and "Mở cuộc thi</button>" in html
    for path in (
        f"/to-chuc/cuoc-thi/{contest.id}/vong-thi",
        f"/to-chuc/cuoc-thi/{contest.id}/vong-moi",
        f"{BASE}/{contest.id}/sua",
        f"{BASE}/{contest.id}/thong-bao",
        f"/cuoc-thi/{contest.slug}/",
        "/to-chuc/ngan-hang/",
        "/to-chuc/co-quan/",
    ):
        assert f'href="{path}"' in html, path
    # Opened from its steps, the organizer stays on the live page.
    response = post(client, f"{BASE}/{contest.id}/trang-thai/open", {"back": "live"})
    assert response.status_code == 302 and response.headers["Location"].endswith(live)
    html = client.get(live).get_data(as_text=True)
    assert "Đang mở" in html and "Mở cuộc thi</button>" not in html
    # The prize rules saved from the live page lead back to it.
    settings = {"collective_measure": "participants"}
    response = post(client, f"/to-chuc/cuoc-thi/{contest.id}/cai-dat", settings)
    assert response.status_code == 302 and response.headers["Location"].endswith(live)
    listing = client.get(f"{BASE}/").get_data(as_text=True)
    for path in (live, f"/to-chuc/cuoc-thi/{contest.id}/vong-thi", f"/cuoc-thi/{contest.slug}/"):
        assert f'href="{path}"' in listing, path


def test_participants_and_visitors_are_kept_out(app):
    with app.app_context():
        contest_id = make_contest().id
        make_user(phone="0912000001")
    paths = [
        f"{BASE}/",
        f"{BASE}/moi",
        f"{BASE}/{contest_id}/sua",
        f"{BASE}/{contest_id}/thong-bao",
    ]
    visitor = app.test_client()
    for path in paths:
        response = visitor.get(path)
        assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]
    participant = app.test_client()
    login(participant, "0912000001")
    for path in paths:
        assert participant.get(path).status_code == 403
    token = csrf_token(participant, "/tai-khoan/ho-so")
    response = participant.post(
        f"{BASE}/{contest_id}/trang-thai/closed", data={"csrf_token": token}
    )
    assert response.status_code == 403
    assert the_contest(app).status == "open"


def test_an_emblem_is_uploaded_and_served_to_anyone_with_its_type(app):
    client = organizer(app)
    post(client, f"{BASE}/moi", FORM)
    contest_id = the_contest(app).id
    visitor = app.test_client()
    assert visitor.get(f"/bieu-trung/{contest_id}").status_code == 404

    response = post(
        client,
        f"{BASE}/{contest_id}/bieu-trung",
        {"emblem": (io.BytesIO(PNG), "logo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert 'src="/bieu-trung/' in client.get(f"{BASE}/{contest_id}/sua").get_data(as_text=True)

    served = visitor.get(f"/bieu-trung/{contest_id}")
    assert served.status_code == 200
    assert served.data == PNG
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age" in served.headers["Cache-Control"]
    again = visitor.get(
        f"/bieu-trung/{contest_id}", headers={"If-None-Match": served.headers["ETag"]}
    )
    assert again.status_code == 304
    # Logged in, the organizer gets the same cacheable image.
    assert "no-store" not in client.get(f"/bieu-trung/{contest_id}").headers["Cache-Control"]

    response = post(client, f"{BASE}/{contest_id}/bieu-trung/xoa")
    assert response.status_code == 302
    assert visitor.get(f"/bieu-trung/{contest_id}").status_code == 404
    assert visitor.get("/bieu-trung/999").status_code == 404


@pytest.mark.parametrize(
    "content, filename, words",
    [
        (b"<svg onload='alert(1)'/>", "logo.png", "không phải ảnh PNG"),
        (PNG + b"\x00" * 600 * 1024, "logo.png", "tối đa 512 KB"),
        (b"", "", "Vui lòng chọn tệp ảnh"),
    ],
    ids=["svg", "too-large", "none"],
)
def test_a_refused_emblem_is_a_4xx_with_its_reason(app, content, filename, words):
    client = organizer(app)
    post(client, f"{BASE}/moi", FORM)
    contest_id = the_contest(app).id
    # Encoded here: the test client spools a large body to a file it never closes.
    boundary, body = encode_multipart(
        MultiDict(
            {
                "csrf_token": csrf_token(client, f"{BASE}/"),
                "emblem": FileStorage(io.BytesIO(content), filename),
            }
        )
    )
    response = client.post(
        f"{BASE}/{contest_id}/bieu-trung",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 400
    assert words in response.get_data(as_text=True)
    with app.app_context():  # the emblem's bytes are deferred: read them in a session
        assert db.session.scalar(select(Contest.emblem)) is None


def test_announcements_are_added_edited_and_deleted_in_vietnam_time(app):
    client = organizer(app)
    post(client, f"{BASE}/moi", FORM)
    contest_id = the_contest(app).id
    page = client.get(f"{BASE}/{contest_id}/thong-bao").get_data(as_text=True)
    assert 'placeholder="dd/mm/yyyy HH:MM"' in page
    assert "Chưa có thông báo nào" in page

    data = {"text": "Vòng 1 mở lúc 08:00.", "starts_at": "09/12/2026 08:00", "ends_at": ""}
    response = post(client, f"{BASE}/{contest_id}/thong-bao", data)
    assert response.status_code == 302
    with app.app_context():
        notice = db.session.execute(select(Announcement)).scalar_one()
        assert notice.starts_at == datetime(2026, 12, 9, 1, 0)
        assert notice.ends_at is None
        notice_id = notice.id
    page = client.get(f"{BASE}/{contest_id}/thong-bao").get_data(as_text=True)
    assert "Vòng 1 mở lúc 08:00." in page and "08:00 ngày 09/12/2026" in page

    bad = post(
        client,
        f"{BASE}/{contest_id}/thong-bao",
        {"text": "Lỗi", "starts_at": "09/12/2026 24:00", "ends_at": ""},
    )
    assert bad.status_code == 400
    assert "giờ 24 không có" in bad.get_data(as_text=True)
    backwards = post(
        client,
        f"{BASE}/{contest_id}/thong-bao",
        {"text": "Lỗi", "starts_at": "09/12/2026 08:00", "ends_at": "08/12/2026 08:00"},
    )
    assert backwards.status_code == 400
    assert "phải sau thời điểm bắt đầu" in backwards.get_data(as_text=True)

    edit_page = client.get(f"{BASE}/thong-bao/{notice_id}/sua").get_data(as_text=True)
    assert 'value="09/12/2026 08:00"' in edit_page
    response = post(
        client,
        f"{BASE}/thong-bao/{notice_id}/sua",
        {
            "text": "Vòng 1 mở lúc 09:00.",
            "starts_at": "09/12/2026 09:00",
            "ends_at": "10/12/2026 17:30",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        notice = db.session.get(Announcement, notice_id)
        assert (notice.text, notice.starts_at, notice.ends_at) == (
            "Vòng 1 mở lúc 09:00.",
            datetime(2026, 12, 9, 2, 0),
            datetime(2026, 12, 10, 10, 30),
        )
    bad_edit = post(
        client,
        f"{BASE}/thong-bao/{notice_id}/sua",
        {"text": "", "starts_at": "09/12/2026 09:00", "ends_at": ""},
    )
    assert bad_edit.status_code == 400
    assert "Vui lòng nhập nội dung thông báo" in bad_edit.get_data(as_text=True)

    assert post(client, f"{BASE}/thong-bao/{notice_id}/xoa").status_code == 302
    with app.app_context():
        assert db.session.get(Announcement, notice_id) is None
    assert client.get(f"{BASE}/thong-bao/{notice_id}/sua").status_code == 404

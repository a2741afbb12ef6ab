"""The profile page: the registration's checks, NULL for blank optional fields, and a history
of corrections made after the person took part, which judges read."""

import itertools
import re
from datetime import date

from sqlalchemy import select

from contest.account import service
from contest.extensions import db
from contest.models import Attempt, AttemptStatus, ProfileChange, Round, User
from tests.factories import (
    csrf_token,
    login,
    make_agency,
    make_entry,
    make_round,
    make_user,
    shift,
)

PROFILE = "/tai-khoan/ho-so"
HISTORY = "/giam-khao/thay-doi-ho-so/"


def person(phone, **fields):
    fields.setdefault("full_name", "Trần Thị Bình")
    fields.setdefault("date_of_birth", date(1990, 5, 17))
    fields.setdefault("gender", "nu")
    fields.setdefault("address", "Thành phố Vinh")
    return make_user(phone=phone, **fields)


def form_of(user: User) -> dict:
    """The profile form as the page fills it for `user`."""
    return {
        "full_name": user.full_name,
        "date_of_birth": user.date_of_birth.strftime("%d/%m/%Y"),
        "gender": user.gender,
        "email": user.email or "",
        "national_id": user.national_id or "",
        "address": user.address or "",
        "participant_group": user.participant_group,
        "agency_id": str(user.agency_id or 0),
    }


def logged_in(app, phone):
    client = app.test_client()
    assert login(client, phone).status_code == 302
    return client


def post_profile(client, data):
    return client.post(PROFILE, data={**data, "csrf_token": csrf_token(client, PROFILE)})


def stored(app, user_id) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def test_the_page_shows_the_profile_and_the_phone_read_only(app):
    with app.app_context():
        user = person("0912000001", email="binh@example.vn", national_id="038190000001")
        user_id, data = user.id, form_of(user)
    client = logged_in(app, "0912000001")
    html = client.get(PROFILE).get_data(as_text=True)
    assert 'value="Trần Thị Bình"' in html
    assert 'value="17/05/1990"' in html
    assert 'value="binh@example.vn"' in html and 'value="038190000001"' in html
    assert re.search(r'<input[^>]*value="0912000001"[^>]*readonly', html)
    assert 'name="phone"' not in html
    assert "Muốn đổi số điện thoại, vui lòng liên hệ Ban Tổ chức" in html
    assert html.count('href="/tai-khoan/ho-so"') == 1  # the header's link: the person's name
    assert '<span class="who-name">Trần Thị Bình</span></a>' in html
    # A phone typed into a crafted request is ignored: the login identifier stays.
    post_profile(client, {**data, "phone": "0987654321"})
    assert stored(app, user_id).phone == "0912000001"


def test_eight_people_with_every_mix_of_optional_fields_correct_their_profiles(app):
    mixes = list(itertools.product((False, True), repeat=3))  # email, CCCD, address filled?
    people = []
    with app.app_context():
        for i, (email, national_id, address) in enumerate(mixes):
            user = person(
                f"09120001{i:02d}",
                email=f"nguoi{i}@example.vn" if email else None,
                national_id=f"0381900001{i:02d}" if national_id else None,
                address=f"Xã số {i}" if address else None,
            )
            people.append((user.id, form_of(user), (email, national_id, address)))
    for i, (user_id, data, filled) in enumerate(people):
        client = logged_in(app, f"09120001{i:02d}")
        # Each flips every optional field: a filled one is blanked (with spaces), a blank one filled.
        email, national_id, address = (not value for value in filled)
        changes = {
            "full_name": f"  Nguye\u0302\u0303n Va\u0306n {chr(65 + i)}  ",  # NFD, spaces
            "email": f"Moi{i}@Example.VN" if email else "   ",
            "national_id": f"0381900002{i:02d}" if national_id else " ",
            "address": f"Phường {i}, Thành phố Vinh" if address else "",
        }
        response = post_profile(client, {**data, **changes})
        assert response.status_code == 302, response.get_data(as_text=True)
        assert "Đã lưu thay đổi hồ sơ." in client.get(PROFILE).get_data(as_text=True)
        user = stored(app, user_id)
        assert user.full_name == f"Nguyễn Văn {chr(65 + i)}"
        assert user.email == (f"moi{i}@example.vn" if email else None)
        assert user.national_id == (f"0381900002{i:02d}" if national_id else None)
        assert user.address == (f"Phường {i}, Thành phố Vinh" if address else None)
    with app.app_context():
        blank_ids = db.session.execute(select(User.id).where(User.national_id.is_(None))).all()
        assert len(blank_ids) == 4  # four people blanked their CCCD, all NULL, no collision
        # Nobody had taken part: nothing was recorded.
        assert db.session.execute(select(ProfileChange)).first() is None


def test_nothing_changed_says_so(app):
    with app.app_context():
        data = form_of(person("0912000001", national_id="038190000001"))
    client = logged_in(app, "0912000001")
    response = post_profile(client, data)
    assert response.status_code == 302
    assert "Không có thay đổi nào." in client.get(PROFILE).get_data(as_text=True)


def test_another_persons_email_or_cccd_is_refused_with_the_registration_message(app):
    with app.app_context():
        person("0912000001", email="an@example.vn", national_id="038190000001")
        user = person("0912000002", email="binh@example.vn")
        user_id, data = user.id, form_of(user)
    client = logged_in(app, "0912000002")
    html = post_profile(client, {**data, "email": "AN@example.vn"}).get_data(as_text=True)
    assert "Email này đã được dùng để đăng ký. Vui lòng đăng nhập." in html
    html = post_profile(client, {**data, "national_id": "038190000001"}).get_data(as_text=True)
    assert "Số CCCD này đã được dùng để đăng ký. Mỗi người chỉ đăng ký một tài khoản." in html
    after = stored(app, user_id)
    assert (after.email, after.national_id) == ("binh@example.vn", None)


def test_invalid_values_get_the_registration_messages_and_nothing_is_saved(app):
    with app.app_context():
        user = person("0912000001", email="binh@example.vn")
        user_id, data = user.id, form_of(user)
    client = logged_in(app, "0912000001")
    bad = {
        "full_name": "",
        "date_of_birth": "31/02/2001",
        "gender": "",
        "email": "khong-phai-email",
        "national_id": "0123",
        "participant_group": "can_bo",
        "agency_id": "0",
        "address": "Xã Nghi Phong <b>đậm</b>",
    }
    response = post_profile(client, {**data, **bad})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for message in (
        "Vui lòng nhập họ và tên.",
        "Ngày sinh không hợp lệ",
        "Vui lòng chọn giới tính.",
        "Địa chỉ email không hợp lệ (ví dụ ten@example.com).",
        "Số CCCD gồm đúng 12 chữ số.",
        "Cán bộ, công chức, viên chức vui lòng chọn cơ quan, đơn vị công tác.",
    ):
        assert message in html, message
    assert "Xã Nghi Phong &lt;b&gt;đậm&lt;/b&gt;" in html
    html = post_profile(client, {**data, "date_of_birth": "01/01/2024"}).get_data(as_text=True)
    assert "Người dự thi phải từ đủ 12 tuổi trở lên." in html
    html = post_profile(client, {**data, "agency_id": "999"}).get_data(as_text=True)
    assert "Cơ quan, đơn vị không có trong danh sách." in html
    after = stored(app, user_id)
    assert (after.full_name, after.email, after.address) == (
        "Trần Thị Bình",
        "binh@example.vn",
        "Thành phố Vinh",
    )
    with app.app_context():
        assert db.session.execute(select(ProfileChange)).first() is None


def test_changes_after_an_entry_are_recorded_field_by_field_and_judges_see_them(app):
    with app.app_context():
        agency = make_agency()
        other = make_agency(code="STP", name="Sở Tư pháp")
        user = person("0912000001", email="binh@example.vn", group="can_bo", agency_id=agency.id)
        make_user("0912000900", role="judge", full_name="Giám khảo Lê Văn Dũng")
        round_ = make_round()
        user_id, round_id, other_id = user.id, round_.id, other.id
        data = {**form_of(user), "full_name": "Trần Thị Bính"}
    client = logged_in(app, "0912000001")
    # Before any entry: corrected freely, nothing recorded.
    assert post_profile(client, data).status_code == 302
    with app.app_context():
        assert db.session.execute(select(ProfileChange)).first() is None
        make_entry(db.session.get(Round, round_id), db.session.get(User, user_id), 8)
    changed = {
        **data,
        "full_name": "Trần Thị Bình",
        "date_of_birth": "18/05/1990",
        "email": "",
        "participant_group": "nhan_dan",
        "agency_id": str(other_id),
    }
    assert post_profile(client, changed).status_code == 302
    with app.app_context():
        rows = db.session.execute(select(ProfileChange).order_by(ProfileChange.field)).scalars()
        recorded = {row.field: (row.old_value, row.new_value, row.changed_by_id) for row in rows}
    assert recorded == {
        "full_name": ("Trần Thị Bính", "Trần Thị Bình", user_id),
        "date_of_birth": ("17/05/1990", "18/05/1990", user_id),
        "email": ("binh@example.vn", None, user_id),
        "participant_group": (
            "Cán bộ, công chức, viên chức, người lao động, lực lượng vũ trang",
            "Nhân dân (học sinh, sinh viên, người lao động doanh nghiệp, …)",
            user_id,
        ),
        "agency_id": ("Sở Nội vụ", "Sở Tư pháp", user_id),
    }
    # Saving the same again records nothing more.
    post_profile(client, changed)
    with app.app_context():
        assert len(db.session.execute(select(ProfileChange)).all()) == 5

    assert client.get(HISTORY).status_code == 403  # a participant
    assert "/dang-nhap" in app.test_client().get(HISTORY).headers["Location"]
    judge = logged_in(app, "0912000900")
    assert 'href="/giam-khao/thay-doi-ho-so/"' in judge.get("/giam-khao/").get_data(as_text=True)
    html = judge.get(HISTORY).get_data(as_text=True)
    for text in ("Trần Thị Bính", "Ngày sinh", "17/05/1990", "18/05/1990", "Sở Tư pháp", "(trống)"):
        assert text in html, text
    assert "Họ và tên" in html and "Cơ quan, đơn vị" in html
    with app.app_context():
        moment = db.session.execute(select(ProfileChange.changed_at)).scalars().first()
    assert shift(moment, hours=7).strftime("%H:%M ngày %d/%m/%Y") in html  # Vietnam time
    for search in ("Bình", "0912000001", "091 2000 001"):
        assert "18/05/1990" in judge.get(HISTORY, query_string={"q": search}).get_data(
            as_text=True
        ), search
    html = judge.get(HISTORY, query_string={"q": "Không Có Ai"}).get_data(as_text=True)
    assert "18/05/1990" not in html and "Không có thay đổi nào khớp" in html


def test_a_finished_attempt_counts_as_taking_part_an_open_one_does_not(app):
    with app.app_context():
        user_id = person("0912000001").id
        round_ = make_round()
        attempt = Attempt(
            round_id=round_.id,
            user_id=user_id,
            number=1,
            started_at=round_.opens_at,
            deadline=shift(round_.opens_at, minutes=20),
            question_count=10,
        )
        db.session.add(attempt)
        db.session.commit()
        assert not service.has_entries(user_id)
        attempt.status = AttemptStatus.EXPIRED
        db.session.commit()
        assert service.has_entries(user_id)


def test_history_pages_fifty_at_a_time_newest_first(app):
    with app.app_context():
        user = person("0912000001")
        make_user("0912000900", role="organizer")
        make_entry(make_round(), user, 5)
        user_id, data = user.id, form_of(user)
    client = logged_in(app, "0912000001")
    for i in range(26):  # two fields each: 52 rows
        post_profile(client, {**data, "full_name": f"Tên {i}", "address": f"Địa chỉ {i}"})
    judge = logged_in(app, "0912000900")
    first = judge.get(HISTORY).get_data(as_text=True)
    assert "Trang 1/2" in first and "52 thay đổi" in first
    assert 'href="/giam-khao/thay-doi-ho-so/?trang=2">Sau' in first
    assert first.index("<td>Tên 25</td>") < first.index("<td>Tên 23</td>")
    second = judge.get(HISTORY, query_string={"trang": 2}).get_data(as_text=True)
    assert "<td>Tên 0</td>" in second and "<td>Tên 25</td>" not in second
    with app.app_context():
        assert {
            row.changed_by_id for row in db.session.execute(select(ProfileChange)).scalars()
        } == {user_id}
    # Page numbers at the integers' limits are answered, never a 500.
    for page in ("0", "-5", "abc", "9" * 30, str(2**63)):
        assert judge.get(HISTORY, query_string={"trang": page}).status_code == 200, page

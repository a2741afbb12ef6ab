"""Finding people: names without diacritics, phones in any form, emails, CCCD, filters, pages;
blank optional fields never break a list or a page."""

import itertools
import re
import unicodedata

import pytest

from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import ProfileChange, RoundEntry
from tests.factories import make_agency, make_entry, make_round, make_user


def names_on(response) -> list[str]:
    html = response.get_data(as_text=True)
    return re.findall(r'<td class="title"><a href="/to-chuc/nguoi/\d+">([^<]+)</a>', html)


@pytest.fixture
def people(app):
    with app.app_context():
        snv = make_agency()
        stp = make_agency(code="STP", name="Sở Tư pháp")
        ids = {
            "an": make_user(
                phone="0912345678",
                full_name="Nguyễn Văn An",
                email="an.nguyen@example.vn",
                national_id="001234567890",
                agency_id=snv.id,
            ).id,
            "anh": make_user(
                phone="0912000002", full_name="Trần Thị Ánh", agency_id=stp.id, group="can_bo"
            ).id,
            "dung": make_user(phone="0912000003", full_name="Đặng Dũng", email=None).id,
            "judge": make_user(phone="0912000004", full_name="Phạm Giám Khảo", role="judge").id,
        }
        return ids, snv.id, stp.id


def search(client, **args):
    response = client.get("/to-chuc/nguoi/", query_string=args)
    assert response.status_code == 200
    return names_on(response)


def test_names_are_found_without_diacritics_and_typed_decomposed(app, organizer, people):
    _, client = organizer
    assert search(client, q="nguyen van an") == ["Nguyễn Văn An"]
    assert search(client, q="NGUYEN  VAN") == ["Nguyễn Văn An"]
    assert search(client, q="dang dung") == ["Đặng Dũng"]
    assert search(client, q="anh") == ["Trần Thị Ánh"]  # contains, not only a prefix
    decomposed = unicodedata.normalize("NFD", "Trần Thị Ánh")
    assert decomposed != "Trần Thị Ánh"
    assert search(client, q=decomposed) == ["Trần Thị Ánh"]
    # Those whose name starts with the text come first.
    assert search(client, q="an")[0] == "Nguyễn Văn An"


def test_phone_email_and_cccd_find_the_person(app, organizer, people):
    _, client = organizer
    assert search(client, q="+84 912 345 678") == ["Nguyễn Văn An"]
    assert search(client, q="84912345678") == ["Nguyễn Văn An"]
    assert search(client, q="0912.345.678") == ["Nguyễn Văn An"]
    assert search(client, q="AN.NGUYEN@example.vn") == ["Nguyễn Văn An"]
    assert search(client, q="001234567890") == ["Nguyễn Văn An"]
    assert search(client, q="khong-co-ai") == []
    assert search(client, q="%") == []  # LIKE wildcards are escaped


def test_filters_by_agency_group_role_and_state(app, organizer, people):
    ids, snv, stp = people
    _, client = organizer
    assert search(client, co_quan=stp) == ["Trần Thị Ánh"]
    assert search(client, co_quan=snv, q="nguyen") == ["Nguyễn Văn An"]
    assert "Trần Thị Ánh" in search(client, doi_tuong="can_bo")
    assert "Nguyễn Văn An" not in search(client, doi_tuong="can_bo")
    assert search(client, vai_tro="judge") == ["Phạm Giám Khảo"]
    assert search(client, trang_thai="1") == []
    # Unknown values filter nothing and break nothing.
    search(client)
    for args in (
        {"co_quan": "abc"},
        {"co_quan": "9" * 30},
        {"doi_tuong": "x"},
        {"vai_tro": "admin"},
        {"trang_thai": "2"},
        {"trang": "-1"},
        {"trang": "9" * 30},
    ):
        response = client.get("/to-chuc/nguoi/", query_string=args)
        assert response.status_code == 200, args


def test_the_list_masks_phone_and_cccd_and_the_person_page_shows_them(app, organizer, people):
    ids, _, _ = people
    _, client = organizer
    html = client.get("/to-chuc/nguoi/", query_string={"q": "nguyen"}).get_data(as_text=True)
    assert "091****678" in html
    assert "0912345678" not in html
    assert "001234567890" not in html and "*********890" in html
    page = client.get(f"/to-chuc/nguoi/{ids['an']}")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    text = page.get_data(as_text=True)
    assert "0912345678" in text and "001234567890" in text and "Sở Nội vụ" in text


def test_paging(app, organizer):
    _, client = organizer
    with app.app_context():
        for i in range(120):
            make_user(phone=f"09130{i:05d}", full_name=f"Hoàng Văn Người {i:03d}")
    first = search(client, q="hoang van")
    assert len(first) == 50 and first[0] == "Hoàng Văn Người 000"
    html = client.get("/to-chuc/nguoi/", query_string={"q": "hoang van"}).get_data(as_text=True)
    assert "Trang 1/3" in html and "120 tài khoản" in html
    assert "trang=2" in html and "q=hoang" in html  # the link keeps the search
    third = search(client, q="hoang van", trang=3)
    assert len(third) == 20 and third[-1] == "Hoàng Văn Người 119"
    assert search(client, q="hoang van", trang=4) == []


def test_every_mix_of_blank_optional_fields_lists_and_shows(app, organizer):
    """Email, CCCD, date of birth, gender, address and agency: each given or blank (NULL)."""
    _, client = organizer
    with app.app_context():
        agency_id = make_agency().id
        ids = []
        options = itertools.product((True, False), repeat=5)
        for n, (email, cccd, gender, address, has_agency) in enumerate(options):
            ids.append(
                make_user(
                    phone=f"09140{n:05d}",
                    full_name=f"Vũ Thị Trống {n:02d}",
                    email=f"trong{n}@example.vn" if email else None,
                    national_id=f"{n:012d}" if cccd else None,
                    gender="nu" if gender else None,
                    address="Hà Nội" if address else None,
                    agency_id=agency_id if has_agency else None,
                ).id
            )
    names = search(client, q="vu thi trong")
    assert len(names) == 32
    for user_id in ids:
        assert client.get(f"/to-chuc/nguoi/{user_id}").status_code == 200
    assert len(search(client, q="vu thi trong", co_quan=agency_id)) == 16
    # Searching a CCCD or email never matches the blank (NULL) ones.
    assert search(client, q="trong1@example.vn") == ["Vũ Thị Trống 01"]


def test_the_person_page_shows_entries_profile_history_and_voided_entries(app, organizer):
    _, client = organizer
    with app.app_context():
        person = make_user(phone="0915000001", full_name="Bùi Thị Dự Thi")
        first = make_round(title="Tuần thi thứ nhất", question_count=20)
        second = make_round(contest=first.contest, title="Tuần thi thứ hai", question_count=20)
        make_entry(first, person, 17, seconds=125)
        make_entry(second, person, 12, seconds=300, number=1)
        make_entry(second, person, 15, seconds=200, number=2)
        entry = db.session.query(RoundEntry).filter_by(round_id=first.id).one()
        entry.voided_at = utcnow()
        entry.void_reason = "Trùng tài khoản"
        db.session.add(
            ProfileChange(
                user_id=person.id,
                field="full_name",
                old_value="Bùi Thị Dư Thi",
                new_value="Bùi Thị Dự Thi",
                changed_by_id=person.id,
            )
        )
        db.session.commit()
        person_id = person.id
    html = client.get(f"/to-chuc/nguoi/{person_id}").get_data(as_text=True)
    assert "Tuần thi thứ nhất" in html and "Tuần thi thứ hai" in html
    assert "17/20" in html and "Bị hủy kết quả" in html and "Trùng tài khoản" in html
    assert "Lượt 2 / 2" in html  # the best of two attempts counts
    assert "Bùi Thị Dư Thi" in html and "Chính người dự thi" in html


@pytest.mark.parametrize(
    "path",
    [
        "/to-chuc/nguoi/" + "1" * 30,
        "/to-chuc/nguoi/999999",
        "/to-chuc/nguoi/abc",
    ],
)
def test_unknown_or_overflowing_ids_are_a_vietnamese_404(app, organizer, path):
    _, client = organizer
    response = client.get(path)
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)

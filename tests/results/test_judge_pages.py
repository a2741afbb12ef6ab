"""The judges' pages: ranking with filters, charts, agencies, questions, and the lifecycle."""

import random
import re
from datetime import timedelta

import pytest

from contest.attempts import service as attempt_service
from contest.attempts.answers import save_choice
from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import Round
from tests.factories import (
    GRACE,
    POOL_SECONDS,
    csrf_token,
    login,
    make_agency,
    make_entry,
    make_questions,
    make_round,
    make_user,
)


@pytest.fixture
def judged(app):
    with app.app_context():
        now = utcnow()
        round_ = make_round(opens_at=now - timedelta(days=8), closes_at=now - timedelta(days=1))
        district = make_agency("HUYEN", "UBND huyện Nghi Lộc", headcount=100)
        commune = make_agency("XA", "UBND xã Nghi Phong", parent=district, headcount=20)
        make_user(phone="0900000001", role="judge", full_name="Giám khảo")
        make_user(phone="0900000002", role="organizer", full_name="Tổ chức")
        people = [
            ("Lan <b>", commune, 20, 100),
            ("Minh", district, 20, 200),
            ("Nga", commune, 10, 50),
        ]
        for i, (name, agency, correct, seconds) in enumerate(people):
            user = make_user(
                phone=f"09120000{i:02d}", full_name=name, agency_id=agency.id, group="can_bo"
            )
            make_entry(round_, user, correct, None, seconds, i)
        yield round_.id, commune.id, district.id


def test_judge_sees_the_ranking_escaped_with_charts(app, judged):
    round_id, _commune, _district = judged
    client = app.test_client()
    login(client, "0900000001")
    html = client.get(f"/giam-khao/vong/{round_id}").get_data(as_text=True)
    assert "Lan &lt;b&gt;" in html and "Lan <b>" not in html
    ranks = re.findall(r"<tr>\s*<td>(\d+)</td>\s*<td>([^<]+)", html)
    assert [(r, n.strip()) for r, n in ranks] == [
        ("1", "Lan &lt;b&gt;"),
        ("2", "Minh"),
        ("3", "Nga"),
    ]
    assert html.count("<svg") == 2 and "Đúng tất cả" in html
    assert "nhiều câu trả lời đúng hơn xếp trên" in html
    # Judges read; they get no status buttons.
    assert "Đánh dấu đã rà soát" not in html


def test_district_filter_includes_its_communes_and_keeps_ranks(app, judged):
    round_id, commune, district = judged
    client = app.test_client()
    login(client, "0900000001")
    html = client.get(f"/giam-khao/vong/{round_id}?co_quan={commune}").get_data(as_text=True)
    assert "Minh" not in html.split("<tbody>")[1]
    assert re.findall(r"<tr>\s*<td>(\d+)</td>", html) == ["1", "3"]
    html = client.get(f"/giam-khao/vong/{round_id}?co_quan={district}").get_data(as_text=True)
    assert re.findall(r"<tr>\s*<td>(\d+)</td>", html) == ["1", "2", "3"]


def test_agency_table_rolls_up(app, judged):
    round_id, _commune, _district = judged
    client = app.test_client()
    login(client, "0900000001")
    html = client.get(f"/giam-khao/vong/{round_id}/co-quan").get_data(as_text=True)
    district_row = html[html.index("UBND huyện Nghi Lộc") :].split("</tr>")[0]
    # Headcount 100 + 20, participants 1 + 2, rate 3/120.
    assert "120" in district_row and "2,50%" in district_row


def test_question_statistics(app):
    with app.app_context():
        make_questions(10)
        round_ = make_round(question_count=10)
        user = make_user(phone="0912000001")
        make_user(phone="0900000001", role="judge")
        attempt = attempt_service.start_attempt(
            user, round_, utcnow(), random.Random(2), grace=GRACE, pool_seconds=POOL_SECONDS
        )
        item = attempt.items[0]
        save_choice(
            attempt.user_id,
            attempt.id,
            1,
            item.correct,
            utcnow(),
            timedelta(seconds=10),
            session_version=0,
        )
        attempt_service.submit_attempt(attempt, utcnow(), timedelta(seconds=10))
        first_text = item.text
        round_id = round_.id
    client = app.test_client()
    login(client, "0900000001")
    html = client.get(f"/giam-khao/vong/{round_id}/cau-hoi").get_data(as_text=True)
    assert html.count("<tr><td>") == 10
    assert "100,0%" in html and first_text in html


def test_organizer_moves_results_to_published(app, judged):
    round_id, _commune, _district = judged
    client = app.test_client()
    login(client, "0900000002")
    token = csrf_token(client)
    url = f"/giam-khao/vong/{round_id}/trang-thai"
    client.post(url, data={"csrf_token": token, "action": "review"})
    client.post(url, data={"csrf_token": token, "action": "publish"})
    html = client.get(f"/giam-khao/vong/{round_id}").get_data(as_text=True)
    assert "Đã công bố" in html and "Công bố lại" in html
    client.post(url, data={"csrf_token": token, "action": "publish", "reason": ""})
    assert "Công bố lại kết quả cần ghi rõ lý do." in client.get(
        f"/giam-khao/vong/{round_id}"
    ).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Round, round_id).results_status == "published"


def test_judge_cannot_change_status(app, judged):
    round_id, _commune, _district = judged
    client = app.test_client()
    login(client, "0900000001")
    token = csrf_token(client)
    response = client.post(
        f"/giam-khao/vong/{round_id}/trang-thai", data={"csrf_token": token, "action": "review"}
    )
    assert response.status_code == 403


def test_participant_cannot_see_rankings(app, judged):
    round_id, _commune, _district = judged
    client = app.test_client()
    login(client, "0912000000")
    assert client.get(f"/giam-khao/vong/{round_id}").status_code == 403


@pytest.mark.parametrize("kind", ["ranking", "agencies", "entries", "prizes", "questions"])
def test_export_downloads_open_in_openpyxl(app, judged, kind):
    from io import BytesIO

    from openpyxl import load_workbook

    round_id, commune, _district = judged
    client = app.test_client()
    login(client, "0900000001")
    response = client.get(f"/giam-khao/vong/{round_id}/xuat/{kind}.xlsx?co_quan={commune}")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    book = load_workbook(BytesIO(response.data))
    text = " ".join(str(c) for row in book.active.iter_rows(values_only=True) for c in row if c)
    if kind in ("ranking", "entries"):
        assert "Lan <b>" in text and "Minh" not in text  # the commune filter
    response.close()


def test_public_export_masks_phones(app, judged):
    from io import BytesIO

    from openpyxl import load_workbook

    round_id, _commune, _district = judged
    client = app.test_client()
    login(client, "0900000001")
    masked = client.get(f"/giam-khao/vong/{round_id}/xuat/ranking.xlsx?cong_khai=1")
    full = client.get(f"/giam-khao/vong/{round_id}/xuat/ranking.xlsx")
    masked_text = " ".join(
        str(c)
        for r in load_workbook(BytesIO(masked.data)).active.iter_rows(values_only=True)
        for c in r
        if c
    )
    full_text = " ".join(
        str(c)
        for r in load_workbook(BytesIO(full.data)).active.iter_rows(values_only=True)
        for c in r
        if c
    )
    assert "0912000000" in full_text and "0912000000" not in masked_text
    masked.close()
    full.close()


def test_the_ranking_pages_keep_the_filters_in_their_links(app, judged, monkeypatch):
    from contest.results import routes

    round_id, commune, _district = judged
    monkeypatch.setattr(routes, "PAGE_SIZE", 1)
    client = app.test_client()
    login(client, "0900000001")
    html = client.get(f"/giam-khao/vong/{round_id}?co_quan={commune}").get_data(as_text=True)
    assert "Trang 1/2" in html
    next_link = re.search(r'<a href="([^"]+)">Sau ›</a>', html).group(1)
    assert "trang=2" in next_link and f"co_quan={commune}" in next_link
    second = client.get(f"/giam-khao/vong/{round_id}?co_quan={commune}&trang=2")
    assert "‹ Trước" in second.get_data(as_text=True)

"""The public check page (/kiem-tra-ket-qua) and the receipt on a participant's result page."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from contest.domain.clock import utcnow
from contest.extensions import db
from contest.main import routes as main_routes
from contest.models import Round, SnapshotRow
from contest.results import service as results
from tests.factories import csrf_token, login, make_entry, make_round, make_user
from tests.results import test_exports, test_seal
from tests.results.test_seal import expected_seal, export_bytes, publish

closed_round = test_exports.closed_round
PAGE = "/kiem-tra-ket-qua"


def post(client, data: dict, status: int) -> str:
    data = {"csrf_token": csrf_token(client, PAGE), **data}
    response = client.post(PAGE, data=data, content_type="multipart/form-data")
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def upload(data: bytes, name="xep-hang.xlsx") -> dict:
    return {"tep": (io.BytesIO(data), name)}


def test_upload_a_file(app, client, closed_round):
    with app.app_context():
        publish(closed_round)
        data = export_bytes(closed_round, for_judges=False)
        prizes = export_bytes(closed_round, "prizes")
    assert client.get(PAGE).status_code == 200
    html = post(client, upload(data), 200)
    assert "Tệp đúng như đã công bố" in html and "Niêm phong của tệp: KHỚP" in html
    assert "vòng 1 (Tuần thi thứ nhất), công bố lần 1" in html
    assert "Tệp đúng như đã công bố" in post(client, upload(prizes), 200)
    changed = test_seal.change_cell(data, "Số câu đúng", 0, 19)
    html = post(client, upload(changed), 200)
    assert "Tệp KHÔNG đúng như đã công bố" in html and "10." in html  # the data sheet's row 10


def test_bad_uploads_and_codes(app, client, closed_round, monkeypatch):
    html = post(client, upload(b"PK\x03\x04 not really a zip"), 400)
    assert "Tệp “xep-hang.xlsx” bị hỏng" in html
    html = post(client, upload(b"x" * 2048), 400)
    assert "không phải là bảng tính" in html
    for typed in ("", "xyz", "12345", "g" * 12, "a" * 63, "a" * 500):
        assert "Hãy chọn tệp kết quả" in post(client, {"ma": typed}, 400)
    # A workbook that is not a published file.
    import openpyxl

    book = openpyxl.Workbook()
    out = io.BytesIO()
    book.save(out)
    assert "Niêm phong" in post(client, upload(out.getvalue()), 400)
    monkeypatch.setattr(main_routes, "MAX_VERIFY_BYTES", 1024)
    assert "Tệp lớn hơn 1 KB" in post(client, upload(b"x" * 1025), 413)


def test_paste_a_seal_or_a_receipt(app, client, closed_round):
    with app.app_context():
        publish(closed_round)
        seal_value, digests = expected_seal()
        an_receipt = digests[1][:12]
    html = post(client, {"ma": seal_value.upper()}, 200)
    assert "Cuộc thi tìm hiểu kiểm soát thủ tục hành chính" in html
    assert "công bố lần 1" in html and "8 người được xếp hạng" in html
    grouped = "-".join(an_receipt[i : i + 4] for i in range(0, 12, 4)).upper()
    html = post(client, {"ma": f" {grouped} "}, 200)
    assert grouped in html and "A." in html and "Giải Nhất" in html
    assert "sinh năm 1990" in html and "UBND xã B" in html
    assert "0912000000" not in html and ">An<" not in html  # masked: initials only
    assert "Không tìm thấy" in post(client, {"ma": "0" * 12}, 200)
    assert "Không tìm thấy" in post(client, {"ma": "0" * 64}, 200)


def test_republished(app, client, closed_round):
    with app.app_context():
        first_seal = publish(closed_round).sha256
        publish(closed_round, reason="Sửa đáp án câu 3", now=test_seal.NOW + timedelta(hours=1))
    assert "đã được công bố lại" in post(client, {"ma": first_seal}, 200)


def test_results_kept_back_are_not_shown(app, client, closed_round):
    # The fixture's app context is the one requests use too: no context of the test's own.
    first_seal = publish(closed_round).sha256
    receipt = expected_seal()[1][0][:12]
    round_ = db.session.get(Round, closed_round)
    round_.contest.results_visible = False  # kept back until the contest ends
    round_.closes_at = utcnow() + timedelta(days=1)
    db.session.commit()
    assert "Không tìm thấy" in post(client, {"ma": first_seal}, 200)
    assert "Không tìm thấy" in post(client, {"ma": receipt}, 200)


@pytest.fixture
def published_participant(app):
    with app.app_context():
        now = utcnow()
        round_ = make_round(opens_at=now - timedelta(days=8), closes_at=now - timedelta(days=1))
        user = make_user(phone="0915000001", group="nhan_dan")
        rival = make_user(phone="0915000002", group="nhan_dan")
        attempt = make_entry(round_, user, 18, None, 200, 5)
        make_entry(round_, rival, 19, None, 300, 6)
        round_.prize_counts = {"nhat": 1, "nhi": 1, "ba": 0, "kk": 0}
        db.session.commit()
        yield round_.id, user, attempt.id


def test_result_page_shows_rank_prize_and_receipt(app, client, published_participant):
    round_id, user, attempt_id = published_participant
    login(client, user)
    html = client.get(f"/bai-thi/{attempt_id}/ket-qua").get_data(as_text=True)
    assert 'id="published-result"' not in html  # not published yet
    # In the fixture's app context, the one requests use too.
    round_ = db.session.get(Round, round_id)
    results.mark_reviewed(round_)
    results.publish(round_, utcnow(), timedelta(seconds=10), None, None)
    receipt = db.session.execute(
        select(SnapshotRow.receipt).where(SnapshotRow.user_id == user.id)
    ).scalar_one()
    html = client.get(f"/bai-thi/{attempt_id}/ket-qua").get_data(as_text=True)
    assert 'id="published-rank">2<' in html and 'id="published-prize">Giải Nhì<' in html
    shown = "-".join(receipt[i : i + 4] for i in range(0, 12, 4)).upper()
    assert shown in html

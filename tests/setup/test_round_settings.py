"""Organizers set up rounds: times in Vietnam time, quotas, the ranking chain, prizes."""

import re
from datetime import datetime

from sqlalchemy import select

from contest.extensions import db
from contest.models import Contest, Round, RoundEntry
from tests.factories import (
    csrf_token,
    login,
    make_contest,
    make_entry,
    make_questions,
    make_round,
    make_user,
)

FORM = {
    "title": "Tuần thi thứ hai",
    "opens_at": "07/12/2026 08:00",
    "closes_at": "14/12/2026 08:00",
    "question_count": "10",
    "time_limit_minutes": "15",
    "attempts_allowed": "0",
    "counted_attempt": "best",
    "shuffle_options": "y",
    "reveal_answers": "after_close",
    "prediction_enabled": "y",
    "prediction_prompt": "Bao nhiêu người đúng hết?",
    "prediction_target": "perfect",
    "chain_1": "correct",
    "chain_2": "duration",
    "chain_3": "",
    "chain_4": "",
    "prize_nhat": "1",
    "prize_nhi": "1",
    "prize_ba": "2",
    "prize_kk": "5",
}


def organizer(app):
    with app.app_context():
        make_questions(20, topic_names=("Một cửa", "Điện tử"))
        contest_id = make_contest().id
        make_user(phone="0900000009", role="organizer")
    client = app.test_client()
    login(client, "0900000009")
    return client, contest_id


def test_new_round_saved_with_vietnam_times_and_chain(app):
    client, contest_id = organizer(app)
    assert "Tuần thi thứ 1" in client.get(f"/to-chuc/cuoc-thi/{contest_id}/vong-moi").get_data(
        as_text=True
    )
    data = {**FORM, "csrf_token": csrf_token(client), "quota_1": "4", "quota_2": ""}
    response = client.post(f"/to-chuc/cuoc-thi/{contest_id}/vong-moi", data=data)
    assert response.status_code == 302
    with app.app_context():
        round_ = db.session.execute(select(Round)).scalar_one()
        assert round_.opens_at == datetime(2026, 12, 7, 1, 0)  # 08:00 in Vietnam is 01:00 UTC
        assert round_.attempts_allowed is None
        assert round_.ranking_chain == ["correct", "duration"]
        assert round_.topic_quotas == {"1": 4}
        assert round_.prize_counts == {"nhat": 1, "nhi": 1, "ba": 2, "kk": 5}
    rules = client.get("/the-le", follow_redirects=True).get_data(as_text=True)
    assert "2. nếu bằng nhau thì thời gian làm bài ngắn hơn xếp trên" in rules
    assert "dự đoán gần đúng nhất" not in rules


def test_invalid_settings_get_messages_and_nothing_is_saved(app):
    client, contest_id = organizer(app)
    data = {
        **FORM,
        "csrf_token": csrf_token(client),
        "closes_at": "01/12/2026 08:00",
        "chain_1": "duration",
        "chain_2": "duration",
        "prediction_prompt": "",
        "question_count": "50",
        "quota_1": "abc",
    }
    html = client.post(f"/to-chuc/cuoc-thi/{contest_id}/vong-moi", data=data).get_data(as_text=True)
    for message in (
        "Thời điểm đóng phải sau thời điểm mở.",
        "Mỗi tiêu chí chỉ được chọn một lần.",
        "Nhập nội dung câu hỏi dự đoán.",
        "Nhập số nguyên từ 0 đến 200.",
    ):
        assert message in html
    with app.app_context():
        assert db.session.execute(select(Round)).first() is None


def test_quota_larger_than_the_topic_is_refused(app):
    client, contest_id = organizer(app)
    data = {**FORM, "csrf_token": csrf_token(client), "question_count": "15", "quota_1": "11"}
    html = client.post(f"/to-chuc/cuoc-thi/{contest_id}/vong-moi", data=data).get_data(as_text=True)
    assert (
        "Ngân hàng chỉ có 10 câu hỏi chủ đề «Một cửa» đang dùng, vòng thi cần 11 (thiếu 1)." in html
    )


def test_changing_the_counted_attempt_recomputes_entries(app):
    client, contest_id = organizer(app)
    with app.app_context():
        round_ = make_round(db.session.get(Contest, contest_id), counted_attempt="best")
        user = make_user(phone="0912000001")
        make_entry(round_, user, 18, seconds=100, number=1)
        make_entry(round_, user, 12, seconds=100, minute=30, number=2)
        round_id = round_.id
        assert db.session.execute(select(RoundEntry.correct_count)).scalar_one() == 18
    data = {**FORM, "csrf_token": csrf_token(client), "counted_attempt": "last"}
    # The round has attempts: the change is listed for confirmation first, then saved.
    page = client.post(f"/to-chuc/vong/{round_id}/sua", data=data).get_data(as_text=True)
    assert "Lượt được tính: Lượt có kết quả cao nhất → Lượt cuối cùng" in page.replace(
        "</strong>", ""
    ).replace("<strong>", "")
    marker = re.search(r'name="confirmed" value="([^"]+)"', page).group(1)
    confirmed = {**data, "confirmed": marker}
    assert client.post(f"/to-chuc/vong/{round_id}/sua", data=confirmed).status_code == 302
    with app.app_context():
        entry = db.session.execute(select(RoundEntry)).scalar_one()
        assert (entry.correct_count, entry.attempts_count) == (12, 2)


def test_contest_prize_rules(app):
    client, contest_id = organizer(app)
    data = {
        "csrf_token": csrf_token(client),
        "several_prizes_per_person": "y",
        "collective_measure": "participants",
    }
    assert client.post(f"/to-chuc/cuoc-thi/{contest_id}/cai-dat", data=data).status_code == 302
    with app.app_context():
        contest = db.session.get(Contest, contest_id)
        assert (contest.several_prizes_per_person, contest.collective_measure) == (
            True,
            "participants",
        )

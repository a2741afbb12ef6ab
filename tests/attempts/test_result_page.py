"""The result page and «Bài thi của tôi»: time-up in words, durations, learning from answers."""

import re
from datetime import timedelta

from sqlalchemy import select, update

from contest.domain.clock import to_vietnam, utcnow
from contest.extensions import db
from contest.models import Attempt, AttemptItem, Question
from tests.attempts.test_quiz import (
    attempt_id_from,
    items,
    right_choice,
    save,
    setup_round,
    start,
    wrong_choice,
)
from tests.factories import csrf_token, login

EXPIRED = "Hết giờ — bài được nộp tự động với các câu đã lưu trước "


def hand_in(client, attempt_id):
    token = csrf_token(client)
    return client.post(f"/bai-thi/{attempt_id}/nop-bai", data={"csrf_token": token, "confirm": "1"})


def test_an_attempt_closed_by_its_deadline_says_time_up_with_the_moment(app, client):
    round_id = setup_round(app, time_limit=600)
    login(client, "0912000001")
    attempt_id = attempt_id_from(start(client, round_id))
    first = items(app, attempt_id)[0]
    assert save(client, attempt_id, {"position": 1, "chosen": right_choice(first)}).json["ok"]
    with app.app_context():
        past = utcnow() - timedelta(hours=1)
        db.session.execute(
            update(Attempt)
            .where(Attempt.id == attempt_id)
            .values(started_at=past - timedelta(minutes=10), deadline=past)
        )
        db.session.commit()
    moment = to_vietnam(past).strftime("%H:%M:%S")
    # The quiz page finds the time up and leads to the result.
    assert client.get(f"/bai-thi/{attempt_id}").status_code == 302
    result = client.get(f"/bai-thi/{attempt_id}/ket-qua").get_data(as_text=True)
    assert EXPIRED + moment in result
    assert "Đã nộp" not in result
    assert "10 phút 00 giây" in result  # the whole time, in words
    mine = client.get("/bai-thi-cua-toi").get_data(as_text=True)
    assert EXPIRED + moment in mine and "Đã nộp" not in mine


def test_a_handed_in_attempt_says_handed_in_and_its_duration_in_words(app, client):
    round_id = setup_round(app)
    login(client, "0912000001")
    attempt_id = attempt_id_from(start(client, round_id))
    with app.app_context():
        started = db.session.get(Attempt, attempt_id).started_at
        db.session.execute(
            update(Attempt)
            .where(Attempt.id == attempt_id)
            .values(started_at=started - timedelta(seconds=15, milliseconds=500))
        )
        db.session.commit()
    hand_in(client, attempt_id)
    result = client.get(f"/bai-thi/{attempt_id}/ket-qua").get_data(as_text=True)
    assert 'id="attempt-status">Đã nộp<' in result and EXPIRED not in result
    # 15,5 s and the few milliseconds of the requests in between.
    assert re.search(r'id="duration">15,[5-9] giây<', result)
    assert "(phút:giây)" not in result
    mine = client.get("/bai-thi-cua-toi").get_data(as_text=True)
    assert "Đã nộp" in mine and " giây" in mine


def test_revealed_answers_show_the_choice_the_right_options_the_explanation_and_source(app, client):
    round_id = setup_round(app, reveal_answers="after_submit")
    login(client, "0912000001")
    attempt_id = attempt_id_from(start(client, round_id))
    drawn = items(app, attempt_id)
    with app.app_context():
        question = db.session.get(Question, drawn[0].question_id)
        question.explanation = "Theo Điều 5, hồ sơ nộp tại Bộ phận Một cửa <b>."
        question.source = "Nghị định số 61/2018/NĐ-CP, Điều 5"
        db.session.commit()
    token = csrf_token(client)
    save(client, attempt_id, {"position": 1, "chosen": right_choice(drawn[0])}, token)
    save(client, attempt_id, {"position": 2, "chosen": wrong_choice(drawn[1])}, token)
    hand_in(client, attempt_id)
    html = client.get(f"/bai-thi/{attempt_id}/ket-qua").get_data(as_text=True)
    assert "Đáp án và giải thích" in html
    assert "Theo Điều 5, hồ sơ nộp tại Bộ phận Một cửa &lt;b&gt;." in html  # escaped
    assert "Căn cứ:</span> Nghị định số 61/2018/NĐ-CP, Điều 5" in html
    assert html.count("Bạn chọn:") == len(drawn)
    assert html.count("Đáp án đúng:") == len(drawn)
    assert "không trả lời" in html and "chưa đúng" in html
    letters = ", ".join("ABCD"[i] for i in sorted(drawn[0].correct))
    review = html.split('id="review-1"')[1].split('id="review-2"')[0]
    assert f"Đáp án đúng:</span> {letters}" in review and "— đúng" in review


def test_answers_not_revealed_read_no_notes(app, client):
    round_id = setup_round(app)  # after the round closes
    login(client, "0912000001")
    attempt_id = attempt_id_from(start(client, round_id))
    hand_in(client, attempt_id)
    html = client.get(f"/bai-thi/{attempt_id}/ket-qua").get_data(as_text=True)
    assert "Bạn chọn:" not in html and "Đáp án được công bố sau khi" in html
    with app.app_context():
        assert db.session.scalar(
            select(AttemptItem.question_id).where(AttemptItem.attempt_id == attempt_id).limit(1)
        )

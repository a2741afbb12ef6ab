"""Small things of the quiz page: one hint, the prediction's label, the timer, the header."""

import re

from contest.attempts.quiz_page import question_fieldset
from contest.extensions import db
from contest.models import Question
from tests.attempts.test_quiz import attempt_id_from, items, setup_round, start
from tests.factories import csrf_token, login


def test_a_multi_answer_question_gets_one_hint():
    ours = question_fieldset(1, "Câu hỏi?", ["a", "b", "c"], 2, None)
    assert ours.count("(Chọn") == 1 and "Chọn tất cả phương án đúng" in ours
    own = question_fieldset(1, "Câu hỏi? (Chọn 2 đáp án)", ["a", "b", "c"], 2, None)
    assert own.count("(Chọn") == 1 and "Chọn tất cả phương án đúng" not in own
    single = question_fieldset(1, "Câu hỏi?", ["a", "b"], 1, None)
    assert "(Chọn" not in single


def test_the_quiz_page_labels_the_prediction_and_marks_the_timer(app, client):
    round_id = setup_round(app, prediction_enabled=True, prediction_prompt="Bao nhiêu?")
    login(client, "0912000001")
    attempt_id = attempt_id_from(start(client, round_id))
    html = client.get(f"/bai-thi/{attempt_id}").get_data(as_text=True)
    assert '<label for="prediction"' in html
    assert re.search(r'id="timer" role="timer"', html)
    assert 'id="timer-announce" class="visually-hidden" aria-live="polite"' in html
    assert "Thi thử" not in html


def test_the_header_shows_the_persons_name_linking_to_the_profile(app, client):
    round_id = setup_round(app)
    login(client, "0912000002")  # Lê Văn Cường
    html = client.get(f"/vong/{round_id}/").get_data(as_text=True)
    assert re.search(
        r'<a href="/tai-khoan/ho-so" class="who"[^>]*><span class="who-name">Lê Văn Cường</span>',
        html,
    )


def test_bank_hint_questions_on_the_page_have_one_hint(app, client):
    round_id = setup_round(app)
    with app.app_context():
        for question in db.session.query(Question).all():
            question.text += " (Chọn 2 đáp án)"
        db.session.commit()
    login(client, "0912000001")
    attempt_id = attempt_id_from(start(client, round_id))
    html = client.get(f"/bai-thi/{attempt_id}").get_data(as_text=True)
    assert "Chọn tất cả phương án đúng" not in html
    assert html.count("(Chọn 2 đáp án)") == len(items(app, attempt_id))


def test_a_practice_round_says_thi_thu_everywhere_and_shows_no_rank(app, client):
    round_id = setup_round(app, is_practice=True, reveal_answers="after_submit")
    login(client, "0912000001")
    assert "Thi thử" in client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Thi thử" in client.get(f"/vong/{round_id}/").get_data(as_text=True)
    attempt_id = attempt_id_from(start(client, round_id))
    assert "Thi thử" in client.get(f"/bai-thi/{attempt_id}").get_data(as_text=True)
    token = csrf_token(client)
    client.post(f"/bai-thi/{attempt_id}/nop-bai", data={"csrf_token": token, "confirm": "1"})
    result = client.get(f"/bai-thi/{attempt_id}/ket-qua").get_data(as_text=True)
    assert "Thi thử" in result and 'class="standing"' not in result
    assert "Thi thử" in client.get("/bai-thi-cua-toi").get_data(as_text=True)

"""The participant's attempt through the web client: start, save, reload, submit, result."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import Attempt, AttemptItem, Round
from tests.factories import csrf_token, login, make_questions, make_round, make_user


def setup_round(app, **settings):
    with app.app_context():
        make_questions(30, topic_names=("Một cửa", "Dịch vụ công"), multiple_every=7)
        round_id = make_round(**settings).id
        make_user(phone="0912000001")
        make_user(phone="0912000002", full_name="Lê Văn Cường")
    return round_id


def start(client, round_id):
    token = csrf_token(client)
    return client.post(f"/vong/{round_id}/bat-dau", data={"csrf_token": token})


def attempt_id_from(response) -> int:
    return int(re.search(r"/bai-thi/(\d+)", response.headers["Location"]).group(1))


def save(client, attempt_id, body, token=None):
    token = token or csrf_token(client)
    return client.post(f"/bai-thi/{attempt_id}/luu", json=body, headers={"X-CSRFToken": token})


def items(app, attempt_id):
    with app.app_context():
        return (
            db.session.execute(
                select(AttemptItem)
                .where(AttemptItem.attempt_id == attempt_id)
                .order_by(AttemptItem.position)
            )
            .scalars()
            .all()
        )


def right_choice(item):
    return list(item.correct)


def wrong_choice(item):
    return [next(i for i in range(len(item.options)) if i not in item.correct)]


def test_full_journey_start_save_reload_submit_result(app, client):
    round_id = setup_round(app, prediction_enabled=True, prediction_prompt="Bao nhiêu người?")
    login(client, "0912000001")
    attempt_id = attempt_id_from(start(client, round_id))
    page = client.get(f"/bai-thi/{attempt_id}").get_data(as_text=True)
    assert page.count('class="question"') == 10
    assert "Bao nhiêu người?" in page
    drawn = items(app, attempt_id)
    assert len({item.question_id for item in drawn}) == 10

    token = csrf_token(client)
    for item in drawn[:6]:
        assert save(
            client, attempt_id, {"position": item.position, "chosen": right_choice(item)}, token
        ).json["ok"]
    for item in drawn[6:8]:
        save(client, attempt_id, {"position": item.position, "chosen": wrong_choice(item)}, token)
    assert save(client, attempt_id, {"prediction": "1.234"}, token).json["ok"]

    # A reload, or starting again, resumes the same questions and choices: nothing is drawn again.
    assert attempt_id_from(start(client, round_id)) == attempt_id
    again = items(app, attempt_id)
    assert [i.question_id for i in again] == [i.question_id for i in drawn]
    assert [i.options for i in again] == [i.options for i in drawn]
    page = client.get(f"/bai-thi/{attempt_id}").get_data(as_text=True)
    assert page.count(" checked") == sum(len(c) for c in (right_choice(i) for i in drawn[:6])) + 2
    assert 'value="1234"' in page

    response = client.post(
        f"/bai-thi/{attempt_id}/nop-bai", data={"csrf_token": token, "confirm": "1"}
    )
    assert response.status_code == 302
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "6/10" in result
    assert "1.234" in result
    assert "<strong>1/1</strong> trong nhóm đối tượng của bạn" in result
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status == "submitted"
        assert attempt.correct_count == 6
        assert attempt.prediction == 1234
        assert attempt.duration_ms >= 0
    flags = [item.is_correct for item in items(app, attempt_id)]
    assert flags == [True] * 6 + [False] * 4


def test_saving_the_same_choice_twice_is_idempotent(app, client):
    round_id = setup_round(app)
    login(client, "0912000001")
    attempt_id = attempt_id_from(start(client, round_id))
    item = items(app, attempt_id)[0]
    token = csrf_token(client)
    save(client, attempt_id, {"position": 1, "chosen": right_choice(item)}, token)
    first = items(app, attempt_id)[0].answered_at
    save(client, attempt_id, {"position": 1, "chosen": right_choice(item)}, token)
    assert items(app, attempt_id)[0].answered_at == first
    save(client, attempt_id, {"position": 1, "chosen": []}, token)
    assert items(app, attempt_id)[0].chosen is None


def test_bad_saves_are_refused_without_changing_anything(app, client):
    round_id = setup_round(app)
    login(client, "0912000001")
    attempt_id = attempt_id_from(start(client, round_id))
    token = csrf_token(client)
    single = next(i for i in items(app, attempt_id) if len(i.correct) == 1)
    cases = [
        {"position": single.position, "chosen": [0, 1]},
        {"position": single.position, "chosen": [9]},
        {"position": 99, "chosen": [0]},
        {"position": "x", "chosen": [0]},
        {"chosen": [0]},
        {"prediction": -5},
        "not an object",
    ]
    for body in cases:
        response = save(client, attempt_id, body, token)
        assert response.status_code == 400, body
        assert response.json["ok"] is False
    assert all(i.chosen is None for i in items(app, attempt_id))


def test_save_without_csrf_header_is_refused(app, client):
    round_id = setup_round(app)
    login(client, "0912000001")
    attempt_id = attempt_id_from(start(client, round_id))
    response = client.post(f"/bai-thi/{attempt_id}/luu", json={"position": 1, "chosen": [0]})
    assert response.status_code == 400
    forged = client.post(
        f"/bai-thi/{attempt_id}/luu",
        json={"position": 1, "chosen": [0]},
        headers={"X-CSRFToken": "forged." + csrf_token(client)[7:]},
    )
    assert forged.status_code == 400
    assert items(app, attempt_id)[0].chosen is None


def test_a_form_post_is_judged_by_the_header_token_when_it_has_both(app, client):
    """The header is read first; the form's token is still read when there is no header."""
    round_id = setup_round(app)
    login(client, "0912000001")
    token = csrf_token(client)
    refused = client.post(
        f"/vong/{round_id}/bat-dau", data={"csrf_token": token}, headers={"X-CSRFToken": "x"}
    )
    assert refused.status_code == 400
    started = client.post(
        f"/vong/{round_id}/bat-dau", data={"csrf_token": "x"}, headers={"X-CSRFToken": token}
    )
    assert started.status_code == 302
    assert client.post(f"/vong/{round_id}/bat-dau", data={"csrf_token": token}).status_code == 302


def test_double_submit_counts_once(app, client):
    round_id = setup_round(app)
    login(client, "0912000001")
    attempt_id = attempt_id_from(start(client, round_id))
    token = csrf_token(client)
    item = items(app, attempt_id)[0]
    save(client, attempt_id, {"position": 1, "chosen": right_choice(item)}, token)
    for _ in range(2):
        response = client.post(
            f"/bai-thi/{attempt_id}/nop-bai", data={"csrf_token": token, "confirm": "1"}
        )
        assert response.status_code == 302
    # A save after submitting is refused and says where the result is.
    late = save(client, attempt_id, {"position": 2, "chosen": [0]}, token)
    assert late.status_code == 409
    assert late.json["result_url"].endswith(f"/bai-thi/{attempt_id}/ket-qua")
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.correct_count == 1
        assert db.session.execute(select(func.count()).select_from(Attempt)).scalar_one() == 1


def test_attempt_limit(app, client):
    round_id = setup_round(app, attempts_allowed=2)
    login(client, "0912000001")
    token = csrf_token(client)
    for _ in range(2):
        attempt_id = attempt_id_from(start(client, round_id))
        client.post(f"/bai-thi/{attempt_id}/nop-bai", data={"csrf_token": token, "confirm": "1"})
    response = start(client, round_id)
    with app.app_context():
        slug = db.session.get(Round, round_id).contest.slug
    # Back to the round's own contest page, with the reason.
    assert response.headers["Location"] == f"/cuoc-thi/{slug}/"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Bạn đã dùng hết số lượt thi của vòng này." in page
    with app.app_context():
        numbers = (
            db.session.execute(select(Attempt.number).order_by(Attempt.number)).scalars().all()
        )
    assert numbers == [1, 2]


def test_round_not_open_refuses_start(app, client):
    now = utcnow()
    round_id = setup_round(
        app, opens_at=now + timedelta(hours=1), closes_at=now + timedelta(days=7)
    )
    login(client, "0912000001")
    start(client, round_id)
    assert "Vòng thi chưa mở." in client.get("/", follow_redirects=True).get_data(as_text=True)


def test_time_running_out_closes_with_what_was_saved_in_time(app, client):
    round_id = setup_round(app, time_limit=600)
    login(client, "0912000001")
    attempt_id = attempt_id_from(start(client, round_id))
    drawn = items(app, attempt_id)
    token = csrf_token(client)
    save(client, attempt_id, {"position": 1, "chosen": right_choice(drawn[0])}, token)
    with app.app_context():
        deadline = db.session.get(Attempt, attempt_id).deadline

    # Within the network grace an answer still counts.
    app.config["CLOCK"] = lambda: deadline + timedelta(seconds=5)
    assert save(client, attempt_id, {"position": 2, "chosen": right_choice(drawn[1])}, token).json[
        "ok"
    ]
    # After it, answers are refused and the attempt is closed, timed at its deadline.
    app.config["CLOCK"] = lambda: deadline + timedelta(seconds=11)
    late = save(client, attempt_id, {"position": 3, "chosen": right_choice(drawn[2])}, token)
    assert late.status_code == 409
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status == "expired"
        assert attempt.correct_count == 2
        assert attempt.submitted_at == deadline
        assert attempt.duration_ms == 600_000
    assert client.get(f"/bai-thi/{attempt_id}").status_code == 302


def test_opening_the_page_after_the_grace_closes_the_attempt_with_what_was_saved(app, client):
    round_id = setup_round(app)
    login(client, "0912000001")
    attempt_id = attempt_id_from(start(client, round_id))
    drawn = items(app, attempt_id)
    save(client, attempt_id, {"position": 1, "chosen": right_choice(drawn[0])}, csrf_token(client))
    with app.app_context():
        deadline = db.session.get(Attempt, attempt_id).deadline
    # Within the grace the page still shows, its countdown at zero.
    app.config["CLOCK"] = lambda: deadline + timedelta(seconds=5)
    page = client.get(f"/bai-thi/{attempt_id}")
    assert page.status_code == 200 and 'data-seconds-left="0"' in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).status == "open"
    app.config["CLOCK"] = lambda: deadline + timedelta(seconds=11)
    closed = client.get(f"/bai-thi/{attempt_id}")
    assert closed.status_code == 302
    assert closed.headers["Location"].endswith(f"/bai-thi/{attempt_id}/ket-qua")
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert (attempt.status, attempt.correct_count) == ("expired", 1)
        assert attempt.submitted_at == deadline


def test_a_form_submit_after_time_is_up_does_not_count_its_answers(app, client):
    round_id = setup_round(app)
    login(client, "0912000001")
    attempt_id = attempt_id_from(start(client, round_id))
    drawn = items(app, attempt_id)
    with app.app_context():
        deadline = db.session.get(Attempt, attempt_id).deadline
    app.config["CLOCK"] = lambda: deadline + timedelta(minutes=1)
    token = csrf_token(client)
    data = {"csrf_token": token, "answers_included": "1", "confirm": "1"}
    data.update({f"q{i.position}": str(i.correct[0]) for i in drawn})
    client.post(f"/bai-thi/{attempt_id}/nop-bai", data=data)
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).correct_count == 0


def test_without_javascript_the_form_saves_then_asks_to_confirm(app, client):
    round_id = setup_round(app, prediction_enabled=True, prediction_prompt="Dự đoán?")
    login(client, "0912000001")
    attempt_id = attempt_id_from(start(client, round_id))
    drawn = items(app, attempt_id)
    token = csrf_token(client)
    data = {"csrf_token": token, "answers_included": "1", "prediction": "321"}
    for item in drawn[:4]:
        data[f"q{item.position}"] = [str(c) for c in right_choice(item)]
    page = client.post(f"/bai-thi/{attempt_id}/nop-bai", data=data).get_data(as_text=True)
    assert "Xác nhận nộp bài" in page and "4/10" in page
    response = client.post(
        f"/bai-thi/{attempt_id}/nop-bai", data={"csrf_token": token, "confirm": "1"}
    )
    assert response.status_code == 302
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert (attempt.status, attempt.correct_count, attempt.prediction) == ("submitted", 4, 321)


def test_another_user_cannot_read_or_write_the_attempt(app, client):
    round_id = setup_round(app)
    login(client, "0912000001")
    attempt_id = attempt_id_from(start(client, round_id))
    other = app.test_client()
    login(other, "0912000002")
    token = csrf_token(other)
    assert other.get(f"/bai-thi/{attempt_id}").status_code == 404
    assert other.get(f"/bai-thi/{attempt_id}/ket-qua").status_code == 404
    assert save(other, attempt_id, {"position": 1, "chosen": [0]}, token).status_code == 404
    assert (
        other.post(
            f"/bai-thi/{attempt_id}/nop-bai", data={"csrf_token": token, "confirm": "1"}
        ).status_code
        == 404
    )
    assert all(i.chosen is None for i in items(app, attempt_id))
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).status == "open"


def test_quiz_page_never_holds_the_correct_answers(app, client):
    round_id = setup_round(app)
    login(client, "0912000001")
    attempt_id = attempt_id_from(start(client, round_id))
    html = client.get(f"/bai-thi/{attempt_id}").get_data(as_text=True)
    for word in ("correct", "dap-an-dung", "is-right", "✓"):
        assert word not in html
    # Every option is shown the same way: nothing distinguishes the right one.
    for item in items(app, attempt_id):
        for index in range(len(item.options)):
            assert f'name="q{item.position}" value="{index}">' in html


def test_result_reveals_answers_only_when_the_round_allows(app, client):
    round_id = setup_round(app)  # reveal after the round closes (default)
    login(client, "0912000001")
    attempt_id = attempt_id_from(start(client, round_id))
    token = csrf_token(client)
    client.post(f"/bai-thi/{attempt_id}/nop-bai", data={"csrf_token": token, "confirm": "1"})
    html = client.get(f"/bai-thi/{attempt_id}/ket-qua").get_data(as_text=True)
    assert "Đáp án được công bố sau khi" in html
    assert "✓" not in html
    app.config["CLOCK"] = lambda: utcnow() + timedelta(days=8)
    html = client.get(f"/bai-thi/{attempt_id}/ket-qua").get_data(as_text=True)
    assert "✓" in html


def test_my_attempts_lists_only_mine(app, client):
    round_id = setup_round(app)
    login(client, "0912000001")
    start(client, round_id)
    other = app.test_client()
    login(other, "0912000002")
    assert "Bạn chưa có bài thi nào." in other.get("/bai-thi-cua-toi").get_data(as_text=True)
    assert "Tiếp tục làm bài" in client.get("/bai-thi-cua-toi").get_data(as_text=True)


def test_the_configured_grace_is_honoured_when_start_is_pressed_again(app, client):
    """An attempt 30 s past its deadline is still open with a grace of 60 s: pressing start
    resumes it (the domain's old default of 10 s closed it); with a grace of 5 s it closes."""
    round_id = setup_round(app)
    login(client, "0912000001")
    attempt_id = attempt_id_from(start(client, round_id))
    with app.app_context():
        deadline = db.session.get(Attempt, attempt_id).deadline
    app.config.update(ATTEMPT_GRACE_SECONDS=60, CLOCK=lambda: deadline + timedelta(seconds=30))
    assert attempt_id_from(start(client, round_id)) == attempt_id
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).status == "open"
    assert save(client, attempt_id, {"position": 1, "chosen": [0]}).json["ok"]
    app.config["ATTEMPT_GRACE_SECONDS"] = 5
    start(client, round_id)
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).status == "expired"

"""The quiz page's navigator, the saved state the hand-in dialog reads, the confirm page's list
of unanswered questions and the service worker's address (its scope)."""

import re
from datetime import UTC
from pathlib import Path

from contest.extensions import db
from contest.models import Attempt
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

CELL = re.compile(r'<a href="#cau-(\d+)"( class="answered")? aria-label="Câu \1: ([^"]+)">\1</a>')


def cells(html: str) -> list[tuple[int, bool, str]]:
    nav = html.split('<nav class="qnav"')[1].split("</nav>")[0]
    return [(int(n), bool(done), words) for n, done, words in CELL.findall(nav)]


def test_the_navigator_shows_which_questions_have_a_saved_choice(app, client):
    round_id = setup_round(app)
    login(client, "0912000001")
    attempt_id = attempt_id_from(start(client, round_id))
    html = client.get(f"/bai-thi/{attempt_id}").get_data(as_text=True)
    assert cells(html) == [(n, False, "chưa trả lời") for n in range(1, 11)]

    drawn = items(app, attempt_id)
    token = csrf_token(client)
    for position in (2, 5, 7, 10):
        item = drawn[position - 1]
        save(client, attempt_id, {"position": position, "chosen": wrong_choice(item)}, token)
    # A choice taken back (nothing chosen) is unanswered again.
    save(client, attempt_id, {"position": 5, "chosen": []}, token)
    html = client.get(f"/bai-thi/{attempt_id}").get_data(as_text=True)
    answered = {2, 7, 10}
    assert cells(html) == [
        (n, n in answered, "đã trả lời" if n in answered else "chưa trả lời") for n in range(1, 11)
    ]
    # Every cell's link has its question to land on, and nothing else carries those ids.
    for n in range(1, 11):
        assert html.count(f'id="cau-{n}"') == 1
        assert f'<fieldset class="question" id="cau-{n}" data-position="{n}">' in html


def test_the_page_carries_the_servers_deadline_for_an_offline_reload(app, client):
    round_id = setup_round(app)
    login(client, "0912000001")
    attempt_id = attempt_id_from(start(client, round_id))
    response = client.get(f"/bai-thi/{attempt_id}")
    html = response.get_data(as_text=True)
    with app.app_context():
        deadline = db.session.get(Attempt, attempt_id).deadline
    expected = int(deadline.replace(tzinfo=UTC).timestamp() * 1000)
    assert f'data-deadline="{expected}"' in html
    # The service worker marks its kept copy by this attribute, which only the form carries.
    assert html.count('data-served="network"') == 1
    assert response.headers["Cache-Control"] == "no-store"
    assert 'data-worker-url="/bai-thi/sw.js"' in html


def test_saved_state_is_what_the_server_holds_from_any_tab(app, client):
    round_id = setup_round(app, prediction_enabled=True, prediction_prompt="Bao nhiêu?")
    login(client, "0912000001")
    attempt_id = attempt_id_from(start(client, round_id))
    drawn = items(app, attempt_id)
    empty = client.get(f"/bai-thi/{attempt_id}/da-luu")
    assert empty.status_code == 200
    assert (empty.json["ok"], empty.json["answers"], empty.json["prediction"]) == (True, {}, None)
    assert 0 < empty.json["seconds_left"] <= 15 * 60

    # Saves from a second device (another client with the same login) count the same.
    laptop = app.test_client()
    login(laptop, "0912000001")
    laptop_token = csrf_token(laptop)
    expected = {}
    for position in (1, 4, 9):
        chosen = right_choice(drawn[position - 1])
        assert save(
            laptop, attempt_id, {"position": position, "chosen": chosen}, laptop_token
        ).json["ok"]
        expected[str(position)] = chosen
    save(laptop, attempt_id, {"prediction": "77"}, laptop_token)
    state = client.get(f"/bai-thi/{attempt_id}/da-luu").json
    assert state["answers"] == expected and state["prediction"] == 77

    # Someone else's attempt is not found; a closed one says so, with where its result is.
    other = app.test_client()
    login(other, "0912000002")
    assert other.get(f"/bai-thi/{attempt_id}/da-luu").status_code == 404
    token = csrf_token(client)
    client.post(f"/bai-thi/{attempt_id}/nop-bai", data={"csrf_token": token, "confirm": "1"})
    closed = client.get(f"/bai-thi/{attempt_id}/da-luu")
    assert closed.status_code == 409
    assert closed.json["code"] == "attempt_closed"
    assert closed.json["result_url"] == f"/bai-thi/{attempt_id}/ket-qua"


def test_the_confirm_page_without_script_links_the_unanswered_questions(app, client):
    round_id = setup_round(app)
    login(client, "0912000001")
    attempt_id = attempt_id_from(start(client, round_id))
    drawn = items(app, attempt_id)
    token = csrf_token(client)
    data = {"csrf_token": token, "answers_included": "1"}
    for position in (1, 3, 4, 8):
        data[f"q{position}"] = [str(c) for c in right_choice(drawn[position - 1])]
    html = client.post(f"/bai-thi/{attempt_id}/nop-bai", data=data).get_data(as_text=True)
    assert "<strong>4/10</strong>" in html
    assert "Câu chưa trả lời (6):" in html
    linked = re.findall(rf'href="/bai-thi/{attempt_id}#cau-(\d+)"', html)
    assert linked == ["2", "5", "6", "7", "9", "10"]

    # Everything answered: no list at all.
    for position in range(1, 11):
        data[f"q{position}"] = [str(c) for c in right_choice(drawn[position - 1])]
    html = client.post(f"/bai-thi/{attempt_id}/nop-bai", data=data).get_data(as_text=True)
    assert "<strong>10/10</strong>" in html and "Câu chưa trả lời" not in html


def test_the_service_worker_is_served_from_under_the_quiz_pages(client):
    response = client.get("/bai-thi/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/bai-thi/"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    source = Path(client.application.static_folder, "quiz-sw.js").read_bytes()
    assert response.get_data() == source
    response.close()

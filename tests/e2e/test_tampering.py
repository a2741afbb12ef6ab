"""A participant edits the page with the browser's tools: the server's record does not move."""

import time

import pytest
from playwright.sync_api import expect

from tests.e2e import support
from tests.e2e.support import choose, post_save

pytestmark = pytest.mark.e2e


def test_tampering_in_the_page_changes_nothing_on_the_server(phone_page, site):
    page = phone_page
    support.log_in(page, support.TAMPER_PHONE)
    before_start = time.monotonic()
    attempt_id = support.start_round(page, support.MAIN_ROUND_TITLE)
    after_start = time.monotonic()
    items = support.attempt_items(site.app, attempt_id)

    # Three right answers and one wrong one, the honest way.
    honest = {1: support.right_choice(items[0]), 2: support.right_choice(items[1])}
    honest[3] = support.right_choice(items[2])
    honest[4] = support.wrong_choice(items[3])
    for position, chosen in honest.items():
        choose(page, position, chosen)
    support.wait_all_saved(page, honest)

    # The timer is only a display: editing it changes neither the countdown nor the deadline.
    page.evaluate(
        """() => { const timer = document.getElementById("timer");
                   timer.dataset.secondsLeft = "99999"; timer.textContent = "99:59"; }"""
    )
    page.wait_for_function(
        """limit => { const [m, s] = document.getElementById("timer").textContent.split(":");
                      return Number(m) * 60 + Number(s) <= limit; }""",
        arg=support.MAIN_ROUND_SECONDS,
    )
    deadline_before = support.get_attempt(site.app, attempt_id).deadline

    # Saves the page would never send.
    single = next(item for item in items[4:] if len(item.correct) == 1)
    wrong = support.wrong_choice(items[5])
    refused = {
        "no such position": ({"position": 99, "chosen": [0]}, None, 400),
        "position zero": ({"position": 0, "chosen": [0]}, None, 400),
        "option out of range": ({"position": 5, "chosen": [7]}, None, 400),
        "two options on a radio": ({"position": single.position, "chosen": [0, 1]}, None, 400),
        "negative prediction": ({"prediction": -5}, None, 400),
        "someone else's attempt": ({"position": 1, "chosen": [0]}, attempt_id + 1000, 404),
    }
    for name, (body, other_attempt, status) in refused.items():
        reply = post_save(page, body, other_attempt)
        assert reply["status"] == status, name
    # Extra fields in a save are ignored: only the choice is taken, judged by the server.
    reply = post_save(
        page,
        {"position": 6, "chosen": wrong, "correct": wrong, "correct_count": 10, "duration_ms": 1},
    )
    assert reply["status"] == 200 and reply["data"]["ok"] is True
    stored = support.attempt_items(site.app, attempt_id)
    assert stored[5].correct == items[5].correct
    assert stored[5].chosen == wrong
    assert all(stored[i].chosen is None for i in range(6, 10))
    attempt = support.get_attempt(site.app, attempt_id)
    assert attempt.deadline == deadline_before
    assert attempt.status == "open" and attempt.correct_count is None

    # The hand-in form, posted with fields the server must not take from a participant.
    before_submit = time.monotonic()
    page.evaluate(
        """() => {
            const form = document.getElementById("quiz-form");
            const forged = {correct_count: "10", duration_ms: "1", status: "submitted",
                            started_at: "2000-01-01 00:00:00", deadline: "2099-01-01 00:00:00",
                            number: "1", user_id: "1", round_id: "1", question_count: "1",
                            q99: "0", q0: "1", confirm: "1"};
            for (const [name, value] of Object.entries(forged)) {
                const input = document.createElement("input");
                input.type = "hidden"; input.name = name; input.value = value;
                form.appendChild(input);
            }
            document.getElementById("confirm-field").remove();
            HTMLFormElement.prototype.submit.call(form);
        }"""
    )
    expect(page).to_have_url(support.RESULT_URL)
    after_result = time.monotonic()

    attempt = support.get_attempt(site.app, attempt_id)
    final = support.attempt_items(site.app, attempt_id)
    assert attempt.status == "submitted"
    assert attempt.question_count == 10
    assert attempt.correct_count == sum(support.is_right(item.chosen, item) for item in final)
    # The form carries the page's own choices; the forged save of question 6 was wrong anyway.
    assert attempt.correct_count == 3
    expect(page.locator("#correct-count")).to_have_text("3/10")
    assert [item.correct for item in final] == [item.correct for item in items]
    # Duration by the server's clock, within what really elapsed in this test.
    assert (before_submit - after_start) * 1000 - 1000 <= attempt.duration_ms
    assert attempt.duration_ms <= (after_result - before_start) * 1000 + 1000
    assert attempt.deadline == deadline_before

"""The deadline passes with the quiz page open: the page hands in by itself, late clicks count for
nothing."""

import time
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import expect

from tests.e2e import support
from tests.e2e.support import choose, question

pytestmark = pytest.mark.e2e


def test_page_hands_in_when_time_runs_out(phone_page, site):
    page = phone_page
    support.log_in(page, support.DEADLINE_PHONE)
    started = time.monotonic()
    attempt_id = support.start_round(page, support.SHORT_ROUND_TITLE)
    items = support.attempt_items(site.app, attempt_id)
    assert len(items) == support.SHORT_ROUND_QUESTIONS
    assert support.timer_seconds(page) <= support.SHORT_ROUND_SECONDS

    first = items[0]
    choose(page, 1, support.right_choice(first))
    support.wait_all_saved(page, [1])

    # Hold the automatic hand-in (quiz.js calls form.submit()) so that the page can be inspected
    # after the deadline; it is released below, unchanged.
    page.evaluate(
        """() => {
            const form = document.getElementById("quiz-form");
            window.__handIn = () => HTMLFormElement.prototype.submit.call(form);
            form.submit = () => { window.__handInCalled = true; };
        }"""
    )
    expect(page.locator("#timer")).to_have_text(
        "00:00", timeout=(support.SHORT_ROUND_SECONDS + 5) * 1000
    )
    page.wait_for_function("() => window.__handInCalled === true")
    assert time.monotonic() - started >= support.SHORT_ROUND_SECONDS - 2
    expect(page.locator("#save-state")).to_have_text("Hết giờ — đang thu bài…")

    # A click after the deadline: every option is disabled, nothing changes, nothing is sent.
    late = question(page, 2)
    expect(late.locator("input").first).to_be_disabled()
    expect(page.locator("#submit-button")).to_be_disabled()
    late_saves = []
    page.on(
        "request", lambda request: late_saves.append(request.url) if "/luu" in request.url else None
    )
    late.locator("label.option").first.click(force=True)
    late.locator("label.option").nth(1).tap(force=True)
    page.wait_for_timeout(500)  # a save, if one were sent, would leave within this time
    assert support.checked_values(page, 2) == []
    assert late_saves == []

    with page.expect_request("**/nop-bai") as hand_in:
        page.evaluate("() => window.__handIn()")
    form = parse_qs(hand_in.value.post_data)
    assert form.get("confirm") == ["1"]
    assert not form.get("answers_included", [""])[0]  # only what the server saved in time counts
    assert not any(name.startswith("q") for name in form)

    expect(page).to_have_url(support.RESULT_URL)
    expect(page.locator("#correct-count")).to_have_text(f"1/{support.SHORT_ROUND_QUESTIONS}")

    # Too late from now on: the server refuses saves and points to the result.
    refused = support.post_save(page, {"position": 2, "chosen": [0]}, attempt_id)
    assert refused["status"] == 409
    assert refused["data"]["result_url"].endswith(f"/bai-thi/{attempt_id}/ket-qua")

    attempt = support.get_attempt(site.app, attempt_id)
    assert attempt.status in ("submitted", "expired")
    assert attempt.correct_count == 1
    assert 0 < attempt.duration_ms <= support.SHORT_ROUND_SECONDS * 1000
    stored = support.attempt_items(site.app, attempt_id)
    assert stored[0].chosen == support.right_choice(first)
    assert all(item.chosen is None for item in stored[1:])

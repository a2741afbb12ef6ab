"""A question saved too often: the page says so on that question and goes on saving the others."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from contest.attempts.answers import MAX_SAVES_PER_QUESTION
from contest.extensions import db
from contest.models import AttemptItem
from tests.e2e import support

pytestmark = pytest.mark.e2e


def test_a_question_at_its_save_cap_shows_why_and_keeps_its_answer(new_context, site):
    page = new_context().new_page()
    support.log_in(page, support.SAVE_CAP_PHONE)
    attempt_id = support.start_round(page, support.MAIN_ROUND_TITLE)
    items = support.attempt_items(site.app, attempt_id)
    support.choose(page, 2, support.right_choice(items[1]))
    support.wait_all_saved(page, [2])
    # As if a stuck page had already saved question 2 a hundred times.
    with site.app.app_context():
        db.session.execute(
            update(AttemptItem)
            .where(AttemptItem.attempt_id == attempt_id, AttemptItem.position == 2)
            .values(saves=MAX_SAVES_PER_QUESTION)
        )
        db.session.commit()

    support.choose(page, 2, support.wrong_choice(items[1]))
    expect(support.question(page, 2).locator(".item-state")).to_contain_text(
        f"đã được lưu {MAX_SAVES_PER_QUESTION} lần"
    )
    # The refusal is final for that change (not retried for ever); other questions save.
    support.choose(page, 3, support.right_choice(items[2]))
    support.wait_all_saved(page, [3])
    stored = support.attempt_items(site.app, attempt_id)
    assert stored[1].chosen == support.right_choice(items[1])
    assert stored[2].chosen == support.right_choice(items[2])

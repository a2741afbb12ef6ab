"""The session ends in the middle of an attempt: nothing is taken for saved, nothing is lost."""

import pytest
from playwright.sync_api import expect

from tests.e2e import support

pytestmark = pytest.mark.e2e


def test_answers_given_after_the_session_ended_wait_and_are_saved_after_logging_in(
    new_context, site
):
    page = new_context().new_page()
    support.log_in(page, support.SESSION_LOST_PHONE)
    attempt_id = support.start_round(page, support.MAIN_ROUND_TITLE)
    items = support.attempt_items(site.app, attempt_id)
    support.choose(page, 1, support.right_choice(items[0]))
    support.wait_all_saved(page, [1])

    # The session ends (cookies cleared, as when logged out elsewhere): the next answer is
    # refused, and the page says so instead of showing "Đã lưu", and keeps it.
    page.context.clear_cookies()
    support.choose(page, 2, support.right_choice(items[1]))
    expect(page.locator("#save-state")).to_contain_text("đăng nhập lại")
    assert support.attempt_items(site.app, attempt_id)[1].chosen is None

    # Logged in again in another tab, the participant reloads the quiz: the waiting answer,
    # kept on the phone, goes through.
    other = page.context.new_page()
    support.log_in(other, support.SESSION_LOST_PHONE)
    other.close()
    page.reload()
    support.wait_all_saved(page, [2])
    stored = support.attempt_items(site.app, attempt_id)
    assert [stored[0].chosen, stored[1].chosen] == [
        support.right_choice(items[0]),
        support.right_choice(items[1]),
    ]

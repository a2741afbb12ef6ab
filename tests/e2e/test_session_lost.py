"""The session ends in the middle of an attempt: nothing is taken for saved, nothing is lost."""

import pytest
from playwright.sync_api import expect

from tests.e2e import support

pytestmark = pytest.mark.e2e


def test_answers_given_after_the_session_ended_wait_and_are_saved_after_logging_in(
    new_context, site, screenshots_dir
):
    page = new_context().new_page()
    support.log_in(page, support.SESSION_LOST_PHONE)
    attempt_id = support.start_round(page, support.MAIN_ROUND_TITLE)
    items = support.attempt_items(site.app, attempt_id)
    support.choose(page, 1, support.right_choice(items[0]))
    support.wait_all_saved(page, [1])

    # The session ends (cookies cleared, as when logged out elsewhere): the next answer is
    # refused; the page says so instead of showing "Đã lưu", and keeps it.
    page.context.clear_cookies()
    support.choose(page, 2, support.right_choice(items[1]))
    notice = page.locator("#session-notice")
    expect(notice).to_be_visible()
    expect(page.locator("#save-state")).to_have_text("Chưa lưu được")
    assert support.attempt_items(site.app, attempt_id)[1].chosen is None
    page.screenshot(path=str(screenshots_dir / "phone-quiz-session-ended.png"))

    # The notice's link logs the participant in and brings them back to the quiz, where the
    # answer kept on the phone is saved.
    notice.get_by_role("link", name="Đăng nhập lại").click()
    page.get_by_label("Email hoặc số điện thoại").fill(support.SESSION_LOST_PHONE)
    page.get_by_label("Mật khẩu").fill(support.PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(support.ATTEMPT_URL)
    support.wait_all_saved(page, [2])
    expect(notice).to_be_hidden()
    stored = support.attempt_items(site.app, attempt_id)
    assert [stored[0].chosen, stored[1].chosen] == [
        support.right_choice(items[0]),
        support.right_choice(items[1]),
    ]

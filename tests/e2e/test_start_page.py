"""The start page on a phone: the first tap only reveals the second, which starts the clock."""

import pytest
from playwright.sync_api import expect

from tests.e2e import support

pytestmark = pytest.mark.e2e


def test_the_first_tap_reveals_the_second_which_starts(new_context, site):
    page = new_context().new_page()
    support.log_in(page, support.START_PHONE)
    page.goto("/")
    page.locator("li.round", has_text=support.MAIN_ROUND_TITLE).get_by_role(
        "link", name="Bắt đầu thi"
    ).tap()
    expect(page).to_have_url(support.START_PAGE_URL)
    expect(page.locator("#start-questions")).to_have_text("10 câu")
    expect(page.locator("#start-attempts")).to_contain_text("Đã dùng 0/3 lượt")
    expect(page.get_by_role("link", name="Xem thể lệ cuộc thi")).to_be_visible()
    notice = page.get_by_text(support.START_NOTICE)
    expect(notice).to_be_hidden()

    page.get_by_role("button", name="Bắt đầu làm bài").tap()
    expect(notice).to_be_visible()
    expect(page).to_have_url(support.START_PAGE_URL)
    assert page.evaluate("window.innerWidth") == 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Bắt đầu làm bài").tap()
    expect(page).to_have_url(support.ATTEMPT_URL)
    expect(page.locator("#quiz-form")).to_be_visible()


def test_without_javascript_a_confirm_step_page_starts(new_context, site):
    page = new_context(java_script_enabled=False).new_page()
    support.log_in(page, support.NO_SCRIPT_START_PHONE)
    page.goto(f"/vong/{site.main_round_id}/")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page).to_have_url(f"{site.base_url}/vong/{site.main_round_id}/?xac-nhan=1")
    expect(page.get_by_text(support.START_NOTICE)).to_be_visible()
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page).to_have_url(support.ATTEMPT_URL)

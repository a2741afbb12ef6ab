"""Full-page screenshots of the participant's pages on a phone and on a desktop, for review.

The PNGs go to tests/e2e/screenshots/ (not committed); the run's summary prints the folder. On
the phone, no page may scroll sideways.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e import support

pytestmark = pytest.mark.e2e

SIZES = {"phone": support.PHONE, "desktop": support.DESKTOP}


def no_sideways_scroll(page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


@pytest.mark.parametrize("size", SIZES)
def test_screenshots(size, new_context, screenshots_dir, site):
    page = new_context(SIZES[size]).new_page()
    phone = size == "phone"

    def shoot(name: str) -> None:
        if phone:
            no_sideways_scroll(page)
        page.screenshot(path=screenshots_dir / f"{size}-{name}.png", full_page=True)

    page.goto("/")
    expect(page.locator(".countdown-value")).not_to_have_text("…")
    shoot("1-home")

    page.goto("/dang-ky")
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.locator(".flash-error")).to_have_text(
        "Vui lòng sửa các mục được đánh dấu bên dưới."
    )
    expect(page.get_by_text("Vui lòng nhập họ và tên.")).to_be_visible()
    shoot("2-register-errors")

    support.log_in(page, support.SCREENSHOT_PHONES[size])
    page.goto("/")
    shoot("3-home-logged-in")

    attempt_id = support.start_round(page, support.MAIN_ROUND_TITLE)
    items = support.attempt_items(site.app, attempt_id)
    answered = {1: support.right_choice(items[0]), 2: support.wrong_choice(items[1])}
    multiple = next((item for item in items[2:] if len(item.correct) > 1), None)
    if multiple is not None:
        answered[multiple.position] = support.right_choice(multiple)
    for position, chosen in answered.items():
        support.choose(page, position, chosen)
    support.wait_all_saved(page, answered)
    page.evaluate("() => window.scrollTo(0, 0)")
    shoot("4-quiz")
    # What the participant sees while scrolling: the sticky bar with the timer over question 5.
    support.question(page, 5).scroll_into_view_if_needed()
    page.screenshot(path=screenshots_dir / f"{size}-4-quiz-scrolled.png")

    page.locator("#submit-button").click()
    expect(page.locator("#confirm-dialog")).to_be_visible()
    page.screenshot(path=screenshots_dir / f"{size}-5-confirm-dialog.png")
    page.locator("#confirm-ok").click()
    expect(page).to_have_url(support.RESULT_URL)
    expected = sum(support.is_right(chosen, items[pos - 1]) for pos, chosen in answered.items())
    expect(page.locator("#correct-count")).to_have_text(f"{expected}/10")
    shoot("6-result")

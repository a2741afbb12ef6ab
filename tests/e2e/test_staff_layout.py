"""Staff pages at desktop width: no column of the judges' ranking, the bank or the live page is
cut off at 1280 px; on a phone the tables scroll inside their wrapper, never the page. The live
page's figures refresh themselves (live.js) under the app's Content-Security-Policy."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from contest.extensions import db
from contest.models import Round
from tests.e2e import support

pytestmark = pytest.mark.e2e

SIZES = {"desktop": support.DESKTOP, "phone": support.PHONE}

# How far each table reaches beyond its scrolling wrapper (0: every column shows).
HIDDEN_WIDTH = """() => [...document.querySelectorAll('main .table-wrap, main .scroll')]
    .map(wrap => wrap.scrollWidth - wrap.clientWidth)"""
PAGE_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def judged_round_id(site) -> int:
    with site.app.app_context():
        return db.session.execute(
            select(Round.id).where(Round.title == support.JUDGED_ROUND_TITLE)
        ).scalar_one()


def live_page(site) -> str:
    """The seeded contest's live page (other browser tests add contests of their own, so the
    dashboard may list several instead of going straight to it)."""
    with site.app.app_context():
        contest_id = db.session.get(Round, site.main_round_id).contest_id
    return f"/to-chuc/cuoc-thi/{contest_id}/theo-doi"


def check_layout(page, size: str) -> None:
    assert page.evaluate(PAGE_OVERFLOW) <= 0, f"{page.url} scrolls sideways at {size} size"
    if size == "desktop":
        main_width = page.evaluate("() => document.querySelector('main').clientWidth")
        assert main_width > 1000, f"{page.url}: main is only {main_width}px wide"
        hidden = page.evaluate(HIDDEN_WIDTH)
        assert hidden and all(width <= 1 for width in hidden), f"{page.url}: {hidden}"


@pytest.mark.parametrize("size", SIZES)
def test_judge_and_organizer_pages_show_every_column(size, new_context, screenshots_dir, site):
    judge = new_context(SIZES[size]).new_page()
    support.log_in(judge, support.JUDGE_PHONE)
    judge.goto(f"/giam-khao/vong/{judged_round_id(site)}")
    expect(judge.locator("table.ranking tbody tr")).to_have_count(len(support.JUDGED_ENTRIES))
    check_layout(judge, size)
    judge.screenshot(path=screenshots_dir / f"{size}-staff-judge-ranking.png", full_page=True)

    organizer = new_context(SIZES[size]).new_page()
    support.log_in(organizer, support.ORGANIZER_PHONE)
    organizer.goto("/to-chuc/ngan-hang/")
    expect(organizer.locator("table.bank tbody tr").first).to_be_visible()
    check_layout(organizer, size)
    organizer.screenshot(path=screenshots_dir / f"{size}-staff-bank.png", full_page=True)

    organizer.goto("/to-chuc/ngan-hang/them")
    expect(organizer.get_by_role("heading", name="Thêm câu hỏi")).to_be_visible()
    assert organizer.evaluate(PAGE_OVERFLOW) <= 0
    organizer.screenshot(path=screenshots_dir / f"{size}-staff-bank-new.png", full_page=True)

    organizer.goto(live_page(site))
    expect(organizer.locator("#live-stats")).to_be_visible()
    expect(organizer.locator("svg.chart.columns")).to_be_visible()
    check_layout(organizer, size)
    organizer.screenshot(path=screenshots_dir / f"{size}-staff-live.png", full_page=True)
    organizer.locator("#live-stats").screenshot(
        path=screenshots_dir / f"{size}-staff-live-figures.png"
    )


def test_the_live_figures_refresh_in_place(new_context, site):
    page = new_context(support.DESKTOP).new_page()
    support.log_in(page, support.ORGANIZER_PHONE)
    page.goto(live_page(site))
    expect(page.locator("#live-stats")).to_be_visible()
    page.evaluate("() => { document.getElementById('live-stats').dataset.old = 'yes'; }")
    with page.expect_response(lambda response: "/theo-doi/so-lieu" in response.url) as answer:
        # Coming back to the tab refreshes at once rather than in 30 seconds.
        page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
    assert answer.value.status == 200
    expect(page.locator("#live-stats")).to_have_count(1)
    expect(page.locator("#live-stats[data-old]")).to_have_count(0)
    expect(page.locator("#live-stats .live-status")).to_contain_text("Số liệu lúc")
    expect(page.get_by_role("link", name="Làm mới")).to_be_visible()

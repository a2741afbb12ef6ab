"""An automated accessibility audit (axe-core) of every participant page at 360 px: no serious
or critical violation.

axe-core comes from the test suite (the axe-playwright-python package bundles axe.min.js), not
from a CDN. It is run with `page.evaluate`, which the browser does not hold to the page's
Content-Security-Policy (`script-src 'self'`), so the pages keep their real policy: no
`bypass_csp`, no route rewriting the headers, and the suite's CSP watcher stays on.
"""

import re
from datetime import timedelta
from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import Contest
from contest.results import service as results
from tests import factories
from tests.e2e import support

pytestmark = pytest.mark.e2e

AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
PHONE = "0912000612"
ROUND_TITLE = "Tuần thi kiểm tra trợ năng"
PUBLISHED_TITLE = "Tuần thi đã công bố kết quả"
BLOCKING = ("serious", "critical")


def audit(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE)
    found = page.evaluate(
        """() => axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
        })))"""
    )
    return [
        f"{page.url}: {v['impact']} {v['id']} ({v['help']}) at {v['targets']}"
        for v in found
        if v["impact"] in BLOCKING
    ]


def seed(app) -> str:
    """A round to take and a closed round with published winners; the contest's slug."""
    with app.app_context():
        contest = db.session.execute(select(Contest).order_by(Contest.id)).scalars().first()
        factories.make_round(contest, title=ROUND_TITLE, question_count=4, time_limit=600)
        factories.make_user(phone=PHONE, full_name="Đặng Thị Trợ Năng")
        now = utcnow()
        published = factories.make_round(
            contest,
            title=PUBLISHED_TITLE,
            opens_at=now - timedelta(days=9),
            closes_at=now - timedelta(days=2),
            prize_counts={"nhat": 1, "nhi": 1},
        )
        for i, (name, correct, seconds) in enumerate(
            [("Lý Văn Công", 9, 75), ("Hồ Thị Bố", 8, 14)]
        ):
            user = factories.make_user(phone=f"09120006{20 + i}", full_name=name, group="can_bo")
            factories.make_entry(published, user, correct, seconds=seconds, total=10)
        results.mark_reviewed(published)
        results.publish(published, utcnow(), timedelta(seconds=10), None, None)
        return contest.slug


def test_every_participant_page_passes_axe_at_360_px(new_context, site):
    slug = seed(site.app)
    violations = []
    page = new_context().new_page()
    public = ["/", f"/cuoc-thi/{slug}/", f"/cuoc-thi/{slug}/the-le", "/dang-ky", "/dang-nhap"]
    for path in public:
        page.goto(path)
        violations += audit(page)
    # The register form with its errors shown (each linked to its field).
    page.goto("/dang-ky")
    page.locator("form.form [type=submit]").click()
    page.wait_for_load_state("load")
    violations += audit(page)
    name = page.locator("#full_name")
    expect(name).to_have_attribute("aria-invalid", "true")
    described = name.get_attribute("aria-describedby").split()
    assert described and all(page.locator(f"#{i}").inner_text().strip() for i in described)
    expect(page.locator("#phone")).to_have_accessible_description(
        re.compile(r"^Dùng để đăng nhập .+")  # the hint, then the error
    )

    support.log_in(page, PHONE)
    page.goto(f"/cuoc-thi/{slug}/")
    violations += audit(page)
    page.locator("li.round", has_text=ROUND_TITLE).get_by_role("link", name="Bắt đầu thi").click()
    expect(page).to_have_url(support.START_PAGE_URL)
    violations += audit(page)
    support.confirm_start(page)
    violations += audit(page)  # the quiz page, navigator and all
    support.choose(page, 1, [0])
    support.wait_all_saved(page, [1])
    page.locator("#submit-button").click()
    expect(page.locator("#confirm-dialog")).to_have_attribute("data-counted", "server")
    violations += audit(page)  # the hand-in dialog, listing the unanswered questions
    page.locator("#confirm-ok").click()
    expect(page).to_have_url(support.RESULT_URL)
    violations += audit(page)
    for path in ("/bai-thi-cua-toi", "/tai-khoan/ho-so", f"/cuoc-thi/{slug}/ket-qua"):
        page.goto(path)
        violations += audit(page)
    expect(page.get_by_role("heading", name=PUBLISHED_TITLE)).to_be_visible()
    assert violations == [], "\n".join(violations)

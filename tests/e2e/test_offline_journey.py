"""One attempt at 360 px on a slow connection: started with the second tap, answered from the
navigator, a choice made offline, the page reloaded offline from the service worker's copy,
the queued choice saved once the connection is back, the hand-in dialog's missing list, and
the clock running out."""

import re
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import Contest
from tests import factories
from tests.e2e import support
from tests.e2e.support import choose, question

pytestmark = pytest.mark.e2e

PHONE = "0912000611"
ROUND_TITLE = "Tuần thi trên đường đi"
SECONDS = 100
QUESTIONS = 6
# A weak mobile connection: 400 ms each way, about 400 kbit/s down and 150 kbit/s up.
SLOW = {"offline": False, "latency": 400, "downloadThroughput": 50_000, "uploadThroughput": 19_000}


def seed_round(app) -> None:
    with app.app_context():
        # The seeded contest, the only one the home page lists.
        contest = db.session.execute(select(Contest).order_by(Contest.id)).scalars().first()
        factories.make_round(
            contest, title=ROUND_TITLE, question_count=QUESTIONS, time_limit=SECONDS
        )
        factories.make_user(phone=PHONE, full_name="Võ Thị Đường Xa")


def slow_network(page) -> None:
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", SLOW)


def go_offline(context) -> None:
    """No network for the pages nor the service worker. Playwright's offline mode misses the
    requests a page sends through a service worker that lets them pass (the saves), so every
    request is also refused by a route, as a real loss of signal would."""
    context.set_offline(True)
    context.route("**/*", lambda route: route.abort("internetdisconnected"))


def come_back(context, page) -> None:
    context.unroute("**/*")
    context.set_offline(False)
    slow_network(page)


def cell(page, position: int):
    return page.locator(f'.qnav a[href="#cau-{position}"]')


def kept_copy(page) -> bool:
    """Whether the service worker holds this attempt's page."""
    return page.evaluate(
        """() => caches.open("quiz-pages-v1")
            .then(cache => cache.match(location.origin + location.pathname))
            .then(found => Boolean(found))"""
    )


def test_offline_reload_keeps_questions_and_choices_then_saves_them(new_context, site):
    seed_round(site.app)
    context = new_context()
    page = context.new_page()
    slow_network(page)
    support.log_in(page, PHONE)
    page.goto("/")
    page.locator("li.round", has_text=ROUND_TITLE).get_by_role("link", name="Bắt đầu thi").tap()
    expect(page).to_have_url(support.START_PAGE_URL)
    page.wait_for_load_state("load")  # start.js, slow to arrive, gives the second tap in place
    support.confirm_start(page)  # the first tap only asks; the second starts the clock
    attempt_id = int(support.ATTEMPT_URL.search(page.url).group(1))
    items = support.attempt_items(site.app, attempt_id)
    texts = page.locator("fieldset.question legend").all_inner_texts()
    assert len(texts) == QUESTIONS
    for position in range(1, QUESTIONS + 1):
        expect(cell(page, position)).to_have_attribute(
            "aria-label", f"Câu {position}: chưa trả lời"
        )
    # The worker keeps the page once it is registered (the first visit is not yet its own).
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15_000)
    deadline = time.monotonic() + 15
    while not kept_copy(page):
        assert time.monotonic() < deadline, "the service worker never kept the page"
        page.wait_for_timeout(250)

    # Answering from the navigator: a tap on a cell lands on its question, under the sticky bar.
    for position in (3, 5):
        cell(page, position).tap()
        expect(page).to_have_url(re.compile(rf"#cau-{position}$"))
        expect(question(page, position)).to_be_in_viewport()
        expect(page.locator(".qnav")).to_be_in_viewport()
        choose(page, position, support.right_choice(items[position - 1]), tap=True)
    support.wait_all_saved(page, [3, 5])
    for position in (3, 5):
        expect(cell(page, position)).to_have_attribute("aria-label", f"Câu {position}: đã trả lời")
        expect(cell(page, position)).to_have_class(re.compile(r"\banswered\b"))

    # Offline: one more choice waits on the device, and the navigator says so.
    go_offline(context)
    sixth = support.right_choice(items[5])
    choose(page, 6, sixth, tap=True)
    expect(cell(page, 6)).to_have_attribute("aria-label", "Câu 6: đang chờ lưu")
    expect(cell(page, 6)).to_have_class(re.compile(r"\bwaiting\b"))
    expect(page.locator("#save-state")).to_have_text("Mất kết nối — 1 câu chờ lưu")
    left_before = support.timer_seconds(page)
    # A quiz page this device never kept gets the worker's own page, in Vietnamese.
    other = context.new_page()
    other.goto(f"/bai-thi/{attempt_id + 1000}")
    expect(other.get_by_role("heading", name="Không có kết nối mạng")).to_be_visible()
    expect(other.locator("html")).to_have_attribute("lang", "vi")
    other.close()

    # Leaving with a choice waiting: the browser asks first (accepted here), then the reload
    # comes from the worker's copy.
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    page.reload()
    assert dialogs == ["beforeunload"]
    expect(page.locator("#quiz-form")).to_have_attribute("data-served", "copy")
    assert page.locator("fieldset.question legend").all_inner_texts() == texts
    for position, chosen in ((3, items[2]), (5, items[4])):
        assert support.checked_values(page, position) == support.right_choice(chosen)
        expect(cell(page, position)).to_have_attribute("aria-label", f"Câu {position}: đã trả lời")
    assert support.checked_values(page, 6) == sixth
    expect(cell(page, 6)).to_have_attribute("aria-label", "Câu 6: đang chờ lưu")
    # The time left is the server's deadline, not the copy's: it kept running meanwhile.
    stored = support.get_attempt(site.app, attempt_id)
    by_server = (stored.deadline - utcnow()).total_seconds()
    shown = support.timer_seconds(page)
    assert shown <= left_before and abs(shown - by_server) <= 3, (shown, by_server)
    assert support.attempt_items(site.app, attempt_id)[5].chosen is None

    # Back online: the queued choice is sent and stored, with no further tap.
    come_back(context, page)
    support.wait_all_saved(page, [6])
    expect(cell(page, 6)).to_have_attribute("aria-label", "Câu 6: đã trả lời")
    assert support.attempt_items(site.app, attempt_id)[5].chosen == sixth

    # Question 2 answered on another device: the hand-in dialog counts what the server holds.
    second = support.right_choice(items[1])
    assert support.post_save(page, {"position": 2, "chosen": second})["status"] == 200
    page.locator("#submit-button").click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_have_attribute("data-counted", "server")
    expect(page.locator("#confirm-text")).to_contain_text("Bạn đã trả lời 4/6 câu")
    missing = page.locator("#confirm-missing-links a")
    assert missing.all_inner_texts() == ["1", "4"]
    assert support.checked_values(page, 2) == second  # shown as the other device saved it
    expect(page.locator("#confirm-waiting")).to_be_hidden()
    missing.first.tap()
    expect(dialog).not_to_be_visible()
    expect(page).to_have_url(re.compile(r"#cau-1$"))

    # Nothing waits now: leaving asks nothing. Then the time runs out and the page hands in.
    dialogs.clear()
    left = support.timer_seconds(page)
    expect(page).to_have_url(support.RESULT_URL, timeout=(left + 20) * 1000)
    assert dialogs == []
    attempt = support.get_attempt(site.app, attempt_id)
    assert attempt.status != "open" and attempt.correct_count == 4
    # The attempt is over: the worker no longer keeps its page.
    page.wait_for_timeout(500)
    assert page.evaluate(
        """id => caches.open("quiz-pages-v1")
            .then(cache => cache.match(location.origin + "/bai-thi/" + id))
            .then(found => !found)""",
        attempt_id,
    )

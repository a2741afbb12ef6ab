"""Helpers shared by the browser tests: seeded names, page actions and database look-ups."""

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from contest.extensions import db
from contest.models import Attempt, AttemptItem, User
from tests.factories import PASSWORD

MAIN_ROUND_TITLE = "Tuần thi thứ nhất"
MAIN_ROUND_SECONDS = 300
SHORT_ROUND_TITLE = "Tuần thi thứ hai"
SHORT_ROUND_SECONDS = 20
SHORT_ROUND_QUESTIONS = 5

# One participant per test, so that no test depends on another's attempts.
DEADLINE_PHONE = "0912000201"
TAMPER_PHONE = "0912000301"
SCREENSHOT_PHONES = {"phone": "0912000401", "desktop": "0912000402"}
WEIGHT_PHONE = "0912000501"
TWO_TABS_PHONE = "0912000601"
SESSION_LOST_PHONE = "0912000602"
SAVE_CAP_PHONE = "0912000603"
START_PHONE = "0912000604"
NO_SCRIPT_START_PHONE = "0912000605"
NAVIGATOR_PHONE = "0912000606"
SEEDED_PHONES = (
    START_PHONE,
    NO_SCRIPT_START_PHONE,
    NAVIGATOR_PHONE,
    DEADLINE_PHONE,
    TAMPER_PHONE,
    *SCREENSHOT_PHONES.values(),
    WEIGHT_PHONE,
    TWO_TABS_PHONE,
    SESSION_LOST_PHONE,
    SAVE_CAP_PHONE,
)
# The organizer (Ban Tổ chức) who uploads question banks; password factories.PASSWORD.
ORGANIZER_PHONE = "0912000901"
JUDGE_PHONE = "0912000902"
JUDGED_ROUND_TITLE = "Tuần thi thử đã kết thúc"
# phone, name, correct answers (of 10), seconds, eligible for prizes
JUDGED_ENTRIES = (
    ("0912000701", "Trần Văn Nhất", 10, 200, True),
    ("0912000702", '=HYPERLINK("http://x")', 10, 300, True),
    ("0912000703", "Ngô Thị Ban Tổ Chức", 10, 100, False),
    ("0912000704", "Đỗ Văn Tư", 7, 100, True),
)

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}

ATTEMPT_URL = re.compile(r"/bai-thi/(\d+)$")
RESULT_URL = re.compile(r"/bai-thi/\d+/ket-qua$")


# --- page actions -------------------------------------------------------------------------


def log_in(page: Page, phone: str) -> None:
    page.goto("/dang-nhap")
    page.get_by_label("Email hoặc số điện thoại").fill(phone)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


START_PAGE_URL = re.compile(r"/vong/(\d+)/$")
START_NOTICE = "Bấm lần nữa để bắt đầu — đồng hồ sẽ chạy ngay"


def start_round(page: Page, title: str) -> int:
    """Press "Bắt đầu thi" for the round with this title on the home page, then «Bắt đầu làm
    bài» twice on its start page; the attempt's id."""
    page.goto("/")
    round_box = page.locator("li.round", has_text=title)
    round_box.get_by_role("link", name="Bắt đầu thi").click()
    confirm_start(page)
    return int(ATTEMPT_URL.search(page.url).group(1))


def confirm_start(page: Page) -> None:
    """On a round's start page: the first tap reveals the second, which starts the clock."""
    expect(page).to_have_url(START_PAGE_URL)
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page.get_by_text(START_NOTICE)).to_be_visible()
    expect(page).to_have_url(START_PAGE_URL)  # nothing started yet
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page).to_have_url(ATTEMPT_URL)
    expect(page.locator("#quiz-form")).to_be_visible()
    return int(ATTEMPT_URL.search(page.url).group(1))


def question(page: Page, position: int):
    return page.locator(f'fieldset.question[data-position="{position}"]')


def choose(page: Page, position: int, indices, tap: bool = False) -> None:
    """Click (or tap) the labels of the given shown options of one question."""
    labels = question(page, position).locator("label.option")
    for index in indices:
        label = labels.nth(index)
        if tap:
            label.tap()
        else:
            label.click()


def checked_values(page: Page, position: int) -> list[int]:
    return sorted(
        int(value)
        for value in question(page, position)
        .locator("input:checked")
        .evaluate_all("inputs => inputs.map(i => i.value)")
    )


def timer_seconds(page: Page) -> int:
    minutes, seconds = page.locator("#timer").inner_text().strip().split(":")
    return int(minutes) * 60 + int(seconds)


def wait_all_saved(page: Page, positions) -> None:
    for position in positions:
        expect(question(page, position).locator(".item-state")).to_have_text("Đã lưu")
    expect(page.locator("#save-state")).to_have_text("Đã lưu")


def post_save(page: Page, body, attempt_id: int | None = None) -> dict:
    """POST one save from the page's own context (its cookies and CSRF token); status and JSON."""
    return page.evaluate(
        """async ([body, attemptId]) => {
            const form = document.getElementById("quiz-form");
            const url = attemptId === null ? form.dataset.saveUrl : `/bai-thi/${attemptId}/luu`;
            const csrf = document.querySelector('meta[name="csrf-token"]').content;
            const response = await fetch(url, {
                method: "POST", credentials: "same-origin",
                headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
                body: JSON.stringify(body),
            });
            let data = null;
            try { data = await response.json(); } catch (e) { /* not JSON */ }
            return {status: response.status, data};
        }""",
        [body, attempt_id],
    )


# --- database look-ups (the server's own record) --------------------------------------------


def attempt_items(app, attempt_id: int) -> list[AttemptItem]:
    with app.app_context():
        return (
            db.session.execute(
                select(AttemptItem)
                .where(AttemptItem.attempt_id == attempt_id)
                .order_by(AttemptItem.position)
            )
            .scalars()
            .all()
        )


def get_attempt(app, attempt_id: int) -> Attempt:
    with app.app_context():
        return db.session.get(Attempt, attempt_id)


def get_user(app, phone: str) -> User | None:
    with app.app_context():
        return db.session.execute(select(User).where(User.phone == phone)).scalar_one_or_none()


def right_choice(item: AttemptItem) -> list[int]:
    return sorted(item.correct)


def wrong_choice(item: AttemptItem) -> list[int]:
    return [next(i for i in range(len(item.options)) if i not in item.correct)]


def is_right(chosen, item: AttemptItem) -> bool:
    return bool(chosen) and sorted(set(chosen)) == sorted(item.correct)

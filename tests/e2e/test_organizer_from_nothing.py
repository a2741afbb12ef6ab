"""A fresh install, in a real browser: the first organizer (created as `flask users create`
creates one) sets up a contest from nothing at desktop size — the contest, a bank imported from
a spreadsheet, one question typed by hand, two rounds — checks the published rules, opens the
contest; a participant on a phone registers and takes round 1; the organizer sees the entry on
the live page, then changes round 1 while it has an entry and confirms the listed difference.

This module runs its own gunicorn on an empty migrated database (no demo, no seeded contest):
the module's `site` replaces the shared one for these tests only.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from contest import create_app
from contest.domain.clock import to_vietnam, utcnow
from contest.extensions import db
from contest.models import Contest, Question, Round
from contest.users.service import create_staff
from tests import databases
from tests.e2e import support
from tests.e2e.conftest import PROJECT_ROOT, Site, running_server

pytestmark = pytest.mark.e2e

ORGANIZER_PHONE = "0912345001"
ORGANIZER_PASSWORD = "ban-to-chuc-2026"
PARTICIPANT_PHONE = "0912345002"
PARTICIPANT_PASSWORD = "nguoi-thi-2026"

BANK_FILE = PROJECT_ROOT / "contest" / "demo" / "data" / "cau_hoi_kiem_soat_tthc.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TITLE = "Cuộc thi tìm hiểu cải cách hành chính tỉnh Hà Tĩnh năm 2026"
SLUG = "cai-cach-hanh-chinh-2026"
ORGANIZER = "Sở Nội vụ tỉnh Hà Tĩnh"
CONTACT_PHONE = "02393855123"
CONTACT_EMAIL = "ccvc@snv.hatinh.gov.vn"
INTRO = (
    "## Mục đích\n\n"
    "Nâng cao hiểu biết về **cải cách hành chính** của cán bộ và người dân.\n\n"
    '<script>alert("xss")</script>\n\n'
    "- [Bấm để nhận quà](javascript:alert(1))\n"
    "- [Cổng Dịch vụ công quốc gia](https://dichvucong.gov.vn)\n"
)
TYPED_QUESTION = "Cổng Dịch vụ công quốc gia có địa chỉ nào?"
ROUNDS = (
    # title, questions, minutes
    ("Tuần thi thứ 1", 5, 5),
    ("Tuần thi thứ 2", 6, 10),
)
CHANGED_MINUTES = 8
CONTEST_LIVE_URL = re.compile(r"/to-chuc/cuoc-thi/(\d+)/theo-doi$")
ROUNDS_URL = re.compile(r"/to-chuc/cuoc-thi/\d+/vong-thi$")
HIDDEN_WIDTH = """() => [...document.querySelectorAll('main .table-wrap, main .scroll')]
    .map(wrap => wrap.scrollWidth - wrap.clientWidth)"""
PAGE_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@dataclass(frozen=True)
class EmptySite(Site):
    temporary_password: str = ""  # the organizer's, as the command line prints it


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """gunicorn on an empty migrated database with one organizer account and nothing else."""
    workdir = tmp_path_factory.mktemp("e2e-empty")
    database_url = f"sqlite:///{workdir / 'empty.db'}"
    databases.migrate(database_url, workdir)
    app = create_app(databases.base_config(database_url, workdir))
    with app.app_context():
        # As `flask users create --role organizer` does: a temporary password, to be changed.
        _, temporary = create_staff("organizer", "Lê Thị Tổ Chức", ORGANIZER_PHONE)
    try:
        with running_server(database_url, workdir) as (base_url, log_path):
            yield EmptySite(
                base_url=base_url,
                database_url=database_url,
                app=app,
                main_round_id=0,
                short_round_id=0,
                agencies={},
                log_path=log_path,
                temporary_password=temporary,
            )
    finally:
        with app.app_context():
            db.engine.dispose()


def vn_minute(moment) -> str:
    """As the organizer types it: dd/mm/yyyy HH:MM."""
    return to_vietnam(moment).strftime("%d/%m/%Y %H:%M")


def listed(typed: str) -> str:
    """As the rounds list shows a typed moment: "HH:MM ngày dd/mm/yyyy"."""
    day, minute = typed.split(" ")
    return f"{minute} ngày {day}"


def check_layout(page, size: str) -> None:
    assert page.evaluate(PAGE_OVERFLOW) <= 0, f"{page.url} scrolls sideways at {size} size"
    if size == "desktop":
        hidden = page.evaluate(HIDDEN_WIDTH)
        assert all(width <= 1 for width in hidden), f"{page.url}: a table hides {hidden} px"


def shoot(page, screenshots_dir: Path, size: str, name: str) -> None:
    check_layout(page, size)
    page.screenshot(path=screenshots_dir / f"{size}-from-nothing-{name}.png", full_page=True)


def first_log_in(page, temporary: str) -> None:
    """The organizer's first log-in: the temporary password, then one of their own."""
    page.goto("/dang-nhap")
    page.get_by_label("Email hoặc số điện thoại").fill(ORGANIZER_PHONE)
    page.get_by_label("Mật khẩu").fill(temporary)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Đổi mật khẩu")).to_be_visible()
    page.get_by_label("Mật khẩu hiện tại").fill(temporary)
    page.get_by_label("Mật khẩu mới").fill(ORGANIZER_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(ORGANIZER_PASSWORD)
    page.get_by_role("button", name="Đổi mật khẩu").click()
    expect(page.locator(".flash-success")).to_contain_text("Đã đổi mật khẩu")


def log_in(page, phone: str, password: str) -> None:
    page.goto("/dang-nhap")
    page.get_by_label("Email hoặc số điện thoại").fill(phone)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def create_contest(page) -> None:
    page.locator("header.site").get_by_role("link", name="Ban Tổ chức").click()
    expect(page).to_have_url(re.compile(r"/to-chuc/$"))
    expect(page.get_by_text("Chưa có cuộc thi nào.")).to_be_visible()
    page.get_by_role("link", name="Tạo cuộc thi", exact=True).click()
    expect(page.get_by_role("heading", name="Tạo cuộc thi mới")).to_be_visible()
    page.get_by_label("Tên cuộc thi").fill(TITLE)
    page.get_by_label("Địa chỉ (đường dẫn) của cuộc thi").fill(SLUG)
    page.get_by_label("Cơ quan tổ chức").fill(ORGANIZER)
    page.get_by_label("Điện thoại liên hệ").fill(CONTACT_PHONE)
    page.get_by_label("Thư điện tử liên hệ").fill(CONTACT_EMAIL)
    page.get_by_label("Thể lệ — phần mở đầu").fill(INTRO)
    page.get_by_role("button", name="Lưu", exact=True).click()
    # Straight to the new contest's live page, told what comes next.
    expect(page).to_have_url(CONTEST_LIVE_URL)
    expect(page.locator(".flash-success")).to_contain_text("Tiếp theo: nhập ngân hàng câu hỏi")
    expect(page.get_by_role("heading", name="Việc cần làm")).to_be_visible()


def import_bank(page) -> int:
    """The demo's spreadsheet through the upload page, reached from the live page's steps."""
    page.locator(".setup-steps").get_by_role("link", name="Nhập câu hỏi từ tệp bảng tính").click()
    expect(page.get_by_role("heading", name="Nhập câu hỏi")).to_be_visible()
    page.get_by_label("Tệp câu hỏi").set_input_files(
        files={"name": "Ngân hàng câu hỏi.xlsx", "mimeType": XLSX, "buffer": BANK_FILE.read_bytes()}
    )
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    button = page.get_by_role("button", name=re.compile(r"^Nhập \d+ câu hỏi$"))
    expect(button).to_be_visible()
    imported = int(re.search(r"\d+", button.inner_text()).group())
    button.click()
    expect(page.locator(".flash-success")).to_have_text(f"Đã nhập {imported} câu hỏi.")
    return imported


def add_typed_question(page) -> None:
    page.locator("nav.subnav").get_by_role("link", name="Thêm câu hỏi").click()
    expect(page.get_by_role("heading", name="Thêm câu hỏi")).to_be_visible()
    page.get_by_label("Nội dung câu hỏi").fill(TYPED_QUESTION)
    page.get_by_label("Phương án A", exact=True).fill("dichvucong.gov.vn")
    page.get_by_label("Phương án B", exact=True).fill("dichvucong.vn")
    page.get_by_label("Phương án C", exact=True).fill("congdichvu.gov.vn")
    page.get_by_label("Phương án A là đáp án đúng").check()
    page.get_by_label("Hoặc chủ đề mới").fill("Chuyển đổi số")
    page.get_by_role("button", name="Lưu câu hỏi", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("Đã thêm câu hỏi số")


def fill_round(page, title: str, opens: str, closes: str, questions: int, minutes: int) -> None:
    page.get_by_label("Tên vòng thi").fill(title)
    page.get_by_label("Mở lúc (giờ Việt Nam)").fill(opens)
    page.get_by_label("Đóng lúc (giờ Việt Nam)").fill(closes)
    page.get_by_label("Số câu hỏi mỗi lượt").fill(str(questions))
    page.get_by_label("Thời gian làm bài (phút)").fill(str(minutes))
    page.get_by_label("Số lượt được thi", exact=False).fill("3")
    page.get_by_label("Có câu hỏi dự đoán").uncheck()
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page).to_have_url(ROUNDS_URL)
    expect(page.locator(".flash-success")).to_have_text("Đã lưu thiết lập vòng thi.")


def stat(page, words: str):
    return page.locator("#live-stats p.stat", has_text=words).locator("strong")


def register_participant(page) -> None:
    page.goto("/dang-ky")
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Hoa")
    page.get_by_label("Ngày sinh").press_sequentially("30091990")
    page.get_by_label("Giới tính").select_option("nu")
    page.get_by_label("Số điện thoại").press_sequentially(PARTICIPANT_PHONE)
    page.get_by_label("Nhân dân").check()
    page.get_by_label("Mật khẩu", exact=True).fill(PARTICIPANT_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PARTICIPANT_PASSWORD)
    page.locator("#consent").check()
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.get_by_text("Đăng ký thành công")).to_be_visible()


def test_an_organizer_sets_up_a_contest_from_nothing_and_a_participant_takes_it(
    new_context, site, screenshots_dir
):
    dialogs: list[str] = []
    organizer = new_context(support.DESKTOP).new_page()
    organizer.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    # 1. The first log-in, then the empty console and a new contest.
    first_log_in(organizer, site.temporary_password)
    create_contest(organizer)
    contest_id = int(CONTEST_LIVE_URL.search(organizer.url).group(1))
    shoot(organizer, screenshots_dir, "desktop", "1-live-new")

    # 2. The bank: a spreadsheet, then one question by hand.
    imported = import_bank(organizer)
    add_typed_question(organizer)
    with site.app.app_context():
        in_bank = db.session.scalar(select(func.count()).select_from(Question))
        assert in_bank == imported + 1
        assert db.session.scalar(select(Question.id).where(Question.text == TYPED_QUESTION))

    # 3. Two rounds, from the live page then from the rounds list, times typed dd/mm/yyyy HH:MM.
    organizer.locator("nav.subnav").get_by_role("link", name="Ban Tổ chức").click()
    expect(organizer).to_have_url(CONTEST_LIVE_URL)  # the only contest: its live page
    organizer.locator("p.actions").get_by_role("link", name="Thêm vòng thi").click()
    expect(organizer.get_by_role("heading", name="Thêm vòng thi")).to_be_visible()
    now = utcnow()
    times = (
        (vn_minute(now - timedelta(minutes=1)), vn_minute(now + timedelta(days=3))),
        (vn_minute(now + timedelta(days=7)), vn_minute(now + timedelta(days=14))),
    )
    shoot(organizer, screenshots_dir, "desktop", "4-round-form")
    (title_1, questions_1, minutes_1), (title_2, questions_2, minutes_2) = ROUNDS
    fill_round(organizer, title_1, *times[0], questions_1, minutes_1)
    organizer.locator("p.actions").get_by_role("link", name="Thêm vòng thi").click()
    fill_round(organizer, title_2, *times[1], questions_2, minutes_2)
    rows = organizer.locator("table.round-list tbody tr")
    expect(rows).to_have_count(2)
    for row, (opens, closes) in enumerate(times):
        expect(rows.nth(row)).to_contain_text(f"{listed(opens)} – {listed(closes)}")
    shoot(organizer, screenshots_dir, "desktop", "3-rounds")

    # 4. The rules page, generated from the settings; the organizer's script never runs.
    organizer.get_by_role("link", name="Xem trang thể lệ").click()
    expect(organizer.get_by_role("heading", name=f"Thể lệ {TITLE}")).to_be_visible()
    schedule = organizer.locator("#schedule")
    for (title, _, _), (opens, closes) in zip(ROUNDS, times, strict=True):
        expect(schedule).to_contain_text(f"{title}: từ {opens} đến {closes}")
    rules_format = organizer.locator("#format")
    for title, questions, minutes in ROUNDS:
        expect(rules_format).to_contain_text(f"{title}: {questions:02d} câu hỏi")
        expect(rules_format).to_contain_text(f"{title}: {minutes} phút")
    intro = organizer.locator(".markdown").first
    expect(intro.get_by_role("heading", name="Mục đích")).to_be_visible()
    expect(intro.locator("script")).to_have_count(0)
    expect(intro).to_contain_text('<script>alert("xss")</script>')  # shown as text
    expect(intro.get_by_role("link", name="Bấm để nhận quà")).to_have_count(0)
    expect(intro).to_contain_text("Bấm để nhận quà")
    expect(intro.get_by_role("link", name="Cổng Dịch vụ công quốc gia")).to_have_attribute(
        "href", "https://dichvucong.gov.vn"
    )
    expect(organizer.locator(".contest-contact")).to_contain_text(CONTACT_EMAIL)
    shoot(organizer, screenshots_dir, "desktop", "5-rules")

    # 5. The live page: nothing in progress yet; the contest opened from its steps.
    organizer.goto(f"/to-chuc/cuoc-thi/{contest_id}/theo-doi")
    expect(stat(organizer, "đang làm bài")).to_have_text("0")
    organizer.locator(".setup-steps").get_by_role("button", name="Mở cuộc thi").click()
    expect(organizer).to_have_url(CONTEST_LIVE_URL)
    expect(organizer.locator("h1 .badge")).to_have_text("Đang mở")
    expect(organizer.locator(".setup-steps")).to_have_count(0)
    shoot(organizer, screenshots_dir, "desktop", "2-live-ready")

    # 6. A participant on a phone: the only contest opens at "/", round 1, answered, handed in.
    participant = new_context(support.PHONE).new_page()
    participant.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    register_participant(participant)
    participant.goto("/")
    expect(participant).to_have_url(re.compile(f"/cuoc-thi/{SLUG}/$"))
    expect(participant.get_by_role("heading", name=TITLE)).to_be_visible()
    participant.locator("li.round", has_text=title_1).get_by_role(
        "link", name="Bắt đầu thi"
    ).click()
    support.confirm_start(participant)
    attempt_id = int(support.ATTEMPT_URL.search(participant.url).group(1))
    items = support.attempt_items(site.app, attempt_id)
    assert len(items) == questions_1
    for item in items:
        support.choose(participant, item.position, support.right_choice(item), tap=True)
    support.wait_all_saved(participant, [item.position for item in items])
    participant.locator("#submit-button").click()
    participant.locator("#confirm-dialog").get_by_role("button", name="Nộp bài").click()
    expect(participant).to_have_url(support.RESULT_URL)
    expect(participant.locator("#correct-count")).to_have_text(f"{questions_1}/{questions_1}")

    # 7. The organizer's live page shows the entry.
    organizer.reload()
    expect(stat(organizer, "lượt nộp hôm nay")).to_have_text("1")
    expect(stat(organizer, "người dự thi hôm nay")).to_have_text("1")
    expect(stat(organizer, "đang làm bài")).to_have_text("0")

    # 8. Round 1 changed while it has an entry: the difference listed, confirmed, saved.
    organizer.locator("nav.contest-nav").get_by_role("link", name="Vòng thi").click()
    organizer.locator("table.round-list tbody tr", has_text=title_1).get_by_role(
        "link", name="Thiết lập"
    ).click()
    expect(organizer.get_by_text("Vòng thi đã có 1 lượt thi")).to_be_visible()
    organizer.get_by_label("Thời gian làm bài (phút)").fill(str(CHANGED_MINUTES))
    organizer.get_by_role("button", name="Lưu", exact=True).click()
    expect(organizer.get_by_role("heading", name=f"Xác nhận thay đổi {title_1}")).to_be_visible()
    changes = organizer.locator("ul.changes li")
    expect(changes).to_have_count(1)
    expect(changes.first).to_contain_text(f"{minutes_1} phút → {CHANGED_MINUTES} phút")
    shoot(organizer, screenshots_dir, "desktop", "6-round-confirm")
    organizer.get_by_role("button", name="Xác nhận lưu").click()
    expect(organizer).to_have_url(ROUNDS_URL)
    expect(organizer.locator(".flash-success")).to_have_text("Đã lưu thiết lập vòng thi.")
    expect(rows.nth(0)).to_contain_text(f"{CHANGED_MINUTES} phút")
    with site.app.app_context():
        round_1 = db.session.execute(
            select(Round).where(Round.contest_id == contest_id, Round.number == 1)
        ).scalar_one()
        assert round_1.time_limit_seconds == CHANGED_MINUTES * 60
        assert db.session.get(Contest, contest_id).status == "open"

    assert not dialogs, f"a script ran: {dialogs}"


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_console_pages_fit_the_screen(size, new_context, site, screenshots_dir):
    """After the setup above (skipped alone): the contests list, the contest form, the live
    page, the round form and the rules page at 1280 px and 360 px, with no sideways scroll."""
    with site.app.app_context():
        contest = db.session.execute(select(Contest)).scalar_one_or_none()
        if contest is None:
            pytest.skip("needs the contest set up by the test above")
        contest_id, slug = contest.id, contest.slug
        round_id = db.session.execute(
            select(Round.id).where(Round.contest_id == contest_id, Round.number == 1)
        ).scalar_one()
    page = new_context(support.DESKTOP if size == "desktop" else support.PHONE).new_page()
    log_in(page, ORGANIZER_PHONE, ORGANIZER_PASSWORD)
    pages = {
        "contests": ("/to-chuc/cuoc-thi/", "Các cuộc thi"),
        "contest-form": (f"/to-chuc/cuoc-thi/{contest_id}/sua", "Thiết lập cuộc thi"),
        "live": (f"/to-chuc/cuoc-thi/{contest_id}/theo-doi", TITLE),
        "rounds": (f"/to-chuc/cuoc-thi/{contest_id}/vong-thi", "Các vòng thi"),
        "round-form": (f"/to-chuc/vong/{round_id}/sua", "Thiết lập Tuần thi thứ 1"),
        "new-contest": ("/to-chuc/cuoc-thi/moi", "Tạo cuộc thi mới"),
        "rules": (f"/cuoc-thi/{slug}/the-le", f"Thể lệ {TITLE}"),
        "contest-home": (f"/cuoc-thi/{slug}/", TITLE),
    }
    for name, (path, heading) in pages.items():
        page.goto(path)
        expect(page.get_by_role("heading", name=heading, exact=False).first).to_be_visible()
        shoot(page, screenshots_dir, size, f"page-{name}")

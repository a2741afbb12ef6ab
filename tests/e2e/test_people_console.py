"""Issue 14's check in a real browser: an organizer at 1280 px creates a judge and a focal
point, marks the organizing board ineligible from a spreadsheet, resets a participant's
password and erases a person on request; the judge finds two accounts of one person and voids
one; the focal point sees its own agencies only; then every action is in the audit log, with
nothing secret in it."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import AuditEvent, RoundEntry, User
from tests import factories
from tests.e2e import support

pytestmark = pytest.mark.e2e

NEW_JUDGE, NEW_FOCAL = "0987100201", "0987100202"
TWINS = ("0912100301", "0912100302")
BOARD_MEMBER, FORGETFUL, LEAVING = "0912100303", "0912100304", "0912100305"
NEW_PASSWORD = "Sen-hong-Nghi-Xuan-2026"


def seed_people(site) -> dict:
    """Two accounts of one person with an entry each in a closed round of a draft contest (so
    no other test's pages change), and three more participants."""
    with site.app.app_context():
        contest = factories.make_contest(status="draft")
        now = utcnow()
        round_ = factories.make_round(
            contest,
            title="Vòng kiểm tra trùng tài khoản",
            opens_at=now - timedelta(days=9),
            closes_at=now - timedelta(days=2),
            question_count=10,
        )
        ids = {}
        for phone, correct in zip(TWINS, (9, 10), strict=True):
            user = factories.make_user(
                phone=phone,
                full_name="Hoàng Thị Song" if phone == TWINS[0] else "Hoàng  Thị Song",
                date_of_birth=date(1988, 3, 8),
                agency_id=site.agencies["XH"],
            )
            factories.make_entry(round_, user, correct, None, 200, total=10)
            ids[phone] = user.id
        for phone, name in (
            (BOARD_MEMBER, "Trịnh Văn Ban"),
            (FORGETFUL, "Lý Thị Quên"),
            (LEAVING, "Mạc Văn Rời"),
        ):
            ids[phone] = factories.make_user(phone=phone, full_name=name).id
        return {"round": round_.id, **ids}


def temporary_password(page) -> str:
    return page.locator("code.sha").first.inner_text().strip()


def log_in_first_time(page, phone, temporary) -> None:
    page.goto("/dang-nhap")
    page.get_by_label("Email hoặc số điện thoại").fill(phone)
    page.get_by_label("Mật khẩu").fill(temporary)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_label("Mật khẩu hiện tại").fill(temporary)
    page.get_by_label("Mật khẩu mới").fill(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Đổi mật khẩu").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def person_page(page, phone) -> None:
    page.goto("/to-chuc/nguoi/")
    page.get_by_label("Họ tên (có dấu hoặc không)").fill(phone)
    page.get_by_role("button", name="Tìm").click()
    page.locator("table").get_by_role("link").first.click()


def test_people_console_integrity_focal_point_and_audit_log(new_context, site, tmp_path):
    ids = seed_people(site)
    secrets = [factories.PASSWORD, NEW_PASSWORD]
    organizer = new_context(support.DESKTOP).new_page()
    support.log_in(organizer, support.ORGANIZER_PHONE)
    organizer.goto("/to-chuc/")
    organizer.get_by_role("link", name="Người tham gia và tài khoản").click()

    organizer.get_by_role("link", name="Tạo tài khoản cán bộ").click()
    organizer.get_by_label("Vai trò").select_option(label="Ban Giám khảo")
    organizer.get_by_label("Họ và tên").fill("Đinh Thẩm Định")
    organizer.get_by_label("Số điện thoại").fill(NEW_JUDGE)
    organizer.get_by_role("button", name="Tạo tài khoản").click()
    judge_password = temporary_password(organizer)
    organizer.goto("/to-chuc/nguoi/can-bo/moi")
    organizer.get_by_label("Vai trò").select_option(label="Đầu mối cơ quan, đơn vị")
    organizer.get_by_label("Họ và tên").fill("Vũ Đầu Mối")
    organizer.get_by_label("Số điện thoại").fill(NEW_FOCAL)
    organizer.get_by_label("Cơ quan, đơn vị").select_option(value=str(site.agencies["NX"]))
    organizer.get_by_role("button", name="Tạo tài khoản").click()
    focal_password = temporary_password(organizer)
    secrets += [judge_password, focal_password]

    board = tmp_path / "ban-to-chuc.csv"
    board.write_text(f"Số điện thoại / CCCD / Email,Lý do\n{BOARD_MEMBER},Thành viên Ban Tổ chức\n")
    organizer.goto("/to-chuc/xet-giai/nhap")
    organizer.get_by_label("Tệp danh sách").set_input_files(str(board))
    organizer.get_by_role("button", name="Tải lên").click()
    expect(organizer.locator(".flash-error")).to_have_count(0)

    person_page(organizer, FORGETFUL)
    organizer.get_by_role("button", name="Đặt lại mật khẩu").click()
    secrets.append(temporary_password(organizer))
    person_page(organizer, LEAVING)
    organizer.get_by_role("link", name="Xóa dữ liệu cá nhân theo yêu cầu").click()
    organizer.get_by_label("Lý do xoá").fill("Đơn đề nghị ngày 01/12/2026")
    organizer.get_by_role("button", name="Xoá dữ liệu cá nhân").click()
    expect(organizer.get_by_text("đã được xoá lúc")).to_be_visible()
    organizer.screenshot(path=str(tmp_path / "erased.png"))

    judge = new_context(support.DESKTOP).new_page()
    log_in_first_time(judge, NEW_JUDGE, judge_password)
    judge.goto("/giam-khao/")
    judge.get_by_role("link", name=re.compile("Tài khoản có thể trùng người")).click()
    group = judge.locator("section, .table-wrap").filter(has_text="Hoàng").first
    expect(group).to_be_visible()
    judge.locator(f"input#reason-{ids['round']}-{ids[TWINS[1]]}").fill("Tài khoản thứ hai")
    judge.locator(f"form[action$='/vong/{ids['round']}/nguoi/{ids[TWINS[1]]}/huy'] button").click()
    expect(judge.get_by_text("Đã huỷ kết quả").first).to_be_visible()

    focal = new_context().new_page()  # a phone
    log_in_first_time(focal, NEW_FOCAL, focal_password)
    focal.get_by_role("link", name="Đơn vị của tôi").click()
    expect(focal.get_by_role("heading", level=1)).to_contain_text("Nghi Xuân")
    expect(focal.get_by_text("Ủy ban nhân dân xã Xuân Hội").first).to_be_visible()
    other = focal.goto(f"/don-vi/{site.agencies['STP']}")
    assert other.status == 403

    organizer.goto("/to-chuc/")
    organizer.get_by_role("link", name="Nhật ký thao tác").click()
    log = organizer.locator("table.audit")
    for label in (
        "Tạo tài khoản",
        "Nhập danh sách không được xét giải",
        "Cấp lại mật khẩu",
        "Xóa dữ liệu cá nhân",
        "Hủy kết quả bài thi",
        "Đăng nhập tài khoản cán bộ",
    ):
        expect(log.get_by_text(label, exact=True).first).to_be_visible()
    organizer.screenshot(path=str(tmp_path / "audit.png"), full_page=True)

    with site.app.app_context():
        voided = db.session.execute(
            select(RoundEntry.voided_at).where(RoundEntry.user_id == ids[TWINS[1]])
        ).scalar_one()
        assert voided is not None
        assert db.session.get(User, ids[BOARD_MEMBER]).prize_eligible is False
        assert db.session.get(User, ids[LEAVING]).phone is None
        lines = db.session.execute(select(AuditEvent.details, AuditEvent.address)).all()
    text = str(lines)
    for secret in [*secrets, *TWINS, BOARD_MEMBER, FORGETFUL, LEAVING, NEW_JUDGE, NEW_FOCAL]:
        assert secret not in text, secret

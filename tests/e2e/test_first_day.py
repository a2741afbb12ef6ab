"""The first morning at 360 px: colleagues register one after another, optional fields blank,
the date of birth typed on the number pad, then log out and in again."""

import pytest
from playwright.sync_api import expect

from tests.e2e import support

pytestmark = pytest.mark.e2e

PHONES = ("0987000201", "0987000202", "0987000203")


def register_with_blanks(page, phone: str, name: str) -> None:
    page.goto("/dang-ky")
    page.get_by_label("Họ và tên").fill(name)
    date_of_birth = page.get_by_label("Ngày sinh")
    # The field opens the number pad, whose keys are digits only (no "/" on an iPhone's).
    expect(date_of_birth).to_have_attribute("inputmode", "numeric")
    date_of_birth.press_sequentially("15031990")
    page.get_by_label("Giới tính").select_option("nam")
    page.get_by_label("Số điện thoại").press_sequentially(phone)
    expect(page.get_by_label("Số điện thoại")).to_have_attribute("inputmode", "numeric")
    expect(page.get_by_label("Số CCCD (không bắt buộc)")).to_have_attribute("inputmode", "numeric")
    expect(page.get_by_label("Tìm theo tên")).to_be_visible()
    page.get_by_label("Nhân dân").check()
    page.get_by_label("Mật khẩu", exact=True).fill("mat-khau-ca-nha")
    page.get_by_label("Nhập lại mật khẩu").fill("mat-khau-ca-nha")
    page.locator("#consent").check()
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.get_by_text("Đăng ký thành công")).to_be_visible()


def test_colleagues_with_blank_email_and_cccd_all_register_and_log_in_again(new_context, site):
    for number, phone in enumerate(PHONES, start=1):
        page = new_context().new_page()
        register_with_blanks(page, phone, f"Người dân thứ {number}")
        page.get_by_role("button", name="Đăng xuất").click()
        expect(page.locator("header.site").get_by_role("link", name="Đăng nhập")).to_be_visible()
        page.goto("/dang-nhap")
        page.get_by_label("Email hoặc số điện thoại").fill(phone)
        page.get_by_label("Mật khẩu").fill("mat-khau-ca-nha")
        page.get_by_role("button", name="Đăng nhập").click()
        expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
        user = support.get_user(site.app, phone)
        assert (user.email, user.national_id, user.address) == (None, None, None)
        assert user.date_of_birth.isoformat() == "1990-03-15"

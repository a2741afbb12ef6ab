"""A judge finds a closed round's ranking and downloads it as Excel, at phone size."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e import support

pytestmark = pytest.mark.e2e


def test_judge_downloads_the_ranking(phone_page, screenshots_dir, tmp_path):
    page = phone_page
    support.log_in(page, support.JUDGE_PHONE)
    page.goto("/giam-khao/")
    page.get_by_role("link", name=support.JUDGED_ROUND_TITLE).click()
    expect(page.locator("table.ranking tbody tr")).to_have_count(len(support.JUDGED_ENTRIES))
    page.screenshot(path=screenshots_dir / "phone-judge-ranking.png", full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Bảng xếp hạng cá nhân").click()
    download = download_info.value
    assert download.suggested_filename.startswith("xep-hang-vong-3-")
    path = tmp_path / "ranking.xlsx"
    download.save_as(path)

    sheet = load_workbook(path).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header_index = next(i for i, row in enumerate(rows) if row and row[0] == "Hạng")
    header = rows[header_index]
    name_column = header.index("Họ và tên")
    data = rows[header_index + 1 :]
    names = [row[name_column] for row in data]
    # Same score: the ineligible organizer is fastest but ranked without a prize.
    assert names == [
        "Ngô Thị Ban Tổ Chức",
        "Trần Văn Nhất",
        '=HYPERLINK("http://x")',
        "Đỗ Văn Tư",
    ]
    assert [row[0] for row in data] == [1, 2, 3, 4]
    # A hostile name is stored as text, never as a formula.
    hostile = sheet.cell(row=header_index + 4, column=name_column + 1)
    assert hostile.data_type == "s"
    assert sheet.freeze_panes is not None
    assert any("Bản nháp" in str(row[0]) for row in rows[:header_index] if row and row[0])

"""An organizer on a phone uploads a question bank with mistakes, downloads it back with a "Lỗi"
column, fixes it and imports it: the dry run, the marked workbook and the one-click import."""

import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from contest.extensions import db
from contest.models import Question
from tests.e2e import support

pytestmark = pytest.mark.e2e

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILENAME = "Câu hỏi tuần 3.xlsx"
MARKED_FILENAME = "Câu hỏi tuần 3-loi.xlsx"
TITLE = "DANH SÁCH CÂU HỎI THI TUẦN THỨ BA"
HEADER_ROW = 3
HEADER = [
    "STT",
    "Câu hỏi",
    "Phương án A",
    "Phương án B",
    "Phương án C",
    "Phương án D",
    "Đáp án đúng",
    "Chủ đề",
    "Mức độ",
]
ERROR_COLUMN = len(HEADER) + 1  # the "Lỗi" column is added after the last one
REFORM = "Cải cách hành chính"
DIGITAL = "Chuyển đổi số"
ONE_STOP = "Bộ phận Một cửa cấp xã tiếp nhận hồ sơ theo quy định nào?"

# Data rows by their row number in the sheet (the header is row 3).
ROWS = {
    4: [1, ONE_STOP, "Nghị định số 61/2018/NĐ-CP", "Luật Đất đai", "Bộ luật Dân sự", "Luật Cư trú",
        "A", REFORM, "Dễ"],
    5: [2, "Thời hạn trả kết quả được ghi ở đâu?", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        "Sổ theo dõi", "Tin nhắn", "Không ghi ở đâu", "A", REFORM, "Trung bình"],
    # No question, the other cells filled.
    6: [3, None, "Tiếp nhận hồ sơ", "Trả kết quả", "Cả hai", "Không việc nào", "C", REFORM, "Dễ"],
    7: [4, "Cổng Dịch vụ công quốc gia có địa chỉ nào?", "dichvucong.gov.vn", "vnexpress.net",
        "baochinhphu.vn", "moj.gov.vn", "A", DIGITAL, "Dễ"],
    # The answer points to option D, which is empty.
    8: [5, "Hồ sơ điện tử được ký bằng gì?", "Chữ ký số", "Con dấu", "Vân tay", None, "D",
        DIGITAL, "Khó"],
    # Row 4 again, written in other case and spacing.
    9: [6, "  bộ phận một cửa  cấp xã tiếp nhận hồ sơ theo quy định nào? ", "Nghị định",
        "Thông tư", "Quyết định", "Chỉ thị", "A", REFORM, "Dễ"],
    10: [7, "Mã hồ sơ dùng để làm gì?", "Tra cứu tình trạng hồ sơ", "Nộp lệ phí", "Ký hồ sơ",
         "Không dùng", "A", DIGITAL, "Trung bình"],
}  # fmt: skip
# (row, column, message) as the dry run's table shows them, in file order.
EXPECTED_ERRORS = [
    (6, "Câu hỏi", "Nội dung câu hỏi trống trong khi các ô khác của dòng có dữ liệu."),
    (8, "Đáp án đúng", "Đáp án “D” trỏ tới phương án trống."),
    (9, "Câu hỏi", "Câu hỏi trùng với câu hỏi ở dòng 4."),
]
# The same messages in the workbook's "Lỗi" column.
EXPECTED_MARKS = {
    6: "Cột “Câu hỏi”: nội dung câu hỏi trống trong khi các ô khác của dòng có dữ liệu.",
    8: "Cột “Đáp án đúng”: đáp án “D” trỏ tới phương án trống.",
    9: "Cột “Câu hỏi”: câu hỏi trùng với câu hỏi ở dòng 4.",
}
# What the organizer changes in the downloaded workbook: (row, column number) -> value.
FIXES = {
    (6, 2): "Bộ phận Một cửa làm những việc gì?",
    (8, 7): "A",
    (9, 2): "Văn bản nào quy định về thủ tục hành chính?",
}
ISSUES_URL = re.compile(r"/to-chuc/ngan-hang/nhap/(\d+)$")
BANK_URL = re.compile(r"/to-chuc/ngan-hang/$")
IMPORT_BUTTON = re.compile(r"^Nhập \d+ câu hỏi$")


def bank_workbook() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Câu hỏi"
    sheet.cell(row=1, column=1, value=TITLE)
    for column, name in enumerate(HEADER, start=1):
        sheet.cell(row=HEADER_ROW, column=column, value=name)
    for row, cells in ROWS.items():
        for column, value in enumerate(cells, start=1):
            sheet.cell(row=row, column=column, value=value)
    return book


def xlsx_bytes(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(page, name: str, data: bytes) -> None:
    page.goto("/to-chuc/ngan-hang/nhap")
    expect(page.get_by_role("heading", name="Nhập câu hỏi")).to_be_visible()
    page.get_by_label("Tệp câu hỏi").set_input_files(
        files={"name": name, "mimeType": XLSX, "buffer": data}
    )
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(page).to_have_url(ISSUES_URL)
    expect(page.get_by_role("heading", name=f"Kiểm tra tệp “{name}”")).to_be_visible()


def sideways_overflow(page) -> int:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def fixed_texts() -> dict[str, dict]:
    """The questions expected in the bank after the import, by text."""
    rows = {row: list(cells) for row, cells in ROWS.items()}
    for (row, column), value in FIXES.items():
        rows[row][column - 1] = value
    difficulties = {"Dễ": 1, "Trung bình": 2, "Khó": 3}
    expected = {}
    for cells in rows.values():
        options = [option for option in cells[2:6] if option]
        expected[cells[1]] = {
            "options": options,
            "correct": ["ABCD".index(cells[6])],
            "topic": cells[7],
            "difficulty": difficulties[cells[8]],
        }
    return expected


def test_organizer_uploads_fixes_and_imports(phone_page, site, screenshots_dir, tmp_path):
    page = phone_page
    support.log_in(page, support.ORGANIZER_PHONE)

    # 1. The first upload: three bad rows, so a table of errors and no import button.
    upload(page, FILENAME, xlsx_bytes(bank_workbook()))
    summary = page.locator("p.summary")
    expect(summary).to_have_text("4 câu hỏi hợp lệ · 3 lỗi · 0 cảnh báo")
    expect(page.locator(".flash-error")).to_contain_text("chưa câu hỏi nào được nhập")
    issues = page.locator("table.issues tbody tr")
    expect(issues).to_have_count(len(EXPECTED_ERRORS))
    for index, (row, column, message) in enumerate(EXPECTED_ERRORS):
        expect(issues.nth(index).locator("td")).to_have_text(["Lỗi", str(row), column, message])
    expect(page.get_by_role("button", name=IMPORT_BUTTON)).to_have_count(0)
    assert sideways_overflow(page) <= 0, "the error page scrolls sideways on a phone"
    page.screenshot(path=screenshots_dir / "phone-organizer-1-upload-errors.png", full_page=True)

    # 2. The workbook back, with the messages in a "Lỗi" column and the bad cells in red.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải tệp của bạn kèm cột “Lỗi”").click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename == MARKED_FILENAME
    marked_path = tmp_path / "marked.xlsx"
    download.save_as(marked_path)
    book = openpyxl.load_workbook(marked_path)
    sheet = book["Câu hỏi"]
    assert sheet.cell(row=1, column=1).value == TITLE
    assert [sheet.cell(row=HEADER_ROW, column=c).value for c in range(1, ERROR_COLUMN)] == HEADER
    assert sheet.cell(row=HEADER_ROW, column=ERROR_COLUMN).value == "Lỗi"
    marks = {row: sheet.cell(row=row, column=ERROR_COLUMN).value for row in ROWS}
    assert marks == {row: EXPECTED_MARKS.get(row) for row in ROWS}
    for row, column in ((6, 2), (8, 7), (9, 2)):
        assert sheet.cell(row=row, column=column).fill.fgColor.rgb.endswith("FFC7CE"), (row, column)
    assert sheet.cell(row=4, column=2).value == ONE_STOP  # the organizer's content is kept

    # 3. Fixed in the same workbook (its "Lỗi" column left in), uploaded again: counts per topic.
    for (row, column), value in FIXES.items():
        sheet.cell(row=row, column=column, value=value)
    upload(page, MARKED_FILENAME, xlsx_bytes(book))
    expect(summary).to_have_text("7 câu hỏi hợp lệ · 0 lỗi · 0 cảnh báo")
    expect(page.get_by_role("heading", name="Sẽ được thêm: 7 câu hỏi")).to_be_visible()
    topics = page.locator(".counts table").first.locator("tbody tr")
    expect(topics).to_have_count(2)
    expect(topics.nth(0).locator("td")).to_have_text([REFORM, "4"])
    expect(topics.nth(1).locator("td")).to_have_text([DIGITAL, "3"])
    difficulties = page.locator(".counts table").nth(1).locator("tbody tr")
    expect(difficulties).to_have_count(3)
    expect(difficulties.nth(0).locator("td")).to_have_text(["Dễ", "4"])
    expect(page.locator("table.issues")).to_have_count(0)
    assert sideways_overflow(page) <= 0, "the checked-file page scrolls sideways on a phone"
    page.screenshot(path=screenshots_dir / "phone-organizer-2-upload-checked.png", full_page=True)

    # 4. Import: the bank list, a success message, the questions at the top and in the database.
    checked_url = page.url
    page.get_by_role("button", name="Nhập 7 câu hỏi").click()
    expect(page).to_have_url(BANK_URL)
    expect(page.locator(".flash-success")).to_have_text("Đã nhập 7 câu hỏi.")
    expected = fixed_texts()
    newest = page.locator("table.bank tbody tr td.qtext")
    expect(newest.first).to_be_visible()
    assert set(newest.all_inner_texts()[:7]) == set(expected)
    page.screenshot(path=screenshots_dir / "phone-organizer-3-bank-list.png", full_page=True)

    with site.app.app_context():
        stored = (
            db.session.execute(select(Question).where(Question.text.in_(expected))).scalars().all()
        )
        found = {
            q.text: {
                "options": list(q.options),
                "correct": list(q.correct),
                "topic": q.topic.name if q.topic else None,
                "difficulty": q.difficulty,
            }
            for q in stored
        }
        assert all(q.active for q in stored)
    assert found == expected
    assert len(stored) == 7

    # The checked upload's page now says it was imported, with no button to import it again.
    page.goto(checked_url)
    expect(page.get_by_text("Tệp này đã được nhập lúc")).to_be_visible()
    expect(page.get_by_role("button", name=IMPORT_BUTTON)).to_have_count(0)

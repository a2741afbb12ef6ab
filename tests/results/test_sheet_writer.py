"""The exports' sheet writer (contest/results/exports/workbook.py): xlsxwriter in
constant-memory mode, with the data rows' XML made by the writer itself. The files are read
back with openpyxl (and calamine) and compared, cell by cell, with what xlsxwriter's own
public API writes for the same values and formats."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import python_calamine
import xlsxwriter

from contest.results.exports import workbook as wb
from contest.results.exports.workbook import Column, SheetWriter, new_workbook, save

COLUMNS = (
    Column("Hạng", wb.INTEGER, 7),
    Column("Họ và tên", wb.TEXT, 26),
    Column("Ngày sinh", wb.DATE, 12),
    Column("Nộp bài lúc", wb.DATETIME, 20),
    Column("Thời gian", wb.DURATION, 11.5),
    Column("Tỷ lệ", wb.PERCENT, 9),
    Column("Điểm", wb.DECIMAL, 9),
    Column("Số lượt", wb.COUNT, 9),
)
TITLES = ["=Cuộc thi", "Bảng xếp hạng — Vòng 1", "Xuất lúc 14:05"]
ROWS = [
    [1, "Nguyễn Văn An", date(1990, 1, 4), datetime(2025, 11, 16, 9, 2, 40), 100_000, 0.5, 7.25, 1],
    [2, '=HYPERLINK("http://x")', date(1900, 1, 1), datetime(1900, 2, 28, 12), 61_234, 1, 0, 0],
    [
        3,
        "+84 912",
        date(1900, 3, 1),
        datetime(2026, 1, 1, tzinfo=UTC),
        0,
        None,
        Decimal("2.5"),
        12345,
    ],
    [None, "@SUM(A1)", None, None, None, 0.123456789, None, None],
    [5, "-2", date(2024, 2, 29), datetime(2024, 2, 29, 23, 59, 59, 999000), 1, 0.0, -1.5, 2],
    [6, "\tTab", None, None, 59_999, None, None, None],
    [7, "Chuông\x07 reo\r\nxuống dòng", None, None, None, None, None, None],
    [8, 'a_x0041_b & <c> "d"', None, None, None, None, None, None],
    [9, "  khoảng trắng  ", None, None, None, None, None, None],
    [10, "#N/A", None, None, None, None, None, None],
    [True, 42, None, None, None, None, None, None],  # a bool and a number where text is due
    [11, "", None, None, None, None, None, None],
    [12, "x" * 40_000, None, None, None, None, None, None],
]


def ours(rows=ROWS, columns=COLUMNS, titles=TITLES) -> bytes:
    book = new_workbook()
    writer = SheetWriter(book, "Xếp hạng", columns, titles)
    assert writer.extend(rows) == len(rows)
    writer.close()
    out = io.BytesIO()
    save(book, out)
    return out.getvalue()


def reference(rows=ROWS, columns=COLUMNS, titles=TITLES) -> bytes:
    """The same sheet through xlsxwriter's public API, written as its documentation says."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
         "remove_timezone": True},
    )  # fmt: skip
    sheet = book.add_worksheet("Xếp hạng")
    formats = {kind: book.add_format({"num_format": f}) for kind, f in wb.FORMATS.items()}
    quoted = book.add_format({"quote_prefix": True})
    head = len(titles) + 1
    for col, column in enumerate(columns):
        sheet.set_column_pixels(col, col, round(column.width * 7))
    for line, title in enumerate(titles):
        sheet.write_string(line, 0, title)
    for col, column in enumerate(columns):
        sheet.write_string(head, col, column.header)
    for number, values in enumerate(rows, start=head + 1):
        for col, (column, value) in enumerate(zip(columns, values, strict=True)):
            if value is None or value == "":
                continue
            if isinstance(value, str) or column.kind == wb.TEXT:  # a text column holds text
                text = wb.plain_text(value)
                sheet.write_string(number, col, text, quoted if wb.needs_guard(text) else None)
            elif isinstance(value, bool):
                sheet.write_boolean(number, col, value)
            elif isinstance(value, date):
                sheet.write_datetime(number, col, value, formats[column.kind])
            elif column.kind == wb.DURATION:
                sheet.write_number(number, col, value / wb.MS_PER_DAY, formats[wb.DURATION])
            else:
                sheet.write_number(number, col, float(value), formats.get(column.kind))
    book.close()
    return out.getvalue()


def cells(data: bytes):
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return sheet, {
        cell.coordinate: (cell.value, cell.data_type, cell.number_format, cell.quotePrefix)
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }


def test_data_cells_are_what_xlsxwriter_itself_writes():
    _, mine = cells(ours())
    _, theirs = cells(reference())
    data_rows = {k: v for k, v in mine.items() if int(k.lstrip("ABCDEFGH")) > len(TITLES) + 2}
    expected = {k: v for k, v in theirs.items() if int(k.lstrip("ABCDEFGH")) > len(TITLES) + 2}
    assert data_rows == expected
    assert len(data_rows) == 49  # counted by hand: 8+8+7+2+8+3+2+2+2+2+2+1+2


def test_values_formats_and_text_safety_read_back():
    sheet, got = cells(ours())
    first = len(TITLES) + 3
    assert got[f"C{first}"] == (datetime(1990, 1, 4), "d", "dd/mm/yyyy", False)
    assert got[f"D{first}"] == (datetime(2025, 11, 16, 9, 2, 40), "d", "dd/mm/yyyy hh:mm:ss", False)
    assert got[f"E{first}"] == (timedelta(seconds=100), "d", "[mm]:ss.000", False)
    assert got[f"F{first}"][2] == "0.00%" and got[f"G{first}"][2] == "0.00"
    assert got[f"H{first + 2}"] == (12345, "n", "#,##0", False)
    # Excel's calendar before 1 March 1900 (its 29 February 1900 that never was).
    assert got[f"C{first + 1}"][0] == datetime(1900, 1, 1)
    assert got[f"C{first + 2}"][0] == datetime(1900, 3, 1)
    assert got[f"D{first + 2}"][0] == datetime(2026, 1, 1)  # the timezone dropped
    assert got[f"G{first + 2}"][0] == 2.5  # a Decimal is a number
    assert got[f"D{first + 4}"][0] == datetime(2024, 2, 29, 23, 59, 59, 999000)
    for offset, text in ((1, '=HYPERLINK("http://x")'), (2, "+84 912"), (3, "@SUM(A1)"),
                         (4, "-2"), (5, "\tTab"), (9, "#N/A")):  # fmt: skip
        assert got[f"B{first + offset}"] == (text, "s", "General", True), text
    assert got[f"B{first + 6}"] == ("Chuông reo\nxuống dòng", "s", "General", False)
    assert got[f"B{first + 8}"][0] == "  khoảng trắng  "
    assert got[f"A{first + 10}"] == (True, "b", "General", False)
    assert got[f"B{first + 10}"] == ("42", "s", "General", False)
    assert f"B{first + 11}" not in got  # an empty text is an empty cell
    assert len(got[f"B{first + 12}"][0]) == 32_767
    assert f"A{first + 3}" not in got and all(v[1] != "f" for v in got.values())
    assert sheet.cell(1, 1).value == "=Cuộc thi" and sheet.cell(1, 1).quotePrefix
    assert sheet.cell(1, 1).font.b and sheet.cell(1, 1).font.sz == 14


def test_literal_escape_sequences_survive_both_readers():
    data = ours()
    first = len(TITLES) + 3
    _, got = cells(data)
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    grid = book.get_sheet_by_index(0).to_python()
    assert grid[first + 6][1] == 'a_x0041_b & <c> "d"'  # calamine decodes _x005F_ back
    assert got[f"B{first + 7}"][0] in ('a_x0041_b & <c> "d"', 'a_x005F_x0041_b & <c> "d"')


def test_the_sheet_layout():
    sheet = openpyxl.load_workbook(io.BytesIO(ours())).active
    head = len(TITLES) + 2
    assert sheet.title == "Xếp hạng"
    assert [sheet.cell(row, 1).value for row in range(1, head)] == [*TITLES, None]
    header = [sheet.cell(head, col).value for col in range(1, 9)]
    assert header == [column.header for column in COLUMNS]
    cell = sheet.cell(head, 2)
    assert cell.font.b and cell.fill.fgColor.rgb.endswith("DDEBF7")
    assert cell.alignment.wrap_text and cell.alignment.vertical == "center"
    assert sheet.freeze_panes == f"A{head + 1}"
    assert sheet.auto_filter.ref == f"A{head}:H{head + len(ROWS)}"
    assert sheet.print_title_rows == f"${head}:${head}"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToHeight == 0
    assert sheet.column_dimensions["B"].width == 26 and sheet.column_dimensions["A"].width == 7
    assert abs(sheet.column_dimensions["E"].width - 11.5) < 0.15
    assert sheet.max_row == head + len(ROWS) and sheet.max_column == 8


def test_several_sheets_one_after_the_other_and_an_empty_one(tmp_path):
    book = new_workbook()
    first = SheetWriter(book, "Người đăng ký: [A/B]?", COLUMNS[:2], ["Một"])
    for number in range(1, 2501):  # more than one batch of rows
        first.append([number, f"Người {number}"])
    first.close()
    empty = SheetWriter(book, "Trống", COLUMNS[:3], ["Hai", "Ba"])
    empty.close()
    save(book, tmp_path / "hai.xlsx")
    read = openpyxl.load_workbook(tmp_path / "hai.xlsx")
    assert read.sheetnames == ["Người đăng ký   A B", "Trống"]
    one, two = read.worksheets
    assert one.cell(2503, 1).value == 2500 and one.cell(2503, 2).value == "Người 2500"
    assert [c.value for c in one[4]] == [1, "Người 1"]
    assert one.auto_filter.ref == "A3:B2503"
    assert two.auto_filter.ref == "A4:C5" and two.max_row == 4


def test_making_the_next_sheet_closes_the_one_before():
    book = new_workbook()
    first = SheetWriter(book, "Một", COLUMNS[:2], [])
    first.append([1, "a"])
    second = SheetWriter(book, "Hai", COLUMNS[:2], [])
    second.append([2, "b"])
    with pytest.raises(RuntimeError):
        first.append([3, "c"])
    out = io.BytesIO()
    save(book, out)  # closes the second
    one, two = openpyxl.load_workbook(out).worksheets
    assert one.cell(3, 2).value == "a" and one.auto_filter.ref == "A2:B3"
    assert two.cell(3, 2).value == "b" and two.auto_filter.ref == "A2:B3"


def test_a_row_of_the_wrong_length_is_refused_and_a_dropped_book_leaves_no_file():
    book = new_workbook()
    writer = SheetWriter(book, "x", COLUMNS[:2], [])
    with pytest.raises(ValueError):
        writer.append([1, "a", "b"])
    folder = Path(book._folder.name)
    assert any(folder.iterdir())  # the sheet's row file
    book.discard()
    assert not folder.exists()


def test_a_saved_book_leaves_no_file():
    book = new_workbook()
    SheetWriter(book, "x", COLUMNS[:2], []).close()
    folder = Path(book._folder.name)
    save(book, io.BytesIO())
    assert not folder.exists()


@pytest.mark.parametrize(
    ("name", "expected"),
    [("'Trích dẫn'", "Trích dẫn"), ("a" * 40, "a" * 31), ("😀" * 20, "😀" * 15), ("", "Sheet")],
)
def test_sheet_names_fit_excel(name, expected):
    assert wb.safe_sheet_name(name) == expected


def test_rows_are_streamed_in_constant_memory():
    book = new_workbook()
    writer = SheetWriter(book, "Lượt thi", COLUMNS, TITLES)
    row = [1, "Nguyễn Văn Thành Trung", date(1990, 5, 17), datetime(2026, 11, 1, 8), 1, 0.5, 1, 2]
    tracemalloc.start()
    for _ in range(30_000):
        writer.append(row)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    writer.close()
    save(book, io.BytesIO())
    assert peak < 5 * 1024 * 1024  # a batch of rows, not the sheet


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_opens_the_file(tmp_path):
    path = tmp_path / "xep-hang.xlsx"
    path.write_bytes(ours())
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true",
         "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    with open(tmp_path / "xep-hang.csv", encoding="utf-8", newline="") as handle:
        lines = list(csv.reader(handle))
    head = len(TITLES) + 1
    assert lines[0][0] == "=Cuộc thi" and lines[head][1] == "Họ và tên"
    assert lines[head + 2][1] == '=HYPERLINK("http://x")'  # text, not a formula
    assert lines[head + 1][2] == "04/01/1990"

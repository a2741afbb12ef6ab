""".xlsx read with calamine gives the cells a person sees, the same as openpyxl gives them.

The same workbooks are opened both ways (`open_sheet(data, "xlsx")`, calamine, and
`open_sheet(data, "xlsx-openpyxl")`) and compared cell by cell as the readers turn them into
text; the files where calamine would differ (error cells, `_xHHHH_` text Excel never writes)
are sent to openpyxl by `sniff`.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pytest
import xlsxwriter
from openpyxl import Workbook
from qb_builders import Formula, bank_rows, build_xlsx, question_row

from question_bank import read_question_file
from question_bank.guards import sniff
from question_bank.models import DEFAULT_LIMITS
from question_bank.sources import open_sheet
from question_bank.text import decode_xlsx_escapes, display_text

TRICKY = [
    "0912345678",  # a phone number stored as text keeps its leading zero
    1.0,
    5,
    -3,
    1.5,
    0.1 + 0.2,
    12345678901234567890,
    1e20,
    dt.datetime(2024, 5, 17),
    dt.datetime(2024, 5, 17, 8, 30, 15),
    dt.date(1990, 1, 4),
    dt.time(8, 30),
    dt.timedelta(hours=30, minutes=5),
    True,
    False,
    "=1+1",
    "#N/A",
    "  khoảng trắng  ",
    "dòng 1\ndòng 2",
    "Nghị định 63/2010/NĐ-CP",
    unicodedata.normalize("NFD", "Thủ tục hành chính"),
    "",
    "a_x000D_b",  # Excel's own escape of a carriage return
]


def seen(sheet) -> list[tuple[int, list[str]]]:
    """Each non-empty row as the texts a person sees, trailing empty cells dropped. Trimmed,
    as every reader trims a cell's text: calamine drops the outer spaces of some strings."""
    rows = []
    for number, cells in sheet.rows:
        texts = [
            decode_xlsx_escapes(v) if sheet.xlsx and isinstance(v, str) else display_text(v)
            for v in cells
        ]
        texts = [unicodedata.normalize("NFC", t).strip() for t in texts]
        while texts and texts[-1] == "":
            texts.pop()
        if texts:
            rows.append((number, texts))
    return rows


def both_ways(data: bytes):
    with open_sheet(data, "xlsx") as sheet:
        fast = (sheet.name, seen(sheet))
    with open_sheet(data, "xlsx-openpyxl") as sheet:
        slow = (sheet.name, seen(sheet))
    return fast, slow


def openpyxl_book(rows, *, start_row: int = 1, start_column: int = 1, formats=None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Câu hỏi"
    for r, row in enumerate(rows, start=start_row):
        for c, value in enumerate(row, start=start_column):
            if value is None:
                continue
            cell = sheet.cell(r, c, value)
            if isinstance(value, str):
                cell.data_type = "s"
            if formats and (r, c) in formats:
                cell.number_format = formats[(r, c)]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_tricky_values_read_the_same_both_ways():
    rows = [[value, f"cột B {i}", None, value] for i, value in enumerate(TRICKY)]
    formats = {(3 + len(TRICKY), 1): "0%"}
    data = openpyxl_book(rows + [[0.5], [3]], formats=formats)
    fast, slow = both_ways(data)
    assert fast == slow
    texts = dict(fast[1])
    assert texts[1] == ["0912345678", "cột B 0", "", "0912345678"]
    assert texts[2][0] == "1" and texts[3][0] == "5" and texts[4][0] == "-3"
    assert texts[6][0] == "0.3"
    assert texts[9][0] == "17/05/2024" and texts[10][0] == "17/05/2024 08:30:15"
    assert texts[11][0] == "04/01/1990" and texts[12][0] == "08:30"
    assert texts[13][0] == "30:05" and texts[14][0] == "TRUE" and texts[15][0] == "FALSE"
    assert texts[16][0] == "=1+1" and texts[17][0] == "#N/A"
    assert texts[18][0] == "khoảng trắng" and texts[19][0] == "dòng 1\ndòng 2"
    assert texts[23][0] == "a\rb"


def test_a_table_that_starts_away_from_a1_keeps_its_coordinates():
    rows = [["Tiêu đề"], [], [None, "x", 2.0, None, dt.date(2025, 3, 1)], [None, None, "y"]]
    data = openpyxl_book(rows, start_row=4, start_column=3)
    fast, slow = both_ways(data)
    assert fast == slow
    assert fast[1][0] == (4, ["", "", "Tiêu đề"])
    assert fast[1][1] == (6, ["", "", "", "x", "2", "", "01/03/2025"])


def test_cached_formula_values_read_the_same_both_ways():
    rows = [
        ["Câu hỏi", Formula('="Có"&"?"', "Có?"), Formula("=1+1", 2), Formula("=A9", None)],
        ["b", Formula("=2*3", 6.5)],
    ]
    fast, slow = both_ways(build_xlsx(rows))
    assert fast == slow
    assert fast[1] == [(1, ["Câu hỏi", "Có?", "2"]), (2, ["b", "6.5"])]


def test_an_xlsxwriter_file_with_inline_and_shared_strings_reads_the_same():
    for constant_memory in (True, False):
        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {"constant_memory": constant_memory})
        sheet = book.add_worksheet("Câu hỏi")
        day = book.add_format({"num_format": "dd/mm/yyyy"})
        sheet.write_string(0, 0, "0987654321")
        sheet.write_number(0, 1, 42)
        sheet.write_datetime(0, 2, dt.datetime(2026, 12, 7), day)
        sheet.write_string(2, 1, " <b>&amp;</b> ")
        sheet.write_boolean(2, 3, True)
        book.close()
        fast, slow = both_ways(out.getvalue())
        assert fast == slow
        assert fast[1] == [
            (1, ["0987654321", "42", "07/12/2026"]),
            (3, ["", "<b>&amp;</b>", "", "TRUE"]),
        ]


def test_whole_bank_parses_the_same_with_either_reader(monkeypatch):
    rows = bank_rows(
        question_row(1, "Thủ tục hành chính là gì?", "Trình tự", "Cách thức", answer="A"),
        question_row(2, "Số 0912 có phải số điện thoại?", "0912345678", "1.5", answer="B"),
        question_row(3, "Ngày nào?", dt.date(2025, 1, 2), dt.datetime(2025, 1, 3, 7), answer="A"),
        question_row(4, "", "Có", "Không", answer="A"),  # an error: no question
        question_row(5, "Đúng hay sai?", True, False, answer="B"),
    )
    data = build_xlsx(rows)
    assert sniff(data, "bank.xlsx", DEFAULT_LIMITS) == ("xlsx", None)
    fast = read_question_file(data, "bank.xlsx")
    monkeypatch.setattr("question_bank.reader.sniff", lambda *_: ("xlsx-openpyxl", None))
    slow = read_question_file(data, "bank.xlsx")
    assert fast.questions == slow.questions and fast.errors == slow.errors
    assert fast.warnings == slow.warnings and fast.header_row == slow.header_row
    assert [q.options for q in fast.questions][:3] == [
        ("Trình tự", "Cách thức"),
        ("0912345678", "1.5"),
        ("02/01/2025", "03/01/2025 07:00"),
    ]
    assert [e.row for e in fast.errors] == [slow.errors[0].row]


def patched_sheet(extra_cells: str) -> bytes:
    """A bank whose first data row gets `extra_cells` (raw sheet XML) appended."""
    import re
    import zipfile

    data = build_xlsx(bank_rows(question_row(1, "Câu hỏi?", "Có", "Không")))
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                text = re.sub(r"(<row r=\"4\"[^>]*>.*?)(</row>)", rf"\1{extra_cells}\2", text)
                content = text.encode()
            target.writestr(info, content)
    return out.getvalue()


@pytest.mark.parametrize(
    "cells, shown",
    [
        ('<c r="L4" t="e"><v>#N/A</v></c>', "#N/A"),  # calamine would give ""
        ('<c r="L4" t="inlineStr"><is><t>mã _x0041_ gõ tay</t></is></c>', "mã _x0041_ gõ tay"),
    ],
)
def test_files_calamine_would_show_differently_go_to_openpyxl(cells, shown):
    data = patched_sheet(cells)
    assert sniff(data, "bank.xlsx", DEFAULT_LIMITS) == ("xlsx-openpyxl", None)
    with open_sheet(data, "xlsx-openpyxl") as sheet:
        row = dict(seen(sheet))[4]
    assert row[11] == shown
    with open_sheet(data, "xlsx") as sheet:
        assert dict(seen(sheet))[4][11:] != [shown]  # what the check avoids


def test_excel_escapes_of_control_characters_stay_with_calamine():
    data = patched_sheet('<c r="L4" t="inlineStr"><is><t>a_x000D_b _x005F_x0041_</t></is></c>')
    assert sniff(data, "bank.xlsx", DEFAULT_LIMITS) == ("xlsx", None)
    fast, slow = both_ways(data)
    assert fast == slow
    assert dict(fast[1])[4][11] == "a\rb _x0041_"

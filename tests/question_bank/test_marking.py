"""The organizer's workbook returned with a "Lỗi" column and the bad cells in red."""

from __future__ import annotations

import io

import openpyxl
import pytest
from qb_builders import HEADER, Formula, bank_rows, build_ods, build_xlsx, question_row

from question_bank import mark_errors_workbook, read_question_file

RED = "00FFC7CE"
ROWS = bank_rows(
    question_row(1, "Tốt?", "x", "y", answer="A"),
    question_row(2, "Thiếu đáp án?", "x", "y", answer=None),
    question_row(3, "Hỏi?", "x", None, "z", None, answer="E", **{"Mức độ": "??"}),
    question_row(4, "=1+1", "+a", "-b", answer="A"),
)


def marked(data: bytes, filename: str):
    result = read_question_file(data, filename)
    out = io.BytesIO()
    mark_errors_workbook(data, filename, result, out)
    return openpyxl.load_workbook(io.BytesIO(out.getvalue())), result


def column(sheet, name: str) -> int:
    return [c.value for c in sheet[3]].index(name) + 1


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_error_column_and_red_cells(kind):
    data = build_xlsx(ROWS) if kind == "xlsx" else build_ods({"Câu hỏi": ROWS})
    book, result = marked(data, f"bank.{kind}")
    sheet = book["Câu hỏi"]
    errors = column(sheet, "Lỗi")
    assert errors == len(HEADER) + 1
    assert sheet.cell(4, errors).value is None
    assert sheet.cell(5, errors).value == "Cột “Đáp án đúng”: chưa có đáp án đúng."
    lines = sheet.cell(6, errors).value.split("\n")
    assert (
        lines[0]
        == "Cột “Đáp án đúng”: đáp án “E” trỏ tới phương án trống (tệp không có cột phương án E)."
    )
    assert lines[1].startswith("Cột “Mức độ”: mức độ “??”")
    assert lines[2].startswith("Cảnh báo: Cột “Phương án B”")  # the gap B is closed
    assert sheet.cell(5, column(sheet, "Đáp án đúng")).fill.fgColor.rgb == RED
    assert sheet.cell(6, column(sheet, "Mức độ")).fill.fgColor.rgb == RED
    assert sheet.cell(5, column(sheet, "Câu hỏi")).fill.fgColor.rgb != RED
    # Cells are kept as they were: text stays text, nothing becomes a formula.
    assert sheet.cell(7, column(sheet, "Câu hỏi")).value == "=1+1"
    assert sheet.cell(7, column(sheet, "Câu hỏi")).data_type == "s"
    assert sheet.cell(4, 1).value == 1
    assert len(result.errors) == 3


def test_xlsx_keeps_other_sheets_and_formulas():
    rows = bank_rows(question_row(1, "Hỏi?", Formula("=1+1", 2), "y", answer=None))
    data = build_xlsx(rows, before={"Bìa": [["Đề thi"]]})
    book, _ = marked(data, "bank.xlsx")
    assert book.sheetnames == ["Bìa", "Câu hỏi"]
    assert book["Câu hỏi"]["C4"].value == "=1+1"  # still a formula
    assert book["Câu hỏi"].cell(4, len(HEADER) + 1).value.startswith("Cột “Đáp án đúng”")


def test_marking_a_marked_file_reuses_the_error_column():
    book, _ = marked(build_xlsx(ROWS), "bank.xlsx")
    once = io.BytesIO()
    book.save(once)
    again, result = marked(once.getvalue(), "bank.xlsx")
    header = [c.value for c in again["Câu hỏi"][3]]
    assert header.count("Lỗi") == 1
    assert len(result.errors) == 3  # the "Lỗi" column itself is ignored when reading


def test_file_level_errors_go_to_a_comment_on_the_error_header():
    data = build_xlsx([["Không có tiêu đề"], ["abc"]])
    book, result = marked(data, "bank.xlsx")
    assert result.errors[0].kind == "no_header"
    cell = book.active.cell(1, 2)
    assert cell.value == "Lỗi"
    assert "Không tìm thấy dòng tiêu đề" in cell.comment.text


def test_unreadable_files_cannot_be_marked():
    with pytest.raises(ValueError):
        mark_errors_workbook(
            b"not a workbook", "x.xlsx", read_question_file(b"", "x"), io.BytesIO()
        )


def test_xls_becomes_xlsx_with_the_same_cells(sample_xls):
    book, _ = marked(sample_xls, "bank.xls")
    assert book.sheetnames == ["Ghi chú", "Câu hỏi"]
    sheet = book["Câu hỏi"]
    assert sheet["B4"].value == "Thủ tục hành chính là gì?"
    assert sheet["C6"].number_format == "dd/mm/yyyy"
    assert sheet["E6"].value == "=1+1" and sheet["E6"].data_type == "s"
    assert (
        sheet.cell(7, 9).value
        == "Cột “Câu hỏi”: nội dung câu hỏi trống trong khi các ô khác của dòng có dữ liệu."
    )
    assert sheet["B7"].fill.fgColor.rgb == RED

"""Writing the bank and the template; reading them back with openpyxl, calamine and us."""

from __future__ import annotations

import dataclasses
import io

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from question_bank import (
    ParsedQuestion,
    read_question_file,
    write_bank_workbook,
    write_template_workbook,
)

QUESTIONS = [
    ParsedQuestion(0, "Thủ tục hành chính là gì?", ("Trình tự", "Thuế"), (0,), number="1"),
    ParsedQuestion(
        0,
        "=SUM(A1:A3) là gì?",
        ("=1+1", "+84", "-5", "@x", "<b>đậm</b>"),
        (1, 3),
        topic="Chủ đề",
        difficulty=2,
        explanation="Dòng 1\nDòng 2",
        source="Khoản 1 Điều 3 Nghị định 63/2010/NĐ-CP",
        number="2a",
    ),
    ParsedQuestion(0, "Sáu phương án _x0041_?", tuple("123456"), (5,), difficulty=1),
    ParsedQuestion(0, "30", ("2021", "08/04/2020", "0012"), (2,), difficulty=3, number="007"),
]


def written(questions=QUESTIONS) -> bytes:
    out = io.BytesIO()
    write_bank_workbook(questions, out)
    return out.getvalue()


def test_round_trip():
    result = read_question_file(written(), "bank.xlsx")
    assert result.ok, result.errors
    assert result.warnings == []
    assert result.header_row == 3
    assert [q.row for q in result.questions] == [4, 5, 6, 7]
    assert [dataclasses.replace(q, row=0) for q in result.questions] == QUESTIONS


def test_layout_title_header_and_option_columns():
    sheet = openpyxl.load_workbook(io.BytesIO(written())).active
    assert sheet.title == "Câu hỏi"
    assert sheet["A1"].value and sheet["A2"].value is None
    header = [c.value for c in sheet[3]]
    assert header == [
        "STT", "Câu hỏi", *(f"Phương án {x}" for x in "ABCDEF"),
        "Đáp án đúng", "Chủ đề", "Mức độ", "Giải thích", "Căn cứ",
    ]  # fmt: skip
    row5 = {h: c.value for h, c in zip(header, sheet[5], strict=True)}
    assert row5["Đáp án đúng"] == "B, D"
    assert row5["Mức độ"] == "Trung bình"
    assert sheet["A4"].value == 1  # a plain number STT is written as a number


def test_at_least_four_option_columns():
    out = io.BytesIO()
    write_bank_workbook([QUESTIONS[0]], out)
    header = [c.value for c in openpyxl.load_workbook(out).active[3]]
    assert header[2:7] == [
        "Phương án A",
        "Phương án B",
        "Phương án C",
        "Phương án D",
        "Đáp án đúng",
    ]
    assert read_question_file(out.getvalue(), "x.xlsx").questions[0].options == ("Trình tự", "Thuế")


def test_formula_like_strings_are_string_cells():
    sheet = openpyxl.load_workbook(io.BytesIO(written())).active
    assert sheet["B5"].value == "=SUM(A1:A3) là gì?"
    assert sheet["B5"].data_type == "s"
    assert sheet["C5"].value == "=1+1" and sheet["C5"].data_type == "s"
    cached = openpyxl.load_workbook(io.BytesIO(written()), data_only=True).active
    assert cached["C5"].value == "=1+1"


def test_calamine_reads_the_strings_not_formulas():
    book = CalamineWorkbook.from_filelike(io.BytesIO(written()))
    rows = book.get_sheet_by_name("Câu hỏi").to_python(skip_empty_area=False)
    assert rows[4][1] == "=SUM(A1:A3) là gì?"
    assert rows[4][2:5] == ["=1+1", "+84", "-5"]
    assert rows[5][1] == "Sáu phương án _x0041_?"


def test_control_characters_cannot_break_the_writer():
    question = ParsedQuestion(0, "Hỏi\x07?", ("a\x00", "b"), (0,))
    [back] = read_question_file(written([question]), "x.xlsx").questions
    assert (back.text, back.options) == ("Hỏi?", ("a", "b"))


def test_writes_to_a_path(tmp_path):
    path = tmp_path / "bank.xlsx"
    write_bank_workbook(QUESTIONS, str(path))
    assert len(read_question_file(path.read_bytes(), path.name).questions) == 4


def test_too_many_options_is_refused():
    with pytest.raises(ValueError):
        write_bank_workbook([ParsedQuestion(0, "?", tuple("1234567"), (0,))], io.BytesIO())


def template_bytes() -> bytes:
    out = io.BytesIO()
    write_template_workbook(out)
    return out.getvalue()


def test_template_is_readable_with_three_examples():
    result = read_question_file(template_bytes(), "mau.xlsx")
    assert result.ok, result.errors
    assert result.header_row == 3
    assert len(result.questions) == 3
    assert result.questions[1].correct == (0, 1, 3)
    assert {q.difficulty for q in result.questions} == {1, 2, 3}


def test_template_has_instructions_and_answer_list():
    book = openpyxl.load_workbook(io.BytesIO(template_bytes()))
    assert book.sheetnames[0] == "Câu hỏi"
    assert "Hướng dẫn" in book.sheetnames
    instructions = " ".join(str(c.value) for c in book["Hướng dẫn"]["A"] if c.value)
    assert "Đáp án đúng" in instructions and "“A, C”" in instructions
    sheet = book["Câu hỏi"]
    header = [c.value for c in sheet[3]]
    answer_letter = openpyxl.utils.get_column_letter(header.index("Đáp án đúng") + 1)
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    answer = validations[f"{answer_letter}4:{answer_letter}5003"]
    assert answer.type == "list"
    lists = book[answer.formula1.split("!")[0].strip("'")]
    choices = [c.value for c in lists["A"]]
    assert choices[:4] == ["A", "B", "C", "D"] and "A, B" in choices and "A, C" in choices


def test_risky_text_is_quote_prefixed_like_the_round_exports():
    """The bank export and the round exports share one text writer: text that a spreadsheet
    could run as a formula is a string cell with the quote prefix, its content unchanged."""
    sheet = openpyxl.load_workbook(io.BytesIO(written())).active
    risky = {"=SUM(A1:A3) là gì?", "=1+1", "+84", "-5", "@x"}
    seen = set()
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value in risky:
                seen.add(cell.value)
                assert cell.data_type == "s"
                assert cell.quotePrefix, cell.coordinate
            elif isinstance(cell.value, str) and cell.value.startswith("Thủ tục"):
                assert not cell.quotePrefix
    assert seen == risky


def test_text_longer_than_a_cell_holds_is_cut_at_the_limit():
    long = ParsedQuestion(0, "x" * 40000, ("A", "B"), (0,))
    sheet = openpyxl.load_workbook(io.BytesIO(written([long]))).active
    lengths = [len(c.value) for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert max(lengths) == 32767

"""Reading .ods (built by hand) and .xls (a committed fixture) through python-calamine."""

from __future__ import annotations

import datetime as dt
import unicodedata

from qb_builders import HEADER, bank_rows, build_ods, question_row

from question_bank import read_question_file


def test_ods_with_title_rows_and_other_sheets():
    rows = bank_rows(
        question_row(1, "Hỏi một?", "x", "y", "z", None, " c. "),
        question_row(2, unicodedata.normalize("NFD", "Hỏi hai?"), 30, 2021.0, 2.5, None, "A, C"),
        question_row(3, "Ngày?", dt.date(2020, 4, 8), dt.datetime(2020, 4, 8, 14, 30), answer="B"),
        question_row(4, "=1+1", "+a", "dòng 1\ndòng 2", answer="B"),
    )
    data = build_ods({"Ghi chú": [["Câu hỏi", "A", "B", "Đáp án"]], "Câu hỏi": rows})
    result = read_question_file(data, "bank.ods")
    assert result.ok, result.errors
    assert (result.sheet, result.header_row) == ("Câu hỏi", 3)
    got = [(q.row, q.text, q.options, q.correct) for q in result.questions]
    assert got == [
        (4, "Hỏi một?", ("x", "y", "z"), (2,)),
        (5, "Hỏi hai?", ("30", "2021", "2.5"), (0, 2)),
        (6, "Ngày?", ("08/04/2020", "08/04/2020 14:30"), (1,)),
        (7, "=1+1", ("+a", "dòng 1\ndòng 2"), (1,)),
    ]


def test_ods_errors_use_spreadsheet_row_numbers():
    rows = [[], [], [None, *HEADER[1:7]], [None, "Hỏi?", "x", "y", None, None, "D"]]
    result = read_question_file(build_ods({"Sheet1": rows}), "bank.ods")
    assert result.header_row == 3
    assert [(e.row, e.column, e.kind) for e in result.errors] == [
        (4, "Đáp án đúng", "answer_points_to_empty_option")
    ]


def test_ods_literal_escape_sequences_are_not_decoded():
    rows = bank_rows(question_row(1, "a_x0007_b", "x", "y"))
    [question] = read_question_file(build_ods({"Câu hỏi": rows}), "bank.ods").questions
    assert question.text == "a_x0007_b"


def test_xls(sample_xls):
    result = read_question_file(sample_xls, "bank.xls")
    assert (result.sheet, result.header_row) == ("Câu hỏi", 3)
    got = [(q.row, q.number, q.text, q.options, q.correct, q.difficulty) for q in result.questions]
    assert got == [
        (
            4,
            "1",
            "Thủ tục hành chính là gì?",
            ("Trình tự, cách thức", "Một loại thuế", "Không biết"),
            (0,),
            1,
        ),
        (5, "2", "Năm ban hành Nghị định 63?", ("2010", "2011", "2.5"), (0,), 2),
        (6, "3", "Ngày hiệu lực?", ("08/04/2020", "08/04/2020 14:30", "=1+1"), (2,), 3),
    ]
    assert [(e.row, e.column, e.kind) for e in result.errors] == [(7, "Câu hỏi", "empty_question")]


def test_xls_content_with_an_xlsx_name_is_still_read(sample_xls):
    result = read_question_file(sample_xls, "bank.xlsx")
    assert len(result.questions) == 3

"""Reading .xlsx question sheets: layout, header detection, cell text."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile

import openpyxl
import pytest
from qb_builders import HEADER, Formula, bank_rows, build_xlsx, question_row

from question_bank import ParsedQuestion, read_question_file


def read(rows, **kwargs):
    return read_question_file(build_xlsx(rows, **kwargs), "bank.xlsx")


def test_reads_a_bank_with_title_rows_above_the_header():
    rows = bank_rows(
        question_row(1, "Thủ tục hành chính là gì?", "Trình tự", "Thuế", "Phí", "Lệ phí", "A"),
        question_row(2, "Chọn hai đáp án", "Một", "Hai", "Ba", None, "A, C"),
    )
    result = read(rows)
    assert result.ok, result.errors
    assert (result.sheet, result.header_row) == ("Câu hỏi", 3)
    assert result.questions == [
        ParsedQuestion(
            4, "Thủ tục hành chính là gì?", ("Trình tự", "Thuế", "Phí", "Lệ phí"), (0,), number="1"
        ),
        ParsedQuestion(5, "Chọn hai đáp án", ("Một", "Hai", "Ba"), (0, 2), number="2"),
    ]


def test_optional_columns_are_read():
    row = question_row(
        7,
        "Câu?",
        "x",
        "y",
        answer="B",
        **{"Chủ đề": "Kiểm soát TTHC", "Mức độ": "Khó", "Giải thích": "Vì…", "Căn cứ": "NĐ 63"},
    )
    [question] = read(bank_rows(row)).questions
    assert question.topic == "Kiểm soát TTHC"
    assert question.difficulty == 3
    assert question.explanation == "Vì…"
    assert question.source == "NĐ 63"
    assert question.number == "7"


@pytest.mark.parametrize(
    "header",
    [
        ["Câu hỏi", "Phương án A", "Phương án B", "Đáp án đúng"],
        ["CAU HOI", "phuong an a", "PHUONG AN B", "dap an dung"],
        ["  Nội dung câu hỏi ", "Đáp án A", "Đáp án B", "Đáp án"],
        ["Question", "Option A", "Option B", "Correct answer"],
        ["question", "A", "B", "Answer"],
        ["Câu hỏi (*)", "Phương án A:", "Phương án B", "Đáp án đúng (A/B/C/D)"],
    ],
)
def test_header_variants(header):
    result = read([header, ["Hỏi?", "Có", "Không", "B"]])
    assert result.ok, result.errors
    assert result.questions[0].options == ("Có", "Không")
    assert result.questions[0].correct == (1,)


def test_header_names_may_be_decomposed_unicode():
    header = [unicodedata.normalize("NFD", h) for h in HEADER]
    result = read([header, question_row(1, "Hỏi?", "x", "y")])
    assert result.ok, result.errors


def test_column_names_in_issues_are_the_headers_as_written():
    header = ["NỘI DUNG CÂU HỎI", "Option A", "Option B", "Đáp Án Đúng"]
    result = read([header, ["Hỏi?", "x", "y", ""]])
    assert [(e.row, e.column, e.kind) for e in result.errors] == [
        (2, "Đáp Án Đúng", "missing_answer")
    ]


def test_other_columns_and_sheets_are_ignored():
    rows = [
        ["Ghi chú", "Câu hỏi", "A", "B", "Người soạn", "Đáp án"],
        ["x", "Hỏi?", "1", "2", "An", "A"],
    ]
    result = read(
        rows, before={"Hướng dẫn": [["Câu hỏi", "A", "B", "Đáp án"], ["khác", "1", "2", "A"]]}
    )
    assert result.sheet == "Câu hỏi"
    assert [q.text for q in result.questions] == ["Hỏi?"]


@pytest.mark.parametrize("name", ["Ngân hàng câu hỏi", "QUESTIONS", "cau hoi", " Câu Hỏi "])
def test_question_sheet_is_found_by_name(name):
    rows = [["Câu hỏi", "A", "B", "Đáp án"], ["Đúng sheet", "1", "2", "A"]]
    other = {"Trang 1": [["Câu hỏi", "A", "B", "Đáp án"], ["Sai sheet", "1", "2", "A"]]}
    result = read(rows, title=name, before=other)
    assert [q.text for q in result.questions] == ["Đúng sheet"]


def test_first_sheet_is_used_when_none_is_named_like_questions():
    rows = [["Câu hỏi", "A", "B", "Đáp án"], ["Sheet đầu", "1", "2", "A"]]
    result = read([["khác"]], title="Sheet2", before={"Sheet1": rows})
    assert result.sheet == "Sheet1"
    assert [q.text for q in result.questions] == ["Sheet đầu"]


def test_header_on_row_ten_is_found_but_not_on_row_eleven():
    data = ["Hỏi?", "1", "2", "A"]
    header = ["Câu hỏi", "A", "B", "Đáp án"]
    assert read([["Tiêu đề"]] + [[]] * 8 + [header, data]).header_row == 10
    result = read([["Tiêu đề"]] + [[]] * 9 + [header, data])
    assert [e.kind for e in result.errors] == ["no_header"]
    assert result.errors[0].row is None
    for name in ("Câu hỏi", "Phương án A", "Đáp án đúng"):
        assert name in result.errors[0].message


def test_header_without_answer_column_says_what_is_missing():
    result = read([["Câu hỏi", "Phương án A", "Phương án B"], ["Hỏi?", "1", "2"]])
    [error] = result.errors
    assert error.kind == "no_header"
    assert "dòng 1" in error.message and "Đáp án đúng" in error.message


def test_empty_rows_are_skipped_and_row_numbers_count_them():
    rows = bank_rows(
        question_row(1, "Một?", "x", "y"),
        [],
        [None, None, None],
        question_row(None, "", None, None, answer=None, **{"Chủ đề": "chỉ có chủ đề"}),
        ["", "  ", ""],
        question_row(2, "Hai?", "x", "y", answer="Z"),
    )
    result = read(rows)
    assert [q.row for q in result.questions] == [4]
    assert [(e.row, e.kind) for e in result.errors] == [(9, "answer_text_not_found")]


def test_text_is_nfc_and_trimmed():
    nfd = unicodedata.normalize("NFD", "Thủ tục hành chính")
    assert nfd != "Thủ tục hành chính"
    rows = bank_rows(question_row(1, f"  {nfd}\n ", f" {nfd} ", "y", answer=nfd))
    [question] = read(rows).questions
    assert question.text == "Thủ tục hành chính"
    assert question.options == ("Thủ tục hành chính", "y")
    assert question.correct == (0,)


def test_numbers_and_dates_become_the_text_a_person_sees():
    row = question_row(
        1.0, 30, 2021.0, 2.5, dt.datetime(2020, 4, 8), dt.datetime(2020, 4, 8, 14, 30), "A"
    )
    [question] = read(bank_rows(row)).questions
    assert question.text == "30"
    assert question.options == ("2021", "2.5", "08/04/2020", "08/04/2020 14:30")
    assert question.number == "1"


def test_difficulty_as_number_or_english():
    rows = bank_rows(
        *(
            question_row(i, f"Câu {i}", "x", "y", **{"Mức độ": v})
            for i, v in enumerate([1, "2", 3.0, "easy", "Trung Binh", "HARD", "dễ"])
        )
    )
    assert [q.difficulty for q in read(rows).questions] == [1, 2, 3, 1, 2, 3, 1]


@pytest.mark.parametrize(
    "text", ["=1+1", "=SUM(A1:A3)", "+84 912", "-5", "@user", "<b>đậm</b>", "<script>x</script>"]
)
def test_formula_like_and_markup_text_is_kept_literally(text):
    [question] = read(bank_rows(question_row(1, text, text, "khác"))).questions
    assert question.text == text
    assert question.options[0] == text


def test_formula_cells_give_their_cached_value_never_evaluated():
    rows = bank_rows(
        question_row(1, Formula('="Câu "&"ghép"', "Câu ghép"), Formula("=1+1", 2), "y"),
        question_row(2, Formula("=NOW()"), "x", "y"),  # no cached value: an empty cell
    )
    result = read(rows)
    assert result.questions[0].text == "Câu ghép"
    assert result.questions[0].options == ("2", "y")
    assert [(e.row, e.kind) for e in result.errors] == [(5, "empty_question")]


def test_control_characters_are_removed_with_a_warning():
    # openpyxl refuses control characters; Excel stores them as _xHHHH_ escapes.
    rows = bank_rows(question_row(1, "Câu_x0007_ một_x001F_", "x_x0000_", "y\tz"))
    result = read(rows)
    [question] = result.questions
    assert question.text == "Câu một"
    assert question.options == ("x", "y\tz")
    warnings = [(w.row, w.column, w.kind) for w in result.warnings]
    assert warnings == [
        (4, "Câu hỏi", "control_characters"),
        (4, "Phương án A", "control_characters"),
    ]
    assert "Dòng 4, cột “Câu hỏi”" in result.warnings[0].message


def test_excel_escapes_are_decoded_and_line_breaks_kept():
    rows = bank_rows(question_row(1, "Dòng 1_x000D__x000A_Dòng 2", "a_x005F_x0041_b", "_x0041_"))
    result = read(rows)
    [question] = result.questions
    assert question.text == "Dòng 1\nDòng 2"
    assert question.options == ("a_x0041_b", "_x0041_")  # only real escapes are decoded
    assert result.warnings == []


def test_gap_in_options_is_closed_and_answers_remapped():
    result = read(bank_rows(question_row(1, "Hỏi?", "a", "b", None, "d", "D")))
    [question] = result.questions
    assert question.options == ("a", "b", "d")
    assert question.correct == (2,)
    [warning] = result.warnings
    assert (warning.row, warning.column, warning.kind) == (4, "Phương án C", "option_gap")
    assert "D → C" in warning.message


def test_five_and_six_options():
    header = ["Câu hỏi", "A", "B", "C", "D", "E", "F", "Đáp án"]
    result = read(
        [
            header,
            ["Hỏi?", "1", "2", "3", "4", "5", "6", "F"],
            ["Hai?", "1", "2", "3", "4", "5", "", "E"],
        ]
    )
    assert [(q.options[-1], q.correct) for q in result.questions] == [("6", (5,)), ("5", (4,))]


def test_merged_title_cells_above_the_header():
    book = openpyxl.load_workbook(
        io.BytesIO(build_xlsx(bank_rows(question_row(1, "Hỏi?", "x", "y"))))
    )
    book.active.merge_cells("A1:K2")
    out = io.BytesIO()
    book.save(out)
    result = read_question_file(out.getvalue(), "bank.xlsx")
    assert result.header_row == 3 and len(result.questions) == 1


def test_hidden_first_sheet_is_passed_over():
    rows = [["Câu hỏi", "A", "B", "Đáp án"], ["Hiện?", "1", "2", "A"]]
    book = openpyxl.load_workbook(
        io.BytesIO(build_xlsx(rows, title="Sheet2", before={"DS": [["x"]]}))
    )
    book["DS"].sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    result = read_question_file(out.getvalue(), "bank.xlsx")
    assert result.sheet == "Sheet2"
    assert [q.text for q in result.questions] == ["Hiện?"]


def test_a_wrong_stored_dimension_does_not_hide_rows():
    data = build_xlsx(bank_rows(*(question_row(i, f"Câu {i}?", "x", "y") for i in range(5))))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                content = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1"/>', content)
            dst.writestr(info, content)
    assert len(read_question_file(out.getvalue(), "bank.xlsx").questions) == 5

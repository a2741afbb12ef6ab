"""Every row-level error kind, with its row number and column header; answer variants."""

from __future__ import annotations

import pytest
from qb_builders import bank_rows, build_xlsx, question_row

from question_bank import Limits, question_key, read_question_file


def read(*data_rows, existing_keys=(), limits=None, header=None):
    rows = bank_rows(*data_rows) if header is None else [header, *data_rows]
    return read_question_file(
        build_xlsx(rows), "bank.xlsx", existing_keys=existing_keys, limits=limits or Limits()
    )


def triples(result):
    return [(e.row, e.column, e.kind) for e in result.errors]


def test_empty_question():
    result = read(question_row(1, None, "x", "y", answer="A"))
    assert triples(result) == [(4, "Câu hỏi", "empty_question")]
    assert result.errors[0].message.startswith("Dòng 4, cột “Câu hỏi”: ")


def test_too_few_options():
    result = read(question_row(1, "Hỏi?", "x", None, answer="A"))
    assert triples(result) == [(4, "Phương án B", "too_few_options")]
    assert "1 phương án" in result.errors[0].message


def test_missing_answer():
    result = read(question_row(1, "Hỏi?", "x", "y", answer=None))
    assert triples(result) == [(4, "Đáp án đúng", "missing_answer")]


def test_answer_points_to_empty_option():
    result = read(question_row(1, "Hỏi?", "x", "y", None, None, answer="C"))
    assert triples(result) == [(4, "Đáp án đúng", "answer_points_to_empty_option")]
    assert (
        result.errors[0].message == "Dòng 4, cột “Đáp án đúng”: đáp án “C” trỏ tới phương án trống."
    )


def test_answer_beyond_the_option_columns():
    result = read(question_row(1, "Hỏi?", "x", "y", "z", "t", answer="E"))
    assert triples(result) == [(4, "Đáp án đúng", "answer_points_to_empty_option")]
    message = result.errors[0].message
    assert message.startswith("Dòng 4, cột “Đáp án đúng”: đáp án “E” trỏ tới phương án trống")
    assert "không có cột phương án E" in message


def test_answer_text_not_found():
    result = read(question_row(1, "Hỏi?", "Hà Nội", "Huế", answer="Đà Nẵng"))
    assert triples(result) == [(4, "Đáp án đúng", "answer_text_not_found")]
    assert "Đà Nẵng" in result.errors[0].message


def test_duplicate_within_the_file_names_the_earlier_row():
    result = read(
        question_row(1, "Thủ tục hành chính là gì?", "x", "y"),
        question_row(2, "Khác?", "x", "y"),
        question_row(3, "  THỦ TỤC   hành chính là gì? ", "x", "y"),
    )
    assert triples(result) == [(6, "Câu hỏi", "duplicate")]
    assert "dòng 4" in result.errors[0].message
    assert [q.row for q in result.questions] == [4, 5]


def test_duplicate_against_existing_keys():
    existing = {question_key("Câu đã có trong ngân hàng?")}
    result = read(question_row(1, "câu đã có  trong ngân hàng?", "x", "y"), existing_keys=existing)
    assert triples(result) == [(4, "Câu hỏi", "duplicate")]
    assert "ngân hàng" in result.errors[0].message


def test_text_too_long_names_the_column():
    limits = Limits(max_text_length=10, max_option_length=10)
    result = read(
        question_row(1, "Ngắn?", "x", "y" * 11, **{"Giải thích": "z" * 11}), limits=limits
    )
    assert triples(result) == [
        (4, "Phương án B", "text_too_long"),
        (4, "Giải thích", "text_too_long"),
    ]
    assert "11 ký tự" in result.errors[0].message


def test_default_question_limit_is_10000():
    result = read(question_row(1, "x" * 10_000, "a", "b"), question_row(2, "y" * 10_001, "a", "b"))
    assert triples(result) == [(5, "Câu hỏi", "text_too_long")]


def test_bad_difficulty():
    result = read(question_row(1, "Hỏi?", "x", "y", **{"Mức độ": "Rất khó"}))
    assert triples(result) == [(4, "Mức độ", "bad_difficulty")]
    assert "Rất khó" in result.errors[0].message


def test_all_errors_are_returned_not_only_the_first():
    result = read(
        question_row(1, None, "x", None, answer="C", **{"Mức độ": "?"}),
        question_row(2, "Tốt?", "x", "y"),
        question_row(3, "Thiếu đáp án", "x", "y", answer=None),
    )
    assert triples(result) == [
        (4, "Câu hỏi", "empty_question"),
        (4, "Phương án B", "too_few_options"),
        (4, "Đáp án đúng", "answer_points_to_empty_option"),
        (4, "Mức độ", "bad_difficulty"),
        (6, "Đáp án đúng", "missing_answer"),
    ]
    assert [q.row for q in result.questions] == [5]
    assert not result.ok


def test_issue_as_dict():
    [error] = read(question_row(1, "Hỏi?", "x", "y", answer=None)).errors
    assert error.as_dict() == {
        "row": 4,
        "column": "Đáp án đúng",
        "kind": "missing_answer",
        "message": "Dòng 4, cột “Đáp án đúng”: chưa có đáp án đúng.",
    }


def test_header_only_file_has_no_questions():
    result = read()
    assert [(e.row, e.kind) for e in result.errors] == [(None, "no_questions")]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("B", (1,)),
        (" b. ", (1,)),
        ("b", (1,)),
        ("(C)", (2,)),
        ("D)", (3,)),
        ("A, C", (0, 2)),
        ("A;C", (0, 2)),
        ("a ; c", (0, 2)),
        ("A C", (0, 2)),
        ("C/A", (0, 2)),
        ("A,A,C", (0, 2)),
        ("AC", (0, 2)),
        ("ABD", (0, 1, 3)),
        ("Huế", (1,)),
        ("  huế ", (1,)),
        ("B. Huế", (1,)),
        ("Đà   Nẵng", (2,)),
    ],
)
def test_answer_variants(answer, expected):
    result = read(question_row(1, "Hỏi?", "Hà Nội", "Huế", "Đà Nẵng", "Cần Thơ", answer=answer))
    assert result.ok, result.errors
    assert result.questions[0].correct == expected


@pytest.mark.parametrize("answer", ["CA", "ac", "AAC", "Hà"])
def test_ambiguous_answers_are_not_guessed(answer):
    result = read(question_row(1, "Hỏi?", "Hà Nội", "Huế", "Đà Nẵng", "Cần Thơ", answer=answer))
    assert [e.kind for e in result.errors] == ["answer_text_not_found"]


def test_option_text_that_looks_like_letters_wins_over_compact_letters():
    result = read(question_row(1, "Viết tắt?", "AB", "AC", "BD", answer="AC"))
    assert result.questions[0].correct == (1,)


def test_answer_as_a_number_matches_the_option_text():
    result = read(question_row(1, "Năm?", 2008, 2010, answer=2010))
    assert result.questions[0].correct == (1,)

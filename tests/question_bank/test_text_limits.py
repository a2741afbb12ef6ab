"""Import limits sized for real banks: a question may hold 10,000 characters (situational
questions tell a whole case), an option 2,000, every other text 2,000; each is a setting, and
each message says the limit, with thousands separators."""

from __future__ import annotations

import pytest
from qb_builders import bank_rows, build_xlsx, question_row

from question_bank import Limits, read_aiken, read_gift, read_question_file


def read(*rows, limits=None):
    return read_question_file(build_xlsx(bank_rows(*rows)), "bank.xlsx", limits=limits or Limits())


def issues(result):
    return [(e.row, e.column, e.kind, e.message) for e in result.errors]


def test_the_defaults():
    limits = Limits()
    assert (limits.max_question_length, limits.max_option_length) == (10_000, 2_000)
    assert limits.max_text_length == 2_000


def test_at_the_limits_everything_is_read():
    text, option = "q" * 10_000, "o" * 2_000
    result = read(question_row(1, text, option, "Không", **{"Giải thích": "e" * 2_000}))
    assert result.ok, result.errors
    assert result.questions[0].text == text and result.questions[0].options[0] == option


def test_one_character_over_each_limit_is_an_error_that_says_the_limit():
    result = read(
        question_row(1, "q" * 10_001, "o" * 2_001, "Không", **{"Giải thích": "e" * 2_001}),
        question_row(2, "Câu ngắn?", "Có", "k" * 2_500, **{"Căn cứ": "s" * 2_001}),
    )
    assert issues(result) == [
        (4, "Câu hỏi", "text_too_long", "Dòng 4, cột “Câu hỏi”: câu hỏi dài 10.001 ký tự, "
         "vượt giới hạn 10.000 ký tự của một câu hỏi."),
        (4, "Phương án A", "text_too_long", "Dòng 4, cột “Phương án A”: phương án dài 2.001 "
         "ký tự, vượt giới hạn 2.000 ký tự của một phương án."),
        (4, "Giải thích", "text_too_long", "Dòng 4, cột “Giải thích”: nội dung dài 2.001 ký "
         "tự, vượt giới hạn 2.000 ký tự."),
        (5, "Phương án B", "text_too_long", "Dòng 5, cột “Phương án B”: phương án dài 2.500 "
         "ký tự, vượt giới hạn 2.000 ký tự của một phương án."),
        (5, "Căn cứ", "text_too_long", "Dòng 5, cột “Căn cứ”: nội dung dài 2.001 ký tự, vượt "
         "giới hạn 2.000 ký tự."),
    ]  # fmt: skip
    assert result.questions == []


@pytest.mark.parametrize(
    ("question", "option", "expected"), [(50, 10, 0), (49, 10, 1), (50, 9, 1), (49, 9, 2)]
)
def test_both_limits_are_settings(question, option, expected):
    limits = Limits(max_question_length=question, max_option_length=option)
    result = read(question_row(1, "q" * 50, "o" * 10, "Không"), limits=limits)
    assert len(result.errors) == expected
    if question == 49:
        assert "giới hạn 49 ký tự của một câu hỏi" in result.errors[0].message


def test_text_formats_use_the_same_limits():
    long_question = "q" * 10_001
    gift = read_gift(f"::a:: {long_question} {{=Có ~Không}}")
    assert [e.kind for e in gift.errors] == ["text_too_long"]
    assert "10.001 ký tự, vượt giới hạn 10.000 ký tự của một câu hỏi" in gift.errors[0].message
    aiken = read_aiken(f"{'q' * 9_999}?\nA. {'o' * 2_001}\nB. Không\nANSWER: B\n")
    assert [e.kind for e in aiken.errors] == ["text_too_long"]
    assert "2.001 ký tự, vượt giới hạn 2.000 ký tự của một phương án" in aiken.errors[0].message
    fine = read_aiken(f"{'q' * 9_999}?\nA. {'o' * 2_000}\nB. Không\nANSWER: B\n")
    assert fine.ok and len(fine.questions[0].text) == 10_000

"""Small pieces: keys, text conversion, answer letters, isolation from the web stack."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from question_bank import Issue, Limits, ParseResult, question_key
from question_bank.answers import split_letters
from question_bank.headers import header_key
from question_bank.text import decode_xlsx_escapes, display_text, escape_for_xlsx, fold

ROOT = Path(__file__).resolve().parents[2]


def test_question_bank_does_not_import_flask_or_sqlalchemy():
    code = (
        "import sys, question_bank\n"
        "from question_bank import read_question_file, write_template_workbook\n"
        "import io\n"
        "out = io.BytesIO(); write_template_workbook(out)\n"
        "assert read_question_file(out.getvalue(), 'mau.xlsx').ok\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'contest')]\n"
        "assert not bad, bad\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_question_key():
    nfd = unicodedata.normalize("NFD", "Thủ Tục  Hành\tchính ")
    assert question_key(nfd) == "thủ tục hành chính"
    assert question_key(question_key(nfd)) == question_key(nfd)
    assert question_key("ĐẠI") == question_key("đại")


def test_fold_removes_diacritics():
    assert fold("  Đáp ÁN   Đúng ") == "dap an dung"
    assert fold(unicodedata.normalize("NFD", "Mức độ")) == "muc do"
    assert header_key("Đáp án đúng (A/B/C)*") == "dap an dung"
    assert header_key(3) == ""


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (30, "30"),
        (2021.0, "2021"),
        (2.5, "2.5"),
        (0.1 + 0.2, "0.3"),
        (-4.0, "-4"),
        (True, "TRUE"),
        (dt.datetime(2020, 4, 8), "08/04/2020"),
        (dt.datetime(2020, 4, 8, 14, 30), "08/04/2020 14:30"),
        (dt.datetime(2020, 4, 8, 14, 30, 5), "08/04/2020 14:30:05"),
        (dt.date(2020, 4, 8), "08/04/2020"),
        (dt.time(7, 5), "07:05"),
        (dt.timedelta(hours=26, minutes=3), "26:03"),
    ],
)
def test_display_text(value, text):
    assert display_text(value) == text


def test_xlsx_escapes_round_trip():
    assert decode_xlsx_escapes("a_x000D__x000A_b") == "a\r\nb"
    assert decode_xlsx_escapes("_x0041_") == "_x0041_"
    assert decode_xlsx_escapes("_x005F_x0007_") == "_x0007_"
    assert decode_xlsx_escapes("_xD83D__xDE00_") == "😀"
    for text in ("_x0041_", "a_x0007_b", "_x005F_", "plain"):
        assert decode_xlsx_escapes(escape_for_xlsx(text)) == text


@pytest.mark.parametrize(
    ("text", "letters"),
    [
        (" b. ", ("B",)),
        ("A, C", ("A", "C")),
        ("c;a", ("A", "C")),
        ("A C", ("A", "C")),
        ("AC", ("A", "C")),
        ("BDF", ("B", "D", "F")),
        ("CA", None),
        ("ac", None),
        ("G", None),
        ("Hà Nội", None),
        ("", None),
    ],
)
def test_split_letters(text, letters):
    assert split_letters(text) == letters


def test_data_types():
    assert Limits().max_file_bytes == 10 * 1024 * 1024
    assert Limits().max_text_length == 2000
    result = ParseResult(
        filename="x.xlsx", sheet=None, header_row=None, questions=[], errors=[], warnings=[]
    )
    assert result.ok
    result.errors.append(Issue(None, None, "damaged", "Tệp hỏng."))
    assert not result.ok
    assert result.errors[0].as_dict() == {
        "row": None,
        "column": None,
        "kind": "damaged",
        "message": "Tệp hỏng.",
    }


def test_invisible_format_characters_are_removed_at_every_entrance_and_exit():
    """A right-to-left override in a name reverses a whole title row; zero-width spaces make
    two equal names differ. Registration (contest.text.nfc), imports (strip_controls) and
    exports (question_bank.cells.clean_text) all drop them."""
    from contest.text import nfc
    from question_bank.cells import clean_text
    from question_bank.text import strip_controls

    tricky = "Nguy\u1ec5n \u202eV\u0103n\u202c A\u200b\u2066\u2069\ufeff\u00ad"
    assert nfc(tricky) == "Nguyễn Văn A"
    assert strip_controls(tricky) == ("Nguyễn Văn A", 7)
    assert clean_text(tricky) == "Nguyễn Văn A"
    # NFD input comes out NFC from the form path.
    assert nfc("Nguye\u0302\u0303n") == "Nguyễn"

"""Reading the correct-answer cell and the difficulty cell."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .models import LETTERS, question_key
from .text import fold

_SEPARATORS = re.compile(r"[\s,;/+&]+")
_LETTER_TOKEN = re.compile(r"\(?([A-Fa-f])[.)]?")
_LETTER_AND_TEXT = re.compile(r"([A-Fa-f])\s*[.):]\s*(.+)", re.DOTALL)
_COMPACT = re.compile(r"[A-F]{2,6}")

DIFFICULTY_NAMES = {1: "Dễ", 2: "Trung bình", 3: "Khó"}
_DIFFICULTY = {
    "de": 1,
    "1": 1,
    "easy": 1,
    "trung binh": 2,
    "tb": 2,
    "2": 2,
    "medium": 2,
    "kho": 3,
    "3": 3,
    "hard": 3,
}


def parse_difficulty(text: str) -> int | None:
    """1, 2 or 3 for a recognised value; None otherwise (the caller reports it)."""
    return _DIFFICULTY.get(fold(text))


def split_letters(text: str) -> tuple[str, ...] | None:
    """ " b. " → ("B",); "A, C" / "A;C" / "A C" → ("A", "C"); "AC" → ("A", "C").

    Returns None when the text is not a list of option letters. A run of letters
    without separators ("AC") is accepted only in upper case and in strictly
    increasing order, so ordinary words are not mistaken for letters.
    """
    tokens = [t for t in _SEPARATORS.split(text) if t]
    if tokens and all(_LETTER_TOKEN.fullmatch(t) for t in tokens):
        letters = {_LETTER_TOKEN.fullmatch(t).group(1).upper() for t in tokens}
        return tuple(sorted(letters))
    stripped = text.strip()
    if _COMPACT.fullmatch(stripped) and list(stripped) == sorted(set(stripped)):
        return tuple(stripped)
    return None


def match_answer(text: str, options: Sequence[tuple[str, str]]) -> tuple[str, ...] | None:
    """Resolve an answer cell to option letters; None if nothing matches.

    ``options`` lists (letter, text) for every option column of the file. Letters
    win over option text; "B. Hà Nội" is read as B when option B is "Hà Nội".
    Compact letters ("AC") are tried last, after the option texts.
    """
    tokens = [t for t in _SEPARATORS.split(text) if t]
    if tokens and all(_LETTER_TOKEN.fullmatch(t) for t in tokens):
        return split_letters(text)
    key = question_key(text)
    prefixed = _LETTER_AND_TEXT.fullmatch(text)
    if prefixed:
        letter = prefixed.group(1).upper()
        rest = question_key(prefixed.group(2))
        if any(ltr == letter and question_key(opt) == rest for ltr, opt in options):
            return (letter,)
    for letter, option in options:
        if option and question_key(option) == key:
            return (letter,)
    return split_letters(text)


def letter_index(letter: str) -> int:
    return LETTERS.index(letter)

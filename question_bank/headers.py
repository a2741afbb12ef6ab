"""Finding the question sheet and the header row, and mapping columns to fields."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .messages import ANSWER_NAMES, OPTION_NAMES, QUESTION_NAMES
from .models import LETTERS
from .text import clean_str, decode_xlsx_escapes, display_text, fold

HEADER_SCAN_ROWS = 10

SHEET_NAMES = ("cau hoi", "ngan hang cau hoi", "questions", "question")

# Field aliases, folded (see text.fold); earlier aliases win when two columns match.
_FIELD_ALIASES = {
    "question": ("noi dung cau hoi", "cau hoi", "question", "question text"),
    "answer": ("dap an dung", "dap an", "correct answer", "answer", "correct"),
    "number": ("stt", "no", "tt", "so thu tu"),
    "topic": ("chu de", "linh vuc", "topic", "category"),
    "difficulty": ("muc do", "do kho", "difficulty", "level"),
    "explanation": ("giai thich", "explanation"),
    "source": ("can cu", "can cu phap ly", "nguon", "source"),
}
_OPTION_PREFIXES = ("phuong an ", "dap an ", "option ", "lua chon ", "")

_ALIASES: dict[str, tuple[str, int]] = {}
for _field, _names in _FIELD_ALIASES.items():
    for _rank, _name in enumerate(_names):
        _ALIASES[_name] = (_field, _rank)
for _letter in LETTERS:
    for _prefix in _OPTION_PREFIXES:
        _ALIASES[_prefix + _letter.lower()] = ("option_" + _letter, 0)

_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")


def header_key(value: object) -> str:
    """Fold a header cell: "  Đáp án đúng (A/B) * " → "dap an dung"."""
    if not isinstance(value, str):
        return ""
    key = _TRAILING_NOTE.sub("", fold(value).strip(" *:."))
    return key.strip(" *:.")


def header_label(value: object, xlsx: bool = True) -> str:
    """A header cell as the file shows it (NFC, trimmed): used in messages."""
    if isinstance(value, str):
        return clean_str(decode_xlsx_escapes(value) if xlsx else value)
    return display_text(value)


def pick_sheet(names: Sequence[str], visible: Sequence[bool] | None = None) -> int:
    """Index of the sheet named like "Câu hỏi" / "Questions", else the first visible one."""
    for index, name in enumerate(names):
        if header_key(name) in SHEET_NAMES:
            return index
    if visible is not None and True in visible:
        return list(visible).index(True)
    return 0


@dataclass(frozen=True)
class ColumnMap:
    """Where each field lives in a data row (0-based indexes) and how it is titled."""

    row: int
    fields: dict[str, int]
    options: tuple[tuple[str, int], ...]  # (letter, index), by letter
    labels: dict[int, str]


def map_header(row_number: int, cells: Sequence[object], xlsx: bool = True) -> ColumnMap:
    """Map the recognised header cells of one row (other columns are ignored)."""
    best: dict[str, tuple[int, int]] = {}
    for index, value in enumerate(cells):
        found = _ALIASES.get(header_key(value))
        if found is None:
            continue
        field_name, rank = found
        if field_name not in best or rank < best[field_name][0]:
            best[field_name] = (rank, index)
    fields = {name: index for name, (_, index) in best.items()}
    options = tuple(
        (letter, fields.pop("option_" + letter))
        for letter in LETTERS
        if "option_" + letter in fields
    )
    used = [*fields.values(), *(index for _, index in options)]
    labels = {index: header_label(cells[index], xlsx) for index in used}
    return ColumnMap(row=row_number, fields=fields, options=options, labels=labels)


def missing_parts(columns: ColumnMap) -> list[str]:
    """Which required columns a header row lacks (empty list: it is complete)."""
    missing = []
    if "question" not in columns.fields:
        missing.append("cột " + QUESTION_NAMES)
    if len(columns.options) < 2:
        missing.append(OPTION_NAMES.replace("ít nhất", "ít nhất là", 1))
    if "answer" not in columns.fields:
        missing.append("cột " + ANSWER_NAMES)
    return missing


def find_header(rows: Iterable[tuple[int, Sequence[object]]], xlsx: bool = True):
    """Scan (row number, cells) pairs for the header.

    Returns (complete ColumnMap or None, best partial ColumnMap or None).
    """
    partial: ColumnMap | None = None
    partial_score = 1
    for row_number, cells in rows:
        if not any(cells):
            continue
        columns = map_header(row_number, cells, xlsx)
        if not missing_parts(columns):
            return columns, None
        score = len(columns.fields) + len(columns.options)
        if "question" in columns.fields and score > partial_score:
            partial, partial_score = columns, score
    return None, partial

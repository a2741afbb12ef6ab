"""Turning one data row of the question sheet into a question or into issues.

The column layout is resolved once (``RowReader.__init__``); per row only the
mapped cells are converted, with a fast path for plain strings.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from .answers import match_answer, parse_difficulty
from .collect import Collector
from .headers import ColumnMap
from .models import LETTERS, MIN_OPTIONS, ParsedQuestion
from .text import decode_xlsx_escapes, display_text, strip_controls

_NFC = unicodedata.normalize
_EXTRA_FIELDS = ("number", "topic", "difficulty", "explanation", "source")


class RowReader:
    def __init__(self, columns: ColumnMap, collector: Collector, xlsx: bool):
        self.collector = collector
        self.xlsx = xlsx
        self.labels = columns.labels
        self.question = columns.fields["question"]
        self.answer = columns.fields["answer"]
        self.options = columns.options  # ((letter, index), ...)
        self.extras = tuple((name, columns.fields.get(name)) for name in _EXTRA_FIELDS)

    # -- cells -----------------------------------------------------------------

    def text(self, cells: Sequence[object], index: int | None, row: int) -> str:
        """The cell's text: NFC, trimmed, controls removed ("" when absent)."""
        if index is None or index >= len(cells):
            return ""
        value = cells[index]
        if value is None:
            return ""
        if value.__class__ is not str:
            return display_text(value)
        if self.xlsx and "_x" in value:
            value = decode_xlsx_escapes(value)
        if not value.isprintable():
            value, removed = strip_controls(value)
            if removed:
                self.collector.warn("control_characters", row, self.labels[index], count=removed)
        return _NFC("NFC", value).strip()

    # -- rows ------------------------------------------------------------------

    def read(self, row: int, cells: Sequence[object]) -> bool:
        """Handle one row; return False when the row is empty (and so skipped)."""
        text = self.text(cells, self.question, row)
        options = [(letter, self.text(cells, i, row), i) for letter, i in self.options]
        answer = self.text(cells, self.answer, row)
        extras = {name: self.text(cells, i, row) for name, i in self.extras}
        if not (text or answer or extras["explanation"] or extras["source"]) and not any(
            option for _, option, _ in options
        ):
            return False
        before = self.collector.error_count
        if not text:
            self.collector.error("empty_question", row, self.labels[self.question])
        filled = [(letter, option) for letter, option, _ in options if option]
        kept = self.check_options(row, options, filled)
        correct = self.check_answer(row, answer, options, kept)
        difficulty = self.check_extras(row, text, options, extras)
        if self.collector.error_count == before:
            self.collector.add(
                ParsedQuestion(
                    row=row,
                    text=text,
                    options=tuple(option for _, option in filled),
                    correct=correct,
                    topic=extras["topic"] or None,
                    difficulty=difficulty,
                    explanation=extras["explanation"] or None,
                    source=extras["source"] or None,
                    number=extras["number"] or None,
                )
            )
        return True

    def check_options(self, row: int, options: list, filled: list) -> dict[str, int]:
        """Compact the filled options (closing gaps); return letter → new index."""
        kept = {letter: n for n, (letter, _) in enumerate(filled)}
        if len(kept) < MIN_OPTIONS:
            first_empty = next((i for _, option, i in options if not option), None)
            self.collector.error(
                "too_few_options", row, self.labels.get(first_empty), count=len(kept)
            )
            return kept
        moves = [f"{letter} → {LETTERS[n]}" for letter, n in kept.items() if LETTERS[n] != letter]
        if moves:
            filled_last = max(LETTERS.index(letter) for letter in kept)
            gaps = [
                (ltr, i)
                for ltr, option, i in options
                if not option and LETTERS.index(ltr) < filled_last
            ]
            self.collector.warn(
                "option_gap",
                row,
                self.labels[gaps[0][1]],
                empty=", ".join(letter for letter, _ in gaps),
                moves=", ".join(moves),
            )
        return kept

    def check_answer(self, row: int, answer: str, options: list, kept: dict) -> tuple[int, ...]:
        column = self.labels[self.answer]
        if not answer:
            self.collector.error("missing_answer", row, column)
            return ()
        letters = match_answer(answer, [(letter, option) for letter, option, _ in options])
        if letters is None:
            self.collector.error("answer_text_not_found", row, column, value=answer)
            return ()
        file_letters = {letter for letter, _, _ in options}
        for letter in letters:
            if letter not in file_letters:
                self.collector.error("answer_points_to_missing_column", row, column, letter=letter)
            elif letter not in kept:
                self.collector.error("answer_points_to_empty_option", row, column, letter=letter)
        return tuple(sorted(kept[letter] for letter in letters if letter in kept))

    def check_extras(self, row: int, text: str, options: list, extras: dict) -> int | None:
        """Lengths, difficulty and duplicates; return the difficulty (1–3 or None)."""
        check_length, labels = self.collector.check_length, self.labels
        check_length(row, labels[self.question], text, "question")
        for _, option, index in options:
            check_length(row, labels[index], option, "option")
        for name, index in self.extras:
            if name != "difficulty":
                check_length(row, labels.get(index), extras[name])
        difficulty = None
        if extras["difficulty"]:
            difficulty = parse_difficulty(extras["difficulty"])
            if difficulty is None:
                column = labels[dict(self.extras)["difficulty"]]
                self.collector.error("bad_difficulty", row, column, value=extras["difficulty"])
        if text:
            self.collector.check_duplicate(row, labels[self.question], text)
        return difficulty

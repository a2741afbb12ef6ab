"""Moodle Aiken: a question, options "A. …" / "B) …", then "ANSWER: B".

Lenient: the question may span several lines, "ANSWER: A, C" gives a
multiple-answer question, "ĐÁP ÁN: B" is accepted, and the answer may be the
text of an option. Line numbers are the ``row`` of questions and issues.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from .answers import split_letters
from .collect import Collector
from .models import DEFAULT_LIMITS, Limits, ParseResult, question_key
from .text import clean_str, fold

_OPTION = re.compile(r"^\s*([A-Za-z])\s*[.)]\s+(.*)$")
_ANSWER = re.compile(r"^\s*(answer|dap an|dap an dung)\s*:\s*(.*)$")


@dataclass
class _Draft:
    row: int
    lines: list[str] = field(default_factory=list)
    options: list[tuple[str, str]] = field(default_factory=list)  # (letter, text)
    closed_options: bool = False  # a blank line followed the options


def read_aiken(
    text: str,
    *,
    existing_keys: Collection[str] = (),
    limits: Limits = DEFAULT_LIMITS,
    filename: str = "Aiken",
) -> ParseResult:
    result = ParseResult(filename=filename)
    collector = Collector(result, limits, existing_keys)
    draft: _Draft | None = None
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    for number, line in enumerate(text.split("\n"), start=1):
        draft = _feed(collector, draft, number, line)
    if draft is not None:
        _finish(collector, draft, None)
    if not result.questions and result.ok:
        collector.error("no_questions_text", name=filename)
    return result


def _feed(collector: Collector, draft: _Draft | None, number: int, line: str) -> _Draft | None:
    """Consume one line; return the question still being read (or None)."""
    if not line.strip():
        if draft is not None and draft.options:
            draft.closed_options = True
        return draft
    answer = _ANSWER.match(fold(line))
    if answer and draft is not None:
        _finish(collector, draft, line.split(":", 1)[1])
        return None
    option = _OPTION.match(line)
    if draft is not None and option and draft.lines and not draft.closed_options:
        draft.options.append((option.group(1).upper(), option.group(2)))
        return draft
    if draft is not None and draft.options:
        if not draft.closed_options:  # a wrapped option line
            letter, previous = draft.options[-1]
            draft.options[-1] = (letter, previous + "\n" + line)
            return draft
        _finish(collector, draft, None)  # the previous question had no ANSWER line
        draft = None
    draft = draft or _Draft(row=number)
    draft.lines.append(line)
    return draft


def _finish(collector: Collector, draft: _Draft, answer: str | None) -> None:
    text = clean_str("\n".join(line.strip() for line in draft.lines))
    options = [(letter, clean_str(option)) for letter, option in draft.options]
    correct = _resolve(collector, draft.row, clean_str(answer or ""), options)
    collector.add_plain(draft.row, text, [option for _, option in options], correct)


def _resolve(collector: Collector, row: int, answer: str, options) -> list[int] | None:
    """Indexes of the correct options; None after reporting a bad answer."""
    if not answer:
        return []
    letters = split_letters(answer)
    if letters is None:
        key = question_key(answer)
        found = [i for i, (_, option) in enumerate(options) if question_key(option) == key]
        if not found:
            collector.error("answer_text_not_found", row, value=answer)
            return None
        return found[:1]
    index = {letter: i for i, (letter, _) in enumerate(options)}
    for letter in letters:
        if letter not in index:
            collector.error("answer_points_to_empty_option", row, letter=letter)
    if any(letter not in index for letter in letters):
        return None
    return sorted(index[letter] for letter in letters)

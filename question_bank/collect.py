"""Gathering questions, errors and warnings, with the checks every format shares."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from .messages import format_count, make_issue
from .models import MAX_OPTIONS, MIN_OPTIONS, Limits, ParsedQuestion, ParseResult, question_key


class Collector:
    """Fills a ParseResult; remembers question keys to report duplicates."""

    def __init__(self, result: ParseResult, limits: Limits, existing_keys: Collection[str] = ()):
        self.result = result
        self.limits = limits
        self.max_length = limits.max_text_length
        self.max_question = limits.max_question_length
        self.max_option = limits.max_option_length
        # Normalised again so callers may pass raw question texts as well as keys.
        self.existing = frozenset(question_key(k) for k in existing_keys)
        self.seen: dict[str, int] = {}

    @property
    def error_count(self) -> int:
        return len(self.result.errors)

    def error(self, template: str, row: int | None = None, column: str | None = None, **values):
        self.result.errors.append(make_issue(template, row, column, **values))

    def warn(self, template: str, row: int | None = None, column: str | None = None, **values):
        self.result.warnings.append(make_issue(template, row, column, **values))

    def check_length(
        self, row: int, column: str | None, text: str | None, what: str = "text"
    ) -> None:
        """Report a text longer than its limit: `what` is "question", "option" or "text"."""
        if not text:
            return
        limit = {"question": self.max_question, "option": self.max_option}.get(
            what, self.max_length
        )
        if len(text) > limit:
            length, limit = format_count(len(text)), format_count(limit)
            self.error(f"{what}_too_long", row, column, length=length, limit=limit)

    def check_duplicate(self, row: int, column: str | None, text: str) -> None:
        """Report ``text`` if an earlier row or the existing bank has it."""
        key = question_key(text)
        earlier = self.seen.get(key)
        if earlier is not None:
            self.error("duplicate", row, column, other=earlier)
            return
        self.seen[key] = row
        if key in self.existing:
            self.error("duplicate_existing", row, column)

    def add(self, question: ParsedQuestion) -> None:
        self.result.questions.append(question)

    def add_plain(
        self,
        row: int,
        text: str,
        options: Sequence[str],
        correct: Sequence[int] | None,
        **extras: str | int | None,
    ) -> None:
        """Validate and add a question from a text format (GIFT, Aiken).

        ``correct`` is None when the answer was invalid and already reported.
        """
        before = self.error_count
        if not text:
            self.error("empty_question", row)
        if len(options) < MIN_OPTIONS:
            self.error("too_few_options", row, count=len(options))
        elif len(options) > MAX_OPTIONS:
            self.error("too_many_options", row, count=len(options))
        if correct is not None and not correct:
            self.error("missing_answer", row)
        self.check_length(row, None, text, "question")
        for option in options:
            self.check_length(row, None, option, "option")
        for value in extras.values():
            if isinstance(value, str):
                self.check_length(row, None, value)
        if text:
            self.check_duplicate(row, None, text)
        if self.error_count == before and correct is not None:
            self.add(
                ParsedQuestion(
                    row=row,
                    text=text,
                    options=tuple(options),
                    correct=tuple(sorted(set(correct))),
                    **extras,
                )
            )

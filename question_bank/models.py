"""Plain data types shared by every reader and writer of the question bank."""

from __future__ import annotations

import string
import unicodedata
from dataclasses import dataclass, field

# How many options a question may have, and the letters they are shown and typed with: the one
# list the bank's readers and writers, the bank's forms, the quiz page and its payloads share.
MAX_OPTIONS = 6
MIN_OPTIONS = 2
LETTERS = string.ascii_uppercase[:MAX_OPTIONS]


@dataclass(frozen=True)
class ParsedQuestion:
    """One valid question read from a file."""

    row: int
    text: str
    options: tuple[str, ...]
    correct: tuple[int, ...]
    topic: str | None = None
    difficulty: int | None = None
    explanation: str | None = None
    source: str | None = None
    number: str | None = None

    @property
    def correct_letters(self) -> str:
        """The correct answers as the template writes them: "B" or "A, C"."""
        return ", ".join(LETTERS[i] for i in self.correct)


@dataclass(frozen=True)
class Issue:
    """An error or a warning; ``row`` is None for a problem with the whole file."""

    row: int | None
    column: str | None
    kind: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "kind": self.kind, "message": self.message}


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 10 * 1024 * 1024
    max_uncompressed_bytes: int = 200 * 1024 * 1024
    max_compression_ratio: float = 100.0
    max_rows: int = 20_000
    # A question may be long (situational questions tell a whole case); an option less so;
    # every other text (explanation, source, topic, number) is held to `max_text_length`.
    max_question_length: int = 10_000
    max_option_length: int = 2_000
    max_text_length: int = 2_000
    # How far a sheet may reach (its last filled row and column) before a parser that expands
    # it into a grid is let near it: blank lines between rows and notes beside the table
    # fit; an .ods row repeated a million times does not.
    max_sheet_rows: int = 50_000
    max_sheet_columns: int = 256
    max_sheet_cells: int = 2_000_000


DEFAULT_LIMITS = Limits()


@dataclass
class ParseResult:
    filename: str
    sheet: str | None = None
    header_row: int | None = None
    questions: list[ParsedQuestion] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def issues_by_row(self) -> dict[int | None, list[Issue]]:
        """Errors then warnings, grouped by row (None: the whole file)."""
        grouped: dict[int | None, list[Issue]] = {}
        for issue in (*self.errors, *self.warnings):
            grouped.setdefault(issue.row, []).append(issue)
        return grouped


def question_key(text: str) -> str:
    """The key two questions share when they are duplicates.

    NFC, case folding and whitespace collapsing; idempotent, so a key can be fed
    back in (``question_key(question_key(t)) == question_key(t)``).
    """
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    return " ".join(folded.split())

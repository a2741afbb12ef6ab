"""Importing and exporting question banks: the one service the web page and the CLI both call."""

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from contest.audit.service import COMMAND_LINE, Actor, record
from contest.bank.service import check_stored_lengths, existing_keys, save_questions
from contest.extensions import db
from contest.models import Question
from question_bank import (
    Issue,
    Limits,
    ParsedQuestion,
    ParseResult,
    read_aiken,
    read_gift,
    read_question_file,
    write_bank_workbook,
)
from question_bank.models import DEFAULT_LIMITS

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
TEXT_SUFFIXES = {".gift", ".aiken", ".txt"}
DIFFICULTY_LABELS = {1: "Dễ", 2: "Trung bình", 3: "Khó", None: "Chưa phân loại"}


@dataclass
class ImportReport:
    """What an import found and did; `saved` is 0 for a dry run or a file with errors."""

    filename: str
    result: ParseResult
    saved: int = 0
    dry_run: bool = False
    by_topic: Counter = field(default_factory=Counter)
    by_difficulty: Counter = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return self.result.ok

    def as_json(self) -> dict:
        return {
            "file": self.filename,
            "valid": len(self.result.questions),
            "saved": self.saved,
            "errors": [issue.as_dict() for issue in self.result.errors],
            "warnings": [issue.as_dict() for issue in self.result.warnings],
        }


def bank_limits(config) -> Limits:
    """The import's limits from the app's settings (`BANK_MAX_QUESTION_LENGTH`,
    `BANK_MAX_OPTION_LENGTH`); the package's defaults for settings not given."""
    return Limits(
        max_question_length=int(
            config.get("BANK_MAX_QUESTION_LENGTH", DEFAULT_LIMITS.max_question_length)
        ),
        max_option_length=int(
            config.get("BANK_MAX_OPTION_LENGTH", DEFAULT_LIMITS.max_option_length)
        ),
    )


def file_error(filename: str, kind: str, message: str) -> ParseResult:
    return ParseResult(filename=filename, errors=[Issue(None, None, kind, message)])


def parse_text_bank(data: bytes, filename: str, keys: set[str]) -> ParseResult:
    """Moodle GIFT or Aiken; a .txt file is Aiken when it has ANSWER: lines, GIFT otherwise."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return file_error(filename, "not_utf8", "Tệp văn bản phải được lưu với bảng mã UTF-8.")
    suffix = PurePath(filename).suffix.lower()
    is_aiken = suffix == ".aiken" or (
        suffix == ".txt" and re.search(r"^\s*ANSWER\s*:", text, re.MULTILINE | re.IGNORECASE)
    )
    reader = read_aiken if is_aiken else read_gift
    result = reader(text, existing_keys=keys)
    result.filename = filename
    return result


def parse_bank_file(data: bytes, filename: str, limits: Limits = DEFAULT_LIMITS) -> ParseResult:
    """Read any supported bank file against the questions already in the bank."""
    suffix = PurePath(filename).suffix.lower()
    if suffix in TEXT_SUFFIXES:
        if len(data) > limits.max_file_bytes:
            return file_error(filename, "file_too_large", "Tệp quá lớn để nhập.")
        return parse_text_bank(data, filename, existing_keys())
    return read_question_file(data, filename, existing_keys=existing_keys(), limits=limits)


def import_bank(
    data: bytes,
    filename: str,
    *,
    dry_run: bool,
    limits: Limits = DEFAULT_LIMITS,
    actor: Actor | None = None,
    upload_id: int | None = None,
) -> ImportReport:
    """Validate the whole file; save every question in one commit only if nothing is wrong.

    A saved import is audited in that commit, as `actor`'s (None: the command line), with the
    upload it came from when it was uploaded in the browser.
    """
    result = parse_bank_file(data, filename, limits)
    check_stored_lengths(result)
    report = ImportReport(filename=filename, result=result, dry_run=dry_run)
    report.by_topic.update(q.topic or "Chưa phân chủ đề" for q in result.questions)
    report.by_difficulty.update(DIFFICULTY_LABELS[q.difficulty] for q in result.questions)
    if result.ok and not dry_run:
        details = {
            "file": filename,
            "sha256": hashlib.sha256(data).hexdigest(),
            "added": len(result.questions),
            "updated": 0,  # a question already in the bank is a duplicate, refused
        }
        record(
            actor or COMMAND_LINE,
            "question_imported",
            "bank_upload" if upload_id is not None else None,
            upload_id,
            details,
        )
        report.saved = save_questions(result.questions)
    return report


def bank_as_parsed(include_retired: bool = False) -> list[ParsedQuestion]:
    """The bank in the importer's own terms, in id order, ready to write in the template layout."""
    query = select(Question).options(joinedload(Question.topic)).order_by(Question.id)
    if not include_retired:
        query = query.where(Question.active.is_(True))
    return [
        ParsedQuestion(
            row=number,
            text=question.text,
            options=tuple(question.options),
            correct=tuple(sorted(question.correct)),
            topic=question.topic.name if question.topic else None,
            difficulty=question.difficulty,
            explanation=question.explanation,
            source=question.source,
            number=str(number),
        )
        for number, question in enumerate(db.session.execute(query).scalars(), start=1)
    ]


def export_bank(out: BinaryIO | str, include_retired: bool = False) -> int:
    questions = bank_as_parsed(include_retired)
    write_bank_workbook(questions, out)
    return len(questions)

"""Bank files uploaded in the browser: kept between the dry run and the one-click import.

Every step calls the same `import_bank` as the command line. The file is parsed once at the
upload (the dry run) and once more at the import (which must read the questions to save
them); what the dry run found is kept with the upload (`BankUpload.report`), so the result
page and the marked error workbook read it instead of parsing the file on every view. If the
bank has changed by the import (another file brought the same questions), the import finds
the new errors, saves nothing, and keeps them for the page instead.
"""

import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath

from sqlalchemy import select, update

from contest.audit.service import Actor
from contest.bank.spreadsheets import SPREADSHEET_SUFFIXES, ImportReport, import_bank
from contest.extensions import db
from contest.models import BankUpload
from contest.text import nfc
from question_bank import Issue, Limits, ParseResult, mark_errors_workbook
from question_bank.models import DEFAULT_LIMITS

MAX_FILENAME = 255


class UploadRejected(Exception):
    """The file as a whole cannot be read; `messages` are the parser's, in Vietnamese."""

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class IssueRow:
    """One line of the dry run's table."""

    severity: str  # "error" or "warning"
    row: int | None
    column: str | None
    message: str


@dataclass
class UploadSummary:
    """What the dry run found, as the result page shows it: kept with the upload."""

    filename: str
    valid: int
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    by_topic: Counter = field(default_factory=Counter)
    by_difficulty: Counter = field(default_factory=Counter)
    sheet: str | None = None
    header_row: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def result(self) -> ParseResult:
        """The findings as a ParseResult without its questions (for the issue table and the
        marked workbook, which need only the issues, the sheet and the header row)."""
        return ParseResult(
            filename=self.filename,
            sheet=self.sheet,
            header_row=self.header_row,
            errors=list(self.errors),
            warnings=list(self.warnings),
        )


def summary_json(report: ImportReport) -> dict:
    """A dry run's findings as the JSON kept in `BankUpload.report`."""
    result = report.result
    return {
        "valid": len(result.questions),
        "sheet": result.sheet,
        "header_row": result.header_row,
        "errors": [issue.as_dict() for issue in result.errors],
        "warnings": [issue.as_dict() for issue in result.warnings],
        "by_topic": report.by_topic.most_common(),
        "by_difficulty": report.by_difficulty.most_common(),
    }


def summary_from(filename: str, data: dict) -> UploadSummary:
    def issues(name):
        return [Issue(i["row"], i["column"], i["kind"], i["message"]) for i in data[name]]

    return UploadSummary(
        filename=filename,
        valid=data["valid"],
        errors=issues("errors"),
        warnings=issues("warnings"),
        by_topic=Counter(dict(data["by_topic"])),
        by_difficulty=Counter(dict(data["by_difficulty"])),
        sheet=data.get("sheet"),
        header_row=data.get("header_row"),
    )


@dataclass(frozen=True)
class ImportOutcome:
    status: str  # "imported", "already_imported" or "invalid"
    saved: int
    report: ImportReport | None = None


def clean_filename(filename: str) -> str:
    """The uploaded name without any folder part, NFC, short enough to store (suffix kept)."""
    name = nfc(re.split(r"[\\/]", filename or "")[-1]) or "tep-tai-len"
    if len(name) > MAX_FILENAME:
        suffix = PurePath(name).suffix[:20]
        name = name[: MAX_FILENAME - len(suffix)] + suffix
    return name


def unreadable(report: ImportReport) -> bool:
    """Only file-level errors and nothing read: wrong format, too large, damaged, no header."""
    errors = report.result.errors
    return bool(errors) and not report.result.questions and all(e.row is None for e in errors)


def store_upload(
    data: bytes, filename: str, user_id: int | None, limits: Limits = DEFAULT_LIMITS
) -> BankUpload:
    """Dry-run the file; keep it, and what the dry run found, for the import unless it cannot
    be read at all."""
    name = clean_filename(filename)
    report = import_bank(data, name, dry_run=True, limits=limits)
    if unreadable(report):
        db.session.rollback()
        raise UploadRejected([issue.message for issue in report.result.errors])
    upload = BankUpload(
        filename=name,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_id=user_id,
        report=summary_json(report),
    )
    db.session.add(upload)
    db.session.commit()
    return upload


def summary(upload: BankUpload, limits: Limits = DEFAULT_LIMITS) -> UploadSummary:
    """What the dry run found, as kept; an upload from before it was kept is parsed this once
    and its findings kept."""
    if upload.report is None:
        report = import_bank(upload.data, upload.filename, dry_run=True, limits=limits)
        db.session.rollback()
        keep_report(upload.id, summary_json(report))
        db.session.refresh(upload)
    return summary_from(upload.filename, upload.report)


def keep_report(upload_id: int, report: dict) -> None:
    db.session.execute(
        update(BankUpload)
        .where(BankUpload.id == upload_id)
        .values(report=report)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def is_spreadsheet(upload: BankUpload) -> bool:
    return PurePath(upload.filename).suffix.lower() in SPREADSHEET_SUFFIXES


def error_workbook(upload: BankUpload, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The organizer's own workbook with a "Lỗi" column; ValueError if it cannot be opened."""
    out = io.BytesIO()
    mark_errors_workbook(upload.data, upload.filename, summary(upload, limits).result, out)
    return out.getvalue()


def error_workbook_name(upload: BankUpload) -> str:
    return f"{PurePath(upload.filename).stem}-loi.xlsx"


def import_upload(
    upload: BankUpload,
    now: datetime,
    actor: Actor | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ImportOutcome:
    """Import the stored file once, however many times (or however concurrently) it is clicked.

    A conditional UPDATE claims the upload, and the questions are saved in the same
    transaction, with the audit line (`actor`'s; None: the command line): a concurrent click
    waits for that row, then finds it imported. A file that has errors by now (the bank
    changed since the dry run) rolls the claim back. The count saved is recorded just after,
    in a second small commit; so are the new findings of a file refused by then.
    """
    claimed = db.session.execute(
        update(BankUpload)
        .where(BankUpload.id == upload.id, BankUpload.imported_at.is_(None))
        .values(imported_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        return ImportOutcome("already_imported", saved_count(upload.id))
    data, filename = upload.data, upload.filename
    try:
        # One commit, with the claim and the audit line.
        report = import_bank(
            data, filename, dry_run=False, actor=actor, upload_id=upload.id, limits=limits
        )
    except Exception:
        db.session.rollback()
        raise
    if not report.ok:
        db.session.rollback()
        keep_report(upload.id, summary_json(report))
        return ImportOutcome("invalid", 0, report)
    db.session.execute(
        update(BankUpload)
        .where(BankUpload.id == upload.id)
        .values(saved_count=report.saved)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return ImportOutcome("imported", report.saved, report)


def saved_count(upload_id: int) -> int:
    return (
        db.session.execute(
            select(BankUpload.saved_count).where(BankUpload.id == upload_id)
        ).scalar_one_or_none()
        or 0
    )


def issue_rows(result: ParseResult) -> list[IssueRow]:
    """Errors then warnings, in file order, each message without its "Dòng N, cột X" prefix."""
    rows = [IssueRow("error", i.row, i.column, _body(i.row, i.message)) for i in result.errors]
    rows += [IssueRow("warning", i.row, i.column, _body(i.row, i.message)) for i in result.warnings]
    return rows


def _body(row: int | None, message: str) -> str:
    """ "Dòng 7, cột “X”: câu hỏi …" → "Câu hỏi …" (row and column have their own cells)."""
    if row is None:
        return message
    match = re.match(rf"Dòng {row}(?:, cột “[^”]*”)?: ", message)
    if match is None:
        return message
    rest = message[match.end() :]
    return rest[:1].upper() + rest[1:]

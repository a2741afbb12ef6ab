"""Reading a list of people (one column of identifiers: phone, CCCD or email, and an optional
«Lý do» column) from .xlsx, .xls, .ods or .csv, and writing its blank template.

The question import's rules: the spreadsheet format is sniffed from the bytes (a file that is no
spreadsheet is read as CSV text when its name ends in .csv or its bytes are text), the header is
found within the first 10 rows by its names (case and diacritics ignored), every problem is an
Issue with its row and column, and nothing raises for a bad file. Matching the identifiers to
accounts is the caller's: this module only reads cells.
"""

from __future__ import annotations

import csv
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from .cells import set_text
from .guards import sniff
from .headers import HEADER_SCAN_ROWS, header_key, header_label
from .messages import format_count, make_issue
from .models import DEFAULT_LIMITS, Issue, Limits
from .sources import SourceError, csv_rows, open_sheet
from .text import clean_str, decode_xlsx_escapes, display_text

IDENTIFIER_HEADER = "Số điện thoại / CCCD / Email"
REASON_HEADER = "Lý do"
# Folded header names of the identifier column (exact), and words any of which names it.
_IDENTIFIER_NAMES = {
    "so dien thoai / cccd / email",
    "so dien thoai/cccd/email",
    "dien thoai / cccd / email",
    "dinh danh",
    "ma dinh danh",
    "so dinh danh",
    "tai khoan",
    "identifier",
}
_IDENTIFIER_WORDS = ("so dien thoai", "dien thoai", "sdt", "cccd", "can cuoc", "email", "phone")
_REASON_NAMES = {"ly do", "ly do khong xet giai", "reason"}
MAX_VALUE_LENGTH = 254
MAX_REASON_LENGTH = 500

MESSAGES = {
    "no_header": "Không tìm thấy dòng tiêu đề trong {rows} dòng đầu của trang “{sheet}”. "
    f"Cần có cột “{IDENTIFIER_HEADER}” (hoặc “Số điện thoại”, “CCCD”, “Email”).",
    "no_people": "Trang “{sheet}” không có dòng nào bên dưới dòng tiêu đề.",
    "too_many_rows": "Trang “{sheet}” có hơn {limit} dòng, vượt giới hạn cho phép.",
    "not_text": "Tệp “{name}” không đọc được: cần tệp Excel (.xlsx, .xls), OpenDocument (.ods) "
    "hoặc CSV (.csv, mã UTF-8).",
    "missing_identifier": "chưa có số điện thoại, số CCCD hoặc email.",
    "text_too_long": "nội dung dài {length} ký tự, vượt giới hạn {limit} ký tự.",
}


@dataclass(frozen=True)
class PersonLine:
    """One non-empty row: the identifier as typed (NFC, trimmed) and its reason, if any."""

    row: int
    value: str
    reason: str | None


@dataclass
class PeopleListResult:
    filename: str
    sheet: str | None = None
    header_row: int | None = None
    identifier_label: str | None = None
    reason_label: str | None = None
    lines: list[PersonLine] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, template: str, row: int | None = None, column: str | None = None, **values):
        self.errors.append(people_issue(template, row, column, **values))


def people_issue(template: str, row: int | None = None, column: str | None = None, **values):
    """An Issue in the readers' shape: "Dòng N, cột “X”: …" before a row's message."""
    body = MESSAGES.get(template, template).format(**values)
    if row is not None:
        body = (f"Dòng {row}, cột “{column}”: " if column else f"Dòng {row}: ") + body
    kind = template if template in MESSAGES else "row"
    return Issue(row=row, column=column, kind=kind, message=body)


def read_people_file(
    data: bytes, filename: str, *, limits: Limits = DEFAULT_LIMITS
) -> PeopleListResult:
    """Read a list of people; never raises for a bad file (every problem is an Issue)."""
    result = PeopleListResult(filename=filename)
    if not data:
        result.errors.append(make_issue("not_a_spreadsheet", name=filename))
        return result
    kind, issue = sniff(data, filename, limits)
    if issue is not None and issue.kind == "not_a_spreadsheet":
        rows = csv_rows(data)
        if rows is None:
            result.error("not_text", name=filename)
            return result
        result.sheet = filename
        _read_rows(rows, False, result, limits)
        return result
    if issue is not None:
        result.errors.append(issue)
        return result
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions
            with open_sheet(data, kind) as sheet:
                result.sheet = sheet.name
                _read_rows(sheet.rows, sheet.xlsx, result, limits)
    except SourceError as exc:
        result.errors.append(make_issue(exc.kind, name=filename))
    return result


def _identifier_column(key: str) -> bool:
    """A header naming the identifiers: a known name, or a short one with a known word (a
    long sentence above the header that mentions phones is no header)."""
    if key in _IDENTIFIER_NAMES:
        return True
    return len(key) <= 40 and any(word in key for word in _IDENTIFIER_WORDS)


def _map_header(cells: Sequence[object]) -> tuple[int | None, int | None]:
    identifier = reason = None
    for index, value in enumerate(cells):
        key = header_key(value)
        if not key:
            continue
        if key in _REASON_NAMES or key.startswith("ly do"):
            reason = index if reason is None else reason
        elif identifier is None and _identifier_column(key):
            identifier = index
    return identifier, reason


def _cell(cells: Sequence[object], index: int | None, xlsx: bool) -> str:
    if index is None or index >= len(cells):
        return ""
    value = cells[index]
    if isinstance(value, str):
        return " ".join(clean_str(decode_xlsx_escapes(value) if xlsx else value).split())
    return display_text(value)


def _read_rows(rows, xlsx: bool, result: PeopleListResult, limits: Limits) -> None:
    try:
        header = None
        for number, cells in rows:
            if number > HEADER_SCAN_ROWS:
                break
            identifier, reason = _map_header(cells)
            if identifier is not None:
                header = (number, cells, identifier, reason)
                break
        if header is None:
            result.error("no_header", rows=HEADER_SCAN_ROWS, sheet=result.sheet or "")
            return
        number, cells, identifier, reason = header
        result.header_row = number
        result.identifier_label = header_label(cells[identifier], xlsx)
        result.reason_label = header_label(cells[reason], xlsx) if reason is not None else None
        for number, cells in rows:
            value = _cell(cells, identifier, xlsx)
            why = _cell(cells, reason, xlsx)
            if not value and not why:
                continue
            if len(result.lines) >= limits.max_rows:
                limit = format_count(limits.max_rows)
                result.error("too_many_rows", sheet=result.sheet or "", limit=limit)
                result.lines = []
                return
            line = PersonLine(number, value, why or None)
            if not value:
                result.error("missing_identifier", number, result.identifier_label)
            elif len(value) > MAX_VALUE_LENGTH:
                result.error(
                    "text_too_long",
                    number,
                    result.identifier_label,
                    length=len(value),
                    limit=MAX_VALUE_LENGTH,
                )
            if why and len(why) > MAX_REASON_LENGTH:
                result.error(
                    "text_too_long",
                    number,
                    result.reason_label,
                    length=len(why),
                    limit=MAX_REASON_LENGTH,
                )
            result.lines.append(line)
        if not result.lines and result.ok:
            result.error("no_people", sheet=result.sheet or "")
    except csv.Error:
        result.error("not_text", name=result.filename)


def write_people_template(out: BinaryIO | str) -> None:
    """The blank list: the two columns, two examples and a line of instructions."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    set_text(sheet.cell(1, 1), "Danh sách người không xét giải").font = Font(bold=True, size=14)
    set_text(
        sheet.cell(2, 1),
        "Mỗi dòng một người: số điện thoại, số CCCD (12 chữ số) hoặc email đã đăng ký. "
        "Cột “Lý do” có thể để trống nếu nhập một lý do chung trên trang tải lên.",
    )
    for column, name in enumerate((IDENTIFIER_HEADER, REASON_HEADER), start=1):
        cell = set_text(sheet.cell(3, column), name)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E78")
    examples = (
        ("0912345678", "Thành viên Ban Tổ chức"),
        ("001099012345", "Thành viên Tổ biên soạn câu hỏi"),
        ("thuky@example.vn", "Thư ký Ban Giám khảo"),
    )
    for row, (value, reason) in enumerate(examples, start=4):
        set_text(sheet.cell(row, 1), value)
        set_text(sheet.cell(row, 2), reason)
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 50
    sheet.freeze_panes = "A4"
    book.save(out)

"""Importing a staff roster (danh sách cán bộ): who in each agency is expected to take part, so
that the agency's focal point sees who has not taken part yet.

The file (.xlsx, .ods or .csv) has the columns «Họ và tên», «Số điện thoại», «Email» and
«Mã cơ quan» (the header is found in the first 10 rows, case and diacritics ignored). As with
the agency list (`contest/agencies/service.py`) it is all or nothing: every row is checked, and
one error saves nothing. A saved file replaces the roster of every agency it names; agencies
it does not name keep theirs. Phones are stored normalized (0xxxxxxxxx) and emails lower-cased,
as accounts store them, so that a roster line meets its account by equality.
"""

import csv
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain

from sqlalchemy import delete, insert, select

from contest.audit.service import Actor, record
from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import Agency, RosterMember
from contest.text import EMAIL_PATTERN, PHONE_PATTERN, normalize_phone
from question_bank import Issue, Limits
from question_bank.agencies import agency_code
from question_bank.guards import CFB_MAGIC, ZIP_MAGICS, sniff
from question_bank.headers import HEADER_SCAN_ROWS, header_key, header_label
from question_bank.messages import format_count, format_size, make_issue
from question_bank.models import DEFAULT_LIMITS
from question_bank.sources import SourceError, csv_rows, open_sheet
from question_bank.text import clean_str, decode_xlsx_escapes, display_text

MAX_LENGTHS = {"name": 120, "phone": 40, "email": 254, "agency": 40}
CHUNK = 500
# Folded header names; the earlier alias wins when two columns match one field.
_FIELD_ALIASES = {
    "name": ("ho va ten", "ho ten", "ten can bo", "ten", "full name", "name"),
    "phone": ("so dien thoai", "dien thoai", "so dien thoai di dong", "sdt", "so dt", "phone"),
    "email": ("email", "e-mail", "thu dien tu", "dia chi email", "dia chi thu dien tu"),
    "agency": (
        "ma co quan",
        "ma don vi",
        "ma co quan, don vi",
        "ma co quan don vi",
        "ma",
        "agency code",
        "code",
    ),
}
_ALIASES = {n: (f, rank) for f, names in _FIELD_ALIASES.items() for rank, n in enumerate(names)}
LABELS = {
    "name": "Họ và tên",
    "phone": "Số điện thoại",
    "email": "Email",
    "agency": "Mã cơ quan",
}

MESSAGES = {
    "not_a_roster_file": "Tệp “{name}” không phải là bảng tính. Vui lòng dùng tệp Excel "
    "(.xlsx), OpenDocument (.ods) hoặc CSV (.csv).",
    "no_header": "Không tìm thấy dòng tiêu đề trong {rows} dòng đầu của tệp. Cần có các cột "
    "«Họ và tên», «Mã cơ quan» và ít nhất một trong hai cột «Số điện thoại», «Email».",
    "no_contact_column": "Dòng tiêu đề (dòng {header_row}) cần ít nhất một trong hai cột "
    "«Số điện thoại», «Email».",
    "no_members": "Tệp không có người nào bên dưới dòng tiêu đề.",
    "too_many_rows": "Tệp có hơn {limit} dòng, vượt giới hạn cho phép. Vui lòng chia thành "
    "nhiều tệp (mỗi tệp thay danh sách của các cơ quan, đơn vị có trong tệp đó).",
    "missing_name": "chưa có họ và tên.",
    "missing_agency": "chưa có mã cơ quan.",
    "unknown_agency": "mã cơ quan “{code}” không có trong danh sách cơ quan, đơn vị.",
    "no_contact": "cần có số điện thoại hoặc email.",
    "bad_phone": "số điện thoại “{value}” không hợp lệ; cần 10 chữ số, bắt đầu bằng 0, "
    "ví dụ 0912345678.",
    "bad_email": "email “{value}” không hợp lệ.",
    "text_too_long": "nội dung dài {length} ký tự, vượt giới hạn {limit} ký tự.",
    "duplicate_phone": "số điện thoại {value} trùng với dòng {other}.",
    "duplicate_email": "email {value} trùng với dòng {other}.",
}
_KIND_OF = {
    "no_contact_column": "no_header",
    "duplicate_phone": "duplicate",
    "duplicate_email": "duplicate",
    "missing_agency": "unknown_agency",
}


def roster_issue(template: str, row: int | None = None, column: str | None = None, **values):
    body = MESSAGES[template].format(**values)
    if row is not None:
        body = (f"Dòng {row}, cột “{column}”: " if column else f"Dòng {row}: ") + body
    return Issue(row=row, column=column, kind=_KIND_OF.get(template, template), message=body)


@dataclass(frozen=True)
class ParsedMember:
    row: int
    full_name: str
    phone: str | None
    email: str | None
    agency_id: int


@dataclass
class RosterParseResult:
    filename: str
    header_row: int | None = None
    members: list[ParsedMember] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, template: str, row: int | None = None, column: str | None = None, **values):
        self.errors.append(roster_issue(template, row, column, **values))


@dataclass
class RosterImportReport:
    filename: str
    result: RosterParseResult
    dry_run: bool
    saved: int = 0

    @property
    def ok(self) -> bool:
        return self.result.ok

    @property
    def rows(self) -> int:
        return len(self.result.members)

    @property
    def agencies(self) -> int:
        return len({member.agency_id for member in self.result.members})


# --- reading --------------------------------------------------------------------------------


Rows = Iterator[tuple[int, Sequence[object]]]


def _open_rows(data: bytes, filename: str, limits: Limits, result: RosterParseResult):
    """(rows, cells come from OOXML) or None with the file-level error recorded."""
    if data.startswith((CFB_MAGIC, *ZIP_MAGICS)):
        kind, issue = sniff(data, filename, limits)
        if issue is not None:
            result.errors.append(issue)
            return None
        return kind
    if len(data) > limits.max_file_bytes:
        size, limit = format_size(len(data)), format_size(limits.max_file_bytes)
        result.errors.append(make_issue("file_too_large", name=filename, size=size, limit=limit))
        return None
    if not filename.lower().endswith((".csv", ".txt")) or b"\0" in data[:4096]:
        result.error("not_a_roster_file", name=filename)
        return None
    return "csv"


def read_roster_file(
    data: bytes, filename: str, agencies: dict[str, int], *, limits: Limits = DEFAULT_LIMITS
) -> RosterParseResult:
    """Read and check a roster; `agencies` maps canonical codes to ids. Nothing raises for a
    bad file: every problem is an Issue. `members` holds only the rows without errors."""
    result = RosterParseResult(filename=filename)
    kind = _open_rows(data, filename, limits, result)
    if kind is None:
        return result
    try:
        if kind == "csv":
            rows = csv_rows(data)
            if rows is None:
                result.error("not_a_roster_file", name=filename)
                return result
            _read(rows, False, agencies, result, limits)
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with open_sheet(data, kind) as sheet:
                    _read(sheet.rows, sheet.xlsx, agencies, result, limits)
    except SourceError as exc:
        result.errors.append(make_issue(exc.kind, name=filename))
    except csv.Error:
        result.errors.append(make_issue("damaged", name=filename))
    result.errors.sort(key=lambda issue: (issue.row is not None, issue.row or 0))
    return result


def _find_header(rows: Iterable[tuple[int, Sequence[object]]], xlsx: bool, result):
    for number, cells in rows:
        if number > HEADER_SCAN_ROWS:
            break
        best: dict[str, tuple[int, int]] = {}
        for index, value in enumerate(cells):
            found = _ALIASES.get(header_key(value))
            if found and (found[0] not in best or found[1] < best[found[0]][0]):
                best[found[0]] = (found[1], index)
        columns = {name: index for name, (_rank, index) in best.items()}
        if "name" in columns and "agency" in columns:
            if "phone" not in columns and "email" not in columns:
                result.error("no_contact_column", header_row=number)
                return None
            labels = {name: header_label(cells[i], xlsx) for name, i in columns.items()}
            return number, columns, labels
    result.error("no_header", rows=HEADER_SCAN_ROWS)
    return None


def _text(cells: Sequence[object], index: int | None, xlsx: bool) -> str:
    if index is None or index >= len(cells):
        return ""
    value = cells[index]
    if isinstance(value, str):
        return " ".join(clean_str(decode_xlsx_escapes(value) if xlsx else value).split())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else display_text(value)


def _phone(raw: str) -> str:
    """A typed phone as accounts store it; a number cell that lost its leading 0 gets it back."""
    phone = normalize_phone(raw)
    if phone.isdigit() and len(phone) == 9 and not phone.startswith("0"):
        phone = "0" + phone
    return phone


def _read(rows: Rows, xlsx: bool, agencies: dict[str, int], result, limits: Limits) -> None:
    head = []
    for item in rows:
        head.append(item)
        if item[0] >= HEADER_SCAN_ROWS:
            break
    header = _find_header(head, xlsx, result)
    if header is None:
        return
    header_row, columns, labels = header
    result.header_row = header_row
    first_phone: dict[str, int] = {}
    first_email: dict[str, int] = {}
    count = 0
    for number, cells in chain((i for i in head if i[0] > header_row), rows):
        values = {name: _text(cells, columns.get(name), xlsx) for name in LABELS}
        if not any(values.values()):
            continue
        count += 1
        if count > limits.max_rows:
            result.errors = [roster_issue("too_many_rows", limit=format_count(limits.max_rows))]
            result.members = []
            return
        member = _check_row(number, values, labels, agencies, result, first_phone, first_email)
        if member is not None:
            result.members.append(member)
    if count == 0 and result.ok:
        result.error("no_members")


def _check_row(number, values, labels, agencies, result, first_phone, first_email):
    errors_before = len(result.errors)

    def error(template: str, name: str | None, **more):
        result.error(template, number, labels.get(name, LABELS.get(name)) if name else None, **more)

    for name, limit in MAX_LENGTHS.items():
        if len(values[name]) > limit:
            error("text_too_long", name, length=len(values[name]), limit=limit)
    if not values["name"]:
        error("missing_name", "name")
    code = agency_code(values["agency"])
    agency_id = agencies.get(code)
    if not code:
        error("missing_agency", "agency")
    elif agency_id is None:
        error("unknown_agency", "agency", code=values["agency"])
    phone = _phone(values["phone"]) if values["phone"] else None
    email = values["email"].lower() if values["email"] else None
    if phone is None and email is None:
        error("no_contact", None)
    if phone is not None and not PHONE_PATTERN.match(phone):
        error("bad_phone", "phone", value=values["phone"])
        phone = None
    if email is not None and not EMAIL_PATTERN.match(email):
        error("bad_email", "email", value=values["email"])
        email = None
    if phone is not None:
        other = first_phone.setdefault(phone, number)
        if other != number:
            error("duplicate_phone", "phone", value=phone, other=other)
    if email is not None:
        other = first_email.setdefault(email, number)
        if other != number:
            error("duplicate_email", "email", value=email, other=other)
    if len(result.errors) > errors_before:
        return None
    return ParsedMember(number, values["name"], phone, email, agency_id)


# --- saving ---------------------------------------------------------------------------------


def agency_codes() -> dict[str, int]:
    """Every saved agency by canonical code (an exact spelling wins over a case variant)."""
    found: dict[str, int] = {}
    for agency_id, code in db.session.execute(select(Agency.id, Agency.code).order_by(Agency.id)):
        key = agency_code(code)
        if key not in found or code == key:
            found[key] = agency_id
    return found


def import_roster(
    data: bytes,
    filename: str,
    actor: Actor,
    *,
    dry_run: bool,
    limits: Limits = DEFAULT_LIMITS,
) -> RosterImportReport:
    """Check the whole file; unless it is a dry run or something is wrong, replace the roster
    of every agency it names, audited, in one commit."""
    result = read_roster_file(data, filename, agency_codes(), limits=limits)
    report = RosterImportReport(filename=filename, result=result, dry_run=dry_run)
    if not result.ok or dry_run:
        return report
    agency_ids = sorted({member.agency_id for member in result.members})
    for start in range(0, len(agency_ids), CHUNK):
        chunk = agency_ids[start : start + CHUNK]
        db.session.execute(delete(RosterMember).where(RosterMember.agency_id.in_(chunk)))
    now = utcnow()
    rows = [
        {
            "agency_id": member.agency_id,
            "full_name": member.full_name,
            "phone": member.phone,
            "email": member.email,
            "imported_at": now,
        }
        for member in result.members
    ]
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(RosterMember), rows[start : start + CHUNK])
    record(
        actor, "roster_imported", "agency", None, {"rows": len(rows), "agencies": len(agency_ids)}
    )
    db.session.commit()
    report.saved = len(rows)
    return report

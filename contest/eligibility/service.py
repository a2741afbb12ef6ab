"""Who may win prizes: organizers mark a person not eligible (with the reason) or eligible again,
one at a time or from a list in a spreadsheet. Every change is audited.

`User.prize_eligible` is what prize awarding reads (contest.domain.prizes.award skips a person
who is not eligible); `User.ineligible_reason` says why, for judges and organizers. The audit
log keeps the reason and the account's id, never the phone, CCCD or email that named it.

The list import is all or nothing: any row that names no account, names several, names the same
person as another row, is blank or is not a phone, CCCD or email gives a row error and nothing is
saved; otherwise every person is marked in one commit, with one audit line.
"""

import re
from dataclasses import dataclass, field

from sqlalchemy import func, select

from contest.audit.service import Actor, record
from contest.collation import in_vietnamese
from contest.extensions import db
from contest.models import Agency, Role, User
from contest.text import EMAIL_PATTERN, NATIONAL_ID_PATTERN, PHONE_PATTERN, nfc, normalize_phone
from question_bank import Issue
from question_bank.people_list import (
    MAX_REASON_LENGTH,
    PeopleListResult,
    read_people_file,
    write_people_template,
)

__all__ = [
    "MAX_REASON_LENGTH",
    "EligibilityRefused",
    "ImportReport",
    "import_ineligible",
    "ineligible_people",
    "mark_eligible",
    "mark_ineligible",
    "write_people_template",
]

STAFF_ROLES = (Role.ORGANIZER, Role.JUDGE, Role.FOCAL_POINT)


class EligibilityRefused(Exception):
    """Nothing was changed; `message` says why, in Vietnamese."""

    def __init__(self, message: str, field_name: str = "reason"):
        super().__init__(message)
        self.message = message
        self.field = field_name


def clean_reason(reason: str | None) -> str:
    """The reason as stored (NFC, one line of spaces), or EligibilityRefused."""
    text = nfc(reason)
    if not text:
        raise EligibilityRefused("Vui lòng ghi lý do không xét giải.")
    if len(text) > MAX_REASON_LENGTH:
        raise EligibilityRefused(f"Lý do dài {len(text)} ký tự; tối đa {MAX_REASON_LENGTH} ký tự.")
    return text


def _person(user_id: int) -> User:
    user = db.session.get(User, user_id) if 0 < user_id < 2**31 else None
    if user is None:
        db.session.rollback()
        raise EligibilityRefused(f"Không tìm thấy tài khoản số {user_id}.", "user")
    return user


def mark_ineligible(user_id: int, reason: str, actor: Actor) -> User:
    """Mark a person not eligible for prizes, with the reason (a new reason replaces the old
    one). One commit, one audit line."""
    text = clean_reason(reason)
    user = _person(user_id)
    before = {"prize_eligible": user.prize_eligible, "reason": user.ineligible_reason}
    user.prize_eligible = False
    user.ineligible_reason = text
    record(
        actor,
        "ineligible_marked",
        "user",
        user.id,
        {"before": before, "reason": text},
    )
    db.session.commit()
    return user


def mark_eligible(user_id: int, actor: Actor) -> User:
    """Make a person eligible for prizes again; staff accounts never are. One commit."""
    user = _person(user_id)
    if user.role in STAFF_ROLES:
        db.session.rollback()
        raise EligibilityRefused(
            "Tài khoản của Ban Tổ chức, Ban Giám khảo và đầu mối không được xét giải.", "user"
        )
    if user.prize_eligible and user.ineligible_reason is None:
        db.session.rollback()
        return user
    previous = user.ineligible_reason
    user.prize_eligible = True
    user.ineligible_reason = None
    record(actor, "eligible_marked", "user", user.id, {"previous_reason": previous})
    db.session.commit()
    return user


@dataclass(frozen=True)
class IneligiblePerson:
    id: int
    full_name: str
    role: str
    agency_name: str | None
    reason: str | None
    erased: bool


def ineligible_people(offset: int = 0, limit: int = 500) -> tuple[list[IneligiblePerson], int]:
    """People not eligible for prizes (participants first, then by name), and how many."""
    query = (
        select(
            User.id,
            User.full_name,
            User.role,
            Agency.name,
            User.ineligible_reason,
            User.erased_at.is_not(None),
        )
        .outerjoin(Agency, Agency.id == User.agency_id)
        .where(User.prize_eligible.is_(False))
    )
    total = db.session.execute(
        select(func.count()).select_from(User).where(User.prize_eligible.is_(False))
    ).scalar_one()
    rows = db.session.execute(
        query.order_by(
            (User.role == Role.PARTICIPANT).desc(), in_vietnamese(User.full_name), User.id
        )
        .offset(offset)
        .limit(limit)
    ).all()
    return [IneligiblePerson(*row) for row in rows], total


# -- one identifier --------------------------------------------------------------------------


def candidates(value: str) -> list[tuple[str, str]]:
    """The (column, value) pairs an identifier may be: an email, a 12-digit CCCD, a mobile
    number (+84 or 0, spaces and dots allowed). A spreadsheet's number cell loses a leading
    zero: a 9-digit number is a phone, an 11-digit one a CCCD or a 84… phone."""
    text = nfc(value)
    if "@" in text:
        email = text.lower()
        return [("email", email)] if EMAIL_PATTERN.match(email) and len(email) <= 254 else []
    found = []
    digits = re.sub(r"[\s.\-()]", "", text)
    if NATIONAL_ID_PATTERN.match(digits):
        found.append(("national_id", digits))
    elif digits.isdigit() and len(digits) == 11:
        found.append(("national_id", "0" + digits))
    phone = normalize_phone(text)
    if phone.isdigit() and len(phone) == 9:
        phone = "0" + phone
    if PHONE_PATTERN.match(phone):
        found.append(("phone", phone))
    return found


def find_accounts(value: str) -> tuple[list[int], bool]:
    """(ids of the accounts the identifier names, well formed?)."""
    pairs = candidates(value)
    if not pairs:
        return [], False
    ids: set[int] = set()
    for column, text in pairs:
        ids.update(
            db.session.execute(select(User.id).where(getattr(User, column) == text)).scalars()
        )
    return sorted(ids), True


# -- the list --------------------------------------------------------------------------------

ROW_MESSAGES = {
    "malformed": "“{value}” không phải số điện thoại (10 chữ số, ví dụ 0912345678 hoặc "
    "+84 912 345 678), số CCCD (12 chữ số) hay email hợp lệ.",
    "unknown": "“{value}” không khớp với tài khoản nào đã đăng ký.",
    "ambiguous": "“{value}” khớp với {count} tài khoản khác nhau (số {ids}); hãy ghi số điện "
    "thoại hoặc email để chỉ rõ một người.",
    "duplicate": "“{value}” là cùng một người với dòng {other}; mỗi người chỉ ghi một dòng.",
    "missing_reason": "chưa có lý do: ghi lý do ở cột “Lý do” hoặc nhập một lý do chung.",
}


@dataclass
class ImportReport:
    """What a list import found and did; `saved` is 0 unless every row was fine."""

    filename: str
    result: PeopleListResult
    user_ids: list[int] = field(default_factory=list)
    already: int = 0
    saved: int = 0

    @property
    def ok(self) -> bool:
        return self.result.ok

    @property
    def errors(self) -> list[Issue]:
        return self.result.errors


def _row_issue(result: PeopleListResult, kind: str, row: int, column: str | None, **values):
    body = ROW_MESSAGES[kind].format(**values)
    where = f"Dòng {row}, cột “{column}”: " if column else f"Dòng {row}: "
    result.errors.append(Issue(row=row, column=column, kind=kind, message=where + body))


def import_ineligible(data: bytes, filename: str, reason: str | None, actor: Actor) -> ImportReport:
    """Mark every person of the list not eligible, each with the row's reason or `reason`;
    nothing when any row is wrong. One commit, one audit line with the count."""
    common = nfc(reason)
    if len(common) > MAX_REASON_LENGTH:
        raise EligibilityRefused(
            f"Lý do chung dài {len(common)} ký tự; tối đa {MAX_REASON_LENGTH} ký tự."
        )
    result = read_people_file(data or b"", filename)
    report = ImportReport(filename=filename, result=result)
    # Row errors of the reader and of matching are shown together; a file-level error
    # (unreadable, no header) leaves nothing to match.
    file_level = any(issue.row is None for issue in result.errors)
    chosen = {} if file_level else _match_rows(result, common)
    if not result.ok:
        result.errors.sort(key=lambda issue: (issue.row is not None, issue.row or 0))
        db.session.rollback()
        return report
    users = {
        user.id: user
        for user in db.session.execute(select(User).where(User.id.in_(list(chosen)))).scalars()
    }
    for user_id, why in chosen.items():
        user = users[user_id]
        report.already += not user.prize_eligible
        user.prize_eligible = False
        user.ineligible_reason = why
    report.user_ids = list(chosen)
    record(
        actor,
        "ineligible_imported",
        None,
        None,
        {
            "count": len(chosen),
            "already_ineligible": report.already,
            "file": filename,
            "reason": common or None,
            "user_ids": report.user_ids,
        },
    )
    db.session.commit()
    report.saved = len(chosen)
    return report


def _match_rows(result: PeopleListResult, common: str) -> dict[int, str]:
    """user id → reason, for the rows of a list without errors; row errors go to `result`."""
    column, reason_column = result.identifier_label, result.reason_label
    first_row: dict[int, int] = {}
    chosen: dict[int, str] = {}
    for line in result.lines:
        if not line.value:
            continue  # already reported by the reader
        why = line.reason or common
        if not why:
            _row_issue(result, "missing_reason", line.row, reason_column)
        ids, well_formed = find_accounts(line.value)
        shown = line.value[:60]
        if not well_formed:
            _row_issue(result, "malformed", line.row, column, value=shown)
        elif not ids:
            _row_issue(result, "unknown", line.row, column, value=shown)
        elif len(ids) > 1:
            listed = ", ".join(str(i) for i in ids)
            _row_issue(
                result, "ambiguous", line.row, column, value=shown, count=len(ids), ids=listed
            )
        elif ids[0] in first_row:
            _row_issue(result, "duplicate", line.row, column, value=shown, other=first_row[ids[0]])
        else:
            first_row[ids[0]] = line.row
            if why:
                chosen[ids[0]] = why
    return chosen


def find_person(identifier: str) -> User:
    """The one account a typed phone, CCCD or email names, or EligibilityRefused."""
    text = nfc(identifier)
    if not text:
        raise EligibilityRefused("Vui lòng nhập số điện thoại, số CCCD hoặc email.", "identifier")
    ids, well_formed = find_accounts(text[:254])
    shown = text[:60]
    if not well_formed:
        kind = "malformed"
    elif not ids:
        kind = "unknown"
    elif len(ids) > 1:
        kind = "ambiguous"
    else:
        return db.session.get(User, ids[0])
    listed = ", ".join(str(i) for i in ids)
    message = ROW_MESSAGES[kind].format(value=shown, count=len(ids), ids=listed)
    raise EligibilityRefused(message, "identifier")


def person(user_id: int) -> User | None:
    """The account, for its page (None: no such account)."""
    return db.session.get(User, user_id) if 0 < user_id < 2**31 else None

"""Personal data under Decree 13/2023/NĐ-CP: a person's data as a workbook they can read, its
erasure on request or at the end of retention, and what the privacy notice says.

Erasure keeps the account's row (pseudonymous), its attempts and round entries, so that every
published ranking stays as published: the person's fields of their published lines are blanked
but each line keeps its digest (contest.results.snapshot.erase_person_lines), so `verify` and
a published file's seal still agree after an erasure. It is
refused while the person holds a prize in a closed round whose results are not published yet:
the prize decision still needs to know who they are.

Nothing here logs a personal value: the audit lines name the account by id and list the fields
erased, never what they held.
"""

import io
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from sqlalchemy import exists, or_, select

from contest.audit.service import Actor, record
from contest.domain import prizes as prize_rules
from contest.domain.clock import to_vietnam, utcnow
from contest.extensions import db
from contest.models import (
    Agency,
    Attempt,
    AttemptItem,
    Contest,
    ContestStatus,
    ProfileChange,
    Role,
    RosterMember,
    Round,
    RoundEntry,
    User,
)
from contest.models.user import GENDER_LABELS, GROUP_LABELS
from contest.results.service import compute_prizes, round_closed
from contest.results.snapshot import erase_person_lines
from contest.text import nfc
from question_bank.cells import set_text
from question_bank.models import LETTERS

# The columns erasure empties; `full_name` is replaced by a pseudonym (it cannot be NULL).
ERASED_FIELDS = ("full_name", "date_of_birth", "gender", "phone", "email", "national_id", "address")
# Fields whose history (ProfileChange old and new values) is personal too.
ERASED_HISTORY_FIELDS = ERASED_FIELDS
MAX_REASON_LENGTH = 500
STAFF_ROLES = (Role.ORGANIZER, Role.JUDGE, Role.FOCAL_POINT)

ROLE_LABELS = {
    "participant": "Người thi",
    "organizer": "Ban Tổ chức",
    "judge": "Ban Giám khảo",
    "focal_point": "Đầu mối cơ quan, đơn vị",
}
ATTEMPT_STATUS_LABELS = {
    "open": "Đang làm bài",
    "submitted": "Đã nộp bài",
    "expired": "Hết giờ (máy chủ tự nộp)",
}
HISTORY_LABELS = {
    "full_name": "Họ và tên",
    "date_of_birth": "Ngày sinh",
    "gender": "Giới tính",
    "phone": "Số điện thoại",
    "email": "Email",
    "national_id": "Số CCCD",
    "address": "Địa chỉ",
    "participant_group": "Đối tượng dự thi",
    "agency_id": "Cơ quan, đơn vị",
}


class PrivacyRefused(Exception):
    """Nothing was changed; `message` says why, in Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def pseudonym(user_id: int) -> str:
    return f"Người tham gia #{user_id} (đã xoá)"


def _person(user_id: int) -> User:
    user = db.session.get(User, user_id) if 0 < user_id < 2**31 else None
    if user is None:
        db.session.rollback()
        raise PrivacyRefused(f"Không tìm thấy tài khoản số {user_id}.")
    return user


def person(user_id: int) -> User | None:
    return db.session.get(User, user_id) if 0 < user_id < 2**31 else None


# -- the export -------------------------------------------------------------------------------

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
WRAP = Alignment(wrap_text=True, vertical="top")


def _moment(value: datetime | None) -> str:
    """A stored UTC moment as Vietnam time, as people write it."""
    return to_vietnam(value).strftime("%d/%m/%Y %H:%M:%S") if value else ""


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _duration(milliseconds: int | None) -> str:
    if milliseconds is None:
        return ""
    seconds, millis = divmod(int(milliseconds), 1000)
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} phút {seconds},{millis // 100} giây"


class _Sheet:
    """One write-only sheet: a header row, then rows of text cells (formula-safe)."""

    def __init__(self, book: Workbook, title: str, header: list[tuple[str, int]]):
        self.sheet = book.create_sheet(title)
        for index, (_name, width) in enumerate(header):
            self.sheet.column_dimensions[chr(65 + index)].width = width
        self.sheet.freeze_panes = "A2"
        cells = []
        for name, _width in header:
            cell = set_text(WriteOnlyCell(self.sheet), name)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            cells.append(cell)
        self.sheet.append(cells)

    def add(self, values: list) -> None:
        cells = []
        for value in values:
            if value is None or value == "":
                cells.append(None)
                continue
            cell = set_text(WriteOnlyCell(self.sheet), value)
            if isinstance(value, str) and ("\n" in value or len(value) > 60):
                cell.alignment = WRAP
            cells.append(cell)
        self.sheet.append(cells)


def profile_lines(user: User) -> list[tuple[str, str]]:
    """(what, value) for every field of the account a person can read."""
    agency = db.session.get(Agency, user.agency_id) if user.agency_id else None
    yes_no = {True: "Có", False: "Không"}
    return [
        ("Số tài khoản", str(user.id)),
        ("Họ và tên", user.full_name),
        ("Ngày sinh", _day(user.date_of_birth)),
        ("Giới tính", GENDER_LABELS.get(user.gender, user.gender or "")),
        ("Số điện thoại", user.phone or ""),
        ("Email", user.email or ""),
        ("Số CCCD", user.national_id or ""),
        ("Địa chỉ", user.address or ""),
        ("Cơ quan, đơn vị", agency.name if agency else ""),
        ("Đối tượng dự thi", GROUP_LABELS.get(user.participant_group, user.participant_group)),
        ("Vai trò", ROLE_LABELS.get(user.role, user.role)),
        ("Thời điểm đồng ý xử lý dữ liệu cá nhân", _moment(user.consent_at)),
        ("Thời điểm đăng ký tài khoản", _moment(user.created_at)),
        ("Được xét giải", yes_no[bool(user.prize_eligible)]),
        ("Lý do không xét giải", user.ineligible_reason or ""),
        ("Tài khoản bị khoá lúc", _moment(user.disabled_at)),
        ("Dữ liệu cá nhân đã xoá lúc", _moment(user.erased_at)),
        ("Thời điểm xuất tệp này", _moment(utcnow())),
    ]


def export_person(user_id: int, actor: Actor | None = None) -> bytes:
    """Everything the application holds about a person, as an .xlsx they can read: «Hồ sơ»,
    «Bài thi», «Câu trả lời», «Lịch sử sửa hồ sơ». With an actor, the export is audited
    ("personal_data_exported") and committed."""
    user = _person(user_id)
    book = Workbook(write_only=True)
    profile = _Sheet(book, "Hồ sơ", [("Thông tin", 40), ("Giá trị", 60)])
    for what, value in profile_lines(user):
        profile.add([what, value])

    attempts = _Sheet(
        book,
        "Bài thi",
        [
            ("Cuộc thi", 40),
            ("Vòng thi", 30),
            ("Lượt thi", 9),
            ("Bắt đầu", 20),
            ("Nộp bài", 20),
            ("Trạng thái", 22),
            ("Số câu đúng", 12),
            ("Số câu hỏi", 11),
            ("Thời gian làm bài", 20),
            ("Dự đoán", 12),
        ],
    )
    rows = db.session.execute(
        select(Attempt, Round.number, Round.title, Contest.title)
        .join(Round, Round.id == Attempt.round_id)
        .join(Contest, Contest.id == Round.contest_id)
        .where(Attempt.user_id == user.id)
        .order_by(Attempt.started_at, Attempt.id)
    ).all()
    names = {}
    for attempt, number, round_title, contest_title in rows:
        round_name = f"Vòng {number}: {round_title}"
        names[attempt.id] = (contest_title, round_name, attempt.number)
        attempts.add(
            [
                contest_title,
                round_name,
                attempt.number,
                _moment(attempt.started_at),
                _moment(attempt.submitted_at),
                ATTEMPT_STATUS_LABELS.get(attempt.status, attempt.status),
                attempt.correct_count,
                attempt.question_count,
                _duration(attempt.duration_ms),
                attempt.prediction,
            ]
        )

    answers = _Sheet(
        book,
        "Câu trả lời",
        [
            ("Cuộc thi", 30),
            ("Vòng thi", 24),
            ("Lượt thi", 9),
            ("Câu số", 8),
            ("Câu hỏi (như đã hiển thị)", 60),
            ("Các phương án (như đã hiển thị)", 60),
            ("Lựa chọn của người thi", 14),
            ("Thời điểm trả lời", 20),
        ],
    )
    items = db.session.execute(
        select(AttemptItem)
        .where(AttemptItem.attempt_id.in_(list(names) or [0]))
        .order_by(AttemptItem.attempt_id, AttemptItem.position)
        .execution_options(yield_per=2000)
    ).scalars()
    for item in items:
        contest_title, round_name, number = names[item.attempt_id]
        options = "\n".join(
            f"{LETTERS[i] if i < len(LETTERS) else i + 1}. {text}"
            for i, text in enumerate(item.options or [])
        )
        chosen = ", ".join(LETTERS[i] for i in sorted(item.chosen or []) if 0 <= i < len(LETTERS))
        answers.add(
            [
                contest_title,
                round_name,
                number,
                item.position,
                item.text,
                options,
                chosen or "(chưa trả lời)",
                _moment(item.answered_at),
            ]
        )

    history = _Sheet(
        book,
        "Lịch sử sửa hồ sơ",
        [
            ("Thời điểm", 20),
            ("Thông tin", 22),
            ("Giá trị cũ", 40),
            ("Giá trị mới", 40),
            ("Người sửa", 20),
        ],
    )
    changes = db.session.execute(
        select(ProfileChange)
        .where(ProfileChange.user_id == user.id)
        .order_by(ProfileChange.changed_at, ProfileChange.id)
    ).scalars()
    for change in changes:
        by = "Chính người này" if change.changed_by_id == user.id else "Ban Tổ chức"
        history.add(
            [
                _moment(change.changed_at),
                HISTORY_LABELS.get(change.field, change.field),
                change.old_value or "",
                change.new_value or "",
                by,
            ]
        )

    out = io.BytesIO()
    book.save(out)
    if actor is not None:
        record(
            actor,
            "personal_data_exported",
            "user",
            user.id,
            {"attempts": len(rows)},
        )
        db.session.commit()
    return out.getvalue()


def export_name(user_id: int) -> str:
    return f"du-lieu-ca-nhan-{user_id}.xlsx"


# -- erasure ---------------------------------------------------------------------------------


def clean_reason(reason: str | None) -> str:
    text = nfc(reason)
    if not text:
        raise PrivacyRefused(
            "Vui lòng ghi lý do xoá (ví dụ: đơn yêu cầu của người tham gia ngày …)."
        )
    if len(text) > MAX_REASON_LENGTH:
        raise PrivacyRefused(f"Lý do dài {len(text)} ký tự; tối đa {MAX_REASON_LENGTH} ký tự.")
    return text


def unpublished_prize(
    user_id: int, now: datetime, grace: timedelta, computed: dict[int, dict] | None = None
) -> str | None:
    """Why the person's data must stay for now, or None: the prize they hold in a closed round
    whose results are not published yet (computed as the judges' page computes it; `computed`
    keeps each round's prizes across calls)."""
    computed = {} if computed is None else computed
    rounds = db.session.execute(
        select(Round)
        .join(RoundEntry, RoundEntry.round_id == Round.id)
        .where(
            RoundEntry.user_id == user_id,
            RoundEntry.voided_at.is_(None),
            Round.is_practice.is_(False),
            Round.results_status != "published",
        )
        .order_by(Round.closes_at, Round.id)
    ).scalars()
    for round_ in list(rounds):
        if not round_closed(round_, now, grace):
            continue
        if round_.id not in computed:
            computed[round_.id] = compute_prizes(round_)
        level = computed[round_.id].get(user_id)
        if level is not None:
            return (
                f"Người này đang giữ {prize_rules.LABELS[level]} ở vòng «{round_.title}» "
                f"(vòng {round_.number}) của cuộc thi «{round_.contest.title}», mà kết quả vòng "
                "này chưa công bố. Hãy xoá dữ liệu sau khi công bố kết quả vòng thi."
            )
    return None


def _erase_roster_lines(user: User) -> int:
    """Remove the staff-roster lines that name this person (by phone or email): the roster
    holds their name and contact too. Returns how many went; no commit."""
    matches = [
        column == value
        for column, value in ((RosterMember.phone, user.phone), (RosterMember.email, user.email))
        if value
    ]
    if not matches:
        return 0
    lines = db.session.execute(select(RosterMember).where(or_(*matches))).scalars().all()
    for line in lines:
        db.session.delete(line)
    return len(lines)


def _erase(user: User, now: datetime) -> tuple[int, int]:
    """Empty the person's fields, their history and their roster lines, and lock the account;
    no commit. Returns how many history lines were emptied and roster lines removed."""
    roster_lines = _erase_roster_lines(user)
    # Published lines freeze the person's data: blank it there too; each line keeps its
    # digest, so every seal still verifies (docs/results-seal.md).
    erase_person_lines(user.id)
    user.full_name = pseudonym(user.id)
    for name in ERASED_FIELDS[1:]:
        setattr(user, name, None)
    user.erased_at = now
    user.disabled_at = user.disabled_at or now
    # No password can match this (werkzeug reads no method in it); every session ends.
    user.password_hash = "!erased:" + secrets.token_hex(16)
    user.must_change_password = False
    user.session_version = (user.session_version or 0) + 1
    changes = db.session.execute(
        select(ProfileChange).where(
            ProfileChange.user_id == user.id, ProfileChange.field.in_(ERASED_HISTORY_FIELDS)
        )
    ).scalars()
    count = 0
    for change in changes:
        change.old_value = None
        change.new_value = None
        count += 1
    return count, roster_lines


def erase_person(
    user_id: int,
    actor: Actor,
    reason: str | None = None,
    *,
    now: datetime | None = None,
    grace: timedelta = timedelta(seconds=10),
) -> User:
    """Erase a participant's personal data, keeping their account row (pseudonymous, locked),
    attempts and entries. Refused for staff accounts, accounts already erased, and while the
    person holds a prize in a closed round whose results are unpublished. One commit."""
    text = clean_reason(reason) if reason is not None else None
    user = _person(user_id)
    now = now or utcnow()
    if user.erased_at is not None:
        db.session.rollback()
        raise PrivacyRefused("Dữ liệu cá nhân của tài khoản này đã được xoá trước đó.")
    if user.role in STAFF_ROLES:
        db.session.rollback()
        raise PrivacyRefused(
            "Chỉ xoá dữ liệu của người thi. Tài khoản Ban Tổ chức, Ban Giám khảo hoặc đầu mối "
            "hãy đổi vai trò hoặc khoá ở trang quản lý tài khoản trước."
        )
    held = unpublished_prize(user.id, now, grace)
    if held:
        db.session.rollback()
        raise PrivacyRefused(held)
    history, roster_lines = _erase(user, now)
    record(
        actor,
        "personal_data_erased",
        "user",
        user.id,
        {
            "reason": text,
            "fields": list(ERASED_FIELDS),
            "history_lines": history,
            "roster_lines": roster_lines,
        },
    )
    db.session.commit()
    return user


# -- retention -------------------------------------------------------------------------------


@dataclass
class ContestPurge:
    contest_id: int
    title: str
    erased: int = 0
    kept_newer: int = 0
    kept_prize: int = 0


@dataclass
class PurgeReport:
    dry_run: bool
    contests: list[ContestPurge] = field(default_factory=list)

    @property
    def erased(self) -> int:
        return sum(c.erased for c in self.contests)

    @property
    def kept(self) -> int:
        return sum(c.kept_newer + c.kept_prize for c in self.contests)


def retention_ends(contest: Contest) -> date | None:
    """The last day a contest's participants' data is kept, None: kept until erased by hand."""
    if contest.retention_days is None or contest.ends_on is None:
        return None
    return contest.ends_on + timedelta(days=contest.retention_days)


def due_contests(today: date) -> list[Contest]:
    """Contests whose retention is over (closed more than retention_days ago), not purged."""
    contests = db.session.execute(
        select(Contest)
        .where(
            Contest.retention_days.is_not(None),
            Contest.ends_on.is_not(None),
            Contest.personal_data_purged_at.is_(None),
        )
        .order_by(Contest.ends_on, Contest.id)
    ).scalars()
    return [c for c in contests if today > retention_ends(c)]


def _took_part(user_id_column, contest_ids):
    return exists().where(
        Attempt.user_id == user_id_column,
        Attempt.round_id == Round.id,
        Round.contest_id.in_(contest_ids),
    )


def purge(
    actor: Actor,
    *,
    dry_run: bool,
    now: datetime | None = None,
    grace: timedelta = timedelta(seconds=10),
) -> PurgeReport:
    """For every contest whose retention is over, erase the personal data of its participants
    who took part in no other contest still kept (a newer or open one, or one kept until erased
    by hand); then mark the contest purged. A person holding an unpublished prize is kept, and
    their contest is not marked (the next run tries again). One commit per contest; nothing
    with `dry_run`."""
    now = now or utcnow()
    today = to_vietnam(now).date()
    report = PurgeReport(dry_run=dry_run)
    due = due_contests(today)
    if not due:
        db.session.rollback()
        return report
    done_ids = set(
        db.session.execute(
            select(Contest.id).where(Contest.personal_data_purged_at.is_not(None))
        ).scalars()
    )
    finished = done_ids | {c.id for c in due}
    kept_ids = list(
        db.session.execute(select(Contest.id).where(Contest.id.not_in(finished))).scalars()
    )
    seen: set[int] = set()
    computed: dict[int, dict] = {}
    for contest in due:
        line = ContestPurge(contest.id, contest.title)
        report.contests.append(line)
        people = db.session.execute(
            select(User)
            .where(
                _took_part(User.id, [contest.id]),
                User.role == Role.PARTICIPANT,
                User.erased_at.is_(None),
            )
            .order_by(User.id)
        ).scalars()
        for user in list(people):
            if user.id in seen:
                continue
            seen.add(user.id)
            if kept_ids and db.session.execute(select(_took_part(user.id, kept_ids))).scalar():
                line.kept_newer += 1
                continue
            if unpublished_prize(user.id, now, grace, computed):
                line.kept_prize += 1
                continue
            line.erased += 1
            if not dry_run:
                _erase(user, now)
                record(
                    actor,
                    "personal_data_erased",
                    "user",
                    user.id,
                    {
                        "reason": "retention",
                        "contest_id": contest.id,
                        "fields": list(ERASED_FIELDS),
                    },
                )
        if dry_run:
            continue
        if not line.kept_prize:
            contest.personal_data_purged_at = now
        record(
            actor,
            "personal_data_purged",
            "contest",
            contest.id,
            {
                "erased": line.erased,
                "kept_newer": line.kept_newer,
                "kept_prize": line.kept_prize,
                "retention_days": contest.retention_days,
            },
        )
        db.session.commit()
    if dry_run:
        db.session.rollback()
    return report


# -- the notice ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeContest:
    title: str
    slug: str
    status: str
    ends_on: date | None
    retention_days: int | None
    retention_ends: date | None
    purged: bool
    organizer_name: str | None
    contact_phone: str | None
    contact_email: str | None
    hotline: str | None


def notice_contests() -> list[NoticeContest]:
    """The contests people can see (open or closed), with their retention and contacts."""
    contests = db.session.execute(
        select(Contest)
        .where(Contest.status.in_((ContestStatus.OPEN, ContestStatus.CLOSED)))
        .order_by(Contest.id.desc())
    ).scalars()
    return [
        NoticeContest(
            c.title,
            c.slug,
            c.status,
            c.ends_on,
            c.retention_days,
            retention_ends(c),
            c.personal_data_purged_at is not None,
            c.organizer_name,
            c.contact_phone,
            c.contact_email,
            c.hotline,
        )
        for c in contests
    ]


__all__ = [
    "ERASED_FIELDS",
    "PrivacyRefused",
    "PurgeReport",
    "erase_person",
    "export_person",
    "notice_contests",
    "purge",
]

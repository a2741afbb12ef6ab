"""Writing and reading the audit log (who did what to which object, from where).

`record` adds a line to the caller's transaction, so that the action and its trace are saved
together or not at all; `record_and_commit` is for actions that change nothing else (a file
downloaded). Nothing here changes or removes a line: the table refuses it anyway.

The organizers' viewer reads the log through `search` (one page) and `iter_lines` (the
export), with the filters of `AuditFilters`; `ACTION_LABELS` names every action in Vietnamese
(a feature that records a new action adds its label here).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, and_, func, or_, select

from contest.domain.clock import from_vietnam, to_vietnam
from contest.extensions import db
from contest.models import AuditEvent, User
from contest.paging import Page, clamp_page
from contest.text import fold, nfc, normalize_phone, thousands


@dataclass(frozen=True)
class Actor:
    """Who acts and from which address: a staff account in the browser, or the command line."""

    user_id: int | None
    address: str | None = None


COMMAND_LINE = Actor(user_id=None, address="cli")
# What the column holds (an IPv6 address with its zone fits).
MAX_ADDRESS = 64
# Long texts (a question's wording) are kept in a line this far, with "…" after.
MAX_LOGGED_TEXT = 300

# Every action recorded anywhere, with its words on the organizers' page. The dotted names are
# the contest setup's; the others name what was done to what.
ACTION_LABELS: dict[str, str] = {
    # Contests, announcements and rounds (contest/setup).
    "contest.created": "Tạo cuộc thi",
    "contest.changed": "Sửa thiết lập cuộc thi",
    "contest.status_changed": "Đổi trạng thái cuộc thi",
    "contest.emblem_set": "Đặt biểu trưng cuộc thi",
    "contest.emblem_removed": "Gỡ biểu trưng cuộc thi",
    "announcement.created": "Thêm thông báo",
    "announcement.changed": "Sửa thông báo",
    "announcement.deleted": "Xóa thông báo",
    "round.created": "Thêm vòng thi",
    "round.changed": "Sửa vòng thi",
    "round.closed_early": "Đóng sớm vòng thi",
    "round.cancelled": "Hủy vòng thi",
    "round.moved": "Đổi thứ tự vòng thi",
    # The question bank and the agency list.
    "question_imported": "Nhập ngân hàng câu hỏi",
    "question_created": "Thêm câu hỏi",
    "question_edited": "Sửa câu hỏi",
    "question_retired": "Ngừng dùng câu hỏi",
    "question_restored": "Khôi phục câu hỏi",
    "question_regraded": "Chấm lại theo đáp án đã sửa",
    "agencies_imported": "Nhập danh sách cơ quan, đơn vị",
    # Results.
    "results_status_changed": "Đổi trạng thái kết quả",
    "results_published": "Công bố kết quả",
    "entry_voided": "Hủy kết quả bài thi",
    "entry_restored": "Khôi phục kết quả bài thi",
    "entry_cleared": "Xác nhận bài thi nhanh bất thường là hợp lệ",
    # Files taken out of the application.
    "export_downloaded": "Tải tệp xuất dữ liệu",
    # Accounts and people.
    "login": "Đăng nhập tài khoản cán bộ",
    "user.created": "Tạo tài khoản",
    "user.role_changed": "Đổi vai trò tài khoản",
    "user.disabled": "Khóa tài khoản",
    "user.enabled": "Mở lại tài khoản",
    "user.password_reset": "Cấp lại mật khẩu",
    "roster_imported": "Nhập danh sách cán bộ",
    "ineligible_marked": "Đánh dấu không được xét giải",
    "eligible_marked": "Bỏ đánh dấu không được xét giải",
    "ineligible_imported": "Nhập danh sách không được xét giải",
    "personal_data_exported": "Xuất dữ liệu cá nhân",
    "personal_data_erased": "Xóa dữ liệu cá nhân",
    "personal_data_purged": "Xóa dữ liệu cá nhân hết thời hạn lưu trữ",
}

# What each object type is called, and the page that shows one (endpoint, its id argument);
# the viewer links to it when the endpoint exists.
OBJECT_LABELS: dict[str, str] = {
    "contest": "Cuộc thi",
    "round": "Vòng thi",
    "announcement": "Thông báo",
    "question": "Câu hỏi",
    "bank_upload": "Tệp câu hỏi tải lên",
    "agency": "Cơ quan, đơn vị",
    "user": "Tài khoản",
    "round_entry": "Kết quả bài thi",
    "attempt": "Bài thi",
}
OBJECT_PAGES: dict[str, tuple[str, str]] = {
    "contest": ("contests.edit", "contest_id"),
    "round": ("judge.ranking", "round_id"),
    "announcement": ("contests.edit_announcement", "announcement_id"),
    "question": ("bank.edit", "question_id"),
    "bank_upload": ("bank.upload_result", "upload_id"),
}
# Actions after which the object is gone: no link to it.
REMOVING_ACTIONS = frozenset({"round.cancelled", "announcement.deleted"})

# Keys of `details`, as the viewer shows them; a key not listed is shown as it is.
DETAIL_LABELS: dict[str, str] = {
    "file": "Tệp",
    "sha256": "Mã SHA-256",
    "added": "Thêm mới",
    "updated": "Cập nhật",
    "unchanged": "Không đổi",
    "upload_id": "Mã tệp tải lên",
    "kind": "Loại",
    "copy": "Bản",
    "filters": "Bộ lọc",
    "rows": "Số dòng",
    "round_id": "Mã vòng thi",
    "contest_id": "Mã cuộc thi",
    "version": "Lần công bố",
    "reason": "Lý do",
    "entries": "Số người trong bảng",
    "status": "Trạng thái",
    "text": "Nội dung",
    "options": "Các phương án",
    "correct": "Đáp án đúng",
    "topic": "Chủ đề",
    "difficulty": "Mức độ",
    "explanation": "Giải thích",
    "source": "Căn cứ",
    "active": "Đang dùng",
    "group": "Đối tượng",
    "agency_id": "Mã cơ quan, đơn vị",
    "agency_code": "Mã cơ quan, đơn vị (mã trong danh sách)",
    "include_retired": "Gồm câu đã ngừng dùng",
    "action": "Thao tác",
    "actor": "Người thực hiện",
    "object_type": "Loại đối tượng",
    "object_id": "Mã đối tượng",
    "since": "Từ ngày",
    "until": "Đến ngày",
    "title": "Tên",
    "number": "Số thứ tự",
    "changes": "Thay đổi",
}
# Values of a few keys, in words.
VALUE_LABELS: dict[str, dict[str, str]] = {
    "copy": {"judges": "dành cho Ban Giám khảo", "public": "công khai"},
    "status": {"draft": "bản nháp", "reviewed": "đã rà soát", "published": "đã công bố"},
    "kind": {
        "ranking": "bảng xếp hạng cá nhân",
        "agencies": "thống kê theo cơ quan, đơn vị",
        "entries": "danh sách lượt thi",
        "prizes": "danh sách đạt giải",
        "questions": "thống kê theo câu hỏi",
        "bank": "ngân hàng câu hỏi",
        "bank_errors": "tệp câu hỏi kèm lỗi",
        "audit_log": "nhật ký thao tác",
        "focal_people": "danh sách người đăng ký của đơn vị",
        "personal_data": "dữ liệu cá nhân của một người",
    },
}
# Keys whose values are counts, grouped as 240.000; ids and numbers stay as they are.
COUNT_KEYS = frozenset({"added", "updated", "unchanged", "rows", "entries"})
# A typed "who" that means the command line.
COMMAND_LINE_WORDS = {"dong lenh", "cli"}
COMMAND_LINE_LABEL = "Dòng lệnh"


def short(value: str | None, limit: int = MAX_LOGGED_TEXT) -> str | None:
    """A text cut to `limit` characters for a log line, with "…" when it was longer."""
    if value is None or len(value) <= limit:
        return value
    return value[: limit - 1] + "…"


def record(
    actor: Actor,
    action: str,
    object_type: str | None = None,
    object_id: int | None = None,
    details: dict | None = None,
) -> AuditEvent:
    """Add one line to the current transaction; the caller commits."""
    event = AuditEvent(
        actor_id=actor.user_id,
        address=(actor.address or None) and actor.address[:MAX_ADDRESS],
        action=action,
        object_type=object_type,
        object_id=object_id,
        details=details or {},
    )
    db.session.add(event)
    return event


def record_and_commit(
    actor: Actor,
    action: str,
    object_type: str | None = None,
    object_id: int | None = None,
    details: dict | None = None,
) -> AuditEvent:
    """One line on its own, committed: for actions that change nothing else (a download)."""
    event = record(actor, action, object_type, object_id, details)
    db.session.commit()
    return event


def record_export(
    actor: Actor,
    kind: str,
    rows: int | None,
    object_type: str | None = None,
    object_id: int | None = None,
    **details,
) -> AuditEvent:
    """A file of the application's data downloaded (or written by the command line)."""
    details = {"kind": kind, **details}
    if isinstance(details.get("filters"), dict):
        details["filters"] = {k: v for k, v in details["filters"].items() if v is not None}
    if rows is not None:
        details["rows"] = rows
    return record_and_commit(actor, "export_downloaded", object_type, object_id, details)


def events_for(object_type: str, object_id: int, limit: int = 200) -> list[AuditEvent]:
    """The latest lines about one object, newest first."""
    return list(
        db.session.execute(
            select(AuditEvent)
            .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
            .order_by(AuditEvent.id.desc())
            .limit(limit)
        ).scalars()
    )


# -- reading the log -------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    """What the organizer asked for; empty values mean "any". Dates are Vietnam days, both
    included."""

    action: str | None = None
    actor: str = ""
    object_type: str | None = None
    object_id: int | None = None
    since: date | None = None
    until: date | None = None

    def as_details(self) -> dict:
        """The filters given, for the export's own audit line and title."""
        values = {
            "action": self.action,
            "actor": self.actor or None,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "since": self.since.strftime("%d/%m/%Y") if self.since else None,
            "until": self.until.strftime("%d/%m/%Y") if self.until else None,
        }
        return {name: value for name, value in values.items() if value is not None}


@dataclass(frozen=True)
class AuditLine:
    """One line of the log with its actor's name and role (None for the command line)."""

    event: AuditEvent
    actor_name: str | None
    actor_role: str | None

    @property
    def label(self) -> str:
        return ACTION_LABELS.get(self.event.action, self.event.action)

    @property
    def when(self) -> str:
        """ "04/12/2026 08:05:09", Vietnam time."""
        return to_vietnam(self.event.at).strftime("%d/%m/%Y %H:%M:%S")

    @property
    def object_label(self) -> str | None:
        kind = self.event.object_type
        return OBJECT_LABELS.get(kind, kind) if kind else None

    @property
    def actor_label(self) -> str:
        """ "Nguyễn Văn An (Ban Tổ chức)", or "Dòng lệnh"."""
        if self.event.actor_id is None:
            return COMMAND_LINE_LABEL
        role = role_label(self.actor_role)
        name = self.actor_name or f"Tài khoản số {self.event.actor_id}"
        return f"{name} ({role})" if role else name

    @property
    def detail_lines(self) -> list[tuple[str, str]]:
        return describe_details(self.event.details)

    @property
    def details_text(self) -> str:
        return "; ".join(f"{key}: {value}" for key, value in self.detail_lines)


def role_label(role: str | None) -> str | None:
    # Imported here: the accounts' service records its own lines through this module.
    from contest.users.service import ROLE_LABELS

    return ROLE_LABELS.get(role, role) if role else None


def vietnam_day_start(day: date) -> datetime:
    """Midnight of a Vietnam day, as the naive UTC the log stores."""
    return from_vietnam(datetime.combine(day, time.min))


def _actor_condition(text: str):
    """Lines by people whose name contains every word typed (diacritics ignored) or whose
    phone contains the digits typed; "dòng lệnh" for the command line."""
    folded = fold(text)
    if folded in COMMAND_LINE_WORDS:
        return AuditEvent.actor_id.is_(None)
    matches = [and_(*(User.name_key.contains(word, autoescape=True) for word in folded.split()))]
    phone = normalize_phone(text)
    if phone.isdigit() and len(phone) >= 3:
        matches.append(User.phone.contains(phone, autoescape=True))
    return or_(*matches)


def filtered(filters: AuditFilters) -> Select:
    query = select(AuditEvent, User.full_name, User.role).outerjoin(
        User, User.id == AuditEvent.actor_id
    )
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    actor = nfc(filters.actor)
    if actor and fold(actor):
        query = query.where(_actor_condition(actor))
    if filters.object_type:
        query = query.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id is not None:
        query = query.where(AuditEvent.object_id == filters.object_id)
    if filters.since is not None:
        query = query.where(AuditEvent.at >= vietnam_day_start(filters.since))
    if filters.until is not None and filters.until < date.max:
        query = query.where(AuditEvent.at < vietnam_day_start(filters.until + timedelta(days=1)))
    return query


def search(filters: AuditFilters, page: int = 1, per_page: int = 50) -> Page:
    """One page of the log, newest first; its items are `AuditLine`s."""
    query = filtered(filters)
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    page = clamp_page(page)
    rows = db.session.execute(
        query.order_by(AuditEvent.id.desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return Page([AuditLine(*row) for row in rows], page, per_page, total)


def iter_lines(filters: AuditFilters, limit: int | None = None) -> Iterator[AuditLine]:
    """Every line the filters keep, newest first, read in batches."""
    query = filtered(filters).order_by(AuditEvent.id.desc())
    if limit is not None:
        query = query.limit(limit)
    for row in db.session.execute(query.execution_options(yield_per=1000)):
        yield AuditLine(*row)


# -- details as words ------------------------------------------------------------------------


def describe_value(value: object, key: str | None = None) -> str:
    """A stored value as a person reads it."""
    if value is None or value == "" or value == [] or value == {}:
        return "(trống)"
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, str):
        return VALUE_LABELS.get(key or "", {}).get(value, value)
    if isinstance(value, int) and key in COUNT_KEYS:
        return thousands(value)
    if isinstance(value, list | tuple):
        return ", ".join(describe_value(item, key) for item in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{DETAIL_LABELS.get(k, k)}: {describe_value(v, k)}" for k, v in value.items()
        )
    return str(value)


def describe_details(details: dict | None) -> list[tuple[str, str]]:
    """(label, value) lines: each field of a before/after as "before → after", then the rest."""
    if not isinstance(details, dict):
        return [] if details in (None, "") else [("", str(details))]
    lines: list[tuple[str, str]] = []
    before, after = details.get("before"), details.get("after")
    if isinstance(before, dict) or isinstance(after, dict):
        before, after = before or {}, after or {}
        for name in dict.fromkeys([*before, *after]):
            label = DETAIL_LABELS.get(name, name)
            if name in before and name in after:
                text = f"{describe_value(before[name], name)} → {describe_value(after[name], name)}"
            elif name in after:
                text = describe_value(after[name], name)
            else:
                text = f"{describe_value(before[name], name)} (đã bỏ)"
            lines.append((label, text))
    for name, value in details.items():
        if name in ("before", "after") and (isinstance(before, dict) or isinstance(after, dict)):
            continue
        lines.append((DETAIL_LABELS.get(name, name), describe_value(value, name)))
    return lines

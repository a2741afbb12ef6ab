"""Organizers create and run their contests: settings, status, emblem. Every change is audited.

Each function checks what it is given, changes the contest, records one audit line with the
fields before and after, and commits; a refusal (`ContestRefused`) changes nothing. The same
functions serve the console's pages and `flask contests …`.
"""

import re
import unicodedata
from dataclasses import dataclass, field, fields
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer

from contest.audit.service import Actor, record
from contest.domain.statistics import COLLECTIVE_MEASURES
from contest.extensions import db
from contest.models import Contest, ContestStatus, ParticipantGroup
from contest.models.contest import REQUIRABLE_FIELDS
from contest.text import EMAIL_PATTERN, fold, nfc, normalize_phone

STATUS_LABELS = {
    ContestStatus.DRAFT: "Bản nháp",
    ContestStatus.OPEN: "Đang mở",
    ContestStatus.CLOSED: "Đã đóng",
    ContestStatus.ARCHIVED: "Đã lưu trữ",
}

# The status a contest may move to from each status.
TRANSITIONS = {
    ContestStatus.DRAFT: (ContestStatus.OPEN, ContestStatus.ARCHIVED),
    ContestStatus.OPEN: (ContestStatus.CLOSED,),
    ContestStatus.CLOSED: (ContestStatus.OPEN, ContestStatus.ARCHIVED),
    ContestStatus.ARCHIVED: (),
}

# What each move is called on buttons and in messages.
STATUS_ACTIONS = {
    ContestStatus.OPEN: "Mở cuộc thi",
    ContestStatus.CLOSED: "Đóng cuộc thi",
    ContestStatus.ARCHIVED: "Lưu trữ",
}

REQUIRABLE_LABELS = {
    "national_id": "Số CCCD",
    "email": "Thư điện tử",
    "phone": "Số điện thoại",
    "date_of_birth": "Ngày sinh",
    "address": "Địa chỉ",
    "agency_id": "Cơ quan, đơn vị",
}

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_LENGTH = (3, 80)
# Words a contest's address may not be: the app's own top-level paths and likely future ones.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "api",
        "bai-thi",
        "bai-thi-cua-toi",
        "bieu-trung",
        "cuoc-thi",
        "dang-ky",
        "dang-nhap",
        "dang-xuat",
        "doi-mat-khau",
        "giam-khao",
        "healthz",
        "ket-qua",
        "login",
        "logout",
        "moi",
        "quen-mat-khau",
        "static",
        "sua",
        "tai-khoan",
        "the-le",
        "thong-bao",
        "to-chuc",
        "vong",
    }
)
# Landlines (0 + area code + number, 11 digits) as well as mobiles (10 digits).
CONTACT_PHONE_PATTERN = re.compile(r"^0\d{9,10}$")
ACCESS_CODE_LENGTH = (4, 64)
RULES_TEXT_LIMIT = 20_000
EMBLEM_LIMIT = 512 * 1024
# The first bytes of each accepted image type; nothing else (SVG can carry scripts) is taken.
EMBLEM_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
RULES_FIELDS = ("rules_intro", "rules_participants", "rules_prizes", "rules_complaints")
# Never written to the audit log as they are.
SECRET_FIELDS = ("access_code",)


@dataclass
class ContestSettings:
    """Everything an organizer edits about a contest (its status and emblem aside)."""

    title: str
    slug: str
    summary: str | None = None
    organizer_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    hotline: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    rules_intro: str = ""
    rules_participants: str = ""
    rules_prizes: str = ""
    rules_complaints: str = ""
    required_fields: list[str] = field(default_factory=list)
    minimum_age: int | None = None
    access_code: str | None = None
    results_visible: bool = True
    participation_target: int | None = None
    eligible_groups: list[str] = field(default_factory=list)
    several_prizes_per_person: bool = False
    collective_measure: str = "participation_rate"
    retention_days: int | None = None


SETTING_NAMES = tuple(f.name for f in fields(ContestSettings))


class ContestRefused(Exception):
    """The contest cannot be saved so: `field` names the setting, `message` says why (Vietnamese).

    `problems` holds every (field, message) found, the first of them being `field`/`message`."""

    def __init__(self, field_name: str, message: str, problems: list[tuple[str, str]] = None):
        super().__init__(message)
        self.field = field_name
        self.message = message
        self.problems = problems or [(field_name, message)]


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def slug_from_title(title: str | None) -> str:
    """ "Cuộc thi Cải cách hành chính 2026" to "cuoc-thi-cai-cach-hanh-chinh-2026" (≤ 80)."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(title)).strip("-")
    if len(slug) > SLUG_LENGTH[1]:
        slug = slug[: SLUG_LENGTH[1]].rsplit("-", 1)[0]
    return slug


def _multiline(value: str | None) -> str:
    """NFC, Windows line ends made plain, outer blank space trimmed; inner lines kept."""
    text = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def _optional(value: str | None) -> str | None:
    return nfc(value) or None


def clean_settings(settings: ContestSettings, contest_id: int | None = None) -> ContestSettings:
    """The settings as they will be stored, or ContestRefused listing every problem found."""
    problems: list[tuple[str, str]] = []

    def refuse(name: str, message: str) -> None:
        problems.append((name, message))

    title = nfc(settings.title)
    if not title:
        refuse("title", "Vui lòng nhập tên cuộc thi.")
    elif len(title) > 300:
        refuse("title", f"Tên cuộc thi dài {len(title)} ký tự; tối đa 300 ký tự.")

    slug = nfc(settings.slug).lower() or slug_from_title(title)
    low, high = SLUG_LENGTH
    if not slug:
        refuse("slug", "Vui lòng nhập địa chỉ (đường dẫn) của cuộc thi.")
    elif not SLUG_PATTERN.match(slug):
        refuse(
            "slug",
            f"Địa chỉ «{slug}» chỉ được gồm chữ thường không dấu (a–z), chữ số và dấu gạch "
            "ngang giữa các từ, ví dụ cai-cach-hanh-chinh-2026.",
        )
    elif not low <= len(slug) <= high:
        refuse("slug", f"Địa chỉ dài {len(slug)} ký tự; cần từ {low} đến {high} ký tự.")
    elif slug in RESERVED_SLUGS:
        refuse("slug", f"Địa chỉ «{slug}» trùng với một trang của hệ thống; hãy chọn địa chỉ khác.")
    else:
        taken = db.session.execute(
            select(Contest.id, Contest.title).where(
                Contest.slug == slug, Contest.id != (contest_id or 0)
            )
        ).first()
        if taken:
            refuse(
                "slug",
                f"Địa chỉ «{slug}» đã được cuộc thi «{taken.title}» dùng; hãy chọn địa chỉ khác.",
            )

    summary = _optional(settings.summary)
    if summary and len(summary) > 500:
        refuse("summary", f"Giới thiệu ngắn dài {len(summary)} ký tự; tối đa 500 ký tự.")
    organizer_name = _optional(settings.organizer_name)
    if organizer_name and len(organizer_name) > 300:
        refuse("organizer_name", "Tên cơ quan tổ chức tối đa 300 ký tự.")
    hotline = _optional(settings.hotline)
    if hotline and len(hotline) > 200:
        refuse("hotline", "Dòng đường dây nóng tối đa 200 ký tự.")

    contact_phone = _optional(settings.contact_phone)
    if contact_phone:
        typed, contact_phone = contact_phone, normalize_phone(contact_phone)
        if not CONTACT_PHONE_PATTERN.match(contact_phone):
            refuse(
                "contact_phone",
                f"Số điện thoại «{typed}» không hợp lệ: cần 10 chữ số (di động, ví dụ "
                "0912345678) hoặc 11 chữ số (cố định, ví dụ 02383123456).",
            )
    contact_email = _optional(settings.contact_email)
    if contact_email and (len(contact_email) > 254 or not EMAIL_PATTERN.match(contact_email)):
        refuse(
            "contact_email",
            f"Thư điện tử «{contact_email}» không hợp lệ, ví dụ bantochuc@sonoivu.gov.vn.",
        )

    if settings.starts_on and settings.ends_on and settings.starts_on > settings.ends_on:
        refuse("ends_on", "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu.")

    rules = {}
    for name in RULES_FIELDS:
        rules[name] = _multiline(getattr(settings, name))
        if len(rules[name]) > RULES_TEXT_LIMIT:
            refuse(name, f"Đoạn thể lệ này tối đa {RULES_TEXT_LIMIT:,} ký tự.".replace(",", "."))

    required = list(dict.fromkeys(settings.required_fields or []))
    unknown = [name for name in required if name not in REQUIRABLE_FIELDS]
    if unknown:
        refuse("required_fields", f"Không có thông tin bắt buộc nào tên {', '.join(unknown)}.")
    required = [name for name in REQUIRABLE_FIELDS if name in required]

    groups = list(dict.fromkeys(settings.eligible_groups or []))
    known_groups = [str(group) for group in ParticipantGroup]
    unknown = [group for group in groups if group not in known_groups]
    if unknown:
        refuse("eligible_groups", f"Không có nhóm đối tượng nào tên {', '.join(unknown)}.")
    groups = [group for group in known_groups if group in groups]

    if settings.minimum_age is not None and not 1 <= settings.minimum_age <= 120:
        refuse("minimum_age", "Tuổi tối thiểu phải từ 1 đến 120 (để trống nếu không giới hạn).")
    if settings.participation_target is not None and not 1 <= settings.participation_target <= 100:
        refuse(
            "participation_target",
            "Chỉ tiêu tỷ lệ tham gia phải từ 1 đến 100 (%) (để trống nếu không đặt).",
        )

    access_code = nfc(settings.access_code) or None
    low, high = ACCESS_CODE_LENGTH
    if access_code and not low <= len(access_code) <= high:
        refuse(
            "access_code",
            f"Mã tham gia cần từ {low} đến {high} ký tự (để trống nếu không dùng mã).",
        )

    if settings.retention_days is not None and not 1 <= settings.retention_days <= 3650:
        refuse(
            "retention_days",
            "Thời hạn lưu dữ liệu cá nhân phải từ 1 đến 3650 ngày (để trống: lưu đến khi "
            "có yêu cầu xoá).",
        )

    if settings.collective_measure not in COLLECTIVE_MEASURES:
        refuse("collective_measure", "Cách xếp hạng tập thể không có trong danh sách.")

    if problems:
        raise ContestRefused(*problems[0], problems=problems)
    return ContestSettings(
        title=title,
        slug=slug,
        summary=summary,
        organizer_name=organizer_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        hotline=hotline,
        starts_on=settings.starts_on,
        ends_on=settings.ends_on,
        **rules,
        required_fields=required,
        minimum_age=settings.minimum_age,
        access_code=access_code,
        results_visible=bool(settings.results_visible),
        participation_target=settings.participation_target,
        eligible_groups=groups,
        several_prizes_per_person=bool(settings.several_prizes_per_person),
        collective_measure=settings.collective_measure,
        retention_days=settings.retention_days,
    )


def settings_of(contest: Contest) -> ContestSettings:
    """A contest's current settings, to fill the edit form."""
    return ContestSettings(
        **{
            name: (list(value) if isinstance(value, list) else value)
            for name in SETTING_NAMES
            for value in [getattr(contest, name)]
        }
    )


def _logged(name: str, value):
    """A setting's value as the audit log keeps it: dates as text, secrets never."""
    if name in SECRET_FIELDS:
        return "set" if value else None
    if isinstance(value, date):
        return value.isoformat()
    return value


def _changes(contest: Contest, cleaned: ContestSettings) -> dict[str, dict]:
    before, after = {}, {}
    for name in SETTING_NAMES:
        old, new = getattr(contest, name), getattr(cleaned, name)
        if old == new:
            continue
        before[name] = _logged(name, old)
        after[name] = "changed" if name in SECRET_FIELDS and new else _logged(name, new)
    return {"before": before, "after": after}


def _get(contest_id: int) -> Contest:
    contest = db.session.get(Contest, contest_id)
    if contest is None:
        raise ContestRefused("contest", f"Không tìm thấy cuộc thi số {contest_id}.")
    return contest


def _commit_slug(slug: str) -> None:
    """Commit; two organizers saving the same address at once: the second is told."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ContestRefused(
            "slug", f"Địa chỉ «{slug}» vừa được một cuộc thi khác dùng; hãy chọn địa chỉ khác."
        ) from None


def create_contest(settings: ContestSettings, actor: Actor) -> Contest:
    """A new contest, as a draft. Commits."""
    cleaned = clean_settings(settings)
    contest = Contest(status=ContestStatus.DRAFT, **vars(cleaned))
    db.session.add(contest)
    db.session.flush()
    after = {
        name: _logged(name, getattr(cleaned, name))
        for name in SETTING_NAMES
        if getattr(cleaned, name) not in (None, "", [])
    }
    record(actor, "contest.created", "contest", contest.id, {"before": {}, "after": after})
    _commit_slug(cleaned.slug)
    return contest


def update_contest(contest_id: int, settings: ContestSettings, actor: Actor) -> dict[str, dict]:
    """Save a contest's settings; returns the changes (before/after, nothing when none).
    Commits; records an audit line only when something changed."""
    contest = _get(contest_id)
    cleaned = clean_settings(settings, contest_id=contest.id)
    changes = _changes(contest, cleaned)
    if not changes["after"] and not changes["before"]:
        return changes
    for name in changes["before"]:
        setattr(contest, name, getattr(cleaned, name))
    record(actor, "contest.changed", "contest", contest.id, changes)
    _commit_slug(cleaned.slug)
    return changes


def set_status(contest_id: int, status: str, actor: Actor) -> Contest:
    """Open, close, reopen or archive a contest along TRANSITIONS. Commits."""
    contest = _get(contest_id)
    try:
        target = ContestStatus(status)
    except ValueError:
        raise ContestRefused(
            "status", f"Không có trạng thái cuộc thi nào tên «{status}»."
        ) from None
    current = ContestStatus(contest.status)
    if target == current:
        raise ContestRefused(
            "status", f"Cuộc thi «{contest.title}» đã ở trạng thái «{status_label(current)}»."
        )
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(f"«{status_label(s)}»" for s in TRANSITIONS[current])
        hint = f" Từ trạng thái này chỉ chuyển được sang {allowed}." if allowed else ""
        raise ContestRefused(
            "status",
            f"Không thể chuyển cuộc thi «{contest.title}» từ «{status_label(current)}» sang "
            f"«{status_label(target)}».{hint}",
        )
    contest.status = target
    record(
        actor,
        "contest.status_changed",
        "contest",
        contest.id,
        {"before": {"status": str(current)}, "after": {"status": str(target)}},
    )
    db.session.commit()
    return contest


def emblem_type(data: bytes) -> str | None:
    """The image type the bytes begin with (PNG, JPEG, GIF, WebP), else None."""
    for signature, kind in EMBLEM_SIGNATURES:
        if data.startswith(signature):
            return kind
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def set_emblem(contest_id: int, data: bytes, actor: Actor) -> Contest:
    """Store the organizing body's emblem (PNG, JPEG, GIF or WebP, at most 512 KB). Commits."""
    contest = _get(contest_id)
    data = data or b""
    if not data:
        raise ContestRefused("emblem", "Tệp biểu trưng trống; hãy chọn một tệp ảnh.")
    if len(data) > EMBLEM_LIMIT:
        raise ContestRefused(
            "emblem",
            f"Tệp biểu trưng nặng {len(data) // 1024} KB; tối đa {EMBLEM_LIMIT // 1024} KB.",
        )
    kind = emblem_type(data)
    if kind is None:
        raise ContestRefused(
            "emblem",
            "Tệp biểu trưng không phải ảnh PNG, JPEG, GIF hay WebP; hãy chọn tệp ảnh khác.",
        )
    before = {"emblem": "set" if contest.emblem_type else None, "emblem_type": contest.emblem_type}
    contest.emblem, contest.emblem_type = data, kind
    record(
        actor,
        "contest.emblem_set",
        "contest",
        contest.id,
        {"before": before, "after": {"emblem": "changed", "emblem_type": kind, "size": len(data)}},
    )
    db.session.commit()
    return contest


def remove_emblem(contest_id: int, actor: Actor) -> bool:
    """Remove the emblem; False when there was none (nothing recorded). Commits."""
    contest = _get(contest_id)
    if contest.emblem_type is None and contest.emblem is None:
        return False
    before = {"emblem": "set", "emblem_type": contest.emblem_type}
    contest.emblem, contest.emblem_type = None, None
    record(
        actor,
        "contest.emblem_removed",
        "contest",
        contest.id,
        {"before": before, "after": {"emblem": None, "emblem_type": None}},
    )
    db.session.commit()
    return True


def list_contests() -> list[Contest]:
    """Every contest, newest first, without loading the emblems' bytes."""
    return list(
        db.session.execute(
            select(Contest).options(defer(Contest.emblem)).order_by(Contest.id.desc())
        ).scalars()
    )


def find_contest(identifier: str) -> Contest:
    """A contest by its number or its address (slug), for the command line."""
    identifier = (identifier or "").strip()
    if identifier.isdigit():
        contest = db.session.get(Contest, int(identifier))
    else:
        contest = db.session.execute(
            select(Contest).where(func.lower(Contest.slug) == identifier.lower())
        ).scalar_one_or_none()
    if contest is None:
        raise ContestRefused("contest", f"Không tìm thấy cuộc thi «{identifier}».")
    return contest

"""Short notices on a contest's home page, each shown between two moments. Audited.

Organizers type the moments in Vietnam time; they are stored as naive UTC like every time in
the database. Each change commits; a refusal (`ContestRefused`) changes nothing.
"""

import unicodedata
from datetime import datetime

from sqlalchemy import or_, select

from contest.audit.service import Actor, record
from contest.domain.clock import from_vietnam
from contest.domain.vn_dates import format_vn_datetime
from contest.extensions import db
from contest.models import Announcement, Contest
from contest.setup.contest_editing import ContestRefused

TEXT_LIMIT = 1000


def _clean(text: str | None, starts_at: datetime | None, ends_at: datetime | None) -> str:
    """The notice's text as stored; refuses an empty or long text and a window that ends
    before it starts (times in Vietnam time)."""
    problems = []
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").strip()
    if not text:
        problems.append(("text", "Vui lòng nhập nội dung thông báo."))
    elif len(text) > TEXT_LIMIT:
        problems.append(("text", f"Thông báo dài {len(text)} ký tự; tối đa {TEXT_LIMIT} ký tự."))
    if starts_at is None:
        problems.append(("starts_at", "Vui lòng nhập thời điểm bắt đầu hiển thị."))
    elif ends_at is not None and ends_at <= starts_at:
        problems.append(
            (
                "ends_at",
                f"Thời điểm kết thúc ({format_vn_datetime(ends_at)}) phải sau thời điểm bắt đầu "
                f"({format_vn_datetime(starts_at)}).",
            )
        )
    if problems:
        raise ContestRefused(*problems[0], problems=problems)
    return text


def _logged(announcement: Announcement) -> dict:
    """What the audit log keeps of a notice: its text and window in UTC."""
    return {
        "text": announcement.text,
        "starts_at": announcement.starts_at.isoformat(),
        "ends_at": announcement.ends_at.isoformat() if announcement.ends_at else None,
    }


def _get(announcement_id: int) -> Announcement:
    announcement = db.session.get(Announcement, announcement_id)
    if announcement is None:
        raise ContestRefused("announcement", f"Không tìm thấy thông báo số {announcement_id}.")
    return announcement


def add_announcement(
    contest_id: int,
    text: str,
    starts_at: datetime,
    ends_at: datetime | None,
    actor: Actor,
) -> Announcement:
    """A new notice shown from `starts_at` until `ends_at` (Vietnam time; None: no end)."""
    if db.session.get(Contest, contest_id) is None:
        raise ContestRefused("contest", f"Không tìm thấy cuộc thi số {contest_id}.")
    text = _clean(text, starts_at, ends_at)
    announcement = Announcement(
        contest_id=contest_id,
        text=text,
        starts_at=from_vietnam(starts_at),
        ends_at=from_vietnam(ends_at) if ends_at else None,
        created_by_id=actor.user_id,
    )
    db.session.add(announcement)
    db.session.flush()
    record(
        actor,
        "announcement.created",
        "announcement",
        announcement.id,
        {"contest_id": contest_id, "before": {}, "after": _logged(announcement)},
    )
    db.session.commit()
    return announcement


def edit_announcement(
    announcement_id: int,
    text: str,
    starts_at: datetime,
    ends_at: datetime | None,
    actor: Actor,
) -> Announcement:
    """Change a notice's text or window (Vietnam time). Records only the fields changed."""
    announcement = _get(announcement_id)
    text = _clean(text, starts_at, ends_at)
    old = _logged(announcement)
    announcement.text = text
    announcement.starts_at = from_vietnam(starts_at)
    announcement.ends_at = from_vietnam(ends_at) if ends_at else None
    new = _logged(announcement)
    changed = [name for name in new if new[name] != old[name]]
    if changed:
        record(
            actor,
            "announcement.changed",
            "announcement",
            announcement.id,
            {
                "contest_id": announcement.contest_id,
                "before": {name: old[name] for name in changed},
                "after": {name: new[name] for name in changed},
            },
        )
    db.session.commit()
    return announcement


def delete_announcement(announcement_id: int, actor: Actor) -> int:
    """Remove a notice; returns its contest's id. The audit line keeps what it said."""
    announcement = _get(announcement_id)
    contest_id = announcement.contest_id
    record(
        actor,
        "announcement.deleted",
        "announcement",
        announcement.id,
        {"contest_id": contest_id, "before": _logged(announcement), "after": {}},
    )
    db.session.delete(announcement)
    db.session.commit()
    return contest_id


def announcements_of(contest_id: int) -> list[Announcement]:
    """Every notice of a contest, latest start first (past, current and coming)."""
    return list(
        db.session.execute(
            select(Announcement)
            .where(Announcement.contest_id == contest_id)
            .order_by(Announcement.starts_at.desc(), Announcement.id.desc())
        ).scalars()
    )


def current_announcements(contest_id: int, now: datetime) -> list[Announcement]:
    """The notices shown at `now` (naive UTC): started, and not yet ended; latest first."""
    return list(
        db.session.execute(
            select(Announcement)
            .where(
                Announcement.contest_id == contest_id,
                Announcement.starts_at <= now,
                or_(Announcement.ends_at.is_(None), Announcement.ends_at > now),
            )
            .order_by(Announcement.starts_at.desc(), Announcement.id.desc())
        ).scalars()
    )


def announcement_state(announcement: Announcement, now: datetime) -> str:
    """ "upcoming", "current" or "ended" at `now` (naive UTC), for the organizer's list."""
    if announcement.starts_at > now:
        return "upcoming"
    if announcement.ends_at is not None and announcement.ends_at <= now:
        return "ended"
    return "current"

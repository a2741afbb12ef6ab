"""Reads for the organizers' people console: searching accounts and one person's page.

Every change to an account is `contest.users.service`'s (one commit each, audited); this
module only reads. Plain values in, plain rows out; no Flask.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, or_, select

from contest.audit.service import events_for
from contest.extensions import db
from contest.models import (
    Agency,
    Attempt,
    AuditEvent,
    Contest,
    ParticipantGroup,
    ProfileChange,
    Role,
    Round,
    RoundEntry,
    User,
)
from contest.paging import Page, clamp_page
from contest.text import fold, nfc, normalize_phone

PAGE_SIZE = 50
QUERY_MAX_LENGTH = 120


@dataclass(frozen=True)
class PeopleFilter:
    """What the organizer typed and picked; blanks filter nothing.

    `text` is matched against the name without diacritics (contains), the phone (typed in any
    form: "+84 912 345 678"), the email and the CCCD."""

    text: str = ""
    agency_id: int | None = None
    group: str | None = None
    role: str | None = None
    disabled: bool | None = None

    @property
    def active(self) -> bool:
        return bool(
            self.text or self.agency_id or self.group or self.role or self.disabled is not None
        )


@dataclass(frozen=True)
class PersonRow:
    """One line of the search results, the phone and CCCD masked."""

    id: int
    full_name: str
    phone: str | None
    email: str | None
    national_id: str | None
    role: str
    participant_group: str
    agency_name: str | None
    prize_eligible: bool
    disabled_at: datetime | None
    erased_at: datetime | None


def clean_filter(
    text: str | None,
    agency_id: int | None = None,
    group: str | None = None,
    role: str | None = None,
    disabled: str | None = None,
) -> PeopleFilter:
    """The filter from raw request values: unknown groups, roles and states are ignored."""
    groups = {str(value) for value in ParticipantGroup}
    roles = {str(value) for value in Role}
    return PeopleFilter(
        text=nfc(text)[:QUERY_MAX_LENGTH],
        agency_id=agency_id or None,
        group=group if group in groups else None,
        role=role if role in roles else None,
        disabled={"1": True, "0": False}.get(disabled or ""),
    )


def _text_condition(text: str):
    """Name (folded, so "nguyen van an" finds "Nguyễn Văn An"), phone, email or CCCD."""
    matches = []
    key = fold(text)
    if key:
        matches.append(User.name_key.contains(key, autoescape=True))
    if "@" in text or "." in text:
        matches.append(User.email.contains(text.lower(), autoescape=True))
    phone = normalize_phone(text)
    if phone.isdigit():
        matches.append(User.phone.contains(phone, autoescape=True))
        matches.append(User.national_id.contains(phone, autoescape=True))
    digits = text.replace(" ", "")
    if digits.isdigit() and digits != phone:
        matches.append(User.national_id.contains(digits, autoescape=True))
    return or_(*matches) if matches else None


def search_people(filters: PeopleFilter, page: int = 1, per_page: int = PAGE_SIZE) -> Page:
    """Accounts matching `filters`, those with a word of the name starting with the text first,
    then by name;
    one page of them, with how many match in all."""
    page = clamp_page(page)
    query = select(
        User.id,
        User.full_name,
        User.phone,
        User.email,
        User.national_id,
        User.role,
        User.participant_group,
        Agency.name,
        User.prize_eligible,
        User.disabled_at,
        User.erased_at,
    ).outerjoin(Agency, User.agency_id == Agency.id)
    conditions = []
    if filters.text:
        condition = _text_condition(filters.text)
        if condition is not None:
            conditions.append(condition)
    if filters.agency_id:
        conditions.append(User.agency_id == filters.agency_id)
    if filters.group:
        conditions.append(User.participant_group == filters.group)
    if filters.role:
        conditions.append(User.role == filters.role)
    if filters.disabled is True:
        conditions.append(User.disabled_at.is_not(None))
    elif filters.disabled is False:
        conditions.append(User.disabled_at.is_(None))
    if conditions:
        query = query.where(*conditions)
    total = db.session.execute(
        select(func.count()).select_from(query.order_by(None).subquery())
    ).scalar_one()
    order = [User.name_key, User.id]
    key = fold(filters.text)
    if key:
        # A name that starts with the text, then one with a word that does ("an" finds
        # "Nguyễn Văn An" before "Đặng Dũng").
        order.insert(
            0,
            case(
                (User.name_key.startswith(key, autoescape=True), 0),
                (User.name_key.contains(" " + key, autoescape=True), 1),
                else_=2,
            ),
        )
    rows = db.session.execute(
        query.order_by(*order).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return Page([PersonRow(*row) for row in rows], page, per_page, total)


@dataclass(frozen=True)
class EntryLine:
    """A person's counted attempt in one round."""

    contest_title: str
    contest_id: int
    round_id: int
    round_number: int
    round_title: str
    correct_count: int
    question_count: int
    duration_ms: int
    attempt_number: int
    attempts_count: int
    submitted_at: datetime
    voided_at: datetime | None
    void_reason: str | None


def entries_of(user_id: int) -> list[EntryLine]:
    """The person's entries across every contest's rounds, contest by contest, round order."""
    rows = db.session.execute(
        select(
            Contest.title,
            Contest.id,
            Round.id,
            Round.number,
            Round.title,
            RoundEntry.correct_count,
            RoundEntry.question_count,
            RoundEntry.duration_ms,
            Attempt.number,
            RoundEntry.attempts_count,
            RoundEntry.submitted_at,
            RoundEntry.voided_at,
            RoundEntry.void_reason,
        )
        .join(Round, RoundEntry.round_id == Round.id)
        .join(Contest, Round.contest_id == Contest.id)
        .join(Attempt, RoundEntry.attempt_id == Attempt.id)
        .where(RoundEntry.user_id == user_id)
        .order_by(Contest.id, Round.number)
    ).all()
    return [EntryLine(*row) for row in rows]


def profile_history(user_id: int) -> list[ProfileChange]:
    """The person's recorded profile corrections, newest first."""
    return list(
        db.session.execute(
            select(ProfileChange)
            .where(ProfileChange.user_id == user_id)
            .order_by(ProfileChange.changed_at.desc(), ProfileChange.id.desc())
        ).scalars()
    )


@dataclass(frozen=True)
class PersonPage:
    user: User
    agency: Agency | None
    entries: list[EntryLine]
    changes: list[ProfileChange]
    events: list[AuditEvent]
    # Names of the accounts that made the changes and events: {id: full name}.
    names: dict[int, str] = field(default_factory=dict)

    @property
    def disabled_reason(self) -> str | None:
        """Why the account was disabled, from the latest disabling in the log."""
        if self.user.disabled_at is None:
            return None
        for event in self.events:
            if event.action == "user.disabled":
                return (event.details or {}).get("reason")
        return None


def person_page(user_id: int) -> PersonPage | None:
    """Everything the person's page shows, or None when there is no such account."""
    user = db.session.get(User, user_id)
    if user is None:
        return None
    changes = profile_history(user_id)
    events = events_for("user", user_id)
    ids = {change.changed_by_id for change in changes} | {event.actor_id for event in events}
    ids.discard(None)
    names = (
        dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())
        if ids
        else {}
    )
    return PersonPage(
        user=user,
        agency=db.session.get(Agency, user.agency_id) if user.agency_id else None,
        entries=entries_of(user_id),
        changes=changes,
        events=events,
        names=names,
    )

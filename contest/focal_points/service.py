"""What an agency's focal point (đầu mối) follows, read-only: its agency and every agency below
it (the *subtree*), per contest and per round.

Every query here is filtered by the subtree, computed in SQL by a recursive CTE over
`Agency.parent_id` (UNION, not UNION ALL: a cycle saved by other means ends instead of looping),
so a focal point never reads a person outside it. Organizers may look at any agency.

Words as the page uses them (those of the organizers' live page, `contest/setup/live.py`):
- the subtree's *people* are the participants whose account names an agency of the subtree;
- an *entry* is a finished attempt (handed in, or closed when its time ran out), counted on the
  Vietnam day (UTC+7) it was finished;
- a *participant* of a round is one of those people with a counted entry in it (`RoundEntry`);
- an entry a judge voided counts nowhere, and practice rounds are never shown.

`now` (naive UTC) is an argument wherever the figures depend on it.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Date, and_, cast, distinct, exists, func, or_, select
from sqlalchemy.orm import aliased

from contest.collation import in_vietnamese, sort_key
from contest.domain.clock import VIETNAM_OFFSET
from contest.extensions import db
from contest.models import (
    Agency,
    Attempt,
    AttemptStatus,
    Contest,
    ContestStatus,
    Role,
    RosterMember,
    Round,
    RoundEntry,
    User,
)
from contest.paging import Page, clamp_page
from contest.text import fold

PAGE_SIZE = 50
# Contests a focal point may follow: those running and those over (drafts are not public yet,
# archived ones are put away).
FOLLOWED_STATUSES = (ContestStatus.OPEN, ContestStatus.CLOSED)
PICKER_SHOWN = 100


# --- who may see which agency --------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """Who is looking: an organizer (any agency) or a focal point (its own agency's subtree)."""

    user_id: int
    organizer: bool
    agency_id: int | None  # the agency a focal point follows; None: none assigned yet


def viewer(user_id: int, organizer: bool) -> Viewer:
    agency_id = db.session.scalar(select(User.agency_id).where(User.id == user_id))
    return Viewer(user_id, organizer, agency_id)


def subtree_ids_select(root_id: int):
    """SELECT of the ids of the agency `root_id` and every agency below it (a recursive CTE
    that SQLite and PostgreSQL both run). Use it once per statement: `x.in_(...)`."""
    tree = select(Agency.id.label("id")).where(Agency.id == root_id).cte("subtree", recursive=True)
    child = aliased(Agency)
    tree = tree.union(select(child.id).join(tree, child.parent_id == tree.c.id))
    return select(tree.c.id)


def in_subtree(root_id: int, agency_id: int) -> bool:
    ids = subtree_ids_select(root_id).subquery()
    return db.session.scalar(select(exists().where(ids.c.id == agency_id)))


def may_view(who: Viewer, agency_id: int) -> bool:
    """Organizers see every agency; a focal point its own and those below it, nothing else."""
    if who.organizer:
        return True
    if who.agency_id is None:
        return False
    return who.agency_id == agency_id or in_subtree(who.agency_id, agency_id)


# --- the agency picker (organizers) ---------------------------------------------------------


@dataclass(frozen=True)
class AgencyChoice:
    id: int
    code: str
    name: str
    parent_name: str | None


def agency_choices(query: str | None, shown: int = PICKER_SHOWN) -> tuple[list[AgencyChoice], int]:
    """Agencies whose code or name contains the query (case and diacritics ignored), by name;
    without a query the top-level ones. The first `shown`, and how many matched in all."""
    rows = db.session.execute(select(Agency.id, Agency.code, Agency.name, Agency.parent_id)).all()
    names = {agency_id: name for agency_id, _code, name, _parent in rows}
    wanted = fold(query)
    if wanted:
        found = [r for r in rows if wanted in fold(r.name) or wanted in fold(r.code)]
    else:
        found = [r for r in rows if r.parent_id is None or r.parent_id not in names]
    found.sort(key=lambda r: (fold(r.name), r.id))
    choices = [AgencyChoice(r.id, r.code, r.name, names.get(r.parent_id)) for r in found[:shown]]
    return choices, len(found)


# --- contests and rounds ----------------------------------------------------------------------


def followed_contests() -> list[Contest]:
    """Open contests first, then closed ones, the newest first within each."""
    contests = db.session.execute(
        select(Contest).where(Contest.status.in_(FOLLOWED_STATUSES)).order_by(Contest.id.desc())
    ).scalars()
    return sorted(contests, key=lambda c: c.status != ContestStatus.OPEN)


def pick_contest(contests: list[Contest], contest_id: int | None) -> Contest | None:
    """The contest asked for (None when it is not one of `contests`), by default the latest
    open one, else the latest closed one."""
    if contest_id is None:
        return contests[0] if contests else None
    return next((c for c in contests if c.id == contest_id), None)


def counted_rounds(contest: Contest) -> list[Round]:
    """The contest's rounds but practice ones, in order."""
    return [r for r in contest.rounds if not r.is_practice]


def pick_round(rounds: list[Round], round_id: int | None, now: datetime) -> Round | None:
    """The round asked for (None when it is not one of `rounds`), by default the one running
    (the latest to open), else the last one started, else the first."""
    if round_id is not None:
        return next((r for r in rounds if r.id == round_id), None)
    started = [r for r in rounds if r.opens_at <= now]
    running = [r for r in started if now < r.closes_at]
    for candidates in (running, started):
        if candidates:
            return max(candidates, key=lambda r: (r.opens_at, r.number))
    return rounds[0] if rounds else None


# --- figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayLine:
    day: date  # the Vietnam calendar day
    participants: int  # people with at least one entry finished that day
    entries: int  # entries finished that day


@dataclass(frozen=True)
class Figures:
    """One round as seen from one agency's subtree."""

    agencies: int  # agencies in the subtree, the root included
    headcount: int | None  # the subtree's staff headcount (None: no agency gives one)
    people: int  # registered participants of the subtree
    participants: int  # of them, with a counted entry in the round
    entries: int  # entries finished in the round, every attempt counted
    days: list[DayLine]
    roster: int  # people on the subtree's roster
    roster_missing: int  # of them, without an entry in the round

    @property
    def participation_rate(self) -> float | None:
        """Participants over headcount (a fraction; None without a headcount)."""
        return self.participants / self.headcount if self.headcount else None

    @property
    def people_rate(self) -> float | None:
        return self.participants / self.people if self.people else None


def _people(root_id: int):
    """The WHERE clause of the subtree's people."""
    return and_(User.agency_id.in_(subtree_ids_select(root_id)), User.role == Role.PARTICIPANT)


def _counted_entry(round_id: int):
    """The JOIN condition of a person's counted, not voided, entry in the round."""
    return and_(
        RoundEntry.user_id == User.id,
        RoundEntry.round_id == round_id,
        RoundEntry.voided_at.is_(None),
    )


def _vietnam_day(column):
    """The Vietnam calendar day of a naive UTC timestamp, in SQL."""
    if db.engine.dialect.name == "sqlite":
        hours = int(VIETNAM_OFFSET.total_seconds() // 3600)
        return func.date(column, f"+{hours} hours")
    return cast(column + VIETNAM_OFFSET, Date)


def entries_per_day(root_id: int, round_id: int) -> list[DayLine]:
    """Entries and participants per Vietnam day of the subtree's people in the round, oldest
    day first; days without an entry are left out. A person whose entry was voided counts on
    no day."""
    day = _vietnam_day(Attempt.submitted_at).label("day")
    rows = db.session.execute(
        select(day, func.count(distinct(Attempt.user_id)), func.count())
        .join(User, User.id == Attempt.user_id)
        .join(RoundEntry, _counted_entry(round_id))
        .where(
            Attempt.round_id == round_id,
            Attempt.status != AttemptStatus.OPEN,
            Attempt.submitted_at.is_not(None),
            _people(root_id),
        )
        .group_by(day)
        .order_by(day)
    ).all()
    return [
        DayLine(value if isinstance(value, date) else date.fromisoformat(value), people, entries)
        for value, people, entries in rows
    ]


def subtree_headcount(root_id: int) -> tuple[int, int | None]:
    """(agencies in the subtree, their summed headcount or None when none has one)."""
    count, headcount = db.session.execute(
        select(func.count(), func.sum(Agency.headcount)).where(
            Agency.id.in_(subtree_ids_select(root_id))
        )
    ).one()
    return count, headcount


def figures(root_id: int, round_: Round) -> Figures:
    agencies, headcount = subtree_headcount(root_id)
    people, participants = db.session.execute(
        select(func.count(), func.count(RoundEntry.id))
        .select_from(User)
        .outerjoin(RoundEntry, _counted_entry(round_.id))
        .where(_people(root_id))
    ).one()
    days = entries_per_day(root_id, round_.id)
    roster, missing = roster_counts(root_id, round_.id)
    return Figures(
        agencies=agencies,
        headcount=headcount,
        people=people,
        participants=participants,
        entries=sum(line.entries for line in days),
        days=days,
        roster=roster,
        roster_missing=missing,
    )


# --- the subtree's people ---------------------------------------------------------------------


@dataclass(frozen=True)
class PersonLine:
    user_id: int
    full_name: str
    phone: str | None
    email: str | None
    agency_code: str | None
    agency_name: str | None
    registered_at: datetime
    correct_count: int | None  # None: no counted entry in the round
    question_count: int | None
    submitted_at: datetime | None
    attempts: int | None

    @property
    def took_part(self) -> bool:
        return self.submitted_at is not None


def people_select(root_id: int, round_id: int):
    """The subtree's registered people with their counted entry in the round (if any), by
    agency, then name."""
    return (
        select(
            User.id,
            User.full_name,
            User.phone,
            User.email,
            Agency.code,
            Agency.name,
            User.created_at,
            RoundEntry.correct_count,
            RoundEntry.question_count,
            RoundEntry.submitted_at,
            RoundEntry.attempts_count,
        )
        .select_from(User)
        .outerjoin(Agency, Agency.id == User.agency_id)
        .outerjoin(RoundEntry, _counted_entry(round_id))
        .where(_people(root_id))
        .order_by(in_vietnamese(Agency.name), Agency.id, in_vietnamese(User.full_name), User.id)
    )


def people_page(root_id: int, round_id: int, page: int | None, per_page: int = PAGE_SIZE) -> Page:
    page = clamp_page(page)
    total = db.session.scalar(select(func.count()).select_from(User).where(_people(root_id)))
    rows = db.session.execute(
        people_select(root_id, round_id).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page([PersonLine(*row) for row in rows], page, per_page, total)


def iter_people(root_id: int, round_id: int, batch: int = 2000):
    """Every line of `people_select`, streamed (for the export)."""
    query = people_select(root_id, round_id).execution_options(yield_per=batch)
    for row in db.session.execute(query):
        yield PersonLine(*row)


# --- the roster ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterLine:
    """Someone on the roster without a counted entry in the round (no account, or one that has
    not taken part)."""

    member_id: int
    full_name: str
    phone: str | None
    email: str | None
    agency_code: str
    agency_name: str
    has_account: bool


def _matched_account(user):
    """The roster member's account: the same phone (both normalized) or the same email (both
    lower-cased)."""
    return or_(
        and_(RosterMember.phone.is_not(None), user.phone == RosterMember.phone),
        and_(RosterMember.email.is_not(None), user.email == RosterMember.email),
    )


def _took_part(round_id: int):
    user = aliased(User)
    return (
        select(RoundEntry.id)
        .join(user, user.id == RoundEntry.user_id)
        .where(
            RoundEntry.round_id == round_id,
            RoundEntry.voided_at.is_(None),
            _matched_account(user),
        )
        .exists()
    )


def _has_account():
    user = aliased(User)
    return select(user.id).where(_matched_account(user)).exists()


def roster_counts(root_id: int, round_id: int) -> tuple[int, int]:
    """(people on the subtree's roster, of them without an entry in the round)."""
    total, missing = db.session.execute(
        select(func.count(), func.count().filter(~_took_part(round_id))).where(
            RosterMember.agency_id.in_(subtree_ids_select(root_id))
        )
    ).one()
    return total, missing


def missing_select(root_id: int, round_id: int):
    return (
        select(
            RosterMember.id,
            RosterMember.full_name,
            RosterMember.phone,
            RosterMember.email,
            Agency.code,
            Agency.name,
            _has_account(),
        )
        .join(Agency, Agency.id == RosterMember.agency_id)
        .where(RosterMember.agency_id.in_(subtree_ids_select(root_id)), ~_took_part(round_id))
        .order_by(
            in_vietnamese(Agency.name),
            Agency.id,
            in_vietnamese(RosterMember.full_name),
            RosterMember.id,
        )
    )


def missing_page(root_id: int, round_id: int, page: int | None, per_page: int = PAGE_SIZE) -> Page:
    page = clamp_page(page)
    total = roster_counts(root_id, round_id)[1]
    rows = db.session.execute(
        missing_select(root_id, round_id).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page([RosterLine(*row) for row in rows], page, per_page, total)


def iter_missing(root_id: int, round_id: int, batch: int = 2000):
    query = missing_select(root_id, round_id).execution_options(yield_per=batch)
    for row in db.session.execute(query):
        yield RosterLine(*row)


def has_roster(root_id: int) -> bool:
    ids = subtree_ids_select(root_id)
    return db.session.scalar(select(exists().where(RosterMember.agency_id.in_(ids))))


def roster_size() -> tuple[int, int]:
    """(people on every roster, agencies with a roster)."""
    return db.session.execute(
        select(func.count(), func.count(distinct(RosterMember.agency_id)))
    ).one()


# --- moving around the tree --------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyLink:
    id: int
    code: str
    name: str


def child_agencies(agency_id: int) -> list[AgencyLink]:
    """The agencies right below this one, by name."""
    rows = db.session.execute(
        select(Agency.id, Agency.code, Agency.name)
        .where(Agency.parent_id == agency_id, Agency.id != agency_id)
        .order_by(in_vietnamese(Agency.name), Agency.id)
    ).all()
    return [AgencyLink(*row) for row in rows]


def visible_parent(who: Viewer, agency: Agency) -> AgencyLink | None:
    """The agency above this one, when the viewer may go up to it: organizers always, a focal
    point only inside its own subtree."""
    if agency.parent_id is None or agency.parent_id == agency.id:
        return None
    if not who.organizer and agency.id == who.agency_id:
        return None
    if not may_view(who, agency.parent_id):
        return None
    parent = db.session.get(Agency, agency.parent_id)
    return AgencyLink(parent.id, parent.code, parent.name) if parent else None


@dataclass(frozen=True)
class ChildLine:
    """One agency right below the one looked at, its own subtree counted in."""

    id: int
    code: str
    name: str
    headcount: int | None
    people: int
    participants: int

    @property
    def participation_rate(self) -> float | None:
        return self.participants / self.headcount if self.headcount else None


def child_figures(root_id: int, round_id: int) -> list[ChildLine]:
    """Per agency right below `root_id`: headcount, registered people and participants of its
    own subtree, by name. Two queries over the subtree, rolled up here."""
    tree = subtree_ids_select(root_id).subquery()
    agencies = db.session.execute(
        select(Agency.id, Agency.parent_id, Agency.code, Agency.name, Agency.headcount).where(
            Agency.id.in_(select(tree.c.id))
        )
    ).all()
    counts = {
        agency_id: (people, participants)
        for agency_id, people, participants in db.session.execute(
            select(User.agency_id, func.count(), func.count(RoundEntry.id))
            .select_from(User)
            .outerjoin(RoundEntry, _counted_entry(round_id))
            .where(_people(root_id))
            .group_by(User.agency_id)
        )
    }
    parent_of = {row.id: row.parent_id for row in agencies}
    children = {row.id: row for row in agencies if row.parent_id == root_id and row.id != root_id}
    totals = {child: [None, 0, 0] for child in children}
    for row in agencies:
        node, seen = row.id, set()
        while node is not None and node not in children and node != root_id and node not in seen:
            seen.add(node)
            node = parent_of.get(node)
        if node not in children:
            continue
        total = totals[node]
        if row.headcount is not None:
            total[0] = (total[0] or 0) + row.headcount
        people, participants = counts.get(row.id, (0, 0))
        total[1] += people
        total[2] += participants
    lines = [
        ChildLine(child.id, child.code, child.name, *totals[child.id])
        for child in children.values()
    ]
    return sorted(lines, key=lambda line: (sort_key(line.name), line.id))

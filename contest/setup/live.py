"""What organizers watch while a contest runs: attempts in progress, entries and participants
today and per round, entries per hour, and the agencies furthest below the participation target.

Every figure is an SQL aggregate (a contest has hundreds of thousands of attempts, none of them
is loaded); `now` (naive UTC) is an argument, so the figures of any moment can be checked.

Words as the page uses them:
- an attempt *in progress* is open and its deadline has not passed;
- an *entry* is a finished attempt (handed in, or closed when its time ran out), counted on the
  moment it was finished (`submitted_at`);
- a *participant* is a person with at least one entry (in the period or round looked at);
- *today* is the Vietnam calendar day (UTC+7) of `now`.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, distinct, func, select

from contest.domain.clock import from_vietnam, to_vietnam
from contest.domain.statistics import AgencyFigures, AgencyNode, roll_up
from contest.extensions import db
from contest.models import Agency, Attempt, AttemptStatus, Contest, ContestStatus, Round, RoundEntry

HOURS_SHOWN = 48
SHORTFALLS_SHOWN = 10

STATUS_LABELS = {
    ContestStatus.DRAFT: "Bản nháp",
    ContestStatus.OPEN: "Đang diễn ra",
    ContestStatus.CLOSED: "Đã kết thúc",
    ContestStatus.ARCHIVED: "Đã lưu trữ",
}
_STATUS_ORDER = {
    ContestStatus.OPEN: 0,
    ContestStatus.DRAFT: 1,
    ContestStatus.CLOSED: 2,
    ContestStatus.ARCHIVED: 3,
}


# --- the list of contests -----------------------------------------------------------------


@dataclass(frozen=True)
class ContestLine:
    id: int
    title: str
    status: str
    rounds: int
    in_progress: int

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


def contest_lines(now: datetime) -> list[ContestLine]:
    """Every contest with its number of rounds and attempts in progress: open ones first, then
    drafts, closed and archived ones, the newest first within each."""
    rounds = (
        select(Round.contest_id, func.count().label("rounds")).group_by(Round.contest_id).subquery()
    )
    live = (
        select(Round.contest_id, func.count().label("live"))
        .join(Attempt, Attempt.round_id == Round.id)
        .where(Attempt.status == AttemptStatus.OPEN, Attempt.deadline > now)
        .group_by(Round.contest_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Contest.id,
            Contest.title,
            Contest.status,
            func.coalesce(rounds.c.rounds, 0),
            func.coalesce(live.c.live, 0),
        )
        .outerjoin(rounds, rounds.c.contest_id == Contest.id)
        .outerjoin(live, live.c.contest_id == Contest.id)
    ).all()
    lines = [ContestLine(*row) for row in rows]
    return sorted(lines, key=lambda line: (_STATUS_ORDER.get(line.status, 9), -line.id))


# --- time spans ---------------------------------------------------------------------------


def vietnam_day(now: datetime) -> tuple[date, datetime, datetime]:
    """The Vietnam calendar day of `now`, and its start and end as naive UTC."""
    day = to_vietnam(now).date()
    start = from_vietnam(datetime.combine(day, time()))
    return day, start, start + timedelta(days=1)


def hour_window(now: datetime, hours: int = HOURS_SHOWN) -> tuple[datetime, datetime]:
    """The last `hours` whole clock hours, the current one included: [start, end) in UTC.

    Vietnam is a whole number of hours from UTC, so UTC hours are Vietnam hours too."""
    end = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return end - timedelta(hours=hours), end


# --- figures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    in_progress: int = 0
    entries_today: int = 0
    participants_today: int = 0
    entries: int = 0
    participants: int = 0


@dataclass(frozen=True)
class RoundLine:
    round: Round
    counts: Counts


@dataclass(frozen=True)
class HourBar:
    start: datetime  # naive UTC
    entries: int


@dataclass(frozen=True)
class Shortfall:
    """An agency below the target, with its sub-agencies counted in (as the judges rank them)."""

    agency_id: int
    name: str
    participants: int
    headcount: int

    @property
    def percent(self) -> float:
        return 100 * self.participants / self.headcount

    def missing(self, target: int) -> int:
        """How many more participants would bring the agency up to the target."""
        return -(-target * self.headcount // 100) - self.participants


@dataclass(frozen=True)
class TargetReport:
    """The agencies furthest below the contest's participation target in one round."""

    target: int | None  # percent; None: the contest sets none
    round: Round | None  # the round looked at (the one running, else the last one started)
    shortfalls: list[Shortfall]
    below: int = 0  # agencies below the target, all of them (the list shows the first few)
    measured: int = 0  # agencies with a headcount, whose rate can be measured


@dataclass(frozen=True)
class LiveFigures:
    now: datetime
    day: date
    totals: Counts
    rounds: list[RoundLine]
    hours: list[HourBar]
    target: TargetReport


def _counts(contest_id: int, now: datetime, by_round: bool):
    """In progress, entries and participants (today and in all), for the contest's attempts,
    in one query, per round or for the whole contest (a person in two rounds counts once)."""
    _day, start, end = vietnam_day(now)
    finished = Attempt.status != AttemptStatus.OPEN
    today = and_(finished, Attempt.submitted_at >= start, Attempt.submitted_at < end)
    columns = [
        func.count().filter(and_(Attempt.status == AttemptStatus.OPEN, Attempt.deadline > now)),
        func.count().filter(today),
        func.count(distinct(case((today, Attempt.user_id)))),
        func.count().filter(finished),
        func.count(distinct(case((finished, Attempt.user_id)))),
    ]
    query = (
        select(*([Attempt.round_id] if by_round else []), *columns)
        .join(Round, Round.id == Attempt.round_id)
        .where(Round.contest_id == contest_id)
    )
    if by_round:
        return {
            row[0]: Counts(*row[1:]) for row in db.session.execute(query.group_by(Attempt.round_id))
        }
    return Counts(*db.session.execute(query).one())


def round_counts(contest_id: int, now: datetime) -> dict[int, Counts]:
    """Per round id: attempts in progress, entries and participants today and in all."""
    return _counts(contest_id, now, by_round=True)


def contest_counts(contest_id: int, now: datetime) -> Counts:
    """The same figures for the whole contest."""
    return _counts(contest_id, now, by_round=False)


def _hour_of(column):
    """The clock hour of a naive UTC timestamp, in SQL: text on SQLite, a timestamp elsewhere."""
    if db.engine.dialect.name == "sqlite":
        return func.strftime("%Y-%m-%d %H:00:00", column)
    return func.date_trunc("hour", column)


def entries_per_hour(contest_id: int, now: datetime, hours: int = HOURS_SHOWN) -> list[HourBar]:
    """Entries finished in each of the last `hours` clock hours, oldest first, empty hours as 0."""
    start, end = hour_window(now, hours)
    hour = _hour_of(Attempt.submitted_at).label("hour")
    rows = db.session.execute(
        select(hour, func.count())
        .join(Round, Round.id == Attempt.round_id)
        .where(
            Round.contest_id == contest_id,
            Attempt.status != AttemptStatus.OPEN,
            Attempt.submitted_at >= start,
            Attempt.submitted_at < end,
        )
        .group_by(hour)
    ).all()
    found = {}
    for moment, count in rows:
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment)
        found[moment.replace(tzinfo=None)] = count
    return [
        HourBar(start + timedelta(hours=n), found.get(start + timedelta(hours=n), 0))
        for n in range(hours)
    ]


def watched_round(contest: Contest, now: datetime) -> Round | None:
    """The round whose participation matters now: the one running (the latest to open when
    several are), else the last one that has opened, else none."""
    started = [r for r in contest.rounds if r.opens_at <= now]
    running = [r for r in started if now < r.closes_at]
    for candidates in (running, started):
        if candidates:
            return max(candidates, key=lambda r: (r.opens_at, r.number))
    return None


def target_report(contest: Contest, now: datetime, limit: int = SHORTFALLS_SHOWN) -> TargetReport:
    """The agencies furthest below the contest's participation target in the watched round.

    Participants are the round's entries (one per person) by the agency they were made for,
    counted through the hierarchy as the judges' agency page does (a district counts its
    communes, its headcount too). Agencies without a headcount are not measured; an agency
    exactly at the target is not below it.
    """
    target = contest.participation_target
    round_ = watched_round(contest, now)
    if target is None or round_ is None:
        return TargetReport(target, round_, [])
    own = dict(
        db.session.execute(
            select(RoundEntry.agency_id, func.count())
            .where(
                RoundEntry.round_id == round_.id,
                RoundEntry.agency_id.is_not(None),
                RoundEntry.voided_at.is_(None),  # a judge's void counts nowhere
            )
            .group_by(RoundEntry.agency_id)
        ).all()
    )
    agencies = db.session.execute(
        select(Agency.id, Agency.parent_id, Agency.name, Agency.headcount)
    ).all()
    names = {agency_id: name for agency_id, _parent, name, _headcount in agencies}
    totals = roll_up(
        AgencyNode(
            agency_id,
            parent_id,
            AgencyFigures(participants=own.get(agency_id, 0), headcount=headcount or 0),
        )
        for agency_id, parent_id, _name, headcount in agencies
    )
    measured = [(agency_id, f) for agency_id, f in totals.items() if f.headcount > 0]
    # Below the target, in whole numbers: participants / headcount < target / 100.
    below = [
        Shortfall(agency_id, names[agency_id], f.participants, f.headcount)
        for agency_id, f in measured
        if f.participants * 100 < target * f.headcount
    ]
    below.sort(
        key=lambda s: (s.participants * 100 / s.headcount, -s.headcount, s.name, s.agency_id)
    )
    return TargetReport(target, round_, below[:limit], len(below), len(measured))


def live_figures(contest: Contest, now: datetime) -> LiveFigures:
    """Everything the contest's live page shows."""
    day, _start, _end = vietnam_day(now)
    per_round = round_counts(contest.id, now)
    return LiveFigures(
        now=now,
        day=day,
        totals=contest_counts(contest.id, now),
        rounds=[RoundLine(r, per_round.get(r.id, Counts())) for r in contest.rounds],
        hours=entries_per_hour(contest.id, now),
        target=target_report(contest, now),
    )

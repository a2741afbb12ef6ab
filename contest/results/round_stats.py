"""Figures judges and organizers look at: score bands, participation per day, agencies, questions."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, literal_column, select

from contest.collation import in_vietnamese
from contest.domain.statistics import (
    BANDS,
    AgencyFigures,
    AgencyNode,
    rank_agencies,
    roll_up,
    score_band,
)
from contest.extensions import db
from contest.models import Agency, Attempt, AttemptItem, AttemptStatus, Question, Round, RoundEntry
from contest.results.ranking import ranked_entries


def score_bands(round_: Round, group: str | None = None) -> dict[str, int]:
    """Counted entries per score band (all correct, ≥ 75%, 25–75%, < 25%, none)."""
    query = (
        select(RoundEntry.correct_count, RoundEntry.question_count, func.count())
        .where(*ranked_entries(round_))
        .group_by(RoundEntry.correct_count, RoundEntry.question_count)
    )
    if group:
        query = query.where(RoundEntry.participant_group == group)
    bands = Counter({band: 0 for band in BANDS})
    for correct, total, count in db.session.execute(query):
        bands[score_band(correct, total)] += count
    return dict(bands)


def vietnam_date(column):
    """The calendar day in Vietnam (UTC+7) of a naive UTC timestamp, in SQL."""
    if db.engine.dialect.name == "sqlite":
        return func.date(column, "+7 hours")
    return func.date(column + literal_column("interval '7 hours'"))


def entries_per_day(round_: Round) -> list[tuple[date, int]]:
    """Finished attempts per day (Vietnam time)."""
    day = vietnam_date(Attempt.submitted_at).label("day")
    rows = db.session.execute(
        select(day, func.count())
        .where(Attempt.round_id == round_.id, Attempt.status != AttemptStatus.OPEN)
        .group_by(day)
        .order_by(day)
    ).all()
    return [(d if isinstance(d, date) else date.fromisoformat(d), n) for d, n in rows]


@dataclass(frozen=True)
class AgencyLine:
    agency: Agency
    depth: int
    own: AgencyFigures
    total: AgencyFigures
    rank: int | None


def agency_figures(round_: Round, group: str | None = None) -> dict[int, AgencyFigures]:
    """Each agency's own figures (without the agencies below it), for one group or all."""
    query = (
        select(
            RoundEntry.agency_id,
            func.count(),
            func.coalesce(func.sum(RoundEntry.attempts_count), 0),
            func.count().filter(RoundEntry.correct_count == RoundEntry.question_count),
            func.coalesce(func.sum(RoundEntry.correct_count), 0),
        )
        .where(*ranked_entries(round_), RoundEntry.agency_id.is_not(None))
        .group_by(RoundEntry.agency_id)
    )
    if group:
        query = query.where(RoundEntry.participant_group == group)
    return {
        agency_id: AgencyFigures(int(people), int(entries), int(perfect), int(score))
        for agency_id, people, entries, perfect, score in db.session.execute(query)
    }


@dataclass(frozen=True)
class AgencyStanding:
    """Every agency (by name) with its own figures, the figures rolled up through the
    hierarchy, and its rank under the contest's collective measure (on rolled-up figures)."""

    agencies: list[Agency]
    own: dict[int, AgencyFigures]
    totals: dict[int, AgencyFigures]
    ranks: dict[int, int]  # best first, ties by agency id

    def own_of(self, agency_id: int) -> AgencyFigures:
        return self.own.get(agency_id, AgencyFigures())


def agency_standing(round_: Round, group: str | None = None) -> AgencyStanding:
    """The judges' agency page and the agency export both read this."""
    agencies = (
        db.session.execute(select(Agency).order_by(in_vietnamese(Agency.name), Agency.id))
        .scalars()
        .all()
    )
    own = agency_figures(round_, group)
    nodes = []
    for agency in agencies:
        figures = AgencyFigures(**vars(own.get(agency.id, AgencyFigures())))
        figures.headcount = agency.headcount or 0
        nodes.append(AgencyNode(agency.id, agency.parent_id, figures))
    totals = roll_up(nodes)
    ranked = rank_agencies(totals, round_.contest.collective_measure)
    ranks = {agency_id: rank for rank, agency_id, _value in ranked}
    return AgencyStanding(list(agencies), own, totals, ranks)


def agency_table(round_: Round) -> list[AgencyLine]:
    """Every agency in hierarchy order with its own and rolled-up figures and its rank."""
    standing = agency_standing(round_)
    return [
        AgencyLine(
            agency,
            depth,
            standing.own_of(agency.id),
            standing.totals[agency.id],
            standing.ranks.get(agency.id),
        )
        for agency, depth in hierarchy_order(standing.agencies)
    ]


def hierarchy_order(agencies: list[Agency]) -> list[tuple[Agency, int]]:
    children: dict[int | None, list[Agency]] = {}
    known = {a.id for a in agencies}
    for agency in agencies:
        parent = agency.parent_id if agency.parent_id in known else None
        children.setdefault(parent, []).append(agency)
    ordered: list[tuple[Agency, int]] = []
    stack = [(a, 0) for a in reversed(children.get(None, []))]
    while stack:
        agency, depth = stack.pop()
        ordered.append((agency, depth))
        stack.extend((c, depth + 1) for c in reversed(children.get(agency.id, [])))
    return ordered


def descendant_ids(agency_id: int) -> list[int]:
    """The agency and every agency below it: a district filter includes its communes."""
    parents = dict(db.session.execute(select(Agency.id, Agency.parent_id)).all())
    children: dict[int, list[int]] = {}
    for child, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)
    found, stack = [], [agency_id]
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.append(current)
        stack.extend(children.get(current, []))
    return found


@dataclass(frozen=True)
class QuestionLine:
    question_id: int
    text: str
    source: str | None
    drawn: int
    correct: int

    @property
    def share_correct(self) -> float | None:
        return self.correct / self.drawn if self.drawn else None


def question_stats(
    round_: Round, group: str | None = None, agency_ids: Sequence[int] | None = None
) -> list[QuestionLine]:
    """How often each question was drawn and answered correctly in the round's closed attempts,
    hardest first: a question almost nobody gets right is worth a second look. Optionally only
    the attempts of one group's or some agencies' participants (as their entries place them).
    The attempts of a voided entry are left out, as the entry is."""
    correct = func.count().filter(AttemptItem.is_correct.is_(True))
    query = (
        select(Question.id, Question.text, Question.source, func.count(), correct)
        .join(AttemptItem, AttemptItem.question_id == Question.id)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(Attempt.round_id == round_.id, Attempt.status != AttemptStatus.OPEN)
        .group_by(Question.id, Question.text, Question.source)
    )
    entry = and_(RoundEntry.round_id == Attempt.round_id, RoundEntry.user_id == Attempt.user_id)
    query = query.outerjoin(RoundEntry, entry).where(RoundEntry.voided_at.is_(None))
    if group:
        query = query.where(RoundEntry.participant_group == group)
    if agency_ids is not None:
        query = query.where(RoundEntry.agency_id.in_(list(agency_ids)))
    lines = [
        QuestionLine(qid, text, source, drawn, ok)
        for qid, text, source, drawn, ok in db.session.execute(query)
    ]
    return sorted(lines, key=lambda line: (line.share_correct or 0, -line.drawn, line.question_id))


def agencies_in_order() -> list[Agency]:
    """Every agency, parents before their children, for the judges' agency filter."""
    return hierarchy_order(db.session.execute(select(Agency)).scalars().all())

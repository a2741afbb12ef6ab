"""The one ranking of a round. Judge pages, a participant's own rank, public boards and every
Excel export call these functions; the tie-break chain is the round's `ranking_chain`, in the
order and with the meaning given in `contest.domain.ranking`.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.sql import Select

from contest.domain.ranking import (
    CORRECT,
    DURATION,
    NO_PREDICTION,
    PREDICTION,
    SUBMITTED,
    Entry,
    shared_ranks,
    sort_key,
    validate_chain,
)
from contest.extensions import db
from contest.models import Agency, Attempt, Round, RoundEntry, User


@dataclass(frozen=True)
class RankedRow:
    """One line of a ranking, with what pages and exports show about the participant."""

    rank: int
    user_id: int
    full_name: str
    date_of_birth: date | None
    phone: str | None
    national_id: str | None
    email: str | None
    prize_eligible: bool
    participant_group: str
    agency_id: int | None
    agency_name: str | None
    attempt_id: int
    attempt_number: int
    correct_count: int
    question_count: int
    prediction: int | None
    prediction_error: int | None
    duration_ms: int
    submitted_at: datetime
    attempts_count: int
    key: tuple


@dataclass(frozen=True)
class Scope:
    """Which entries are ranked together: a round, optionally one participant group."""

    round: Round
    group: str | None = None

    @property
    def chain(self) -> tuple[str, ...]:
        return validate_chain(self.round.ranking_chain)


def error_column():
    # Before the actual value is frozen every error is NULL: the step ties everyone.
    return RoundEntry.prediction_error


ORDER = {
    CORRECT: lambda: RoundEntry.correct_count.desc(),
    PREDICTION: lambda: error_column().asc(),
    DURATION: lambda: RoundEntry.duration_ms.asc(),
    SUBMITTED: lambda: RoundEntry.submitted_at.asc(),
}


def ranking_select(scope: Scope, agency_ids: Sequence[int] | None = None) -> Select:
    """Entries of the scope in ranking order, joined with what a ranked line shows."""
    query = (
        select(RoundEntry, User, Agency.name, Attempt.number)
        .join(User, User.id == RoundEntry.user_id)
        .join(Attempt, Attempt.id == RoundEntry.attempt_id)
        .outerjoin(Agency, Agency.id == RoundEntry.agency_id)
        .where(RoundEntry.round_id == scope.round.id)
    )
    if scope.group:
        query = query.where(RoundEntry.participant_group == scope.group)
    if agency_ids is not None:
        query = query.where(RoundEntry.agency_id.in_(list(agency_ids)))
    order = [ORDER[step]() for step in scope.chain]
    return query.order_by(*order, RoundEntry.user_id)


def entry_key(entry: RoundEntry, scope: Scope) -> tuple:
    domain_entry = Entry(
        entry.user_id, entry.correct_count, entry.prediction, entry.duration_ms, entry.submitted_at
    )
    return sort_key(domain_entry, scope.chain, scope.round.prediction_actual)


def to_row(rank: int, entry: RoundEntry, user: User, agency_name, number, key) -> RankedRow:
    error = entry.prediction_error
    return RankedRow(
        rank=rank,
        user_id=user.id,
        full_name=user.full_name,
        date_of_birth=user.date_of_birth,
        phone=user.phone,
        national_id=user.national_id,
        email=user.email,
        prize_eligible=user.prize_eligible,
        participant_group=entry.participant_group,
        agency_id=entry.agency_id,
        agency_name=agency_name,
        attempt_id=entry.attempt_id,
        attempt_number=number,
        correct_count=entry.correct_count,
        question_count=entry.question_count,
        prediction=entry.prediction,
        prediction_error=None if error is None or error >= NO_PREDICTION else error,
        duration_ms=entry.duration_ms,
        submitted_at=entry.submitted_at,
        attempts_count=entry.attempts_count,
        key=key,
    )


def iter_ranking(scope: Scope, batch_size: int = 2000) -> Iterator[RankedRow]:
    """Every entry of the scope, best first, with shared ranks; streamed in constant memory."""
    result = db.session.execute(
        ranking_select(scope).execution_options(yield_per=batch_size, stream_results=True)
    )
    # The session's identity map holds objects weakly: rows already yielded are freed. A caller
    # may stop early (prizes read only the top): closing the result frees PostgreSQL's cursor.
    try:
        last_key = None
        rank = 0
        for position, (entry, user, agency_name, number) in enumerate(result, start=1):
            key = entry_key(entry, scope)
            if key != last_key:
                rank, last_key = position, key
            yield to_row(rank, entry, user, agency_name, number, key)
    finally:
        result.close()


def better_than(key: tuple, scope: Scope):
    """SQL condition: the entry ranks strictly before `key` under the scope's chain."""
    columns = {
        CORRECT: (-RoundEntry.correct_count),
        PREDICTION: func.coalesce(RoundEntry.prediction_error, NO_PREDICTION),
        DURATION: RoundEntry.duration_ms,
        SUBMITTED: RoundEntry.submitted_at,
    }
    alternatives = []
    for index, step in enumerate(scope.chain):
        equal_before = [columns[s] == key[i] for i, s in enumerate(scope.chain[:index])]
        alternatives.append(and_(*equal_before, columns[step] < key[index]))
    return or_(*alternatives)


def rank_of_key(key: tuple, scope: Scope) -> int:
    """1 + the number of entries in the scope that rank strictly before `key`."""
    query = (
        select(func.count())
        .select_from(RoundEntry)
        .where(RoundEntry.round_id == scope.round.id, better_than(key, scope))
    )
    if scope.group:
        query = query.where(RoundEntry.participant_group == scope.group)
    return 1 + db.session.execute(query).scalar_one()


def scope_size(scope: Scope, agency_ids: Sequence[int] | None = None) -> int:
    query = (
        select(func.count()).select_from(RoundEntry).where(RoundEntry.round_id == scope.round.id)
    )
    if scope.group:
        query = query.where(RoundEntry.participant_group == scope.group)
    if agency_ids is not None:
        query = query.where(RoundEntry.agency_id.in_(list(agency_ids)))
    return db.session.execute(query).scalar_one()


def ranking_page(
    scope: Scope, offset: int, limit: int, agency_ids: Sequence[int] | None = None
) -> list[RankedRow]:
    """One page of the ranking. With an agency filter the ranks stay those of the whole scope."""
    result = db.session.execute(ranking_select(scope, agency_ids).offset(offset).limit(limit)).all()
    keyed = [(e, u, a, n, entry_key(e, scope)) for e, u, a, n in result]
    if not keyed:
        return []
    if agency_ids is not None:
        ranks_by_key: dict[tuple, int] = {}
        return [
            to_row(ranks_by_key.setdefault(key, rank_of_key(key, scope)), e, u, a, n, key)
            for e, u, a, n, key in keyed
        ]
    first_key = keyed[0][4]
    first_rank = rank_of_key(first_key, scope) if offset else 1
    ranks = shared_ranks(
        (key for *_rest, key in keyed), offset=offset, previous=first_key, previous_rank=first_rank
    )
    return [to_row(r, e, u, a, n, key) for r, (e, u, a, n, key) in zip(ranks, keyed, strict=True)]


def participant_rank(round_: Round, user_id: int) -> tuple[int, int, int] | None:
    """(rank in the round, rank in the participant's group, group size) or None without entry."""
    entry = db.session.execute(
        select(RoundEntry).where(RoundEntry.round_id == round_.id, RoundEntry.user_id == user_id)
    ).scalar_one_or_none()
    if entry is None:
        return None
    overall = Scope(round_)
    group = Scope(round_, entry.participant_group)
    key = entry_key(entry, overall)
    return rank_of_key(key, overall), rank_of_key(key, group), scope_size(group)

"""The one ranking of a round. Judge pages, a participant's own rank, public boards and every
Excel export call these functions; the tie-break chain is the round's `ranking_chain`, in the
order and with the meaning given in `contest.domain.ranking`.
"""

import operator
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import reduce

from sqlalchemy import false, func, select
from sqlalchemy.sql import Select

from contest.domain.ranking import (
    NO_PREDICTION,
    PREDICTION,
    STEP_BY_NAME,
    STEPS,
    SUBMITTED,
    Entry,
    shared_ranks,
    sort_key,
    validate_chain,
)
from contest.extensions import db
from contest.models import Agency, Attempt, Round, RoundEntry, User
from contest.models.results import RANKING_COLUMNS, ranking_order


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


# Each step's ORDER BY, from the registry and the same columns the ranking indexes are built on.
ORDER = {step: ranking_order(step) for step in STEPS}
# What a ranked line shows, labelled as RankedRow's fields.
ROW_COLUMNS = (
    RoundEntry.user_id,
    User.full_name,
    User.date_of_birth,
    User.phone,
    User.national_id,
    User.email,
    User.prize_eligible,
    RoundEntry.participant_group,
    RoundEntry.agency_id,
    Agency.name.label("agency_name"),
    RoundEntry.attempt_id,
    Attempt.number.label("attempt_number"),
    RoundEntry.correct_count,
    RoundEntry.question_count,
    RoundEntry.prediction,
    RoundEntry.prediction_error,
    RoundEntry.duration_ms,
    RoundEntry.submitted_at,
    RoundEntry.attempts_count,
)


def frozen(scope: Scope) -> bool:
    return scope.round.prediction_actual is not None


def freezing(scope: Scope) -> bool:
    """A freeze has begun (it stamps the round first) and not finished: some errors are written."""
    return not frozen(scope) and scope.round.prediction_actual_at is not None


def ranked_steps(scope: Scope) -> list[tuple[int, str]]:
    """(position in the key, step) of the steps that order entries. Until the round's actual
    value is frozen the prediction step ties everyone. Before any freeze every error is NULL,
    a tie that keeps the indexes' order; during a freeze (or after one stopped half way) the
    errors already written are ignored by leaving the step out."""
    return [
        (i, step) for i, step in enumerate(scope.chain) if step != PREDICTION or not freezing(scope)
    ]


def ranked_entries(round_: Round) -> tuple:
    """The conditions on RoundEntry of the entries that are ranked, counted for prizes, agency
    tables and statistics: never a voided one (a judge's void), none at all in a practice
    round."""
    conditions = (RoundEntry.round_id == round_.id, RoundEntry.voided_at.is_(None))
    return (*conditions, false()) if round_.is_practice else conditions


def in_scope(query: Select, scope: Scope, agency_ids: Sequence[int] | None = None) -> Select:
    query = query.where(*ranked_entries(scope.round))
    if scope.group:
        query = query.where(RoundEntry.participant_group == scope.group)
    if agency_ids is not None:
        query = query.where(RoundEntry.agency_id.in_(list(agency_ids)))
    return query


def ranking_select(scope: Scope, agency_ids: Sequence[int] | None = None) -> Select:
    """Entries of the scope in ranking order, as the columns a ranked line shows."""
    query = (
        select(*ROW_COLUMNS)
        .join(User, User.id == RoundEntry.user_id)
        .join(Attempt, Attempt.id == RoundEntry.attempt_id)
        .outerjoin(Agency, Agency.id == RoundEntry.agency_id)
    )
    order = [ORDER[step] for _position, step in ranked_steps(scope)]
    return in_scope(query, scope, agency_ids).order_by(*order, RoundEntry.user_id)


def to_ms(moment: datetime) -> datetime:
    """Submission times are compared to the millisecond, the precision every file and page
    shows: two entries handed in within the same millisecond tie on that step."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def entry_key(entry, scope: Scope) -> tuple:
    """The sort key of an entry, or of a row with the entry's columns."""
    submitted = to_ms(entry.submitted_at)
    domain_entry = Entry(
        entry.user_id, entry.correct_count, entry.prediction, entry.duration_ms, submitted
    )
    return sort_key(domain_entry, scope.chain, scope.round.prediction_actual)


def to_row(rank: int, row, key: tuple, scope: Scope) -> RankedRow:
    fields = row._asdict()
    error = fields["prediction_error"]
    if error is None or error >= NO_PREDICTION or not frozen(scope):
        fields["prediction_error"] = None
    return RankedRow(rank=rank, key=key, **fields)


def iter_ranking(scope: Scope, batch_size: int = 2000) -> Iterator[RankedRow]:
    """Every entry of the scope, best first, with shared ranks; streamed in constant memory."""
    result = db.session.execute(
        ranking_select(scope).execution_options(yield_per=batch_size, stream_results=True)
    )
    # A caller may stop early (prizes read only the top): closing the result frees
    # PostgreSQL's cursor.
    try:
        last_key = None
        rank = 0
        for position, row in enumerate(result, start=1):
            key = entry_key(row, scope)
            if key != last_key:
                rank, last_key = position, key
            yield to_row(rank, row, key, scope)
    finally:
        result.close()


def step_conditions(step: str, value, scope: Scope) -> tuple:
    """(equal on the step, strictly better on it or None) for one part of a sort key, as plain
    column comparisons, so that the composite indexes serve them."""
    if step == PREDICTION and not frozen(scope):
        # No freeze has begun: every error is NULL, none better (see ranked_steps).
        return RoundEntry.prediction_error.is_(None), None
    column = RANKING_COLUMNS[step]
    if step == SUBMITTED:
        # The key holds the millisecond: equal is anywhere within it (ORDER BY the column
        # keeps such entries next to each other).
        return (column >= value) & (column < value + timedelta(milliseconds=1)), column < value
    if STEP_BY_NAME[step].higher_is_better:
        # The sort key holds the value negated, so that every part sorts ascending.
        return column == -value, column > -value
    return column == value, column < value


def rank_query(key: tuple, scope: Scope) -> Select | None:
    """The number of entries in the scope that rank strictly before `key`, as one SELECT that
    adds one count per step: the entries equal on the steps before it and better on it.
    When the chain follows the index's order, each count is one range of
    ix_round_entry_ranking, or of ix_round_entry_group_ranking for a group. After the
    freeze no error is NULL (entries without a prediction hold NO_PREDICTION)."""
    counts, equal = [], []
    for position, step in ranked_steps(scope):
        same, better = step_conditions(step, key[position], scope)
        if better is not None:
            count = select(func.count()).select_from(RoundEntry).where(*equal, better)
            counts.append(in_scope(count, scope).scalar_subquery())
        equal.append(same)
    return select(reduce(operator.add, counts)) if counts else None


def rank_of_key(key: tuple, scope: Scope) -> int:
    """1 + the number of entries in the scope that rank strictly before `key`."""
    query = rank_query(key, scope)
    return 1 + (db.session.execute(query).scalar_one() if query is not None else 0)


def scope_size(scope: Scope, agency_ids: Sequence[int] | None = None) -> int:
    query = in_scope(select(func.count()).select_from(RoundEntry), scope, agency_ids)
    return db.session.execute(query).scalar_one()


def ranking_page(
    scope: Scope, offset: int, limit: int, agency_ids: Sequence[int] | None = None
) -> list[RankedRow]:
    """One page of the ranking. With an agency filter the ranks stay those of the whole scope."""
    result = db.session.execute(ranking_select(scope, agency_ids).offset(offset).limit(limit)).all()
    keyed = [(row, entry_key(row, scope)) for row in result]
    if not keyed:
        return []
    if agency_ids is not None:
        ranks_by_key: dict[tuple, int] = {}
        for _row, key in keyed:
            if key not in ranks_by_key:
                ranks_by_key[key] = rank_of_key(key, scope)
        return [to_row(ranks_by_key[key], row, key, scope) for row, key in keyed]
    first_key = keyed[0][1]
    first_rank = rank_of_key(first_key, scope) if offset else 1
    ranks = shared_ranks(
        (key for _row, key in keyed), offset=offset, previous=first_key, previous_rank=first_rank
    )
    return [to_row(r, row, key, scope) for r, (row, key) in zip(ranks, keyed, strict=True)]


def participant_rank(round_: Round, user_id: int) -> tuple[int, int, int] | None:
    """(rank in the round, rank in the participant's group, group size), or None without an
    entry that is ranked (a voided one, a practice round)."""
    entry = db.session.execute(
        select(
            RoundEntry.user_id,
            RoundEntry.participant_group,
            RoundEntry.correct_count,
            RoundEntry.prediction,
            RoundEntry.duration_ms,
            RoundEntry.submitted_at,
        ).where(*ranked_entries(round_), RoundEntry.user_id == user_id)
    ).one_or_none()
    if entry is None:
        return None
    overall = Scope(round_)
    group = Scope(round_, entry.participant_group)
    key = entry_key(entry, overall)
    return rank_of_key(key, overall), rank_of_key(key, group), scope_size(group)

"""Fair play in a round: which entries wait for a judge before they may take a prize.

The rule is `contest.domain.fair_play.flag`; SQL only narrows the rows to read (the same
constants), so a flag is decided in one place. Voided entries are not read: they are ranked
nowhere already.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, or_, select

from contest.domain import fair_play
from contest.extensions import db
from contest.models import Agency, Round, RoundEntry, User
from contest.results.ranking import ranked_entries


@dataclass(frozen=True)
class FlaggedEntry:
    user_id: int
    full_name: str
    agency_name: str | None
    attempt_id: int
    correct_count: int
    question_count: int
    duration_ms: int
    last_answer_ms: int | None
    submitted_at: datetime
    flag: fair_play.Flag
    cleared_at: datetime | None
    clear_reason: str | None

    @property
    def held(self) -> bool:
        return self.cleared_at is None

    @property
    def flag_label(self) -> str:
        return fair_play.LABELS[self.flag]


def _candidates(round_: Round) -> Select:
    """Rows that may be flagged: faster than the minimum, or answered at once."""
    seconds = round_.minimum_seconds_per_question
    return select(RoundEntry).where(
        *ranked_entries(round_),
        or_(
            RoundEntry.duration_ms < RoundEntry.question_count * (seconds * 1000),
            RoundEntry.last_answer_ms < fair_play.ALL_ANSWERS_AT_ONCE_MS,
        ),
    )


def entry_flag(round_: Round, entry: RoundEntry) -> fair_play.Flag | None:
    return fair_play.flag(
        duration_ms=entry.duration_ms,
        question_count=entry.question_count,
        last_answer_ms=entry.last_answer_ms,
        seconds_per_question=round_.minimum_seconds_per_question,
    )


def held_user_ids(round_: Round, user_ids: Iterable[int] | None = None) -> set[int]:
    """The people whose entry is flagged and not cleared (of `user_ids`, when given)."""
    if round_.minimum_seconds_per_question <= 0:
        return set()
    query = _candidates(round_)
    if user_ids is not None:
        query = query.where(RoundEntry.user_id.in_(list(user_ids)))
    return {
        entry.user_id
        for entry in db.session.execute(query).scalars()
        if fair_play.held(entry_flag(round_, entry), entry.attempt_id, entry.cleared_attempt_id)
    }


def flagged_entries(round_: Round) -> list[FlaggedEntry]:
    """The review queue: every flagged entry, those waiting first, fastest first."""
    if round_.minimum_seconds_per_question <= 0:
        return []
    candidates = _candidates(round_).subquery()
    rows = db.session.execute(
        select(candidates, User.full_name, Agency.name.label("agency_name"))
        .join(User, User.id == candidates.c.user_id)
        .outerjoin(Agency, Agency.id == candidates.c.agency_id)
    ).all()
    lines = []
    for row in rows:
        flag = fair_play.flag(
            duration_ms=row.duration_ms,
            question_count=row.question_count,
            last_answer_ms=row.last_answer_ms,
            seconds_per_question=round_.minimum_seconds_per_question,
        )
        if flag is None:
            continue
        cleared = row.cleared_attempt_id == row.attempt_id
        lines.append(
            FlaggedEntry(
                row.user_id,
                row.full_name,
                row.agency_name,
                row.attempt_id,
                row.correct_count,
                row.question_count,
                row.duration_ms,
                row.last_answer_ms,
                row.submitted_at,
                flag,
                row.cleared_at if cleared else None,
                row.clear_reason if cleared else None,
            )
        )
    return sorted(lines, key=lambda line: (not line.held, line.duration_ms, line.user_id))

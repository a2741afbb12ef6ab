"""Live participation figures for organizers and judges."""

from sqlalchemy import distinct, func, select

from contest.extensions import db
from contest.models import Attempt, AttemptStatus, Round


def round_participation(contest_id: int) -> dict[int, dict[str, int]]:
    """Per round: participants, entries handed in, attempts in progress."""
    finished = Attempt.status != AttemptStatus.OPEN
    rows = db.session.execute(
        select(
            Attempt.round_id,
            func.count(distinct(Attempt.user_id)),
            func.count().filter(finished),
            func.count().filter(Attempt.status == AttemptStatus.OPEN),
        )
        .join(Round, Round.id == Attempt.round_id)
        .where(Round.contest_id == contest_id)
        .group_by(Attempt.round_id)
    ).all()
    return {
        round_id: {"participants": people, "entries": entries, "in_progress": live}
        for round_id, people, entries, live in rows
    }

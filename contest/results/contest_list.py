"""The contests judges see: every one that is not a draft, the open ones first."""

from sqlalchemy import case, select

from contest.extensions import db
from contest.models import Contest, ContestStatus


def judged_contests(contest_id: int | None = None) -> list[Contest]:
    """Open contests, then closed, then archived, newest first in each; one when asked by id
    (nothing when that one is a draft or does not exist)."""
    order = case(
        (Contest.status == ContestStatus.OPEN, 0),
        (Contest.status == ContestStatus.CLOSED, 1),
        else_=2,
    )
    query = select(Contest).where(Contest.status != ContestStatus.DRAFT)
    if contest_id is not None:
        query = query.where(Contest.id == contest_id)
    return list(db.session.execute(query.order_by(order, Contest.id.desc())).scalars().all())

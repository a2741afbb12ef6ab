"""Results: each participant's counted entry per round, and published ranking snapshots."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.domain import ranking
from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models.user import User


class RoundEntry(db.Model):
    """A participant's counted attempt in a round (best, first or last, by the round's rule).

    Kept up to date when an attempt closes, so that ranking a round is one indexed query
    instead of choosing among every attempt of every participant at read time.
    """

    __table_args__ = (
        UniqueConstraint("round_id", "user_id"),
        Index("ix_round_entry_agency", "round_id", "agency_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"))
    # The participant's group and agency when the entry was made: results stay as they were.
    participant_group: Mapped[str] = mapped_column(String(20))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    correct_count: Mapped[int]
    question_count: Mapped[int]
    duration_ms: Mapped[int] = mapped_column(BigInteger)
    submitted_at: Mapped[datetime]
    prediction: Mapped[int | None] = mapped_column(BigInteger)
    # |prediction − actual|, filled when the round's actual value is frozen.
    prediction_error: Mapped[int | None] = mapped_column(BigInteger)
    # Finished attempts of this participant in the round, and how many were perfect.
    attempts_count: Mapped[int] = mapped_column(default=1)
    perfect_count: Mapped[int] = mapped_column(default=0)
    # Why `attempt_id` counts (contest.domain.scoring.counted_reason): "only", "first", "last",
    # the tie-break step that set it apart from the next best attempt, or "number".
    counted_reason: Mapped[str | None] = mapped_column(String(20))
    # A judge's void (duplicate account, cheating): ranked nowhere, shown as voided in the
    # entries export; kept on the entry so that choosing the counted attempt again keeps it.
    voided_at: Mapped[datetime | None]
    void_reason: Mapped[str | None] = mapped_column(Text)
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class ResultPublication(db.Model):
    """One publication of a round's results: the frozen ranking and its SHA-256."""

    __table_args__ = (UniqueConstraint("round_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    version: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    prediction_actual: Mapped[int | None] = mapped_column(BigInteger)
    chain: Mapped[str] = mapped_column(String(100))
    entry_count: Mapped[int]
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Required from the second publication on: why the results changed.
    reason: Mapped[str | None] = mapped_column(Text)


class SnapshotRow(db.Model):
    """One line of a published ranking, exactly as it was published."""

    publication_id: Mapped[int] = mapped_column(
        ForeignKey("result_publication.id"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    # Rank among all entries of the round, and within the participant's group (prizes).
    rank: Mapped[int]
    group_rank: Mapped[int]
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"))
    participant_group: Mapped[str] = mapped_column(String(20))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    correct_count: Mapped[int]
    prediction: Mapped[int | None] = mapped_column(BigInteger)
    prediction_error: Mapped[int | None] = mapped_column(BigInteger)
    duration_ms: Mapped[int] = mapped_column(BigInteger)
    submitted_at: Mapped[datetime]
    prize: Mapped[str | None] = mapped_column(String(10))


# Each tie-break step's column (contest.domain.ranking.STEP_REGISTRY): the ranking's ORDER BY,
# its conditions and the indexes below all come from here.
RANKING_COLUMNS = {
    ranking.CORRECT: RoundEntry.correct_count,
    ranking.PREDICTION: RoundEntry.prediction_error,
    ranking.DURATION: RoundEntry.duration_ms,
    ranking.SUBMITTED: RoundEntry.submitted_at,
}


def ranking_order(step: str):
    """The step's column as ORDER BY and the index sort it: descending when higher is better."""
    column = RANKING_COLUMNS[step]
    return column.desc() if ranking.STEP_BY_NAME[step].higher_is_better else column


# The default chain's order, so that the top of a round (or of a group) is an index range scan.
_RANKING_ORDER = tuple(ranking_order(step) for step in ranking.DEFAULT_CHAIN)
Index("ix_round_entry_ranking", RoundEntry.round_id, *_RANKING_ORDER)
Index(
    "ix_round_entry_group_ranking",
    RoundEntry.round_id,
    RoundEntry.participant_group,
    *_RANKING_ORDER,
)

"""Results: each participant's counted entry per round, and published ranking snapshots."""

from datetime import date, datetime

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
    # Milliseconds from the attempt's start to its last saved answer (None: no answer, or an
    # entry older than the fair-play check): a script saves everything on arrival.
    last_answer_ms: Mapped[int | None] = mapped_column(BigInteger)
    # A judge looked at this entry's flagged attempt and let it compete for prizes; a later
    # counted attempt is flagged afresh (cleared_attempt_id no longer matches attempt_id).
    cleared_attempt_id: Mapped[int | None] = mapped_column(ForeignKey("attempt.id"))
    cleared_at: Mapped[datetime | None]
    cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    clear_reason: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class ResultPublication(db.Model):
    """One publication of a round's results: the frozen ranking and its seal (SHA-256).

    `seal_version` 2 (contest.results.seal, docs/results-seal.md): `sha256` is the seal of
    `seal_header` and the lines' digests, recomputable from a published file alone. Version 1
    (publications made before it): a digest over database ids and microseconds, checked only
    against the stored snapshot."""

    __table_args__ = (UniqueConstraint("round_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    version: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    seal_version: Mapped[int] = mapped_column(default=2, server_default="1")
    # The seal's header text as it was sealed (contest slug, round number, …): kept, so that
    # renaming a contest later does not move a publication's seal.
    seal_header: Mapped[str | None] = mapped_column(Text)
    prediction_actual: Mapped[int | None] = mapped_column(BigInteger)
    chain: Mapped[str] = mapped_column(String(100))
    entry_count: Mapped[int]
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Required from the second publication on: why the results changed.
    reason: Mapped[str | None] = mapped_column(Text)


class SnapshotRow(db.Model):
    """One line of a published ranking, exactly as it was published: everything a published
    export shows is here, so that no published file reads a live row. Erasing a person's data
    on request blanks the personal fields (full_name NULL) and keeps `line_digest`, so that the
    seal still verifies."""

    __table_args__ = (Index("ix_snapshot_row_receipt", "receipt"),)

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
    # Frozen when published (NULL only after an erasure, or in rows older than the seal's
    # method 2 whose people were already erased when they were filled in).
    full_name: Mapped[str | None] = mapped_column(String(120))
    date_of_birth: Mapped[date | None]
    phone: Mapped[str | None] = mapped_column(String(15))
    national_id: Mapped[str | None] = mapped_column(String(12))
    prize_eligible: Mapped[bool | None]
    agency_code: Mapped[str | None] = mapped_column(String(40))
    agency_name: Mapped[str | None] = mapped_column(String(255))
    agency_parent_code: Mapped[str | None] = mapped_column(String(40))
    attempt_number: Mapped[int | None]
    question_count: Mapped[int | None]
    # SHA-256 of the seal's header and this line's canonical text; `receipt` is its first 12
    # hex digits, the participant's receipt code (method 2 only).
    line_digest: Mapped[str | None] = mapped_column(String(64))
    receipt: Mapped[str | None] = mapped_column(String(12))


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

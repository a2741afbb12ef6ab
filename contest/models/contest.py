"""Contests and their rounds (tuần thi, đợt thi)."""

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.domain.clock import utcnow
from contest.domain.ranking import DEFAULT_CHAIN
from contest.extensions import db


class ContestStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class PredictionTarget(StrEnum):
    """What the prediction question asks participants to guess."""

    PARTICIPANTS = "participants"
    PERFECT = "perfect"
    ENTRIES = "entries"


class RevealAnswers(StrEnum):
    """When a participant may see which of their answers were right."""

    AFTER_CLOSE = "after_close"
    AFTER_SUBMIT = "after_submit"
    NEVER = "never"


class Contest(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    organizer_name: Mapped[str | None] = mapped_column(String(300))
    rules_text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=ContestStatus.DRAFT)
    # Participant groups allowed to take part; an empty list means everyone.
    eligible_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    # False: a person who wins in several rounds keeps only the higher prize.
    several_prizes_per_person: Mapped[bool] = mapped_column(default=False)
    # How agencies are ranked for collective prizes: participants, participation_rate, average_score.
    collective_measure: Mapped[str] = mapped_column(String(30), default="participation_rate")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    rounds: Mapped[list["Round"]] = relationship(
        back_populates="contest", order_by="Round.number", cascade="all, delete-orphan"
    )


class Round(db.Model):
    __table_args__ = (
        UniqueConstraint("contest_id", "number"),
        CheckConstraint("closes_at > opens_at", name="window"),
        CheckConstraint("question_count > 0", name="question_count"),
        CheckConstraint("time_limit_seconds > 0", name="time_limit"),
        CheckConstraint("attempts_allowed IS NULL OR attempts_allowed > 0", name="attempts"),
        CheckConstraint("counted_attempt IN ('best', 'first', 'last')", name="counted_attempt"),
        CheckConstraint(
            "results_status IN ('draft', 'reviewed', 'published')", name="results_status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    question_count: Mapped[int]
    # {topic_id (as text, JSON keys are strings): number of questions from that topic}
    topic_quotas: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    time_limit_seconds: Mapped[int]
    # None: unlimited attempts.
    attempts_allowed: Mapped[int | None]
    counted_attempt: Mapped[str] = mapped_column(String(10), default="best")
    shuffle_options: Mapped[bool] = mapped_column(default=True)
    reveal_answers: Mapped[str] = mapped_column(String(20), default=RevealAnswers.AFTER_CLOSE)
    prediction_enabled: Mapped[bool] = mapped_column(default=False)
    prediction_prompt: Mapped[str | None] = mapped_column(Text)
    prediction_target: Mapped[str] = mapped_column(
        String(20), default=PredictionTarget.PARTICIPANTS
    )

    # Tie-break steps in order (see contest.domain.ranking); a step left out is switched off.
    ranking_chain: Mapped[list[str]] = mapped_column(JSON, default=lambda: list(DEFAULT_CHAIN))
    # The value predictions are compared with, frozen when the round closes.
    prediction_actual: Mapped[int | None] = mapped_column(BigInteger)
    prediction_actual_at: Mapped[datetime | None]
    # Prizes per participant group: {"nhat": 1, "nhi": 2, "ba": 3, "kk": 10}.
    prize_counts: Mapped[dict[str, int]] = mapped_column(
        JSON, default=lambda: {"nhat": 1, "nhi": 2, "ba": 3, "kk": 10}
    )
    results_status: Mapped[str] = mapped_column(String(20), default="draft")

    contest: Mapped[Contest] = relationship(back_populates="rounds")

    @property
    def time_limit(self) -> timedelta:
        return timedelta(seconds=self.time_limit_seconds)

    def quotas_by_topic(self) -> dict[int, int]:
        return quotas_by_topic(self.topic_quotas)


def quotas_by_topic(topic_quotas: dict[str, int] | None) -> dict[int, int]:
    """`Round.topic_quotas` as stored (JSON keys are text) with topic ids as numbers."""
    return {int(topic): int(n) for topic, n in (topic_quotas or {}).items()}

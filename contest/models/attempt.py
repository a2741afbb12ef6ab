"""Attempts (lượt thi) and the questions drawn for each, frozen as the participant saw them."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.extensions import db
from contest.models.contest import Round
from contest.models.user import User


class AttemptStatus(StrEnum):
    OPEN = "open"
    SUBMITTED = "submitted"
    # Closed by the server when the time ran out, with what was saved in time.
    EXPIRED = "expired"


class Attempt(db.Model):
    __table_args__ = (
        UniqueConstraint("round_id", "user_id", "number"),
        CheckConstraint("status IN ('open', 'submitted', 'expired')", name="status"),
        CheckConstraint("number >= 1", name="number"),
        # At most one open attempt per participant and round, whatever the application does.
        Index(
            "uq_attempt_one_open",
            "round_id",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_attempt_open_deadline", "status", "deadline"),
        # The live dashboard counts a contest's entries per day and per hour.
        Index("ix_attempt_round_submitted", "round_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    number: Mapped[int]
    started_at: Mapped[datetime]
    deadline: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(10), default=AttemptStatus.OPEN)
    question_count: Mapped[int]
    correct_count: Mapped[int | None]
    duration_ms: Mapped[int | None] = mapped_column(BigInteger)
    prediction: Mapped[int | None] = mapped_column(BigInteger)

    round: Mapped[Round] = relationship()
    user: Mapped[User] = relationship()
    items: Mapped[list["AttemptItem"]] = relationship(
        order_by="AttemptItem.position", back_populates="attempt", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.OPEN


class AttemptItem(db.Model):
    """One drawn question, with a snapshot so later edits of the bank never change a taken attempt."""

    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    question_version: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    # Options in the order shown; `option_order[i]` is the stored index of shown option i.
    options: Mapped[list[str]] = mapped_column(JSON)
    option_order: Mapped[list[int]] = mapped_column(JSON)
    # Shown positions of the right options.
    correct: Mapped[list[int]] = mapped_column(JSON)
    # Shown positions chosen by the participant; None when not answered.
    chosen: Mapped[list[int] | None] = mapped_column(JSON)
    answered_at: Mapped[datetime | None]
    # Saves accepted for this question, counted by the save's own UPDATE: the cap on them
    # (contest/attempts/answers.py) is the answer save's rate limit, shared by every worker and host.
    saves: Mapped[int] = mapped_column(default=0, server_default="0")
    # Set when the attempt closes, so that per-question statistics are one GROUP BY.
    is_correct: Mapped[bool | None]

    attempt: Mapped[Attempt] = relationship(back_populates="items")

    @property
    def multiple(self) -> bool:
        return len(self.correct) > 1

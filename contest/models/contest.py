"""Contests and their rounds (tuần thi, đợt thi)."""

from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.domain.clock import utcnow
from contest.domain.ranking import DEFAULT_CHAIN
from contest.extensions import db


class ContestStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    # Kept for the record, listed nowhere for participants.
    ARCHIVED = "archived"


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


# Profile fields a contest may require before a participant starts an attempt.
REQUIRABLE_FIELDS = ("national_id", "email", "phone", "date_of_birth", "address", "agency_id")


class Contest(db.Model):
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'open', 'closed', 'archived')", name="status"),
        CheckConstraint("minimum_age IS NULL OR minimum_age BETWEEN 1 AND 120", name="minimum_age"),
        CheckConstraint(
            "participation_target IS NULL OR participation_target BETWEEN 1 AND 100",
            name="participation_target",
        ),
        CheckConstraint(
            "retention_days IS NULL OR retention_days BETWEEN 1 AND 3650", name="retention_days"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    # One or two sentences: the home page's card and the link preview in chat apps.
    summary: Mapped[str | None] = mapped_column(String(500))
    organizer_name: Mapped[str | None] = mapped_column(String(300))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    hotline: Mapped[str | None] = mapped_column(String(200))
    # The organizing body's emblem, kept in the database so that every host can serve it; read
    # only when served (deferred), like the rules texts only on the rules page.
    emblem: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    emblem_type: Mapped[str | None] = mapped_column(String(40))
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    # Free text around the generated rules, in Markdown (rendered without raw HTML).
    rules_intro: Mapped[str] = mapped_column(
        Text, default="", deferred=True, deferred_group="rules"
    )
    rules_participants: Mapped[str] = mapped_column(
        Text, default="", deferred=True, deferred_group="rules"
    )
    rules_prizes: Mapped[str] = mapped_column(
        Text, default="", deferred=True, deferred_group="rules"
    )
    rules_complaints: Mapped[str] = mapped_column(
        Text, default="", deferred=True, deferred_group="rules"
    )
    status: Mapped[str] = mapped_column(String(20), default=ContestStatus.DRAFT)
    # Profile fields (REQUIRABLE_FIELDS) a participant must have filled in to start.
    required_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    minimum_age: Mapped[int | None] = mapped_column(SmallInteger)
    # Typed once per participant and contest (ContestAccess) when the organizer sets one.
    access_code: Mapped[str | None] = mapped_column(String(64))
    # False: participants see their own score and rank only after the contest closes.
    results_visible: Mapped[bool] = mapped_column(default=True)
    # The participation rate (percent of headcount) agencies are expected to reach.
    participation_target: Mapped[int | None] = mapped_column(SmallInteger)
    # Participant groups allowed to take part; an empty list means everyone.
    eligible_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    # False: a person who wins in several rounds keeps only the higher prize.
    several_prizes_per_person: Mapped[bool] = mapped_column(default=False)
    # How agencies are ranked for collective prizes: participants, participation_rate, average_score.
    collective_measure: Mapped[str] = mapped_column(String(30), default="participation_rate")
    # Days after the contest closes (ends_on) that participants' personal data is kept before
    # `flask people purge` erases it; None: kept until erased by hand.
    retention_days: Mapped[int | None]
    personal_data_purged_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    rounds: Mapped[list["Round"]] = relationship(
        back_populates="contest", order_by="Round.number", cascade="all, delete-orphan"
    )
    announcements: Mapped[list["Announcement"]] = relationship(
        back_populates="contest",
        order_by="Announcement.starts_at.desc()",
        cascade="all, delete-orphan",
    )


class ContestAccess(db.Model):
    """A participant typed the contest's access code: asked once per contest."""

    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)


class Announcement(db.Model):
    """A short notice on the contest's home page between two moments (UTC)."""

    __table_args__ = (CheckConstraint("ends_at IS NULL OR ends_at > starts_at", name="window"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    contest: Mapped[Contest] = relationship(back_populates="announcements")


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
        CheckConstraint("minimum_wait_minutes >= 0", name="minimum_wait"),
        CheckConstraint("minimum_correct_for_prize >= 0", name="minimum_correct_for_prize"),
        CheckConstraint(
            "minimum_seconds_per_question >= 0 AND minimum_seconds_per_question <= 600",
            name="minimum_seconds_per_question",
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
    # {difficulty 1..3 (as text): number of questions of that difficulty}
    difficulty_quotas: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    time_limit_seconds: Mapped[int]
    # None: unlimited attempts.
    attempts_allowed: Mapped[int | None]
    counted_attempt: Mapped[str] = mapped_column(String(10), default="best")
    # At most one attempt per Vietnam calendar day, and minutes to wait between two attempts.
    one_attempt_per_day: Mapped[bool] = mapped_column(default=False, server_default=false())
    minimum_wait_minutes: Mapped[int] = mapped_column(default=0, server_default="0")
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
    # Prizes for each participant group unless `group_prize_counts` names the group:
    # {"nhat": 1, "nhi": 2, "ba": 3, "kk": 10}.
    prize_counts: Mapped[dict[str, int]] = mapped_column(
        JSON, default=lambda: {"nhat": 1, "nhi": 2, "ba": 3, "kk": 10}
    )
    # A group's own counts: {"can_bo": {"nhat": 1, ...}, "nhan_dan": {...}}.
    group_prize_counts: Mapped[dict[str, dict[str, int]]] = mapped_column(
        JSON, default=dict, server_default="{}"
    )
    # A participant group's own question set, a filter over the active bank:
    # {group: {"topics": [ids], "difficulties": [1..3], "sources": [text fragments],
    # "question_ids": [ids]}} (contest.domain.question_sets). A group left out draws from the
    # whole bank.
    question_sets: Mapped[dict[str, dict[str, list]]] = mapped_column(
        JSON, default=dict, server_default="{}"
    )
    # No prize, at any level, below this many correct answers (0: no minimum).
    minimum_correct_for_prize: Mapped[int] = mapped_column(default=0, server_default="0")
    # Fair play (contest.domain.fair_play): an entry faster than this on average per question,
    # or whose answers were all saved at once on arrival, is held out of the prizes until a
    # judge clears or voids it (0: no check).
    minimum_seconds_per_question: Mapped[int] = mapped_column(default=0, server_default="0")
    # A practice round (thi thử): same page and timer, never ranked, never in an export.
    is_practice: Mapped[bool] = mapped_column(default=False, server_default=false())
    results_status: Mapped[str] = mapped_column(String(20), default="draft")

    contest: Mapped[Contest] = relationship(back_populates="rounds")

    @property
    def time_limit(self) -> timedelta:
        return timedelta(seconds=self.time_limit_seconds)

    def quotas_by_topic(self) -> dict[int, int]:
        return quotas_by_topic(self.topic_quotas)

    def quotas_by_difficulty(self) -> dict[int, int]:
        return quotas_by_topic(self.difficulty_quotas)

    def prize_counts_for(self, group: str) -> dict[str, int]:
        """The prize counts of one participant group: its own, else the round's."""
        own = (self.group_prize_counts or {}).get(group)
        return dict(own if own is not None else (self.prize_counts or {}))

    def question_set_for(self, group: str) -> dict[str, list] | None:
        """One participant group's own question set as stored, None: the whole bank."""
        own = (self.question_sets or {}).get(group)
        return dict(own) if isinstance(own, dict) and any(own.values()) else None


def quotas_by_topic(topic_quotas: dict[str, int] | None) -> dict[int, int]:
    """Quotas as stored (JSON keys are text: topic ids, difficulties) with numbers as keys."""
    return {int(topic): int(n) for topic, n in (topic_quotas or {}).items()}

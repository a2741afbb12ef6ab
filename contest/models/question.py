"""The question bank: topics and questions with their legal source."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.domain.clock import utcnow
from contest.extensions import db


class Topic(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class Question(db.Model):
    __table_args__ = (
        CheckConstraint("difficulty IS NULL OR difficulty BETWEEN 1 AND 3", name="difficulty"),
        CheckConstraint("version >= 1", name="version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    # SHA-256 of the NFC, case-folded, whitespace-collapsed text: how duplicates are found
    # (a hash, because a B-tree index cannot hold a 2,000-character key on PostgreSQL).
    text_key: Mapped[str] = mapped_column(String(64), index=True)
    # Lower-case text without diacritics, so that "thu tuc" finds "thủ tục".
    search_text: Mapped[str] = mapped_column(Text, default="")
    options: Mapped[list[str]] = mapped_column(JSON)
    # Indices into `options` of the right answers (one or several).
    correct: Mapped[list[int]] = mapped_column(JSON)
    difficulty: Mapped[int | None] = mapped_column(SmallInteger)
    explanation: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(default=True, index=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    topic: Mapped[Topic | None] = relationship()

"""The audit log: who did what to which object, from where. Append-only.

The service offers no way to change or remove a line, and the database refuses UPDATE and
DELETE on the table (a trigger on PostgreSQL and SQLite), so a line written stays written.
"""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from contest.domain.clock import utcnow
from contest.extensions import db


class AuditEvent(db.Model):
    # BigInteger on PostgreSQL, INTEGER PRIMARY KEY (the rowid) on SQLite.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(db.Integer, "sqlite"), primary_key=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    # A dotted name: "contest.created", "round.changed", ...
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[int | None]
    # What changed ({"before": {...}, "after": {...}}) or what was done; never a secret.
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    address: Mapped[str | None] = mapped_column(String(64))

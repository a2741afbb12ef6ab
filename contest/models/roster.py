"""A staff roster an organizer imports: who in each agency is expected to take part."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models.agency import Agency


class RosterMember(db.Model):
    """One person on an agency's roster, matched to accounts by phone or email, so that the
    agency's focal point sees who has not taken part yet."""

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(15), index=True)
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    agency: Mapped[Agency] = relationship()

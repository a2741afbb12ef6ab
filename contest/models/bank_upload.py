"""A question-bank file an organizer uploaded: kept between the dry run and the import.

Stored in the database, not on one host's disk or in memory, so that the dry run and the
one-click import may be served by different workers or hosts.
"""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from contest.domain.clock import utcnow
from contest.extensions import db


class BankUpload(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # None until imported; then the number of questions saved.
    imported_at: Mapped[datetime | None]
    saved_count: Mapped[int | None]
    # The dry run's findings, kept so that the result page never parses the file again
    # (contest/bank/uploads.py: `summary_json`); None for uploads made before it was kept.
    report: Mapped[dict | None] = mapped_column(JSON)

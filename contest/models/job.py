"""A background job (a judge's large export): the truth every page reads.

The task queue only delivers a job's id to a worker; what the job is, where it stands, who
asked for it and where its file lies are kept here, so that any host's web process can show
it and a job whose worker died can be found (its lease ran out) and queued again.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from contest.domain.clock import utcnow
from contest.extensions import db


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    EXPIRED = "expired"


# Statuses of a job still to finish: one person has at most one such job per export.
ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
ACTIVE_SQL = "status IN ('queued', 'running')"


class Job(db.Model):
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed', 'expired')", name="status"
        ),
        # The same export (kind, round, filters, copy) queued twice by one person at once is
        # refused by the database too: two clicks in two tabs cannot both insert.
        Index(
            "uq_job_one_active",
            "requested_by_id",
            "dedup_key",
            unique=True,
            sqlite_where=text(ACTIVE_SQL),
            postgresql_where=text(ACTIVE_SQL),
        ),
        # The periodic tasks: leases run out (running) and files expire (done).
        Index("ix_job_status_lease", "status", "lease_until"),
        Index("ix_job_requested_by", "requested_by_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What to do ("export"), and its parameters as plain JSON (re-checked by the worker).
    kind: Mapped[str] = mapped_column(String(40))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    dedup_key: Mapped[str] = mapped_column(String(64))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(String(10), default=JobStatus.QUEUED)
    rows_done: Mapped[int] = mapped_column(default=0)
    rows_total: Mapped[int | None]
    # The finished file's name inside the exports folder, and the name the person downloads.
    file_name: Mapped[str | None] = mapped_column(String(200))
    download_name: Mapped[str | None] = mapped_column(String(200))
    # Shown to the person as it is: Vietnamese.
    error: Mapped[str | None] = mapped_column(String(500))
    # How many times a worker took the job; the claim names the current taking, so that a
    # worker whose lease ran out (and whose job went to another) can neither renew nor finish.
    tries: Mapped[int] = mapped_column(default=0)
    claim: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]

"""The job table: what every page reads and every worker writes.

A worker *claims* a queued job with one conditional UPDATE (so two deliveries of one id run
it once), renews its lease while it works, and finishes it only while its claim is still the
job's (a worker taken for dead whose job went to another can neither renew nor finish). The
periodic sweep queues again a running job whose lease ran out (a worker killed), fails it after
the last try, resends queued jobs never taken, and deletes expired files.

Writes made during a job (progress, lease) go through their own short transactions on the
engine, not the session that reads the export's rows.
"""

import hashlib
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import IntegrityError

from contest.extensions import db
from contest.models import Job, JobStatus, User
from contest.models.job import ACTIVE
from contest.text import thousands

log = logging.getLogger(__name__)

STATUS_LABELS = {
    JobStatus.QUEUED: "Đang chờ xử lý",
    JobStatus.RUNNING: "Đang xuất",
    JobStatus.DONE: "Đã xong",
    JobStatus.FAILED: "Không thành công",
    JobStatus.EXPIRED: "Đã hết hạn tải",
}
LIST_LIMIT = 100


class LeaseLost(Exception):
    """This worker's claim is no longer the job's: another worker has it, or it was ended."""


@dataclass(frozen=True)
class Finished:
    """What a job's work left: its file (inside the exports folder), its download name, rows."""

    file_name: str
    download_name: str
    rows: int


def dedup_key(kind: str, parameters: dict) -> str:
    """The same work asked twice gives the same key (parameters in a fixed order)."""
    text = json.dumps({"kind": kind, **parameters}, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def active_job(requested_by_id: int | None, key: str) -> Job | None:
    return db.session.execute(
        select(Job).where(
            Job.requested_by_id == requested_by_id,
            Job.dedup_key == key,
            Job.status.in_(ACTIVE),
        )
    ).scalar_one_or_none()


def create_job(
    kind: str,
    parameters: dict,
    requested_by_id: int | None,
    rows_total: int | None,
    now: datetime,
    resend_seconds: float,
) -> tuple[Job, bool]:
    """A queued job, or the same person's job for the same work still queued or running.
    Returns (job, created). The partial unique index settles two requests at the same moment."""
    key = dedup_key(kind, parameters)
    existing = active_job(requested_by_id, key)
    if existing is not None:
        return existing, False
    job = Job(
        kind=kind,
        parameters=parameters,
        dedup_key=key,
        requested_by_id=requested_by_id,
        status=JobStatus.QUEUED,
        rows_done=0,
        rows_total=rows_total,
        tries=0,
        created_at=now,
        lease_until=now + timedelta(seconds=resend_seconds),
    )
    db.session.add(job)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = active_job(requested_by_id, key)
        if existing is None:
            raise
        return existing, False
    return job, True


def claim(job_id: int, now: datetime, lease_seconds: float) -> str | None:
    """Take a queued job: its new claim, or None when it is not queued (taken, ended, gone)."""
    token = secrets.token_hex(16)
    result = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.QUEUED)
        .values(
            status=JobStatus.RUNNING,
            claim=token,
            tries=Job.tries + 1,
            lease_until=now + timedelta(seconds=lease_seconds),
            started_at=now,
            rows_done=0,
            error=None,
        )
    )
    db.session.commit()
    return token if result.rowcount == 1 else None


def _still_mine(job_id: int, token: str):
    return (Job.id == job_id, Job.claim == token, Job.status == JobStatus.RUNNING)


def renew(engine: Engine, job_id: int, token: str, until: datetime) -> bool:
    """Push the lease on; False when the claim is no longer this worker's."""
    with engine.begin() as connection:
        result = connection.execute(
            update(Job).where(*_still_mine(job_id, token)).values(lease_until=until)
        )
    return result.rowcount == 1


def report_rows(engine: Engine, job_id: int, token: str, rows: int) -> None:
    """Rows written so far; raises LeaseLost when the job is no longer this worker's."""
    with engine.begin() as connection:
        result = connection.execute(
            update(Job).where(*_still_mine(job_id, token)).values(rows_done=rows)
        )
    if result.rowcount != 1:
        raise LeaseLost(job_id)


def finish(job_id: int, token: str, done: Finished, now: datetime, file_hours: float) -> bool:
    """Mark the job done with its file; False (nothing changed) when the claim was lost."""
    result = db.session.execute(
        update(Job)
        .where(*_still_mine(job_id, token))
        .values(
            status=JobStatus.DONE,
            file_name=done.file_name,
            download_name=done.download_name,
            rows_done=done.rows,
            rows_total=done.rows,
            finished_at=now,
            expires_at=now + timedelta(hours=file_hours),
            lease_until=None,
        )
    )
    db.session.commit()
    return result.rowcount == 1


def fail(job_id: int, token: str, message: str, now: datetime) -> bool:
    result = db.session.execute(
        update(Job)
        .where(*_still_mine(job_id, token))
        .values(status=JobStatus.FAILED, error=message[:500], finished_at=now, lease_until=None)
    )
    db.session.commit()
    return result.rowcount == 1


def release(job_id: int, token: str, now: datetime, resend_seconds: float) -> bool:
    """Give a job back to the queue after an unexpected error (its tries are counted)."""
    result = db.session.execute(
        update(Job)
        .where(*_still_mine(job_id, token))
        .values(
            status=JobStatus.QUEUED,
            claim=None,
            lease_until=now + timedelta(seconds=resend_seconds),
        )
    )
    db.session.commit()
    return result.rowcount == 1


def gave_up_message(tries: int) -> str:
    return (
        f"Máy xử lý bị dừng giữa chừng hoặc gặp lỗi {tries} lần nên việc xuất tệp đã dừng. "
        "Hãy xuất lại; nếu vẫn không được, hãy báo cho quản trị hệ thống."
    )


def requeue_lost(now: datetime, max_tries: int, resend_seconds: float) -> list[int]:
    """Running jobs whose lease ran out go back to the queue (or fail after the last try);
    queued jobs never taken are sent again. Returns the ids to send to the queue."""
    lost = db.session.execute(
        select(Job.id, Job.claim, Job.tries).where(
            Job.status == JobStatus.RUNNING, Job.lease_until < now
        )
    ).all()
    send = []
    resend_at = now + timedelta(seconds=resend_seconds)
    for job_id, token, tries in lost:
        mine = (Job.id == job_id, Job.claim == token, Job.status == JobStatus.RUNNING)
        if tries >= max_tries:
            values = dict(status=JobStatus.FAILED, error=gave_up_message(tries), finished_at=now)
        else:
            values = dict(status=JobStatus.QUEUED, claim=None, lease_until=resend_at)
        result = db.session.execute(update(Job).where(*mine).values(**values))
        if result.rowcount == 1 and values["status"] == JobStatus.QUEUED:
            send.append(job_id)
            log.warning(
                "job %s: lease ran out (try %s of %s), queued again", job_id, tries, max_tries
            )
    stale = db.session.execute(
        update(Job)
        .where(Job.status == JobStatus.QUEUED, Job.lease_until < now)
        .values(lease_until=resend_at)
        .returning(Job.id)
    ).scalars()
    send.extend(stale)
    db.session.commit()
    return send


def expire_files(now: datetime, export_dir: Path, grace_seconds: float) -> int:
    """Delete the files of finished jobs past their time (the job says so), and files no job
    owns (a worker killed before finishing) older than `grace_seconds`. Returns jobs expired."""
    expired = db.session.execute(
        select(Job.id, Job.file_name).where(Job.status == JobStatus.DONE, Job.expires_at <= now)
    ).all()
    for job_id, name in expired:
        if name:
            (export_dir / name).unlink(missing_ok=True)
        db.session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == JobStatus.DONE)
            .values(status=JobStatus.EXPIRED, file_name=None)
        )
    db.session.commit()
    remove_strays(now, export_dir, grace_seconds)
    return len(expired)


def remove_strays(now: datetime, export_dir: Path, grace_seconds: float) -> None:
    """Files named <job id>-<claim>.xlsx[.part] that are neither a done job's file nor the
    running claim's work in progress."""
    if not export_dir.is_dir():
        return
    for path in export_dir.iterdir():
        job_id, _, rest = path.name.partition("-")
        token = rest.split(".", 1)[0]
        if not job_id.isdigit() or not path.is_file():
            continue
        job = db.session.get(Job, int(job_id))
        kept = job is not None and (
            (job.status == JobStatus.DONE and job.file_name == path.name)
            or (job.status == JobStatus.RUNNING and job.claim == token)
        )
        age = now.timestamp() - path.stat().st_mtime
        if not kept and age > grace_seconds:
            path.unlink(missing_ok=True)


def jobs_of(user_id: int | None, limit: int = LIST_LIMIT) -> list[tuple[Job, str | None]]:
    """The newest jobs with their requester's name: one person's, or everyone's (None)."""
    query = (
        select(Job, User.full_name)
        .outerjoin(User, User.id == Job.requested_by_id)
        .order_by(Job.id.desc())
        .limit(limit)
    )
    if user_id is not None:
        query = query.where(Job.requested_by_id == user_id)
    return [(job, name) for job, name in db.session.execute(query)]


def may_open(job: Job, user_id: int, is_organizer: bool) -> bool:
    """Its requester and organizers: a judge does not see another judge's files."""
    return is_organizer or job.requested_by_id == user_id


def progress_text(job: Job) -> str:
    """«Đang xuất… 12.000 / 250.000 dòng» and its kin, for the page and the JSON status."""
    status = JobStatus(job.status)
    if status == JobStatus.QUEUED:
        return "Đang chờ máy xử lý…"
    if status == JobStatus.RUNNING:
        total = f" / {thousands(job.rows_total)}" if job.rows_total else ""
        return f"Đang xuất… {thousands(job.rows_done)}{total} dòng"
    if status == JobStatus.DONE:
        return f"Đã xuất xong {thousands(job.rows_done)} dòng."
    if status == JobStatus.EXPIRED:
        return "Tệp đã hết hạn và đã được xóa; hãy xuất lại nếu cần."
    return job.error or "Xuất tệp không thành công."


def counts_by_status() -> dict[str, int]:
    rows = db.session.execute(select(Job.status, func.count()).group_by(Job.status)).all()
    return {status: count for status, count in rows}

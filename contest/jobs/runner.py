"""What a worker does with one job id, and the periodic sweep.

The app is an argument (the worker's, or the web process's under Huey's immediate mode):
each run pushes its own app context, since the queue's threads share none.
"""

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from contest.domain.clock import utcnow
from contest.extensions import db
from contest.jobs import service
from contest.jobs.exports import EXPORT, JobRefused, run_export
from contest.jobs.service import LeaseLost
from contest.jobs.settings import JobSettings
from contest.models import Job

log = logging.getLogger(__name__)

# Job kind → its work: (job, claim, settings, progress) → Finished.
HANDLERS = {EXPORT: run_export}
FAILED_MESSAGE = (
    "Xuất tệp không thành công do lỗi hệ thống (đã thử {tries} lần). "
    "Hãy xuất lại; nếu vẫn không được, hãy báo cho quản trị hệ thống."
)


class Heartbeat(threading.Thread):
    """Renews the job's lease every third of it while the work goes on (also while a single
    step is long, such as the final save of the workbook); stops when the claim is lost."""

    def __init__(self, engine, job_id: int, token: str, settings: JobSettings):
        super().__init__(name=f"job-{job_id}-lease", daemon=True)
        self.engine, self.job_id, self.token, self.settings = engine, job_id, token, settings
        self.stopped = threading.Event()
        self.lost = False

    def run(self) -> None:
        while not self.stopped.wait(self.settings.heartbeat_seconds):
            until = utcnow() + timedelta(seconds=self.settings.lease_seconds)
            try:
                if not service.renew(self.engine, self.job_id, self.token, until):
                    self.lost = True
                    return
            except Exception:  # a database hiccup: the next beat tries again
                log.exception("job %s: lease not renewed", self.job_id)

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)


def progress_reporter(engine, job_id: int, token: str, settings: JobSettings, beat: Heartbeat):
    def report(rows: int) -> None:
        if beat.lost:
            raise LeaseLost(job_id)
        service.report_rows(engine, job_id, token, rows)
        if settings.slow_export_seconds:
            time.sleep(settings.slow_export_seconds)

    return report


def run(app, job_id: int, settings: JobSettings, send: Callable[[int], None]) -> None:
    """Claim the job, do it, and record the outcome; a job not queued any more is left alone."""
    with app.app_context():
        token = service.claim(job_id, utcnow(), settings.lease_seconds)
        if token is None:
            log.info("job %s: not queued any more, nothing to do", job_id)
            return
        beat = Heartbeat(db.engine, job_id, token, settings)
        beat.start()
        try:
            work(job_id, token, settings, beat, send)
        finally:
            beat.stop()


def work(job_id: int, token: str, settings: JobSettings, beat: Heartbeat, send) -> None:
    job = db.session.get(Job, job_id)
    report = progress_reporter(db.engine, job_id, token, settings, beat)
    try:
        handler = HANDLERS.get(job.kind)
        if handler is None:
            raise JobRefused("Loại việc không được hỗ trợ.")
        done = handler(job, token, settings, report)
    except JobRefused as refusal:
        db.session.rollback()
        service.fail(job_id, token, str(refusal), utcnow())
        return
    except LeaseLost:
        db.session.rollback()
        log.warning("job %s: claim lost to another worker; this run stops", job_id)
        return
    except Exception:
        log.exception("job %s failed", job_id)
        db.session.rollback()
        give_back(job_id, token, settings, send)
        return
    if not service.finish(job_id, token, done, utcnow(), settings.file_hours):
        # Taken by another worker meanwhile: its file will be the one; this one goes.
        (settings.export_dir / done.file_name).unlink(missing_ok=True)


def give_back(job_id: int, token: str, settings: JobSettings, send) -> None:
    """After an unexpected error: queue again while tries remain, else fail with a message."""
    tries = db.session.get(Job, job_id).tries
    now = utcnow()
    if tries >= settings.max_tries:
        service.fail(job_id, token, FAILED_MESSAGE.format(tries=tries), now)
    elif service.release(job_id, token, now, settings.resend_seconds):
        send(job_id)


def sweep(app, settings: JobSettings, send: Callable[[int], None]) -> list[int]:
    """Queue again what was lost, and delete expired files. Returns the ids sent."""
    with app.app_context():
        now = utcnow()
        sent = service.requeue_lost(now, settings.max_tries, settings.resend_seconds)
        service.expire_files(now, settings.export_dir, grace_seconds=settings.lease_seconds)
    for job_id in sent:
        send(job_id)
    return sent

"""A real worker process (`flask jobs worker`, a Huey consumer on SQLite) SIGKILLed in the
middle of an export: its lease runs out, the next worker's start queues the job again, and it
ends done with one complete file that openpyxl opens. On SQLite and PostgreSQL.

The export is slowed by a test setting (a pause at each progress report, every 1,000 rows)
so that the kill lands in the middle; the lease is 2 s so that the test stays short."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl

from contest.domain.clock import utcnow
from contest.results.exports.round_exports import HEADER_ROW
from tests.jobs.test_export_jobs import job_id_of

ROOT = Path(__file__).resolve().parents[2]
ROWS = 3_000
LEASE_SECONDS = 2


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "contest", "jobs", "worker"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def wait_for(condition, seconds: float, what: str, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what} not seen in {seconds} s; worker log:\n{log.read_text()}")


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGINT)  # Huey's graceful stop
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def test_a_worker_killed_mid_export_leaves_a_job_that_still_ends_done(site, tmp_path):
    queue_url = f"sqlite:///{tmp_path}/queue.db"
    exports = tmp_path / "exports"
    site.app.config.update(JOBS_IMMEDIATE=False, JOBS_QUEUE_URL=queue_url)
    site.fill(ROWS)
    job_id = job_id_of(site.client("judge").get(site.export_url()))
    env = {
        **os.environ,
        "DATABASE_URL": site.app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "test-only-secret",
        "JOBS_QUEUE_URL": queue_url,
        "JOBS_EXPORT_DIR": str(exports),
        "JOBS_LEASE_SECONDS": str(LEASE_SECONDS),
        "JOBS_SLOW_EXPORT_SECONDS": "1",
    }
    log = tmp_path / "worker.log"

    first = start_worker(env, log)
    try:
        wait_for(lambda: site.job(job_id).rows_done >= 1000, 30, "1,000 rows written", log)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    killed = site.job(job_id)
    assert (killed.status, killed.tries) == ("running", 1)
    assert 1000 <= killed.rows_done < ROWS
    assert not exports.exists() or [p.suffix for p in exports.iterdir()] in ([], [".part"])

    wait_for(lambda: site.job(job_id).lease_until < utcnow(), 10, "the lease run out", log)
    second = start_worker(env, log)
    try:
        wait_for(lambda: site.job(job_id).status == "done", 45, "the job done", log)
    finally:
        stop(second)

    job = site.job(job_id)
    assert (job.tries, job.rows_done, job.rows_total) == (2, ROWS, ROWS)
    assert sorted(path.name for path in exports.iterdir()) == [job.file_name]
    book = openpyxl.load_workbook(exports / job.file_name, read_only=True)
    rows = list(book.active.iter_rows(min_row=HEADER_ROW, values_only=True))
    book.close()
    header, data = rows[0], rows[1:]
    assert len(data) == ROWS
    names = header.index("Họ và tên")
    # 20 of 20 right: participants 20, 41, 62, … ; the fastest of them (60 s + 140 ms) first.
    assert (data[0][names], data[0][header.index("Số câu đúng")]) == ("Người thi số 20", 20)
    assert data[-1][header.index("Số câu đúng")] == 0
    assert "lease ran out" in log.read_text()

"""`flask --app contest jobs …`: the background jobs' worker and its housekeeping.

`jobs worker` runs a Huey consumer in this process (the periodic sweep included): as many as
wanted, on any host that reaches the database, the queue and the exports folder.
"""

import logging
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from contest.jobs import queue as job_queue
from contest.jobs import service
from contest.jobs.exports import export_title

jobs_cli = AppGroup("jobs", help="Background jobs: run a worker, sweep, list.")


@jobs_cli.command("worker", short_help="Run a worker (a Huey consumer) until stopped.")
@click.option("--workers", type=click.IntRange(1, 32), default=None, help="Threads (JOBS_WORKERS).")
def worker(workers: int | None):
    """Take jobs from the queue and run them; every minute, queue again the jobs of workers
    that died and delete expired files. SIGINT stops after the current jobs, SIGTERM at once
    (their jobs are queued again when their lease runs out)."""
    queue = job_queue.of(current_app)
    settings = queue.settings
    if settings.immediate:
        click.echo("JOBS_IMMEDIATE is on: jobs run in the web process, no worker needed.", err=True)
        sys.exit(1)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    where = settings.queue_url or "SQLite in the instance folder"
    click.echo(f"Worker: queue {where}, files in {settings.export_dir}")
    queue.consumer(workers).run()


@jobs_cli.command("sweep", short_help="Queue lost jobs again and delete expired files, once.")
def sweep():
    sent = job_queue.of(current_app).sweep()
    click.echo(f"Đã gửi lại {len(sent)} việc vào hàng đợi.")


@jobs_cli.command("list", short_help="The latest jobs and where they stand.")
@click.option("--limit", type=click.IntRange(1, 1000), default=20)
def list_jobs(limit: int):
    for job, name, in_words in (
        (job, name, export_title(job)) for job, name in service.jobs_of(None, limit)
    ):
        click.echo(
            f"#{job.id} {service.STATUS_LABELS[job.status]}: {in_words}; "
            f"{service.progress_text(job)} ({name or 'không rõ người yêu cầu'})"
        )

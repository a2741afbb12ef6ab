"""Every setting of the background jobs once, with its default and why.

Read from the app's config, which `instance/config.py` and the environment fill (the worker
builds the same app without a request, so it reads the same values as the web processes).
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# Setting name → default. Whole numbers and seconds may also come from the environment.
DEFAULTS = {
    # Empty: Huey on SQLite in instance/jobs-queue.db (one host, nothing more to install).
    # redis://host:6379/1: Huey on Redis, for workers on several hosts.
    # sqlite:////path/queue.db: Huey on another SQLite file.
    "JOBS_QUEUE_URL": None,
    # Exports of more rows than this (a cheap count) become jobs; smaller ones stay direct.
    "JOBS_EXPORT_THRESHOLD": 20_000,
    # The finished files' folder; empty: instance/exports.
    "JOBS_EXPORT_DIR": None,
    # A finished file is kept this long, then deleted by the periodic task.
    "JOBS_FILE_HOURS": 24,
    # A running job's lease: renewed by its worker every third of it; once it has run out the
    # worker is taken for dead and the job is queued again (at most JOBS_MAX_TRIES takings).
    "JOBS_LEASE_SECONDS": 60,
    "JOBS_MAX_TRIES": 3,
    # A queued job not taken by then is sent to the queue again (a queue emptied by hand or a
    # Redis restarted without persistence); a second delivery of one job does nothing.
    "JOBS_RESEND_SECONDS": 600,
    # Worker threads per worker process: exports are CPU-bound, one per CPU at most.
    "JOBS_WORKERS": 1,
    # Tests only: seconds slept at each progress report, to kill a worker in the middle.
    "JOBS_SLOW_EXPORT_SECONDS": 0,
    # None: run jobs at once in the calling process when TESTING (Huey's immediate mode).
    "JOBS_IMMEDIATE": None,
}
NUMBERS = (
    "JOBS_EXPORT_THRESHOLD",
    "JOBS_FILE_HOURS",
    "JOBS_LEASE_SECONDS",
    "JOBS_MAX_TRIES",
    "JOBS_RESEND_SECONDS",
    "JOBS_WORKERS",
)


@dataclass(frozen=True)
class JobSettings:
    queue_url: str | None
    export_threshold: int
    export_dir: Path
    file_hours: int
    lease_seconds: float
    max_tries: int
    resend_seconds: float
    workers: int
    slow_export_seconds: float
    immediate: bool

    @property
    def heartbeat_seconds(self) -> float:
        return max(self.lease_seconds / 3, 0.2)


def apply_environment(config: dict, environ: Mapping[str, str] = os.environ) -> None:
    """The environment's JOBS_* values over the config's (not for test apps)."""
    for key in DEFAULTS:
        value = environ.get(key)
        if not value:
            continue
        if key in NUMBERS:
            config[key] = int(value)
        elif key == "JOBS_SLOW_EXPORT_SECONDS":
            config[key] = float(value)
        elif key == "JOBS_IMMEDIATE":
            config[key] = value.strip().lower() in ("1", "true", "yes", "on")
        else:
            config[key] = value


def settings_from(config: Mapping, instance_path: str) -> JobSettings:
    def get(key):
        value = config.get(key)
        return DEFAULTS[key] if value is None else value

    immediate = get("JOBS_IMMEDIATE")
    if immediate is None:
        immediate = bool(config.get("TESTING"))
    export_dir = get("JOBS_EXPORT_DIR") or Path(instance_path) / "exports"
    return JobSettings(
        queue_url=get("JOBS_QUEUE_URL") or None,
        export_threshold=int(get("JOBS_EXPORT_THRESHOLD")),
        export_dir=Path(export_dir),
        file_hours=int(get("JOBS_FILE_HOURS")),
        lease_seconds=float(get("JOBS_LEASE_SECONDS")),
        max_tries=max(1, int(get("JOBS_MAX_TRIES"))),
        resend_seconds=float(get("JOBS_RESEND_SECONDS")),
        workers=max(1, int(get("JOBS_WORKERS"))),
        slow_export_seconds=float(get("JOBS_SLOW_EXPORT_SECONDS")),
        immediate=bool(immediate),
    )

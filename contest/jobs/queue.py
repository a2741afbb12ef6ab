"""The task queue: Huey, on SQLite in `instance/` by default and on Redis for several hosts.

Huey only carries job ids from the web processes to the workers; nothing else is kept in it,
so emptying it loses nothing the sweep cannot send again. The instance is built on first use
from the app's settings (tests change them after the app is made), with three tasks:
`run_job`, the periodic `sweep` (every minute) and the same sweep when a worker starts.
"""

import threading
from pathlib import Path

from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab

from contest.jobs import runner
from contest.jobs.settings import JobSettings, apply_environment, settings_from

NAME = "thi-truc-tuyen"
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
EXTENSION = "jobs"


class JobQueue:
    """One per app: its Huey, built on first use, and the ways to send and to work."""

    def __init__(self, app):
        self.app = app
        self._huey = None
        self._lock = threading.Lock()

    @property
    def settings(self) -> JobSettings:
        return settings_from(self.app.config, self.app.instance_path)

    @property
    def huey(self):
        with self._lock:
            if self._huey is None:
                self._huey = self._build()
            return self._huey

    def _build(self):
        settings = self.settings
        huey = make_huey(settings, self.app.instance_path)
        app = self.app

        @huey.task(name="run_job")
        def run_job(job_id: int) -> None:
            runner.run(app, job_id, self.settings, self.send)

        @huey.periodic_task(crontab(minute="*"), name="sweep")
        def periodic_sweep() -> None:
            runner.sweep(app, self.settings, self.send)

        @huey.on_startup(name="sweep_on_start")
        def sweep_on_start() -> None:
            runner.sweep(app, self.settings, self.send)

        self.run_job = run_job
        return huey

    def send(self, job_id: int) -> None:
        """Put a job id on the queue (under immediate mode: run it now, in this thread)."""
        self.huey  # noqa: B018 - builds the tasks
        self.run_job(job_id)

    def sweep(self) -> list[int]:
        return runner.sweep(self.app, self.settings, self.send)

    def consumer(self, workers: int | None = None):
        """A Huey consumer (the worker process's loop) with the periodic sweep."""
        settings = self.settings
        return self.huey.create_consumer(
            workers=workers or settings.workers, worker_type="thread", periodic=True
        )

    def answers(self) -> int:
        """Reach the queue's storage; the number of messages waiting (raises when down)."""
        return self.huey.pending_count()


def default_queue_file(instance_path: str) -> Path:
    """The embedded default: one SQLite file beside the app's database, on this machine."""
    return Path(instance_path) / "jobs-queue.db"


def make_huey(settings: JobSettings, instance_path: str):
    if settings.immediate:
        return MemoryHuey(NAME, immediate=True, results=False)
    url = settings.queue_url
    if not url:
        path = default_queue_file(instance_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(NAME, filename=str(path), results=False)
    if url.startswith(REDIS_SCHEMES):
        return RedisHuey(NAME, url=url, results=False)
    if url.startswith("sqlite:///"):
        return SqliteHuey(NAME, filename=url.removeprefix("sqlite:///"), results=False)
    raise ValueError(f"JOBS_QUEUE_URL: redis://…, rediss://…, unix://… or sqlite:///…, not {url!r}")


def init_app(app) -> JobQueue:
    if not app.config.get("TESTING"):
        apply_environment(app.config)
    # For what reads the settings without the app (the health check): the default queue file
    # and exports folder live in the instance folder.
    app.config.setdefault("JOBS_INSTANCE_PATH", app.instance_path)
    queue = JobQueue(app)
    app.extensions[EXTENSION] = queue
    return queue


def of(app) -> JobQueue:
    return app.extensions[EXTENSION]

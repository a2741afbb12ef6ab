"""Shared helpers for the benchmarks: fresh databases, timing, tables, wall-clock budgets.

Every bench talks only to 127.0.0.1 and removes what it created (temporary directories,
bench_* PostgreSQL databases, child processes) in `finally` blocks.
"""

import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


class OutOfTime(Exception):
    """A bench's wall-clock budget ran out."""


class Budget:
    """A wall-clock budget: `check()` raises OutOfTime once it is spent."""

    def __init__(self, seconds: float, what: str = "bench"):
        self.deadline = time.monotonic() + seconds
        self.what = what

    @property
    def left(self) -> float:
        return self.deadline - time.monotonic()

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise OutOfTime(f"{self.what}: wall-clock budget spent")


def bench_config(database_url: str, workdir: Path) -> dict:
    return {
        "TESTING": False,
        "SECRET_KEY": "bench-only-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_ENABLED": False,
        "DEMO_ACCOUNTS_FILE": str(workdir / "demo_accounts.json"),
    }


def make_app(database_url: str, workdir: Path):
    from contest import create_app

    return create_app(bench_config(database_url, workdir))


def migrate(database_url: str, workdir: Path) -> None:
    from flask_migrate import upgrade

    from contest import MIGRATIONS_DIR
    from contest.extensions import db

    app = make_app(database_url, workdir)
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
        db.engine.dispose()


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def _pg_admin():
    import psycopg

    return psycopg.connect(
        PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    )


class TempDatabase:
    """A fresh, migrated database: a file in a temp dir (SQLite) or a bench_* database (PG)."""

    def __init__(self, backend: str, workdir: Path, migrated: bool = True):
        self.backend = backend
        self.workdir = workdir
        self.name = None
        if backend == "sqlite":
            self.path = workdir / f"bench_{uuid.uuid4().hex[:8]}.db"
            self.url = f"sqlite:///{self.path}"
        elif backend == "postgresql":
            self.name = f"bench_{os.getpid()}_{uuid.uuid4().hex[:8]}"
            with _pg_admin() as conn:
                conn.execute(f'CREATE DATABASE "{self.name}"')
            self.url = _with_database(PG_ADMIN_URL, self.name)
        else:
            raise ValueError(backend)
        if migrated:
            migrate(self.url, workdir)

    @property
    def plain_url(self) -> str:
        return self.url.replace("postgresql+psycopg://", "postgresql://")

    def drop(self) -> None:
        if self.backend == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
        elif self.name:
            with _pg_admin() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self.name = None


@contextmanager
def temp_dir(prefix: str = "bench_"):
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def best_of(n: int, function, budget: Budget | None = None) -> tuple[float, object]:
    """The best wall time of `n` runs (stopping early when the budget is spent) and the last result."""
    best, result = float("inf"), None
    for _ in range(n):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
        if budget is not None and budget.left <= 0:
            break
    return best, result


def median_of(n: int, function) -> tuple[float, list[float]]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def table(headers: list[str], rows: list[list], title: str | None = None) -> str:
    """A plain-text table, numbers right-aligned."""
    cells = [[str(h) for h in headers]] + [
        ["" if v is None else str(v) for v in row] for row in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [
        all(_looks_numeric(row[i]) for row in cells[1:] if row[i]) for i in range(len(headers))
    ]

    def line(row):
        return "  ".join(
            value.rjust(width) if num else value.ljust(width)
            for value, width, num in zip(row, widths, numeric, strict=True)
        ).rstrip()

    out = []
    if title:
        out.append(title)
    out.append(line(cells[0]))
    out.append("  ".join("-" * w for w in widths))
    out.extend(line(row) for row in cells[1:])
    return "\n".join(out)


def _looks_numeric(text: str) -> bool:
    stripped = text.replace(",", "").replace("×", "").replace("%", "").replace(" ", "")
    stripped = stripped.removesuffix("ms").removesuffix("s").removesuffix("MB")
    try:
        float(stripped)
    except ValueError:
        return False
    return True


def mb(n_bytes: float) -> str:
    return f"{n_bytes / 1024 / 1024:,.1f} MB"


def machine_line() -> str:
    import platform

    return f"{platform.node()} · {os.cpu_count()} CPUs · Python {platform.python_version()}"

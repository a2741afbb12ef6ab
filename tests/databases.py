"""Test databases: migrate once per backend, then give each test a fresh copy.

SQLite copies the migrated file; PostgreSQL clones a migrated template database. Both are far
faster than migrating per test, and the migrations themselves run on both engines every time.
"""

import os
import shutil
import socket
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from flask_migrate import upgrade

from contest import MIGRATIONS_DIR, create_app
from contest.extensions import db

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_url() -> str | None:
    """TEST_DATABASE_URL when set; else the local server if it answers; else None (skipped)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return DEFAULT_PG_URL
    except OSError:
        return None


def base_config(database_url: str, instance_path: Path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-only-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_ENABLED": False,
        "DEMO_ACCOUNTS_FILE": str(instance_path / "demo_accounts.json"),
    }


def migrate(database_url: str, workdir: Path) -> None:
    app = create_app(base_config(database_url, workdir))
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
        db.engine.dispose()


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def admin_connection(url: str) -> psycopg.Connection:
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    return psycopg.connect(plain, autocommit=True)


class SqliteTemplate:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.template = workdir / "template.db"
        migrate(f"sqlite:///{self.template}", workdir)

    def new_database(self) -> str:
        path = self.workdir / f"{uuid.uuid4().hex}.db"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"

    def drop(self, url: str) -> None:
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)

    def close(self) -> None:
        pass


class PostgresTemplate:
    def __init__(self, url: str, workdir: Path):
        self.url = url
        self.name = f"tt_template_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        with admin_connection(url) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        migrate(with_database(url, self.name), workdir)

    def new_database(self) -> str:
        name = f"tt_{uuid.uuid4().hex[:16]}"
        with admin_connection(self.url) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"')
        return with_database(self.url, name)

    def drop(self, url: str) -> None:
        name = urlsplit(url).path.lstrip("/")
        with admin_connection(self.url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        with admin_connection(self.url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

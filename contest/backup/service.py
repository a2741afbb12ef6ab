"""Back up the database to one file and restore it, on SQLite and PostgreSQL.

- SQLite: the online backup API (`sqlite3.Connection.backup`) copies a consistent image while
  the server keeps answering. A restore checks the file (`PRAGMA integrity_check`, and an
  `alembic_version` naming a migration of this app), copies it beside the database, moves the
  current database aside as `<name>.before-restore` and renames the copy into place: at every
  instant the database path holds a whole database, the old or the new.
- PostgreSQL: `pg_dump -Fc` (custom format, compressed) and `pg_restore --clean --if-exists`
  in one transaction, after `pg_restore --list` has shown the file holds this app's tables.

A backup is written beside its target and renamed into place: an interrupted backup never
leaves a half file under the name a cron job or a person expects. No Flask here: the command
line (contest/cli/backup.py) gives the database URL.
"""

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from sqlalchemy import create_engine, func, inspect, select, table
from sqlalchemy.engine import URL, make_url

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
# Where Debian and Ubuntu keep each PostgreSQL major's client programs.
POSTGRES_BIN_GLOB = "/usr/lib/postgresql/*/bin"
# pg_dump of a large contest takes minutes; a hung server must not hold the cron job forever.
PG_TIMEOUT_SECONDS = 3600
PAGES_PER_STEP = 1024  # SQLite backup: copy this many pages, then let writers in


class BackupError(Exception):
    """A backup or restore refused or failed; `message` says why, in Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Backup:
    """What a backup file holds: its engine, the migration it is at, each table's rows."""

    path: Path
    engine: str
    revision: str
    tables: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


@cache
def known_revisions() -> frozenset[str]:
    """Every revision id of this app's migrations, read from their files."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(MIGRATIONS_DIR))
    return frozenset(script.revision for script in scripts.walk_revisions())


def engine_of(database_url: str) -> str:
    backend = make_url(database_url).get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"Không sao lưu được cơ sở dữ liệu loại «{backend}».")
    return backend


def create(database_url: str, target: Path) -> Backup:
    """Back the database up into `target` (replaced if it exists); return what it holds."""
    target = Path(target)
    if target.is_dir():
        raise BackupError(f"«{target}» là một thư mục: hãy cho tên tệp sao lưu.")
    target.parent.mkdir(parents=True, exist_ok=True)
    beside = target.with_name(f".{target.name}.partial")
    try:
        if engine_of(database_url) == "sqlite":
            _sqlite_copy(_sqlite_path(database_url, must_exist=True), beside)
            backup = _check_sqlite_file(beside)
        else:
            _pg_dump(make_url(database_url), beside)
            backup = _check_pg_file(beside)
            # Counted just after the dump: the figures a restore drill compares with.
            backup.tables = table_counts(database_url)
        os.replace(beside, target)
    finally:
        beside.unlink(missing_ok=True)
    backup.path = target
    return backup


def restore(database_url: str, source: Path) -> Backup:
    """Replace the database's content with the backup `source`, after checking that it is a
    whole backup of this app; return what it held. The caller's connections to the database
    must be closed (the command line disposes of its engine first)."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"Không có tệp sao lưu «{source}».")
    if engine_of(database_url) == "sqlite":
        backup = _check_sqlite_file(source)
        _sqlite_replace(_sqlite_path(database_url, must_exist=False), source)
    else:
        backup = _check_pg_file(source)
        _pg_restore(make_url(database_url), source)
        backup.tables = table_counts(database_url)
    backup.path = source
    return backup


def table_counts(database_url: str) -> dict[str, int]:
    """Rows of every table of the database, by name: what a restore drill compares."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            names = sorted(inspect(connection).get_table_names())
            return {
                name: connection.execute(select(func.count()).select_from(table(name))).scalar_one()
                for name in names
            }
    finally:
        engine.dispose()


# SQLite


def _sqlite_path(database_url: str, must_exist: bool) -> Path:
    name = make_url(database_url).database
    if not name or name == ":memory:":
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu được.")
    path = Path(name)
    if must_exist and not path.is_file():
        raise BackupError(f"Không có cơ sở dữ liệu «{path}».")
    return path


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of `source` through the online backup API, readers and writers of
    the live database going on meanwhile; the copy is a single file (no WAL beside it)."""
    target.unlink(missing_ok=True)
    # Not read-only: a read-only connection cannot open a WAL database whose -shm is gone.
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst, pages=PAGES_PER_STEP)
        dst.execute("PRAGMA journal_mode=DELETE")
        dst.commit()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"Không đọc được cơ sở dữ liệu «{source}»: {error}.") from error
    finally:
        dst.close()
        src.close()


def _check_sqlite_file(path: Path) -> Backup:
    """Refuse a file that is not a whole SQLite backup of this app."""
    try:
        # As a URI, read-only: a name with "?" or "#" in it is escaped by as_uri.
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise BackupError(f"Không mở được tệp «{path}»: {error}.") from error
    try:
        verdict = connection.execute("PRAGMA integrity_check").fetchall()
        if verdict != [("ok",)]:
            raise BackupError(f"Tệp «{path}» bị hỏng (integrity_check: {verdict[:3]}).")
        revision = _revision(connection, path)
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        tables = {
            name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            for name in names
        }
    except sqlite3.DatabaseError as error:
        raise BackupError(
            f"Tệp «{path}» không phải bản sao lưu SQLite của ứng dụng: {error}."
        ) from error
    finally:
        connection.close()
    return Backup(path, "sqlite", revision, tables)


def _revision(connection: sqlite3.Connection, path: Path) -> str:
    try:
        rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.OperationalError:
        rows = []
    return _known(rows[0][0] if len(rows) == 1 else None, path)


def _known(revision: str | None, path: Path) -> str:
    if revision is None:
        raise BackupError(
            f"Tệp «{path}» không phải bản sao lưu của ứng dụng: không có bảng alembic_version."
        )
    if revision not in known_revisions():
        raise BackupError(
            f"Tệp «{path}» ở phiên bản lược đồ «{revision}», không phải của ứng dụng này."
        )
    return revision


def _sqlite_replace(database: Path, source: Path) -> None:
    """Copy `source` beside `database`, keep the current one as `<name>.before-restore`, and
    rename the copy into place. The current database's WAL is folded in and removed first:
    a stale `-wal` beside the new file would be replayed into it."""
    database.parent.mkdir(parents=True, exist_ok=True)
    beside = database.with_name(f".{database.name}.restoring")
    try:
        _sqlite_copy(source, beside)
        _check_sqlite_file(beside)
        if database.exists():
            _sqlite_copy(database, database.with_name(database.name + ".before-restore"))
            _fold_wal(database)
        os.replace(beside, database)
    finally:
        beside.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)


def _fold_wal(database: Path) -> None:
    connection = sqlite3.connect(database)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


# PostgreSQL


def pg_program(name: str) -> str:
    """The newest installed pg_dump or pg_restore: on PATH, else PostgreSQL's own directory
    (Debian puts only wrappers on PATH, and only with postgresql-client-common)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/").glob(POSTGRES_BIN_GLOB.lstrip("/")),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    for directory in reversed(candidates):
        if (directory / name).is_file():
            return str(directory / name)
    raise BackupError(
        f"Không tìm thấy chương trình {name}: hãy cài gói postgresql-client "
        f"(cùng phiên bản chính với máy chủ PostgreSQL, hoặc mới hơn)."
    )


def _pg_connection(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password, and the environment that carries it: a password on
    the command line is visible to every user of the machine (ps)."""
    plain = url.set(drivername="postgresql", password=None)
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    return plain.render_as_string(hide_password=False), environment


def _run(arguments: list[str], environment: dict[str, str], what: str) -> str:
    try:
        done = subprocess.run(
            arguments,
            env=environment,
            capture_output=True,
            text=True,
            timeout=PG_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise BackupError(f"{what}: quá {PG_TIMEOUT_SECONDS} giây, đã dừng.") from error
    if done.returncode != 0:
        raise BackupError(f"{what} thất bại: {done.stderr.strip()[:2000]}")
    return done.stdout


def _pg_dump(url: URL, target: Path) -> None:
    dsn, environment = _pg_connection(url)
    target.unlink(missing_ok=True)
    _run(
        [pg_program("pg_dump"), "-Fc", "--no-owner", "--no-privileges", "-f", str(target), dsn],
        environment,
        "pg_dump",
    )


def _check_pg_file(path: Path) -> Backup:
    """Refuse a file pg_restore cannot read, or one whose `alembic_version` does not name a
    migration of this app (read from the file itself, before anything is restored)."""
    program = pg_program("pg_restore")
    what = f"Tệp «{path}» không phải bản sao lưu PostgreSQL"
    listing = _run([program, "--list", str(path)], dict(os.environ), what)
    tables = sorted(
        {
            line.split(" TABLE DATA public ", 1)[1].split()[0]
            for line in listing.splitlines()
            if not line.startswith(";") and " TABLE DATA public " in line
        }
    )
    revision = None
    if "alembic_version" in tables:
        script = _run(
            [program, "--data-only", "--table=alembic_version", "-f", "-", str(path)],
            dict(os.environ),
            what,
        )
        revision = _copied_value(script)
    return Backup(path, "postgresql", _known(revision, path), dict.fromkeys(tables, 0))


def _copied_value(script: str) -> str | None:
    """The one value of a one-column table in pg_restore's SQL: the line after its COPY."""
    lines = script.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("COPY ") and number + 1 < len(lines):
            value = lines[number + 1]
            return None if value == "\\." else value
    return None


def _pg_restore(url: URL, source: Path) -> None:
    dsn, environment = _pg_connection(url)
    _run(
        [
            pg_program("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "-d",
            dsn,
            str(source),
        ],
        environment,
        "pg_restore",
    )

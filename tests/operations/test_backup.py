"""Backups restore: a contest with a published round is backed up through the command line,
the live data is changed, and the backup restored into a fresh database (and over the changed
one) gives back the published results' SHA-256 and every table's row count; a file that is not
a whole backup of this app is refused, and nothing is replaced."""

import sqlite3
import uuid
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from contest import create_app
from contest.backup import service
from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import ResultPublication, Round, RoundEntry, SnapshotRow, User
from contest.results import service as results
from tests import databases
from tests.conftest import PG_URL
from tests.factories import make_user
from tests.results import test_results
from tests.results.test_results import GRACE

# The results tests' closed round of eight people (their fixture `closed_round`).
seeded_round = test_results.closed_round


def published(app, round_id) -> tuple[str, int]:
    """Publish the round as the judges would; its digest and the id of the publication."""
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        results.mark_reviewed(round_)
        publication = results.publish(round_, utcnow(), GRACE, None, None)
        assert results.verify(publication)
        return publication.sha256, publication.id


def url_of(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"]


def check_restored(url: str, tmp_path: Path, sha256: str, publication_id: int, counts: dict):
    """The published results verify with the same digest and every table has its rows."""
    assert service.table_counts(url) == counts
    restored = create_app(databases.base_config(url, tmp_path))
    with restored.app_context():
        publication = db.session.get(ResultPublication, publication_id)
        assert publication.sha256 == sha256
        assert results.verify(publication)
        names = set(db.session.execute(select(User.full_name)).scalars())
        assert "Người đến sau" not in names and "An" in names
        db.session.remove()
        db.engine.dispose()


def change_live_data(app, publication_id):
    """What a mistake or an attack does after the backup: rows deleted, rows altered, added."""
    with app.app_context():
        db.session.execute(delete(SnapshotRow).where(SnapshotRow.publication_id == publication_id))
        db.session.execute(update(User).values(full_name="Đã bị sửa"))
        db.session.execute(update(RoundEntry).values(correct_count=0))
        db.session.commit()
        make_user(phone="0912999999", full_name="Người đến sau")
        publication = db.session.get(ResultPublication, publication_id)
        assert not results.verify(publication)
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def scratch_url(app, tmp_path):
    """An empty database of the same engine: a file not yet there, or a PostgreSQL database
    created here and dropped after."""
    if app.config["BACKEND"] == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh' / 'contest.db'}"
        return
    name = f"tt_restore_{uuid.uuid4().hex[:12]}"
    with databases.admin_connection(PG_URL) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield databases.with_database(PG_URL, name)
    with databases.admin_connection(PG_URL) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_the_published_results_and_every_row(
    app,
    runner,
    seeded_round,
    scratch_url,
    tmp_path,
):
    round_id, _people = seeded_round
    # The fixture keeps its app context pushed, its session holding a connection: a restore
    # drops the tables under it (PostgreSQL), so it is handed back first.
    db.session.remove()
    sha256, publication_id = published(app, round_id)
    counts = service.table_counts(url_of(app))
    assert counts["snapshot_row"] == 8 and counts["round_entry"] == 8 and counts["user"] == 8
    assert counts["result_publication"] == 1 and counts["alembic_version"] == 1

    archive = tmp_path / "saved" / "contest.backup"
    result = runner.invoke(args=["backup", "create", str(archive)])
    assert result.exit_code == 0, result.output
    assert f"Đã sao lưu vào {archive}" in result.output
    assert f"{len(counts)} bảng" in result.output
    assert archive.is_file() and not list(archive.parent.glob(".*partial"))

    change_live_data(app, publication_id)
    assert service.table_counts(url_of(app)) != counts

    # A fresh database, as on a new machine.
    restored = service.restore(scratch_url, archive)
    assert restored.revision in service.known_revisions()
    assert restored.tables == counts
    check_restored(scratch_url, tmp_path, sha256, publication_id, counts)

    # Over the changed database, through the command line.
    result = runner.invoke(args=["backup", "restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert "Đã khôi phục" in result.output
    check_restored(url_of(app), tmp_path, sha256, publication_id, counts)


def test_restore_asks_first_and_does_nothing_when_refused(app, runner, tmp_path):
    with app.app_context():
        make_user(phone="0912000001")
    archive = tmp_path / "contest.backup"
    assert runner.invoke(args=["backup", "create", str(archive)]).exit_code == 0
    with app.app_context():
        make_user(phone="0912000002")
    before = service.table_counts(url_of(app))
    result = runner.invoke(args=["backup", "restore", str(archive)], input="n\n")
    assert result.exit_code == 1 and "sẽ được thay bằng bản sao lưu" in result.output
    assert service.table_counts(url_of(app)) == before


def not_a_backup(tmp_path: Path, backend: str) -> list[tuple[Path, str]]:
    """Files a restore must refuse, with the words of the refusal."""
    garbage = tmp_path / "random.backup"
    garbage.write_bytes(b"PGDMP" + bytes(range(256)) * 40)
    cases = [(garbage, "không phải bản sao lưu"), (tmp_path / "missing.backup", "Không có tệp")]
    if backend != "sqlite":
        return cases
    other = tmp_path / "other.db"  # a SQLite database of another program
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    foreign = tmp_path / "foreign.db"  # a migration table naming no migration of this app
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num TEXT)")
        connection.execute("INSERT INTO alembic_version VALUES ('0123456789ab')")
    return [
        *cases,
        (other, "không có bảng alembic_version"),
        (foreign, "không phải của ứng dụng này"),
    ]


def test_files_that_are_not_backups_of_this_app_are_refused_and_nothing_changes(
    app, runner, tmp_path
):
    with app.app_context():
        make_user(phone="0912000001")
    before = service.table_counts(url_of(app))
    for path, words in not_a_backup(tmp_path, app.config["BACKEND"]):
        result = runner.invoke(args=["backup", "restore", str(path), "--yes"])
        assert result.exit_code == 1, (path, result.output)
        assert words in result.output, (path, result.output)
        assert service.table_counts(url_of(app)) == before


def test_a_damaged_sqlite_backup_is_refused_by_its_integrity_check(app, runner, tmp_path):
    if app.config["BACKEND"] != "sqlite":
        pytest.skip("SQLite's own integrity check")
    with app.app_context():
        for n in range(40):
            make_user(phone=f"09120001{n:02d}", full_name="Nguyễn Văn " + "A" * 200)
    archive = tmp_path / "contest.backup"
    assert runner.invoke(args=["backup", "create", str(archive)]).exit_code == 0
    data = bytearray(archive.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    # Scribble over the middle of the pages after the schema: the structure is torn.
    for page in range(2, len(data) // page_size):
        start = page * page_size
        data[start + 8 : start + 40] = b"\xff" * 32
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(bytes(data))
    with pytest.raises(service.BackupError):
        service.restore(url_of(app), damaged)
    assert service.table_counts(url_of(app))["user"] == 40


def test_the_postgres_programs_are_found_or_named(monkeypatch):
    found = service.pg_program("pg_dump")
    assert Path(found).name == "pg_dump"
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr(service, "POSTGRES_BIN_GLOB", "/nonexistent/*/bin")
    with pytest.raises(service.BackupError, match="postgresql-client"):
        service.pg_program("pg_restore")

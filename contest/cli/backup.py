"""`flask --app contest backup create|restore PATH`: the whole database to one file and back.

Create runs while the server keeps answering (SQLite's online backup API, pg_dump's snapshot).
Restore replaces every row: stop the app servers first, and keep the file a create made just
before (docs/deployment.md, "Backups", has the drill).
"""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from contest.backup import service
from contest.backup.service import Backup, BackupError
from contest.extensions import db

backup_cli = AppGroup("backup", help="Back up the database to one file, or restore one.")


def database_url() -> str:
    return db.engine.url.render_as_string(hide_password=False)


def describe(backup: Backup) -> str:
    return (
        f"{len(backup.tables)} bảng, {backup.rows:,} dòng".replace(",", ".")
        + f", phiên bản lược đồ {backup.revision}"
    )


def fail(error: BackupError):
    click.echo(error.message, err=True)
    sys.exit(1)


@backup_cli.command("create", short_help="Back the database up into PATH (server may run).")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def create(path: Path):
    """Back the database up into PATH: SQLite through its online backup API, PostgreSQL with
    pg_dump -Fc. The server may keep running. PATH is written beside and renamed into place."""
    try:
        backup = service.create(database_url(), path)
    except BackupError as error:
        fail(error)
    click.echo(f"Đã sao lưu vào {backup.path} ({describe(backup)}).")


@backup_cli.command("restore", short_help="Replace the whole database with the backup PATH.")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore(path: Path, yes: bool):
    """Replace the whole database with the backup PATH, after checking it is a whole backup of
    this app. Stop the app servers first."""
    url = database_url()
    if not yes:
        click.confirm(
            f"Toàn bộ dữ liệu hiện tại của {db.engine.url.render_as_string()} sẽ được thay bằng "
            f"bản sao lưu {path}. Tiếp tục?",
            abort=True,
        )
    # This process's own connections would hold the old database open (SQLite) or block the
    # DROPs of pg_restore --clean (PostgreSQL).
    db.session.remove()
    db.engine.dispose()
    try:
        backup = service.restore(url, path)
    except BackupError as error:
        fail(error)
    current_app.logger.info("database restored from %s", path)
    click.echo(f"Đã khôi phục từ {path} ({describe(backup)}).")
    click.echo("Nếu bản sao lưu cũ hơn mã nguồn: chạy «flask --app contest db upgrade».")

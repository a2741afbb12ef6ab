"""Command-line entry points (`flask --app contest ...`); each calls the same services as the web."""

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from contest.agency_cli import agencies_cli
from contest.domain.clock import utcnow
from contest.exports.cli import results_cli
from contest.services import attempts as attempt_service
from contest.services import bank_import, demo, results
from contest.timekeeping import app_grace
from contest.users.cli import users_cli

questions_cli = AppGroup("questions", help="The question bank: import and export.")
attempts_cli = AppGroup("attempts", help="Attempts: housekeeping safe to run from cron.")
demo_cli = AppGroup("demo", help="The demo contest.")


def accounts_file() -> Path:
    configured = current_app.config.get("DEMO_ACCOUNTS_FILE")
    return Path(configured or Path(current_app.instance_path) / "demo_accounts.json")


@attempts_cli.command("close-expired")
def close_expired():
    """Close every attempt whose time has run out (safe on every host at once)."""
    grace = app_grace()
    closed = attempt_service.close_expired(utcnow(), grace)
    click.echo(f"Closed {closed} expired attempt(s).")
    frozen = results.freeze_closed_rounds(utcnow(), grace)
    if frozen:
        click.echo(f"Froze the prediction's actual value of {frozen} closed round(s).")


@demo_cli.command("load")
def load_demo():
    """Load the demo contest, bank, agencies and accounts into an empty database."""
    if demo.load_demo(utcnow(), accounts_file()):
        click.echo("Demo data loaded.")
    else:
        click.echo("Database already has a contest: demo data not loaded (nothing changed).")


@demo_cli.command("accounts")
def show_accounts():
    """Print the demo accounts and their passwords (kept in instance/, never committed)."""
    path = accounts_file()
    if not path.exists():
        click.echo("No demo accounts on this instance.")
        return
    for key, account in json.loads(path.read_text()).items():
        click.echo(
            f"  {key:<12} {account['email']:<32} {account['phone']}  mật khẩu: {account['password']}"
        )


@questions_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report; save nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def import_questions(path: Path, dry_run: bool, as_json: bool):
    """Import a bank (.xlsx, .xls, .ods, GIFT or Aiken): all questions or, on any error, none."""
    report = bank_import.import_bank(path.read_bytes(), path.name, dry_run=dry_run)
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        for issue in (*report.result.errors, *report.result.warnings):
            click.echo(issue.message)
        click.echo(
            f"{path.name}: {len(report.result.questions)} câu hợp lệ, "
            f"{len(report.result.errors)} lỗi, {report.saved} câu đã lưu."
        )
    sys.exit(0 if report.ok else 1)


@questions_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--include-retired", is_flag=True, help="Also export retired questions.")
def export_questions(path: Path, include_retired: bool):
    """Write the bank to an .xlsx file in the template's layout."""
    count = bank_import.export_bank(str(path), include_retired)
    click.echo(f"Đã xuất {count} câu hỏi ra {path}.")


def register(app: Flask) -> None:
    app.cli.add_command(questions_cli)
    app.cli.add_command(attempts_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(results_cli)
    app.cli.add_command(agencies_cli)
    app.cli.add_command(users_cli)

"""Command-line entry points (`flask --app contest ...`); each calls the same services as the web."""

import json
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from contest.domain.clock import utcnow
from contest.services import attempts as attempt_service
from contest.services import demo

attempts_cli = AppGroup("attempts", help="Attempts: housekeeping safe to run from cron.")
demo_cli = AppGroup("demo", help="The demo contest.")


def accounts_file() -> Path:
    configured = current_app.config.get("DEMO_ACCOUNTS_FILE")
    return Path(configured or Path(current_app.instance_path) / "demo_accounts.json")


@attempts_cli.command("close-expired")
def close_expired():
    """Close every attempt whose time has run out (safe on every host at once)."""
    grace = attempt_service.grace_period(current_app.config["ATTEMPT_GRACE_SECONDS"])
    closed = attempt_service.close_expired(utcnow(), grace)
    click.echo(f"Closed {closed} expired attempt(s).")


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


def register(app: Flask) -> None:
    app.cli.add_command(attempts_cli)
    app.cli.add_command(demo_cli)

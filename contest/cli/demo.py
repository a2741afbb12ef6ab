"""`flask demo`: the demo contest and its accounts."""

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from contest.demo import service as demo
from contest.domain.clock import utcnow

demo_cli = AppGroup("demo", help="The demo contest.")


def accounts_file() -> Path:
    configured = current_app.config.get("DEMO_ACCOUNTS_FILE")
    return Path(configured or Path(current_app.instance_path) / "demo_accounts.json")


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

"""`flask attempts`: housekeeping safe to run from cron on every host."""

import click
from flask.cli import AppGroup

from contest.attempts import service as attempt_service
from contest.domain.clock import utcnow
from contest.results import service as results
from contest.web.timekeeping import app_grace

attempts_cli = AppGroup("attempts", help="Attempts: housekeeping safe to run from cron.")


@attempts_cli.command("close-expired")
def close_expired():
    """Close every attempt whose time has run out (safe on every host at once)."""
    grace = app_grace()
    closed = attempt_service.close_expired(utcnow(), grace)
    click.echo(f"Closed {closed} expired attempt(s).")
    frozen = results.freeze_closed_rounds(utcnow(), grace)
    if frozen:
        click.echo(f"Froze the prediction's actual value of {frozen} closed round(s).")

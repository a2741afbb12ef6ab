"""Command-line entry points (`flask --app contest ...`): one module per command group, each
calling the same services as the web, all registered here."""

from flask import Flask

from contest.cli.agencies import agencies_cli
from contest.cli.attempts import attempts_cli
from contest.cli.backup import backup_cli
from contest.cli.contests import contests_cli
from contest.cli.demo import demo_cli
from contest.cli.jobs import jobs_cli
from contest.cli.people import people_cli
from contest.cli.questions import questions_cli
from contest.cli.results import results_cli
from contest.cli.users import users_cli


def register(app: Flask) -> None:
    app.cli.add_command(questions_cli)
    app.cli.add_command(attempts_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(results_cli)
    app.cli.add_command(agencies_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(contests_cli)
    app.cli.add_command(people_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(jobs_cli)

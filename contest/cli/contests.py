"""`flask --app contest contests …`: contests from the command line, through the same service
as the organizers' console (contest.setup.contest_editing), audited as the command line.

A contest is named by its number or its address (slug): `flask contests open cai-cach-2026`.
"""

import sys
from typing import NoReturn

import click
from flask.cli import AppGroup

from contest.audit.service import COMMAND_LINE
from contest.domain.vn_dates import format_vn_date, parse_vn_date
from contest.models import ContestStatus
from contest.setup import contest_editing
from contest.setup.contest_editing import ContestRefused, ContestSettings, status_label

contests_cli = AppGroup("contests", help="Contests: list, create, open, close, archive.")


def fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(1)


def refused(refusal: ContestRefused) -> NoReturn:
    fail("\n".join(message for _field, message in refusal.problems))


def describe(contest) -> str:
    return f"#{contest.id} «{contest.title}» ({contest.slug}), {status_label(contest.status)}"


def vn_date_option(_ctx, param, value):
    if value is None:
        return None
    try:
        return parse_vn_date(value)
    except ValueError as error:
        raise click.BadParameter(str(error), param=param) from None


@contests_cli.command("list", short_help="List every contest with its status.")
def list_contests():
    """List contests, newest first: id, address (slug), status, period, title."""
    contests = contest_editing.list_contests()
    if not contests:
        click.echo("Chưa có cuộc thi nào.")
        return
    header = ("ID", "ĐỊA CHỈ", "TRẠNG THÁI", "THỜI GIAN", "TÊN CUỘC THI")
    rows = [
        (
            str(contest.id),
            contest.slug,
            status_label(contest.status),
            (
                f"{format_vn_date(contest.starts_on)}–{format_vn_date(contest.ends_on)}"
                if contest.starts_on or contest.ends_on
                else "-"
            ),
            contest.title,
        )
        for contest in contests
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    click.echo(f"{len(contests)} cuộc thi.")


@contests_cli.command("create", short_help="Create a contest (a draft).")
@click.option("--title", required=True, help="The contest's title (tên cuộc thi).")
@click.option(
    "--slug", default="", help="Its address: a-z, 0-9 and hyphens; from the title if left out."
)
@click.option("--organizer", "organizer_name", default=None, help="The organizing body.")
@click.option("--starts-on", callback=vn_date_option, help="First day, dd/mm/yyyy.")
@click.option("--ends-on", callback=vn_date_option, help="Last day, dd/mm/yyyy.")
def create(title, slug, organizer_name, starts_on, ends_on):
    """Create a contest as a draft; set the rest in the console, then `contests open`."""
    settings = ContestSettings(
        title=title,
        slug=slug,
        organizer_name=organizer_name,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    try:
        contest = contest_editing.create_contest(settings, COMMAND_LINE)
    except ContestRefused as refusal:
        refused(refusal)
    click.echo(f"Đã tạo cuộc thi {describe(contest)}.")


def change_status(identifier: str, status: ContestStatus) -> None:
    try:
        contest = contest_editing.find_contest(identifier)
        contest = contest_editing.set_status(contest.id, status, COMMAND_LINE)
    except ContestRefused as refusal:
        refused(refusal)
    click.echo(f"Đã chuyển trạng thái: {describe(contest)}.")


@contests_cli.command("open", short_help="Open a draft or closed contest.")
@click.argument("identifier", metavar="ID_OR_SLUG")
def open_contest(identifier: str):
    """Open a contest (a draft, or reopen a closed one)."""
    change_status(identifier, ContestStatus.OPEN)


@contests_cli.command("close", short_help="Close an open contest.")
@click.argument("identifier", metavar="ID_OR_SLUG")
def close_contest(identifier: str):
    """Close an open contest."""
    change_status(identifier, ContestStatus.CLOSED)


@contests_cli.command("archive", short_help="Archive a draft or closed contest.")
@click.argument("identifier", metavar="ID_OR_SLUG")
def archive_contest(identifier: str):
    """Archive a draft or closed contest: kept for the record, listed nowhere for participants."""
    change_status(identifier, ContestStatus.ARCHIVED)

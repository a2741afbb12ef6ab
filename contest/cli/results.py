"""`flask --app contest results export …`: the judges' Excel exports from the command line;
`flask --app contest results verify FILE.xlsx`: a published file's seal, recomputed."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from contest.audit.service import COMMAND_LINE, record_export
from contest.extensions import db
from contest.models import Agency, Round
from contest.models.user import GROUP_LABELS
from contest.results.exports.round_exports import KINDS, export_round
from contest.results.round_stats import descendant_ids
from contest.results.seal_check import UnreadableFile, check_file
from contest.web.timekeeping import app_now

results_cli = AppGroup(
    "results", help="A round's results: exports for the judges, and checking a published file."
)


@results_cli.command("export")
@click.option("--round", "round_id", type=int, required=True, help="The round's id.")
@click.option("--kind", type=click.Choice(list(KINDS)), required=True, help="What to export.")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help=".xlsx file."
)
@click.option(
    "--group",
    type=click.Choice([str(group) for group in GROUP_LABELS]),
    help="One participant group.",
)
@click.option("--agency", "agency_code", help="An agency's code: it and every agency below it.")
@click.option("--public", is_flag=True, help="Mask phone and CCCD numbers (default: unmasked).")
def export(round_id, kind, out, group, agency_code, public):
    """Write a round's ranking, agencies, entries, prizes or questions to an .xlsx file."""
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        click.echo(f"Không có vòng thi mã {round_id}.", err=True)
        sys.exit(1)
    agency_ids = None
    if agency_code:
        agency_id = db.session.execute(
            select(Agency.id).where(Agency.code == agency_code)
        ).scalar_one_or_none()
        if agency_id is None:
            click.echo(f"Không có cơ quan, đơn vị mã {agency_code}.", err=True)
            sys.exit(1)
        agency_ids = descendant_ids(agency_id)
    count = export_round(
        round_,
        kind,
        str(out),
        for_judges=not public,
        group=group,
        agency_ids=agency_ids,
        now=app_now(),
    )
    filters = {"group": group, "agency_code": agency_code}
    copy = "public" if public else "judges"
    record_export(
        COMMAND_LINE, kind, count, "round", round_.id, copy=copy, filters=filters, file=out.name
    )
    click.echo(f"Đã xuất {count} dòng ({KINDS[kind].lower()}) ra {out}.")


@results_cli.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify(path: Path):
    """Recompute a published ranking or prize list's seal from the file alone and compare it
    with the stored publication (docs/results-seal.md). Messages are Vietnamese; exit status 0
    when both match, 1 otherwise."""
    try:
        verdict = check_file(path.read_bytes(), path.name)
    except UnreadableFile as error:
        click.echo(f"{path.name}: {error}", err=True)
        sys.exit(1)
    for line in verdict.lines:
        click.echo(line)
    click.echo(
        "KẾT LUẬN: tệp đúng như đã công bố."
        if verdict.ok
        else "KẾT LUẬN: tệp KHÔNG đúng như đã công bố."
    )
    sys.exit(0 if verdict.ok else 1)

"""`flask --app contest agencies import FILE [--dry-run] [--json]`: the same service as the web page."""

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from contest.agencies.service import import_agencies
from contest.audit.service import COMMAND_LINE

agencies_cli = AppGroup("agencies", help="Agencies (cơ quan, đơn vị): import from a spreadsheet.")


@agencies_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report; save nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def import_command(path: Path, dry_run: bool, as_json: bool):
    """Import an agency list (.xlsx, .xls, .ods): every row or, on any error, none.

    Codes already saved are updated, new codes are added, nothing is deleted.
    """
    report = import_agencies(path.read_bytes(), path.name, dry_run=dry_run, actor=COMMAND_LINE)
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        for issue in (*report.result.errors, *report.result.warnings):
            click.echo(issue.message)
        click.echo(
            f"{path.name}: {len(report.result.agencies)} cơ quan, đơn vị hợp lệ "
            f"({report.added} thêm mới, {report.updated} cập nhật, {report.unchanged} không đổi), "
            f"{len(report.result.errors)} lỗi, {report.saved} đã lưu."
        )
    sys.exit(0 if report.ok else 1)

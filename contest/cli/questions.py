"""`flask questions`: the question bank, in and out of spreadsheets."""

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from contest.audit.service import COMMAND_LINE, record_export
from contest.bank import spreadsheets as bank_import

questions_cli = AppGroup("questions", help="The question bank: import and export.")


@questions_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report; save nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def import_questions(path: Path, dry_run: bool, as_json: bool):
    """Import a bank (.xlsx, .xls, .ods, GIFT or Aiken): all questions or, on any error, none."""
    report = bank_import.import_bank(
        path.read_bytes(), path.name, dry_run=dry_run, actor=COMMAND_LINE
    )
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
    record_export(COMMAND_LINE, "bank", count, include_retired=include_retired, file=path.name)
    click.echo(f"Đã xuất {count} câu hỏi ra {path}.")

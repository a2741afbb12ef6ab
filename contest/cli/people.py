"""`flask --app contest people …`: personal data at the end of each contest's retention."""

import click
from flask.cli import AppGroup

from contest.audit.service import COMMAND_LINE
from contest.privacy import service
from contest.web.timekeeping import app_grace

people_cli = AppGroup("people", help="Personal data: erase it when retention is over.")


@people_cli.command("purge", short_help="Erase personal data of contests past retention.")
@click.option("--dry-run", is_flag=True, help="Only count; change nothing.")
def purge(dry_run: bool):
    """Erase the personal data of participants of every contest closed more than its
    retention_days ago (a person also in a contest still kept is kept), then mark it purged."""
    report = service.purge(COMMAND_LINE, dry_run=dry_run, grace=app_grace())
    if not report.contests:
        click.echo("Không có cuộc thi nào hết thời hạn lưu trữ dữ liệu cá nhân.")
        return
    for line in report.contests:
        click.echo(
            f"Cuộc thi #{line.contest_id} «{line.title}»: xoá {line.erased} người, giữ "
            f"{line.kept_newer} người còn thi cuộc thi khác, {line.kept_prize} người có giải "
            "chưa công bố."
        )
    verb = "Sẽ xoá" if dry_run else "Đã xoá"
    click.echo(f"{verb} dữ liệu cá nhân của {report.erased} người; giữ {report.kept} người.")
    if dry_run:
        click.echo("Chạy thử (--dry-run): chưa thay đổi gì.")

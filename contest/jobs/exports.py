"""A judge's large export as a job: its parameters, its size, and the work itself.

Large means more rows than JOBS_EXPORT_THRESHOLD by a cheap count (the ranking's entries, or
the round's attempts for "all entries"); the other kinds have a row per agency or question
and stay direct. The worker checks the parameters again (the round may have been deleted
since), writes `<job>-<claim>.xlsx.part` and renames it when complete, so that a half-written
file is never served and two takings of one job never write the same file.
"""

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select

from contest.domain.clock import utcnow
from contest.extensions import db
from contest.jobs.service import Finished, create_job
from contest.jobs.settings import JobSettings
from contest.models import Agency, Attempt, Job, Round
from contest.models.user import GROUP_LABELS
from contest.results.exports.round_exports import KINDS, export_round, file_name
from contest.results.ranking import Scope, scope_size
from contest.results.round_stats import descendant_ids

log = logging.getLogger(__name__)

EXPORT = "export"
# Kinds whose rows grow with the participants; the others stay direct whatever their size.
LARGE_KINDS = ("ranking", "entries")


class JobRefused(Exception):
    """The job cannot be done as asked; the message (Vietnamese) is shown on the job's page."""


@dataclass(frozen=True)
class ExportRequest:
    round_id: int
    kind: str
    for_judges: bool
    group: str | None
    agency_id: int | None

    def parameters(self) -> dict:
        return {
            "round_id": self.round_id,
            "kind": self.kind,
            "for_judges": self.for_judges,
            "group": self.group,
            "agency_id": self.agency_id,
        }


def estimated_rows(round_: Round, kind: str, group: str | None, agency_ids) -> int:
    """Rows the export will have, by one count; 0 for the kinds that always stay direct."""
    if kind == "ranking":
        return scope_size(Scope(round_, group), agency_ids)
    if kind == "entries":
        # Every attempt of the round: an upper bound under a filter, one index range to count.
        query = select(func.count()).select_from(Attempt).where(Attempt.round_id == round_.id)
        return db.session.execute(query).scalar_one()
    return 0


def is_large(rows: int, settings: JobSettings) -> bool:
    return rows > settings.export_threshold


def request_export(
    request: ExportRequest,
    requested_by_id: int | None,
    rows: int,
    settings: JobSettings,
    send: Callable[[int], None],
) -> tuple[Job, bool]:
    """Queue the export, or return the same person's same export still under way. The job's
    times are the server's UTC clock, which the workers also read."""
    job, created = create_job(
        EXPORT, request.parameters(), requested_by_id, rows, utcnow(), settings.resend_seconds
    )
    if created:
        try:
            send(job.id)
        except Exception:  # the queue is down: the job waits, and the sweep sends it again
            log.exception("job %s: not sent to the queue; the sweep will send it", job.id)
    return job, created


def checked(parameters: dict) -> tuple[ExportRequest, Round]:
    """The stored parameters again, as the worker sees the database now."""
    try:
        request = ExportRequest(
            round_id=int(parameters["round_id"]),
            kind=str(parameters["kind"]),
            for_judges=bool(parameters["for_judges"]),
            group=parameters.get("group"),
            agency_id=None if parameters.get("agency_id") is None else int(parameters["agency_id"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise JobRefused("Yêu cầu xuất tệp không hợp lệ.") from error
    if request.kind not in KINDS:
        raise JobRefused("Loại tệp xuất không còn được hỗ trợ.")
    if request.group is not None and request.group not in GROUP_LABELS:
        raise JobRefused("Đối tượng dự thi trong yêu cầu không còn hợp lệ.")
    round_ = db.session.get(Round, request.round_id)
    if round_ is None:
        raise JobRefused("Vòng thi không còn (đã bị xóa) nên không xuất được tệp.")
    if request.agency_id is not None and db.session.get(Agency, request.agency_id) is None:
        raise JobRefused(
            "Cơ quan, đơn vị đã chọn không còn trong danh sách nên không xuất được tệp."
        )
    return request, round_


def run_export(
    job: Job, token: str, settings: JobSettings, progress: Callable[[int], None]
) -> Finished:
    request, round_ = checked(job.parameters)
    agency_ids = descendant_ids(request.agency_id) if request.agency_id else None
    settings.export_dir.mkdir(parents=True, exist_ok=True)
    name = f"{job.id}-{token}.xlsx"
    final = settings.export_dir / name
    partial = settings.export_dir / (name + ".part")
    now = utcnow()
    try:
        rows = export_round(
            round_,
            request.kind,
            partial,
            for_judges=request.for_judges,
            group=request.group,
            agency_ids=agency_ids,
            now=now,
            progress=progress,
        )
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
    return Finished(name, file_name(round_, request.kind, now), rows)


def export_title(job: Job) -> str:
    """«Bảng xếp hạng cá nhân — vòng 3» for lists and pages (the round may be gone)."""
    parameters = job.parameters or {}
    title = KINDS.get(parameters.get("kind"), "Tệp xuất")
    round_ = db.session.get(Round, parameters.get("round_id") or 0)
    where = f"vòng {round_.number}: {round_.title}" if round_ else "vòng thi đã bị xóa"
    copy = "bản công khai" if not parameters.get("for_judges", True) else "bản Ban Giám khảo"
    return f"{title} — {where} ({copy})"

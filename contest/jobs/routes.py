"""The judges' background jobs (blueprint "jobs", under /giam-khao/viec): one job's page,
which refreshes itself through its JSON status, its file, and the list of one's own jobs.

A job is seen by its requester and by organizers; another judge gets 403. The download is
audited like a direct export, when it is downloaded.
"""

from flask import Blueprint, abort, current_app, render_template, send_file, url_for
from flask_login import current_user

from contest.audit.service import record_export
from contest.extensions import db
from contest.jobs import queue as job_queue
from contest.jobs import service
from contest.jobs.exports import export_title
from contest.models import Job, JobStatus
from contest.results.exports.round_exports import XLSX_MIMETYPE
from contest.web.actor import current_actor
from contest.web.guards import require_role

bp = Blueprint("jobs", __name__)
require_role(bp, lambda user: user.is_judge)
# How often the page asks for the status (the JSON route is one primary-key read).
POLL_SECONDS = 2


def own_job(job_id: int) -> Job:
    job = db.get_or_404(Job, job_id)
    if not service.may_open(job, current_user.id, current_user.is_organizer):
        abort(403)
    return job


def status_of(job: Job) -> dict:
    done = job.status == JobStatus.DONE
    return {
        "id": job.id,
        "status": job.status,
        "status_label": service.STATUS_LABELS[JobStatus(job.status)],
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "text": service.progress_text(job),
        "finished": job.status not in (JobStatus.QUEUED, JobStatus.RUNNING),
        "download_url": url_for("jobs.download", job_id=job.id) if done else None,
        "error": job.error,
    }


@bp.route("/")
def index():
    """The person's own jobs, newest first (organizers: everyone's)."""
    mine = None if current_user.is_organizer else current_user.id
    lines = [(job, name, export_title(job)) for job, name in service.jobs_of(mine)]
    return render_template(
        "jobs/index.html",
        lines=lines,
        everyone=mine is None,
        labels=service.STATUS_LABELS,
        progress_text=service.progress_text,
    )


@bp.route("/<int:job_id>")
def show(job_id: int):
    job = own_job(job_id)
    return render_template(
        "jobs/show.html",
        job=job,
        title=export_title(job),
        status=status_of(job),
        poll_seconds=POLL_SECONDS,
    )


@bp.route("/<int:job_id>/trang-thai")
def status(job_id: int):
    response = current_app.json.response(status_of(own_job(job_id)))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:job_id>/tai-ve")
def download(job_id: int):
    job = own_job(job_id)
    if job.status == JobStatus.EXPIRED:
        return refusal(410, "Tệp đã hết hạn và đã được xóa; hãy xuất lại.", job)
    if job.status != JobStatus.DONE or not job.file_name:
        return refusal(409, "Tệp chưa xuất xong; hãy đợi đến khi trang báo đã xong.", job)
    path = job_queue.of(current_app).settings.export_dir / job.file_name
    if not path.is_file():
        return refusal(410, "Không còn tệp trên máy chủ; hãy xuất lại.", job)
    parameters = job.parameters
    record_export(
        current_actor(),
        parameters["kind"],
        job.rows_done,
        "round",
        parameters["round_id"],
        copy="judges" if parameters["for_judges"] else "public",
        filters={"group": parameters.get("group"), "agency_id": parameters.get("agency_id")},
        job=job.id,
    )
    response = send_file(
        path,
        mimetype=XLSX_MIMETYPE,
        as_attachment=True,
        download_name=job.download_name or job.file_name,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def refusal(code: int, message: str, job: Job):
    back = url_for("jobs.show", job_id=job.id)
    return render_template("jobs/refused.html", code=code, message=message, back=back), code

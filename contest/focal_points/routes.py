"""The agency view (blueprint "focal", under /don-vi): a focal point follows its agency and the
agencies below it, read-only; organizers open the same view for any agency, and import the
staff roster. Judges and participants are refused for the whole blueprint."""

import os
import tempfile

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from contest.audit.service import Actor, record_export
from contest.bank.uploads import clean_filename, issue_rows
from contest.extensions import db
from contest.focal_points import service
from contest.focal_points.export import export_people, file_name
from contest.focal_points.forms import RosterUploadForm
from contest.focal_points.roster import import_roster
from contest.models import Agency
from contest.results.exports.round_exports import XLSX_MIMETYPE
from contest.text import thousands
from contest.web.bounded import query_int
from contest.web.guards import require_role
from contest.web.timekeeping import app_now

bp = Blueprint("focal", __name__)
require_role(bp, lambda user: user.is_focal_point or user.is_organizer)


def viewer() -> service.Viewer:
    return service.viewer(current_user.id, current_user.is_organizer)


def visible_agency(agency_id: int) -> tuple[service.Viewer, Agency]:
    """The agency asked for, when the viewer may see it: a focal point gets 403 for any agency
    outside its subtree (whether it exists or not), an organizer 404 for an unknown one."""
    who = viewer()
    if not service.may_view(who, agency_id):
        abort(403)
    return who, db.get_or_404(Agency, agency_id)


def selection():
    """(contests, contest, rounds, round) from ?cuoc_thi= and ?vong=; an id that is not one of
    the choices is a 404 (a malformed one is ignored)."""
    contests = service.followed_contests()
    contest = service.pick_contest(contests, query_int("cuoc_thi"))
    if contest is None and contests:
        abort(404)
    rounds = service.counted_rounds(contest) if contest else []
    round_ = service.pick_round(rounds, query_int("vong"), app_now())
    if round_ is None and query_int("vong") is not None:
        abort(404)
    return contests, contest, rounds, round_


@bp.route("/")
def index():
    """A focal point goes to its agency; an organizer picks one (search by code or name)."""
    who = viewer()
    if not who.organizer:
        if who.agency_id is None:
            return render_template("focal_points/no_agency.html")
        return redirect(url_for("focal.agency", agency_id=who.agency_id))
    query = (request.args.get("q") or "").strip()[:100]
    choices, total = service.agency_choices(query)
    return render_template("focal_points/picker.html", query=query, choices=choices, total=total)


@bp.route("/<int:agency_id>")
def agency(agency_id: int):
    """One agency's subtree in one round: figures, entries per day, its registered people and,
    with a roster, who on it has not taken part yet."""
    who, agency = visible_agency(agency_id)
    contests, contest, rounds, round_ = selection()
    context = {}
    if round_ is not None:
        context = {
            "figures": service.figures(agency.id, round_),
            "people": service.people_page(agency.id, round_.id, query_int("trang")),
            "missing": service.missing_page(agency.id, round_.id, query_int("trang_ds")),
            "child_lines": service.child_figures(agency.id, round_.id),
        }
    return render_template(
        "focal_points/agency.html",
        who=who,
        agency=agency,
        parent=service.visible_parent(who, agency),
        children=service.child_agencies(agency.id),
        contests=contests,
        contest=contest,
        rounds=rounds,
        round=round_,
        **context,
    )


@bp.route("/<int:agency_id>/xuat.xlsx")
def export(agency_id: int):
    """The people of the page (every page of them) and the roster's missing, as .xlsx."""
    _who, agency = visible_agency(agency_id)
    _contests, _contest, _rounds, round_ = selection()
    if round_ is None:
        abort(404)
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    now = app_now()
    count = export_people(agency, round_, handle.name, now=now)
    record_export(
        Actor(current_user.id, request.remote_addr),
        "focal_people",
        count,
        "agency",
        agency.id,
        filters={"round_id": round_.id},
    )
    response = send_file(
        handle.name,
        mimetype=XLSX_MIMETYPE,
        as_attachment=True,
        download_name=file_name(agency, round_, now),
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.call_on_close(lambda: os.unlink(handle.name))
    return response


@bp.route("/danh-sach-can-bo", methods=["GET", "POST"])
def roster_upload():
    """Organizers: check a roster (dry run) or import it, replacing the roster of every agency
    the file names, all rows or none."""
    if not current_user.is_organizer:
        abort(403)
    form = RosterUploadForm()
    report = None
    if form.validate_on_submit():
        file = form.file.data
        report = import_roster(
            file.read(),
            clean_filename(file.filename),
            Actor(current_user.id, request.remote_addr),
            dry_run=form.check_only.data,
        )
        if report.ok and not report.dry_run:
            flash(
                f"Đã nhập “{report.filename}”: {thousands(report.saved)} người của "
                f"{thousands(report.agencies)} "
                "cơ quan, đơn vị (thay danh sách cũ của các cơ quan, đơn vị này).",
                "success",
            )
            return redirect(url_for("focal.roster_upload"))
        if report.ok:
            form.check_only.data = False
    refused = request.method == "POST" and (report is None or not report.ok)
    return render_template(
        "focal_points/roster_upload.html",
        form=form,
        report=report,
        issues=issue_rows(report.result) if report else [],
        roster_size=service.roster_size(),
    ), 422 if refused else 200

"""Prize eligibility for organizers (blueprint "eligibility", under /to-chuc/xet-giai): the list
of people who win no prize and why, marking one person or a whole list from a spreadsheet, and
making a person eligible again. The people console links to `eligibility.person`."""

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for

from contest.bank.uploads import clean_filename, issue_rows
from contest.eligibility import service
from contest.eligibility.forms import MarkForm, PersonMarkForm, UnmarkForm, UploadForm
from contest.eligibility.service import EligibilityRefused
from contest.paging import clamp_page
from contest.web.actor import current_actor as actor
from contest.web.bounded import query_int
from contest.web.guards import require_role

bp = Blueprint("eligibility", __name__)
require_role(bp, lambda user: user.is_organizer)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 200


def render_index(form: MarkForm, status: int = 200):
    page = clamp_page(query_int("trang", 1))
    people, total = service.ineligible_people((page - 1) * PAGE_SIZE, PAGE_SIZE)
    return render_template(
        "eligibility/index.html",
        form=form,
        unmark_form=UnmarkForm(),
        people=people,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
    ), status


@bp.route("/")
def index():
    """People who win no prize, with their reasons; a form to mark one more."""
    return render_index(MarkForm())


@bp.route("/danh-dau", methods=["POST"])
def mark():
    """Mark the person a phone, CCCD or email names; refused with the form (422)."""
    form = MarkForm()
    if form.validate_on_submit():
        try:
            user = service.find_person(form.identifier.data)
            service.mark_ineligible(user.id, form.reason.data, actor())
        except EligibilityRefused as refusal:
            target = form.identifier if refusal.field == "identifier" else form.reason
            target.errors = [*target.errors, refusal.message]
        else:
            flash(f"Đã đánh dấu “{user.full_name}” không xét giải.", "success")
            return redirect(url_for("eligibility.index"))
    return render_index(form, 422)


@bp.route("/nguoi/<int:user_id>", methods=["GET", "POST"])
def person(user_id: int):
    """One person's eligibility: mark them (with a reason) or make them eligible again."""
    user = service.person(user_id)
    if user is None:
        abort(404)
    form = PersonMarkForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                service.mark_ineligible(user_id, form.reason.data, actor())
            except EligibilityRefused as refusal:
                form.reason.errors = [*form.reason.errors, refusal.message]
            else:
                flash(f"Đã đánh dấu “{user.full_name}” không xét giải.", "success")
                return redirect(url_for("eligibility.person", user_id=user_id))
        status = 422
    elif user.ineligible_reason:
        form.reason.data = user.ineligible_reason
    return render_template(
        "eligibility/person.html", user=user, form=form, unmark_form=UnmarkForm()
    ), status


@bp.route("/nguoi/<int:user_id>/xet-giai-lai", methods=["POST"])
def unmark(user_id: int):
    """Make a person eligible for prizes again."""
    form = UnmarkForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        user = service.mark_eligible(user_id, actor())
    except EligibilityRefused as refusal:
        if refusal.field == "user" and service.person(user_id) is None:
            abort(404)
        flash(refusal.message, "error")
    else:
        flash(f"“{user.full_name}” được xét giải trở lại.", "success")
    back = request.form.get("back")
    if back == "person":
        return redirect(url_for("eligibility.person", user_id=user_id))
    return redirect(url_for("eligibility.index"))


@bp.route("/nhap", methods=["GET", "POST"])
def upload():
    """Mark a whole list from a spreadsheet: every row or none (refused: 422 with the rows)."""
    form = UploadForm()
    report = None
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            file = form.file.data
            try:
                report = service.import_ineligible(
                    file.read(), clean_filename(file.filename), form.reason.data, actor()
                )
            except EligibilityRefused as refusal:
                form.reason.errors = [*form.reason.errors, refusal.message]
            else:
                if report.ok:
                    flash(
                        f"Đã đánh dấu {report.saved} người trong tệp “{report.filename}” "
                        "không xét giải.",
                        "success",
                    )
                    return redirect(url_for("eligibility.index"))
    return render_template(
        "eligibility/upload.html",
        form=form,
        report=report,
        issues=issue_rows(report.result) if report else [],
    ), status


@bp.route("/mau.xlsx")
def template_workbook():
    """The blank list to fill in."""
    out = io.BytesIO()
    service.write_people_template(out)
    out.seek(0)
    response = send_file(
        out,
        mimetype=XLSX,
        as_attachment=True,
        download_name="mau-danh-sach-khong-xet-giai.xlsx",
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response

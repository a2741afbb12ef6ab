"""Personal data: for organizers (blueprint "privacy", under /to-chuc/du-lieu-ca-nhan) a
person's data as a workbook and its erasure; for everyone (blueprint "privacy_public") the
privacy notice at /quyen-rieng-tu."""

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from contest.privacy import service
from contest.privacy.forms import EraseForm
from contest.privacy.service import PrivacyRefused
from contest.web.actor import current_actor
from contest.web.guards import require_role
from contest.web.timekeeping import app_grace, app_now

bp = Blueprint("privacy", __name__)
require_role(bp, lambda user: user.is_organizer)
public = Blueprint("privacy_public", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/<int:user_id>/tai-ve")
def export(user_id: int):
    """Everything held about one person, as an .xlsx attachment no cache keeps (audited)."""
    if service.person(user_id) is None:
        abort(404)
    data = service.export_person(user_id, current_actor())
    name = service.export_name(user_id)
    response = make_response(data)
    response.headers["Content-Type"] = XLSX
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:user_id>/xoa", methods=["GET", "POST"])
def erase(user_id: int):
    """Confirm and erase one person's personal data; refused with the reason (422)."""
    user = service.person(user_id)
    if user is None:
        abort(404)
    form = EraseForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                service.erase_person(
                    user_id,
                    current_actor(),
                    form.reason.data or "",
                    now=app_now(),
                    grace=app_grace(),
                )
            except PrivacyRefused as refusal:
                form.reason.errors = [*form.reason.errors, refusal.message]
            else:
                flash(f"Đã xoá dữ liệu cá nhân của tài khoản số {user_id}.", "success")
                return redirect(url_for("privacy.erase", user_id=user_id))
    return render_template("privacy/erase.html", user=user, form=form), status


@public.route("/quyen-rieng-tu")
def notice():
    """What is collected, why, how long, and whom to ask."""
    return render_template("privacy/notice.html", contests=service.notice_contests())

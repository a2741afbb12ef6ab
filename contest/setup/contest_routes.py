"""The organizers' contest console (blueprint "contests", under /to-chuc/cuoc-thi): the list of
contests, creating and editing one, opening, closing and archiving it, its emblem and its
announcements. Every route of "contests" is guarded for organizers on the blueprint.

The emblem itself is public (it shows on participants' pages and link previews), so it is
served by a second, unguarded blueprint "contests_public" of this module (endpoint
"contests_public.emblem", at /bieu-trung/<contest id>).
"""

from dataclasses import asdict

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from contest.audit.service import Actor
from contest.domain.clock import to_vietnam
from contest.domain.vn_dates import format_vn_date, format_vn_datetime
from contest.extensions import db
from contest.models import Announcement, Contest
from contest.setup import announcements as announcement_service
from contest.setup import contest_editing
from contest.setup.contest_editing import (
    STATUS_ACTIONS,
    STATUS_LABELS,
    TRANSITIONS,
    ContestRefused,
    ContestSettings,
)
from contest.setup.contest_forms import ActionForm, AnnouncementForm, ContestForm, EmblemForm
from contest.web.guards import require_role
from contest.web.timekeeping import app_now

bp = Blueprint("contests", __name__)
require_role(bp, lambda user: user.is_organizer)

public = Blueprint("contests_public", __name__)

# Kept an hour by browsers and proxies, then revalidated by its ETag (a changed emblem shows
# within the hour; the console's own link carries a version and shows it at once).
EMBLEM_CACHE = "public, max-age=3600"


def actor() -> Actor:
    return Actor(current_user.id, request.remote_addr)


def show_refusal(form, refusal: ContestRefused) -> None:
    """Each problem beside its field; a problem with no field of the form as a message."""
    for name, message in refusal.problems:
        if name in form:
            form[name].errors = [*form[name].errors, message]
        else:
            flash(message, "error")


@bp.context_processor
def labels():
    return {
        "status_labels": STATUS_LABELS,
        "status_actions": STATUS_ACTIONS,
        "transitions": TRANSITIONS,
        "format_vn_date": format_vn_date,
        "format_vn_datetime": format_vn_datetime,
    }


@bp.route("/")
def index():
    """Every contest with its status and what can be done with it."""
    return render_template(
        "setup/contests/index.html",
        contests=contest_editing.list_contests(),
    )


@bp.route("/moi", methods=["GET", "POST"])
def create():
    """A new contest, saved as a draft."""
    form = ContestForm()
    if form.validate_on_submit():
        try:
            contest = contest_editing.create_contest(ContestSettings(**form.values()), actor())
        except ContestRefused as refusal:
            show_refusal(form, refusal)
        else:
            flash(
                f"Đã tạo cuộc thi «{contest.title}» (bản nháp). Tiếp theo: nhập ngân hàng câu "
                "hỏi, thêm các vòng thi, xem lại trang thể lệ rồi mở cuộc thi.",
                "success",
            )
            return redirect(url_for("admin.live", contest_id=contest.id))
    status = 400 if request.method == "POST" else 200
    return render_template("setup/contests/form.html", form=form, contest=None), status


def edit_page(contest: Contest, form: ContestForm, emblem_form: EmblemForm, status: int = 200):
    return render_template(
        "setup/contests/form.html",
        form=form,
        contest=contest,
        emblem_form=emblem_form,
    ), status


@bp.route("/<int:contest_id>/sua", methods=["GET", "POST"])
def edit(contest_id: int):
    """Every setting of a contest, its emblem and its status."""
    contest = db.get_or_404(Contest, contest_id)
    form = ContestForm()
    if request.method == "GET":
        form.fill(asdict(contest_editing.settings_of(contest)))
        return edit_page(contest, form, EmblemForm(formdata=None))
    if form.validate_on_submit():
        try:
            changes = contest_editing.update_contest(
                contest.id, ContestSettings(**form.values()), actor()
            )
        except ContestRefused as refusal:
            show_refusal(form, refusal)
        else:
            if changes["after"] or changes["before"]:
                flash("Đã lưu thiết lập cuộc thi.", "success")
            else:
                flash("Không có thay đổi nào để lưu.", "info")
            return redirect(url_for("contests.edit", contest_id=contest.id))
    return edit_page(contest, form, EmblemForm(formdata=None), 400)


@bp.route("/<int:contest_id>/trang-thai/<status>", methods=["POST"])
def change_status(contest_id: int, status: str):
    """Open, close, reopen or archive (a button on the list and on the edit page)."""
    contest = db.get_or_404(Contest, contest_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        contest_editing.set_status(contest.id, status, actor())
    except ContestRefused as refusal:
        flash(refusal.message, "error")
        return render_template(
            "setup/contests/index.html",
            contests=contest_editing.list_contests(),
        ), 409
    flash(
        f"Cuộc thi «{contest.title}» nay ở trạng thái «{STATUS_LABELS[contest.status]}».",
        "success",
    )
    if request.form.get("back") == "edit":
        return redirect(url_for("contests.edit", contest_id=contest.id))
    if request.form.get("back") == "live":
        return redirect(url_for("admin.live", contest_id=contest.id))
    return redirect(url_for("contests.index"))


@bp.route("/<int:contest_id>/bieu-trung", methods=["POST"])
def upload_emblem(contest_id: int):
    """Store the organizing body's emblem; a refused file is explained on the edit page."""
    contest = db.get_or_404(Contest, contest_id)
    emblem_form = EmblemForm()
    if emblem_form.validate_on_submit():
        try:
            contest_editing.set_emblem(contest.id, emblem_form.emblem.data.read(), actor())
        except ContestRefused as refusal:
            emblem_form.emblem.errors = [*emblem_form.emblem.errors, refusal.message]
        else:
            flash("Đã cập nhật biểu trưng.", "success")
            return redirect(url_for("contests.edit", contest_id=contest.id))
    form = ContestForm(formdata=None)
    form.fill(asdict(contest_editing.settings_of(contest)))
    return edit_page(contest, form, emblem_form, 400)


@bp.route("/<int:contest_id>/bieu-trung/xoa", methods=["POST"])
def remove_emblem(contest_id: int):
    contest = db.get_or_404(Contest, contest_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if contest_editing.remove_emblem(contest.id, actor()):
        flash("Đã gỡ biểu trưng.", "success")
    else:
        flash("Cuộc thi chưa có biểu trưng.", "info")
    return redirect(url_for("contests.edit", contest_id=contest.id))


def announcements_page(contest: Contest, form: AnnouncementForm, status: int = 200):
    return render_template(
        "setup/contests/announcements.html",
        contest=contest,
        form=form,
        announcements=announcement_service.announcements_of(contest.id),
        state_of=announcement_service.announcement_state,
        now=app_now(),
    ), status


@bp.route("/<int:contest_id>/thong-bao", methods=["GET", "POST"])
def announcements(contest_id: int):
    """A contest's notices, past, current and coming, and a form to add one."""
    contest = db.get_or_404(Contest, contest_id)
    form = AnnouncementForm()
    if request.method == "GET":
        form.starts_at.data = to_vietnam(app_now()).replace(second=0, microsecond=0)
        return announcements_page(contest, form)
    if form.validate_on_submit():
        try:
            announcement_service.add_announcement(
                contest.id, form.text.data, form.starts_at.data, form.ends_at.data, actor()
            )
        except ContestRefused as refusal:
            show_refusal(form, refusal)
        else:
            flash("Đã thêm thông báo.", "success")
            return redirect(url_for("contests.announcements", contest_id=contest.id))
    return announcements_page(contest, form, 400)


@bp.route("/thong-bao/<int:announcement_id>/sua", methods=["GET", "POST"])
def edit_announcement(announcement_id: int):
    announcement = db.get_or_404(Announcement, announcement_id)
    form = AnnouncementForm()
    status = 200
    if request.method == "GET":
        form.text.data = announcement.text
        form.starts_at.data = to_vietnam(announcement.starts_at)
        form.ends_at.data = to_vietnam(announcement.ends_at) if announcement.ends_at else None
    elif form.validate_on_submit():
        try:
            announcement_service.edit_announcement(
                announcement.id, form.text.data, form.starts_at.data, form.ends_at.data, actor()
            )
        except ContestRefused as refusal:
            show_refusal(form, refusal)
            status = 400
        else:
            flash("Đã lưu thông báo.", "success")
            return redirect(url_for("contests.announcements", contest_id=announcement.contest_id))
    else:
        status = 400
    return render_template(
        "setup/contests/announcement_form.html",
        form=form,
        announcement=announcement,
        contest=announcement.contest,
    ), status


@bp.route("/thong-bao/<int:announcement_id>/xoa", methods=["POST"])
def delete_announcement(announcement_id: int):
    announcement = db.get_or_404(Announcement, announcement_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    contest_id = announcement_service.delete_announcement(announcement.id, actor())
    flash("Đã xoá thông báo.", "success")
    return redirect(url_for("contests.announcements", contest_id=contest_id))


@public.route("/bieu-trung/<int:contest_id>")
def emblem(contest_id: int):
    """The contest's emblem as stored, for every page and link preview (no log-in needed)."""
    contest = db.get_or_404(Contest, contest_id)
    if not contest.emblem or not contest.emblem_type:
        abort(404)
    response = current_app.response_class(contest.emblem, mimetype=contest.emblem_type)
    response.headers["Cache-Control"] = EMBLEM_CACHE
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.add_etag()
    return response.make_conditional(request)

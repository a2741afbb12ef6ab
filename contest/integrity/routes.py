"""The judges' integrity pages (blueprint "integrity", under /giam-khao/kiem-tra): the report
of likely duplicate accounts, and voiding or restoring entries. Judges and organizers only."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from contest.audit.service import Actor
from contest.domain.fair_play import ALL_ANSWERS_AT_ONCE_MS
from contest.extensions import db
from contest.integrity import service
from contest.integrity.forms import ClearForm, RestoreForm, VoidForm
from contest.models import Contest, Round
from contest.results import fair_play
from contest.results.contest_list import judged_contests
from contest.web.bounded import MAX_ID, query_int
from contest.web.errors import render_error
from contest.web.guards import require_role

bp = Blueprint("integrity", __name__)
require_role(bp, lambda u: u.is_judge)


def actor() -> Actor:
    return Actor(current_user.id, request.remote_addr)


def chosen_contest(raw: str | None) -> int | None:
    """A contest id from the query string or the form, or None (every contest)."""
    raw = (raw or "").strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10 or not 0 < int(raw) <= MAX_ID:
        return None
    return int(raw)


def back() -> str:
    """The page the judge came from: a round's review queue, or the report of duplicates (the
    same contest, or every contest)."""
    queue_round = chosen_contest(request.form.get("hang_cho"))
    if queue_round is not None:
        return url_for("integrity.fair_play_queue", round_id=queue_round)
    contest_id = chosen_contest(request.form.get("cuoc_thi"))
    return url_for("integrity.duplicates", cuoc_thi=contest_id)


@bp.route("/")
def duplicates():
    """People who are probably one person under several accounts, with their entries side by
    side and the buttons to void an entry or a person, and to undo."""
    contest_id = query_int("cuoc_thi")
    contest = db_contest(contest_id)
    report = service.likely_duplicates(contest.id if contest else None)
    return render_template(
        "integrity/duplicates.html",
        report=report,
        contest=contest,
        contests=judged_contests(),
        max_reason=service.MAX_REASON,
        review_rounds=service.review_rounds(contest.id if contest else None),
    )


@bp.route("/vong/<int:round_id>/toc-do")
def fair_play_queue(round_id: int):
    """Entries of a round flagged as too fast to be a person: held out of the prizes until a
    judge clears or voids each one."""
    round_ = db.get_or_404(Round, round_id)
    return render_template(
        "integrity/fair_play.html",
        round=round_,
        lines=fair_play.flagged_entries(round_),
        max_reason=service.MAX_REASON,
        minimum_ms=round_.minimum_seconds_per_question * 1000,
        at_once_ms=ALL_ANSWERS_AT_ONCE_MS,
    )


@bp.route("/vong/<int:round_id>/nguoi/<int:user_id>/hop-le", methods=["POST"])
def clear_entry(round_id: int, user_id: int):
    form = ClearForm()
    if not form.validate_on_submit():
        return form_refused(form)
    try:
        service.clear_entry(round_id, user_id, form.reason.data, actor())
    except service.IntegrityRefused as refusal:
        return refused(refusal)
    flash("Đã xác nhận bài thi hợp lệ: bài thi được xét giải như mọi bài thi khác.", "success")
    return redirect(url_for("integrity.fair_play_queue", round_id=round_id))


def db_contest(contest_id: int | None) -> Contest | None:
    if contest_id is None:
        return None
    matches = judged_contests(contest_id)
    return matches[0] if matches else None


def refused(refusal: service.IntegrityRefused):
    return render_error(refusal.status, refusal.message)


def form_refused(form) -> object:
    errors = [error for messages in form.errors.values() for error in messages]
    return render_error(400, errors[0] if errors else "Yêu cầu không hợp lệ.")


@bp.route("/vong/<int:round_id>/nguoi/<int:user_id>/huy", methods=["POST"])
def void_entry(round_id: int, user_id: int):
    form = VoidForm()
    if not form.validate_on_submit():
        return form_refused(form)
    try:
        service.void_entry(round_id, user_id, form.reason.data, actor())
    except service.IntegrityRefused as refusal:
        return refused(refusal)
    flash("Đã huỷ kết quả bài thi: bài thi không còn được xếp hạng.", "success")
    return redirect(back())


@bp.route("/nguoi/<int:user_id>/huy", methods=["POST"])
def void_person(user_id: int):
    form = VoidForm()
    if not form.validate_on_submit():
        return form_refused(form)
    try:
        count = service.void_person(user_id, form.reason.data, actor())
    except service.IntegrityRefused as refusal:
        return refused(refusal)
    flash(f"Đã huỷ kết quả {count} bài thi của người này.", "success")
    return redirect(back())


@bp.route("/vong/<int:round_id>/nguoi/<int:user_id>/khoi-phuc", methods=["POST"])
def restore_entry(round_id: int, user_id: int):
    form = RestoreForm()
    if not form.validate_on_submit():
        return form_refused(form)
    try:
        service.restore_entry(round_id, user_id, actor())
    except service.IntegrityRefused as refusal:
        return refused(refusal)
    flash("Đã khôi phục kết quả bài thi: bài thi được xếp hạng trở lại.", "success")
    return redirect(back())

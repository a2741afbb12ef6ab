"""The judges' regrade pages (blueprint "regrade", under /giam-khao/cham-lai): questions whose
key may have been corrected since attempts drew them, and for one question what regrading
would change, then the regrade itself with its reason."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from contest.audit.service import Actor
from contest.extensions import db
from contest.models import Question
from contest.regrade import service
from contest.web.errors import render_error
from contest.web.guards import require_role

bp = Blueprint("regrade", __name__)
require_role(bp, lambda user: user.is_judge)


@bp.route("/")
def index():
    return render_template("regrade/index.html", candidates=service.candidates())


@bp.route("/cau-hoi/<int:question_id>", methods=["GET", "POST"])
def question(question_id: int):
    """GET: the preview. POST: the regrade (CSRF checked by the app), then the page again."""
    db.get_or_404(Question, question_id)
    if request.method == "POST":
        try:
            plan = service.apply(
                question_id,
                request.form.get("reason", "")[: service.MAX_REASON + 1],
                Actor(current_user.id, request.remote_addr),
            )
        except service.RegradeRefused as refusal:
            return render_error(refusal.status, refusal.message)
        flash(
            f"Đã chấm lại {plan.items} câu trả lời ở {len(plan.rounds)} vòng thi. Kết quả các "
            "vòng này trở về bản nháp: hãy rà soát rồi công bố lại (kèm lý do).",
            "success",
        )
        return redirect(url_for("regrade.question", question_id=question_id))
    plan = service.preview(question_id)
    return render_template(
        "regrade/question.html",
        question=db.get_or_404(Question, question_id),
        plan=plan,
        max_reason=service.MAX_REASON,
    )

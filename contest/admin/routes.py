"""The organizers' area (Ban Tổ chức). Every route is guarded for the whole blueprint."""

from flask import Blueprint, render_template
from sqlalchemy import func, select

from contest.extensions import db
from contest.guards import require_role
from contest.models import Agency, Question
from contest.services.contests import current_contest
from contest.services.participation import round_participation

bp = Blueprint("admin", __name__)
require_role(bp, lambda user: user.is_organizer)


@bp.route("/")
def dashboard():
    """Participation per round, live, and the size of the bank."""
    contest = current_contest()
    return render_template(
        "admin/dashboard.html",
        contest=contest,
        participation=round_participation(contest.id) if contest else {},
        question_count=db.session.execute(
            select(func.count()).select_from(Question).where(Question.active.is_(True))
        ).scalar_one(),
        agency_count=db.session.execute(select(func.count()).select_from(Agency)).scalar_one(),
    )

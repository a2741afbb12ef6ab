"""The judges' area (Ban Giám khảo), read only. Guarded for the whole blueprint."""

from flask import Blueprint, render_template

from contest.guards import require_role
from contest.services.contests import current_contest
from contest.services.participation import round_participation

bp = Blueprint("judge", __name__)
require_role(bp, lambda user: user.is_judge)


@bp.route("/")
def dashboard():
    """Entries per round: the starting point for ranking and exports."""
    contest = current_contest()
    return render_template(
        "judge/dashboard.html",
        contest=contest,
        participation=round_participation(contest.id) if contest else {},
    )

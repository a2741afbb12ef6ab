"""Judges' list of profile corrections made after people took part (names go on prize lists)."""

from flask import Blueprint, render_template, request

from contest.account import service
from contest.paging import clamp_page
from contest.web.bounded import query_int
from contest.web.guards import require_role

bp = Blueprint("account_history", __name__)
require_role(bp, lambda user: user.is_judge)
PAGE_SIZE = 50


@bp.route("/")
def changes():
    """Corrections newest first, 50 a page, filtered by name or phone."""
    search = (request.args.get("q") or "").strip()[:120]
    page = clamp_page(query_int("trang", 1))
    rows, total = service.profile_changes(search or None, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    return render_template(
        "account/history.html",
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        search=search,
    )

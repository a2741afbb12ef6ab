"""Public pages: the home page with the current contest, and its rules."""

from flask import Blueprint, abort, render_template
from flask_login import current_user

from contest.attempts import service as attempt_service
from contest.domain.prizes import LABELS as PRIZE_LABELS
from contest.domain.ranking import describe_chain
from contest.domain.schedule import next_event, round_state
from contest.main import service
from contest.results import service as results
from contest.setup.contests import current_contest, windows
from contest.web.timekeeping import app_now

bp = Blueprint("main", __name__)


def open_attempts_by_round() -> dict[int, int]:
    if not current_user.is_authenticated:
        return {}
    return attempt_service.open_attempts_by_round(current_user.id)


@bp.route("/")
def home():
    """The current contest, its rounds and a countdown to the next opening or closing."""
    contest = current_contest()
    now = app_now()
    rounds = contest.rounds if contest else []
    states = {r.id: round_state(w, now) for r, w in zip(rounds, windows(rounds), strict=True)}
    return render_template(
        "home.html",
        contest=contest,
        rounds=rounds,
        states=states,
        event=next_event(windows(rounds), now),
        now=now,
        open_attempts=open_attempts_by_round(),
    )


@bp.route("/the-le")
def rules():
    """The contest's rules (thể lệ)."""
    contest = current_contest()
    if contest is None:
        abort(404)
    chains = [(r, describe_chain(r.ranking_chain)) for r in contest.rounds]
    same_chain = len({tuple(chain) for _round, chain in chains}) <= 1
    return render_template(
        "rules.html", contest=contest, rounds=contest.rounds, chains=chains, same_chain=same_chain
    )


@bp.route("/healthz")
def health():
    """For load balancers: the process answers and the database is reachable."""
    service.database_answers()
    return {"status": "ok"}


@bp.route("/ket-qua")
def published_results():
    """Published results: each round's prize winners, as the organizing board announces them."""
    contest = current_contest()
    if contest is None:
        abort(404)
    announced = []
    for round_ in contest.rounds:
        publication = results.latest_publication(round_.id)
        if publication is not None:
            announced.append((round_, publication, results.published_winners(publication)))
    return render_template(
        "results.html", contest=contest, announced=announced, prize_labels=PRIZE_LABELS
    )

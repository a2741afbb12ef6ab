"""Public pages: the list of contests, each contest's home, rules and published results.

Several contests may run at once; each lives under /cuoc-thi/<slug>/. The old single-contest
addresses (/the-le, /ket-qua) lead to the only contest listed, or to the list.
"""

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from contest.attempts import service as attempt_service
from contest.domain.prizes import LABELS as PRIZE_LABELS
from contest.domain.schedule import next_event, round_state
from contest.extensions import limiter
from contest.main import health as health_checks
from contest.main import service
from contest.models import Contest
from contest.results import seal, seal_check
from contest.web.timekeeping import app_now

bp = Blueprint("main", __name__)

# The organizer's emblem is served by the contests' public blueprint (made elsewhere): pages
# link to it only once that endpoint exists.
EMBLEM_ENDPOINT = "contests_public.emblem"


@bp.app_template_global()
def emblem_url(contest: Contest | None, external: bool = False) -> str | None:
    """The URL of the contest's emblem, or None when it has none (or nothing serves it)."""
    if contest is None or not getattr(contest, "emblem_type", None):
        return None
    if EMBLEM_ENDPOINT not in current_app.view_functions:
        return None
    # A version in the link: a new emblem shows at once despite the hour browsers keep one.
    version = {"v": int(contest.updated_at.timestamp())} if contest.updated_at else {}
    try:
        return url_for(EMBLEM_ENDPOINT, contest_id=contest.id, _external=external, **version)
    except BuildError:
        return None


def can_preview() -> bool:
    """Organizers see drafts and archived contests as the public would."""
    return current_user.is_authenticated and current_user.is_organizer


def contest_or_404(slug: str) -> Contest:
    contest = service.contest_by_slug(slug, preview=can_preview())
    if contest is None:
        abort(404)
    return contest


def open_attempts_by_round() -> dict[int, int]:
    if not current_user.is_authenticated:
        return {}
    return attempt_service.open_attempts_by_round(current_user.id)


@bp.route("/")
def home():
    """The contests open or upcoming, then the closed ones; straight to the only one."""
    contests = service.listed_contests()
    if len(contests) == 1:
        return redirect(url_for("main.contest_home", slug=contests[0].slug))
    now = app_now()
    return render_template(
        "main/index.html",
        contests=contests,
        phases={c.id: service.phase(c, now) for c in contests},
    )


@bp.route("/cuoc-thi/<slug>/")
def contest_home(slug: str):
    """A contest's rounds, a countdown to the next opening or closing, and its notices."""
    contest = contest_or_404(slug)
    now = app_now()
    rounds = contest.rounds
    windows = service.windows(rounds)
    states = {r.id: round_state(w, now) for r, w in zip(rounds, windows, strict=True)}
    event = next_event(windows, now)
    return render_template(
        "home.html",
        contest=contest,
        rounds=rounds,
        states=states,
        event=event,
        event_round=next((r for r in rounds if event and r.number == event.round_number), None),
        now=now,
        open_attempts=open_attempts_by_round(),
        announcements=service.current_announcements(contest.id, now),
        preview=not service.is_public(contest),
    )


@bp.route("/cuoc-thi/<slug>/the-le")
def rules(slug: str):
    """The contest's rules (thể lệ): generated from the settings, with the organizer's text."""
    contest = contest_or_404(slug)
    return render_template(
        "rules.html",
        contest=contest,
        sections=service.rules_of(contest),
        preview=not service.is_public(contest),
    )


@bp.route("/cuoc-thi/<slug>/ket-qua")
def published_results(slug: str):
    """Published results: each round's prize winners, as the organizing board announces them."""
    contest = contest_or_404(slug)
    hidden = service.results_hidden(contest, app_now())
    return render_template(
        "results.html",
        contest=contest,
        hidden=hidden,
        announced=[] if hidden else service.announced_results(contest),
        prize_labels=PRIZE_LABELS,
        preview=not service.is_public(contest),
    )


def to_single_contest(endpoint: str):
    contest = service.single_listed_contest()
    if contest is None:
        return redirect(url_for("main.home"))
    return redirect(url_for(endpoint, slug=contest.slug))


@bp.route("/the-le")
def old_rules():
    """The address of the rules when there was one contest."""
    return to_single_contest("main.rules")


@bp.route("/ket-qua")
def old_results():
    """The address of the results when there was one contest."""
    return to_single_contest("main.published_results")


# Checks anyone may ask for per 10 minutes (each reads a file or a table): like the other
# public forms, a person checking their files is never near it, a script is.
VERIFY_LIMIT = "30 per 10 minutes"
# Under the application's MAX_CONTENT_LENGTH (16 MB): a round of 100,000 lines is about 9 MB.
MAX_VERIFY_BYTES = 15 * 1024 * 1024
CODE_LENGTH = 200


def size_text(size: int) -> str:
    return f"{size // 2**20} MB" if size >= 2**20 else f"{max(size // 1024, 1)} KB"


def verify_page(status: int = 200, **shown):
    limit = size_text(MAX_VERIFY_BYTES)
    return render_template("main/verify.html", max_size=limit, **shown), status


@bp.route("/kiem-tra-ket-qua", methods=["GET", "POST"])
@limiter.limit(VERIFY_LIMIT, methods=["POST"])
def verify():
    """Anyone checks a published results file (recomputing its seal), a seal or a receipt
    code: which contest, round and publication it is, and for a receipt the line, masked."""
    if request.method == "GET":
        return verify_page()
    upload = request.files.get("tep")
    if upload is not None and upload.filename:
        data = upload.stream.read(MAX_VERIFY_BYTES + 1)
        if len(data) > MAX_VERIFY_BYTES:
            return verify_page(413, error=f"Tệp lớn hơn {size_text(MAX_VERIFY_BYTES)}.")
        try:
            name = seal.clean(upload.filename[:100]) or "tải lên"
            verdict = seal_check.check_file(data, name, deep=False)
        except seal_check.UnreadableFile as error:
            return verify_page(400, error=str(error))
        return verify_page(verdict=verdict)
    typed = (request.form.get("ma") or "")[:CODE_LENGTH]
    code = seal.parse_code(typed)
    if code is None:
        return verify_page(
            400,
            error="Hãy chọn tệp kết quả (.xlsx), hoặc dán mã niêm phong (64 ký tự) hay mã biên "
            "nhận (12 ký tự, ví dụ D1BA-9096-129D).",
            typed=typed,
        )
    found = service.look_up_code(code, app_now())
    return verify_page(found=found, typed=typed, receipt=len(code) == seal.RECEIPT_LENGTH)


@bp.app_template_global()
def published_standing(round_, user_id: int) -> dict | None:
    """A participant's line in the round's latest publication, for their result page: rank,
    prize and receipt code (None before publication, or without a ranked line)."""
    return service.published_standing(round_, user_id)


@bp.route("/healthz")
def health():
    """For load balancers: the process answers, and so does each part it is configured with
    (the database, Redis, ...: contest/main/health.py); 503 naming the part that failed."""
    checks = health_checks.run_checks(current_app.config)
    failed = [name for name, state in checks.items() if state != "ok"]
    body = {"status": "failed" if failed else "ok", "checks": checks}
    if failed:
        body["failed"] = failed
    return body, 503 if failed else 200, {"Cache-Control": "no-store"}

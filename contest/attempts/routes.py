"""The participant's attempt: start, the quiz page, saving answers, submitting, the result."""

import random
import secrets
from datetime import UTC, datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user, login_required

from contest.attempts import answers, payloads, quiz_page, service
from contest.domain import timing
from contest.extensions import limiter
from contest.models import Attempt, AttemptStatus
from contest.results.ranking import participant_rank
from contest.web import rate_limits
from contest.web.errors import MESSAGES
from contest.web.session_user import session_account
from contest.web.timekeeping import app_grace, app_now

bp = Blueprint("quiz", __name__)


def own_attempt(attempt_id: int) -> Attempt:
    """The current user's attempt, brought up to date; anyone else's is a 404."""
    attempt = service.find_attempt(current_user.id, attempt_id)
    if attempt is None:
        abort(404)
    return service.ensure_current(attempt, app_now(), app_grace())


@bp.route("/vong/<int:round_id>/")
@login_required
def before_start(round_id: int):
    """The round's start page: what the attempt is, then «Bắt đầu làm bài» pressed twice.

    With JavaScript (static/start.js) the first press reveals the second in place; without it,
    the first press is this page again with `xac-nhan=1`, showing the second press's form."""
    page = service.start_page(current_user, round_id, app_now())
    if page is None:
        abort(404)
    return render_template(
        "attempts/before_start.html",
        start=page,
        round=page.round,
        confirming=request.args.get("xac-nhan") == "1",
        counted_words=COUNTED_WORDS.get(page.round.counted_attempt, COUNTED_WORDS["best"]),
    )


# Which attempt counts, as the start page says it (attempts allowed more than one).
COUNTED_WORDS = {
    "best": "Lượt có kết quả tốt nhất theo các tiêu chí xếp hạng của thể lệ được tính.",
    "first": "Chỉ lượt thi đầu tiên được tính; các lượt sau chỉ để luyện tập.",
    "last": "Lượt thi cuối cùng được tính, kể cả khi kết quả thấp hơn lượt trước.",
}


@bp.route("/vong/<int:round_id>/bat-dau", methods=["POST"])
@login_required
def start(round_id: int):
    """Start (or resume) an attempt in a round."""
    found = service.find_start_rules(round_id, current_user.id)
    if found is None:
        abort(404)
    return begin(round_id, *found)


def begin(round_id: int, rules: service.StartRules, so_far):
    """Begin the attempt, or say why not: a page for the access code or the profile, else a
    message on the round's contest page (the home page when the public cannot see it)."""
    try:
        attempt_id = service.begin_attempt(
            current_user,
            rules,
            app_now(),
            draw_random(),
            so_far,
            grace=app_grace(),
            pool_seconds=current_app.config["QUESTION_POOL_SECONDS"],
        )
    except service.ProfileIncomplete as refusal:
        return render_template(
            "attempts/profile_needed.html", refusal=refusal, round_id=round_id
        ), 403
    except service.AttemptRefused as refusal:
        if refusal.code == "access_code_needed":
            return render_template("attempts/access_code.html", round_id=round_id, error=None)
        flash(refusal.message, "error")
        slug = service.contest_page_slug(rules.contest_id)
        if slug is None:
            return redirect(url_for("main.home"))
        return redirect(url_for("main.contest_home", slug=slug))
    return redirect(url_for("quiz.take", attempt_id=attempt_id))


# Wrong codes a participant may type per 10 minutes; right ones do not count.
ACCESS_CODE_LIMIT = "10 per 10 minutes"


@bp.route("/vong/<int:round_id>/ma-du-thi", methods=["POST"])
@login_required
@limiter.limit(ACCESS_CODE_LIMIT, deduct_when=lambda response: response.status_code == 403)
def access_code(round_id: int):
    """The contest's access code, typed once per participant; then the attempt starts."""
    found = service.find_start_rules(round_id, current_user.id)
    if found is None:
        abort(404)
    rules, so_far = found
    if rules.needs_access_code:
        typed = (request.form.get("access_code") or "")[:200]
        if not service.grant_access(rules.contest_id, current_user.id, typed):
            error = "Mã dự thi không đúng. Vui lòng kiểm tra lại mã Ban Tổ chức cung cấp."
            return render_template("attempts/access_code.html", round_id=round_id, error=error), 403
        rules, so_far = service.find_start_rules(round_id, current_user.id)
    return begin(round_id, rules, so_far)


def draw_random() -> random.Random:
    # Seeded with 128 bits from the OS for each start: as unpredictable to the participant as
    # SystemRandom, without a system call for every number the draw and the shuffles take.
    return random.Random(secrets.randbits(128))


@bp.route("/bai-thi/<int:attempt_id>")
@login_required
def take(attempt_id: int):
    """The quiz page: every question, the saved choices and the time left by the server's clock."""
    page = quiz_page.find_page(current_user.id, attempt_id)
    if page is None:
        abort(404)
    now = app_now()
    if page.status != AttemptStatus.OPEN or timing.is_expired(now, page.deadline, app_grace()):
        own_attempt(attempt_id)  # closes the attempt if its time has run out
        return redirect(url_for("quiz.result", attempt_id=attempt_id))
    questions, navigator = quiz_page.quiz_sections(attempt_id)
    response = current_app.make_response(
        render_template(
            "attempts/take.html",
            page=page,
            questions=questions,
            navigator=navigator,
            seconds_left=timing.seconds_left(now, page.deadline),
            deadline_ms=epoch_ms(page.deadline),
        )
    )
    # The page holds the participant's live choices: never let a cache serve an old copy.
    response.headers["Cache-Control"] = "no-store"
    return response


def epoch_ms(moment: datetime) -> int:
    """Milliseconds since 1970 (UTC) for the page's script; stored times are naive UTC."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return int(aware.timestamp() * 1000)


@bp.route("/bai-thi/sw.js")
def worker():
    """The quiz pages' service worker (static/quiz-sw.js), served from under /bai-thi/ so that
    its scope is the quiz pages and nothing else. Checked for a new version on every visit."""
    response = send_from_directory(
        current_app.static_folder, "quiz-sw.js", mimetype="text/javascript", max_age=0
    )
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/bai-thi/"
    return response


@bp.route("/bai-thi/<int:attempt_id>/da-luu")
@login_required
def saved_state(attempt_id: int):
    """What the server holds of the attempt (JSON), read when the hand-in dialog opens: the
    choices saved, from this tab or another device, and the time left. The save's own address
    (POST changes, GET reads), so the quiz page needs no other."""
    attempt = own_attempt(attempt_id)
    if not attempt.is_open:
        return jsonify(
            ok=False,
            code="attempt_closed",
            message="Bài thi đã kết thúc.",
            result_url=url_for("quiz.result", attempt_id=attempt_id),
        ), 409
    return jsonify(
        ok=True,
        answers={str(position): chosen for position, chosen in quiz_page.saved_choices(attempt)},
        prediction=attempt.prediction,
        seconds_left=timing.seconds_left(app_now(), attempt.deadline),
    )


@bp.route("/bai-thi/<int:attempt_id>/luu", methods=["POST"])
def save(attempt_id: int):
    """Save one choice or the prediction (JSON). Sending the same thing twice changes nothing."""
    account = session_account()
    try:
        if account is None:
            rate_limits.count("quiz.save")
            return login_required_reply()
        now = app_now()
        change = parsed_save()
        deadline = apply_change(account, attempt_id, change, now)
    except answers.SessionEnded:
        return login_required_reply()
    except rate_limits.TooFast as too_fast:
        return (
            jsonify(ok=False, code="too_many_requests", message=MESSAGES[429]),
            429,
            {"Retry-After": str(too_fast.retry_after)},
        )
    except payloads.BadPayload as error:
        status = 413 if isinstance(error, payloads.PayloadTooLarge) else 400
        return jsonify(ok=False, code="bad_request", message=str(error)), status
    except answers.AttemptNotFound:
        abort(404)
    except service.AttemptRefused as refusal:
        status = {"attempt_closed": 409, "too_many_saves": 429}.get(refusal.code, 400)
        return jsonify(
            ok=False,
            code=refusal.code,
            message=refusal.message,
            result_url=url_for("quiz.result", attempt_id=attempt_id),
        ), status
    return jsonify(ok=True, seconds_left=timing.seconds_left(now, deadline))


def parsed_save() -> payloads.Change:
    """The save's change, its body read only up to a few KB (never parsed when larger); a
    malformed save counts against the account's limit like any other refused save."""
    try:
        if (request.content_length or 0) > payloads.MAX_SAVE_BYTES:
            raise payloads.PayloadTooLarge("Dữ liệu gửi lên quá lớn.")
        body = request.stream.read(payloads.MAX_SAVE_BYTES + 1)
        return payloads.parse_save(payloads.read_save_body(body))
    except payloads.BadPayload:
        rate_limits.count("quiz.save")
        raise


def login_required_reply():
    message = (
        "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại rồi tải lại trang; "
        "các câu chưa lưu vẫn được giữ trên máy này."
    )
    return jsonify(ok=False, code="login_required", message=message), 401


def apply_change(
    account: tuple[int, int], attempt_id: int, change: payloads.Change, now
) -> datetime:
    """Store one change and return the attempt's deadline.

    An answer save that goes through costs one UPDATE and is capped per question in that
    UPDATE. Everything else (a prediction, a save refused for any reason) runs more queries,
    so it first counts against the per-account limit.
    """
    user_id, session_version = account
    if change.position is None:
        rate_limits.count("quiz.save")
        if not answers.session_is_current(user_id, session_version):
            raise answers.SessionEnded(user_id)
        return save_prediction(user_id, attempt_id, change.prediction, now)
    return answers.save_choice(
        user_id,
        attempt_id,
        change.position,
        change.chosen,
        now,
        app_grace(),
        session_version=session_version,
        on_refusal=lambda: rate_limits.count("quiz.save"),
    )


def save_prediction(user_id: int, attempt_id: int, prediction: int | None, now) -> datetime:
    attempt = service.find_attempt(user_id, attempt_id)
    if attempt is None:
        raise answers.AttemptNotFound(attempt_id)
    deadline = attempt.deadline
    service.save_prediction(attempt, prediction, now, app_grace())
    return deadline


@bp.route("/bai-thi/<int:attempt_id>/nop-bai", methods=["POST"])
@login_required
def submit(attempt_id: int):
    """Hand in. Without JavaScript the page's form lands here with all answers, then confirms."""
    attempt = own_attempt(attempt_id)
    now = app_now()
    if attempt.is_open and request.form.get("answers_included"):
        try:
            answers, prediction = payloads.parse_form(request.form, attempt.items)
            service.save_form_answers(attempt, answers, prediction, now, app_grace())
        except (payloads.BadPayload, service.AttemptRefused) as error:
            flash(getattr(error, "message", str(error)), "error")
    if attempt.is_open and not request.form.get("confirm"):
        saved = dict(quiz_page.saved_choices(attempt))
        return render_template(
            "attempts/confirm.html",
            attempt=attempt,
            answered=len(saved),
            unanswered=[item.position for item in attempt.items if item.position not in saved],
        )
    service.submit_attempt(attempt, now, app_grace())
    return redirect(url_for("quiz.result", attempt_id=attempt.id))


@bp.route("/bai-thi/<int:attempt_id>/ket-qua")
@login_required
def result(attempt_id: int):
    """The result: correct answers, time taken, prediction; the right answers when allowed.

    When the contest keeps results back until it is over, the score and the rank are not
    shown (the round's rule for showing answers applies as it is)."""
    attempt = own_attempt(attempt_id)
    if attempt.is_open:
        return redirect(url_for("quiz.take", attempt_id=attempt.id))
    round_ = attempt.round
    now = app_now()
    revealed = timing.answers_revealed(round_.reveal_answers, now, round_.closes_at, True)
    hidden = service.results_hidden(round_.contest, now)
    return render_template(
        "attempts/result.html",
        attempt=attempt,
        round=round_,
        revealed=revealed,
        notes=service.review_notes([item.question_id for item in attempt.items])
        if revealed
        else {},
        results_hidden=hidden,
        standing=None
        if hidden or round_.is_practice
        else participant_rank(round_, current_user.id),
    )


@bp.route("/bai-thi-cua-toi")
@login_required
def mine():
    """The participant's own attempts, newest first; scores kept back where the contest says."""
    now = app_now()
    attempts = service.participant_attempts(current_user.id, now, app_grace())
    return render_template(
        "attempts/mine.html",
        attempts=attempts,
        hidden_rounds=service.hidden_result_rounds(attempts, now),
    )

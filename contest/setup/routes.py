"""The organizers' area (Ban Tổ chức). Every route is guarded for the whole blueprint."""

from dataclasses import asdict

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from contest.audit.service import Actor
from contest.domain.schedule import Window, round_state
from contest.extensions import db
from contest.models import Contest, Round
from contest.setup import contests
from contest.setup import live as live_service
from contest.setup import rounds as round_service
from contest.setup.forms import ContestSettingsForm, RoundForm
from contest.web.charts import hourly_chart
from contest.web.guards import require_role
from contest.web.timekeeping import app_now

bp = Blueprint("admin", __name__)
require_role(bp, lambda user: user.is_organizer)

# How often the live page's figures refresh themselves (live.js), in seconds.
LIVE_REFRESH_SECONDS = 30


@bp.route("/")
def dashboard():
    """The contests, each with a link to its live page; straight to it when there is one."""
    lines = live_service.contest_lines(app_now())
    if len(lines) == 1:
        return redirect(url_for("admin.live", contest_id=lines[0].id))
    question_count, agency_count = contests.bank_and_agency_sizes()
    return render_template(
        "setup/dashboard.html",
        lines=lines,
        question_count=question_count,
        agency_count=agency_count,
    )


def live_context(contest: Contest) -> dict:
    """What the live page's refreshing section shows, as of now."""
    figures = live_service.live_figures(contest, app_now())
    return {
        "contest": contest,
        "figures": figures,
        "hour_chart": hourly_chart(
            f"Lượt nộp bài theo giờ trong {live_service.HOURS_SHOWN} giờ qua",
            [(bar.start, bar.entries) for bar in figures.hours],
            unit="lượt nộp",
        ),
        "refresh_seconds": LIVE_REFRESH_SECONDS,
    }


@bp.route("/cuoc-thi/<int:contest_id>/theo-doi")
def live(contest_id: int):
    """A contest as it runs: attempts in progress, entries today and per round, entries per
    hour, the agencies furthest below the target; the bank, the rounds and the prize rules."""
    contest = db.get_or_404(Contest, contest_id)
    question_count, agency_count = contests.bank_and_agency_sizes()
    return render_template(
        "setup/live.html",
        **live_context(contest),
        question_count=question_count,
        agency_count=agency_count,
        settings_form=ContestSettingsForm(obj=contest),
    )


@bp.route("/cuoc-thi/<int:contest_id>/theo-doi/so-lieu")
def live_fragment(contest_id: int):
    """The live page's figures alone, as HTML, for live.js to swap in every half minute."""
    contest = db.get_or_404(Contest, contest_id)
    return render_template("setup/_live_stats.html", **live_context(contest))


def actor() -> Actor:
    return Actor(current_user.id, request.remote_addr)


def form_settings(
    form: RoundForm, quotas: dict[int, int], set_topics: dict[str, list[int]] | None = None
) -> round_service.RoundSettings:
    return round_service.RoundSettings(
        title=form.title.data,
        opens_at=form.opens_at.data,
        closes_at=form.closes_at.data,
        question_count=form.question_count.data,
        time_limit_minutes=form.time_limit_minutes.data,
        attempts_allowed=form.attempts_allowed.data,
        counted_attempt=form.counted_attempt.data,
        shuffle_options=form.shuffle_options.data,
        reveal_answers=form.reveal_answers.data,
        prediction_enabled=form.prediction_enabled.data,
        is_practice=bool(form.is_practice.data),
        prediction_prompt=(form.prediction_prompt.data or "").strip() or None,
        prediction_target=form.prediction_target.data,
        ranking_chain=form.chain(),
        prize_counts={
            level: getattr(form, f"prize_{level}").data for level in ("nhat", "nhi", "ba", "kk")
        },
        topic_quotas=quotas,
        difficulty_quotas=form.difficulty_quotas(),
        one_attempt_per_day=form.one_attempt_per_day.data,
        minimum_wait_minutes=form.minimum_wait_minutes.data or 0,
        group_prize_counts=form.group_prize_counts(),
        minimum_correct_for_prize=form.minimum_correct_for_prize.data or 0,
        minimum_seconds_per_question=form.minimum_seconds_per_question.data or 0,
        question_sets=form.question_sets(set_topics or {}),
    )


def fill_form(form: RoundForm, settings: round_service.RoundSettings) -> None:
    values = asdict(settings)
    for name in (
        "title",
        "opens_at",
        "closes_at",
        "question_count",
        "time_limit_minutes",
        "attempts_allowed",
        "one_attempt_per_day",
        "minimum_wait_minutes",
        "minimum_correct_for_prize",
        "minimum_seconds_per_question",
        "counted_attempt",
        "shuffle_options",
        "reveal_answers",
        "prediction_enabled",
        "prediction_prompt",
        "prediction_target",
        "is_practice",
    ):
        getattr(form, name).data = values[name]
    for index, name in enumerate(RoundForm.CHAIN_FIELDS):
        chain = settings.ranking_chain
        getattr(form, name).data = chain[index] if index < len(chain) else ""
    for level in ("nhat", "nhi", "ba", "kk"):
        getattr(form, f"prize_{level}").data = settings.prize_counts.get(level, 0)
    for group, _label, names in RoundForm.GROUP_ROWS:
        own = settings.group_prize_counts.get(group)
        for level, name in names.items():
            getattr(form, name).data = None if own is None else own.get(level, 0)
    for level, name in RoundForm.DIFFICULTY_FIELDS.items():
        getattr(form, name).data = settings.difficulty_quotas.get(level) or None
    for group, _label, levels, sources, ids in RoundForm.SET_ROWS:
        own = settings.question_sets.get(group) or {}
        for level, name in levels.items():
            getattr(form, name).data = level in own.get("difficulties", [])
        getattr(form, sources).data = "\n".join(own.get("sources", []))
        getattr(form, ids).data = ", ".join(str(qid) for qid in own.get("question_ids", []))


def posted_set_topics(topics) -> dict[str, list[int]]:
    """The topics ticked in each group's question set (`set_<group>_topic`), known ones only."""
    known = {topic.id for topic in topics}
    ticked = {}
    for group, *_rest in RoundForm.SET_ROWS:
        values = request.form.getlist(f"set_{group}_topic")
        ticked[group] = sorted(
            {int(v) for v in values if v.isascii() and v.isdigit() and int(v) in known}
        )
    return ticked


def posted_quotas(topics) -> tuple[dict[int, int], dict[int, str]]:
    """Per-topic quotas from `quota_<topic id>` fields, with a message per bad field."""
    quotas, errors = {}, {}
    for topic in topics:
        raw = (request.form.get(f"quota_{topic.id}") or "").strip()
        if not raw:
            continue
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 3 or int(raw) > 200:
            errors[topic.id] = "Nhập số nguyên từ 0 đến 200."
        else:
            quotas[topic.id] = int(raw)
    return quotas, errors


def show_refusal(form: RoundForm, refusal, quota_errors: dict[int, str]) -> None:
    """Each problem beside its field: a form field, a topic's quota, else the title."""
    for name, message in refusal.problems:
        if name.startswith("quota_") and name.removeprefix("quota_").isdigit():
            quota_errors[int(name.removeprefix("quota_"))] = message
            continue
        target = getattr(form, name, None) if name in form else form.title
        target.errors = [*target.errors, message]


# Posted fields the confirmation page does not carry on as settings.
NOT_SETTINGS = ("csrf_token", "confirmed", "back", "submit")


def edit_round(round_: Round, is_new: bool):
    form = RoundForm()
    topics = round_service.topics()
    quotas, quota_errors = round_.quotas_by_topic(), {}
    set_topics = {
        group: list(stored.get("topics", []))
        for group, stored in round_service.stored_question_sets(round_.question_sets).items()
    }
    status = 200
    if request.method == "GET":
        fill_form(form, round_service.settings_of(round_))
    else:
        quotas, quota_errors = posted_quotas(topics)
        set_topics = posted_set_topics(topics)
        valid = form.validate_on_submit() and not quota_errors
        if valid and not request.form.get("back"):
            try:
                round_service.save_round(
                    round_,
                    form_settings(form, quotas, set_topics),
                    actor(),
                    confirmed=request.form.get("confirmed") or None,
                )
            except round_service.ConfirmationNeeded as needed:
                return render_template(
                    "setup/round_confirm.html",
                    round=round_,
                    changes=needed.changes,
                    marker=needed.marker,
                    carried=[
                        (key, value)
                        for key, value in request.form.items(multi=True)
                        if key not in NOT_SETTINGS
                    ],
                    attempts=round_service.attempt_count(round_.id),
                )
            except round_service.SettingsRefused as refusal:
                show_refusal(form, refusal, quota_errors)
                if request.form.get("confirmed"):
                    status = 409  # a stale confirmation, or the bank changed meanwhile
            else:
                flash("Đã lưu thiết lập vòng thi.", "success")
                return redirect(url_for("admin.rounds", contest_id=round_.contest_id))
    return (
        render_template(
            "setup/round_form.html",
            form=form,
            round=round_,
            is_new=is_new,
            topics=topics,
            quotas=quotas,
            quota_errors=quota_errors,
            set_topics=set_topics,
            available=round_service.active_counts_by_topic(),
            by_difficulty=round_service.active_counts_by_difficulty(),
            attempts=0 if is_new else round_service.attempt_count(round_.id),
            round_state=None if is_new else state_of(round_),
        ),
        status,
    )


def state_of(round_: Round) -> str:
    """ "upcoming", "open" or "closed" by the app's clock."""
    return round_state(
        Window(round_.id, round_.number, round_.opens_at, round_.closes_at), app_now()
    )


@bp.route("/vong/<int:round_id>/sua", methods=["GET", "POST"])
def round_settings(round_id: int):
    """A round's settings: window, questions, time, attempts, prediction, ranking, prizes.

    When the round already has attempts, saving first shows what will differ between the
    attempts made and the new ones, and saves only once that is confirmed."""
    return edit_round(db.get_or_404(Round, round_id), is_new=False)


@bp.route("/cuoc-thi/<int:contest_id>/vong-moi", methods=["GET", "POST"])
def add_round(contest_id: int):
    """A new round, prefilled from the previous one and starting when it ends."""
    return edit_round(round_service.new_round(db.get_or_404(Contest, contest_id)), is_new=True)


@bp.route("/cuoc-thi/<int:contest_id>/vong-thi")
def rounds(contest_id: int):
    """A contest's rounds in order, with what can be done to each: edit, move, close, cancel."""
    contest = db.get_or_404(Contest, contest_id)
    listed = round_service.contest_rounds(contest.id)
    return render_template(
        "setup/round_list.html",
        contest=contest,
        rounds=listed,
        states={r.id: state_of(r) for r in listed},
        attempts=round_service.attempt_counts(contest.id),
    )


# The two actions that cannot be undone from the page, as the confirmation page names them.
ROUND_ACTIONS = {
    "close": (
        "Đóng sớm vòng thi",
        "Vòng thi đóng ngay bây giờ: không ai bắt đầu thêm lượt thi; lượt đang làm vẫn được "
        "làm hết thời gian của nó.",
        "Đóng sớm",
    ),
    "cancel": (
        "Hủy vòng thi",
        "Vòng thi bị xóa cùng toàn bộ thiết lập. Chỉ hủy được vòng thi chưa có lượt thi nào.",
        "Hủy vòng thi",
    ),
}


def round_action(round_: Round, kind: str, action):
    """Ask once, then do `action()`; a refusal comes back as a message on the rounds list."""
    contest_id = round_.contest_id
    if not request.form.get("confirm"):
        title, explanation, button = ROUND_ACTIONS[kind]
        return render_template(
            "setup/round_action.html",
            round=round_,
            title=title,
            explanation=explanation,
            button=button,
            action_url=request.path,
        )
    try:
        message = action()
    except round_service.RoundRefused as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("admin.rounds", contest_id=contest_id), 303)
    flash(message, "success")
    return redirect(url_for("admin.rounds", contest_id=contest_id), 303)


@bp.route("/vong/<int:round_id>/dong-som", methods=["POST"])
def close_round(round_id: int):
    """Close an open round now."""
    round_ = db.get_or_404(Round, round_id)

    def close() -> str:
        round_service.close_early(round_, actor(), app_now())
        return f"Đã đóng sớm {round_.title}."

    return round_action(round_, "close", close)


@bp.route("/vong/<int:round_id>/huy", methods=["POST"])
def cancel_round(round_id: int):
    """Delete a round that has no attempts."""
    round_ = db.get_or_404(Round, round_id)
    title = round_.title

    def cancel() -> str:
        round_service.cancel(round_, actor())
        return f"Đã hủy {title}."

    return round_action(round_, "cancel", cancel)


@bp.route("/vong/<int:round_id>/di-chuyen/<direction>", methods=["POST"])
def move_round(round_id: int, direction: str):
    """Move a round up (len) or down (xuong) the contest's order, swapping numbers."""
    round_ = db.get_or_404(Round, round_id)
    step = {"len": -1, "xuong": 1}.get(direction)
    if step is None:
        abort(404)
    contest_id = round_.contest_id
    try:
        round_service.move(round_, step, actor())
    except round_service.RoundRefused as refusal:
        flash(refusal.message, "error")
    return redirect(url_for("admin.rounds", contest_id=contest_id), 303)


@bp.route("/cuoc-thi/<int:contest_id>/cai-dat", methods=["POST"])
def contest_settings(contest_id: int):
    """Prize rules for the whole contest."""
    contest = db.get_or_404(Contest, contest_id)
    form = ContestSettingsForm()
    if not form.validate_on_submit():
        abort(400)
    contests.save_prize_settings(
        contest.id, form.several_prizes_per_person.data, form.collective_measure.data
    )
    flash("Đã lưu cách xét giải của cuộc thi.", "success")
    return redirect(url_for("admin.live", contest_id=contest.id))

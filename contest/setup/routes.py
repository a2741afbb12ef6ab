"""The organizers' area (Ban Tổ chức). Every route is guarded for the whole blueprint."""

from dataclasses import asdict

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from contest.extensions import db
from contest.models import Contest, Round
from contest.results.participation import round_participation
from contest.setup import contests
from contest.setup import rounds as round_service
from contest.setup.contests import current_contest
from contest.setup.forms import ContestSettingsForm, RoundForm
from contest.web.guards import require_role

bp = Blueprint("admin", __name__)
require_role(bp, lambda user: user.is_organizer)


@bp.route("/")
def dashboard():
    """Participation per round, live, and the size of the bank."""
    contest = current_contest()
    question_count, agency_count = contests.bank_and_agency_sizes()
    return render_template(
        "setup/dashboard.html",
        contest=contest,
        participation=round_participation(contest.id) if contest else {},
        question_count=question_count,
        agency_count=agency_count,
        settings_form=ContestSettingsForm(obj=contest) if contest else None,
    )


def form_settings(form: RoundForm, quotas: dict[int, int]) -> round_service.RoundSettings:
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
        prediction_prompt=(form.prediction_prompt.data or "").strip() or None,
        prediction_target=form.prediction_target.data,
        ranking_chain=form.chain(),
        prize_counts={
            level: getattr(form, f"prize_{level}").data for level in ("nhat", "nhi", "ba", "kk")
        },
        topic_quotas=quotas,
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
        "counted_attempt",
        "shuffle_options",
        "reveal_answers",
        "prediction_enabled",
        "prediction_prompt",
        "prediction_target",
    ):
        getattr(form, name).data = values[name]
    for index, name in enumerate(RoundForm.CHAIN_FIELDS):
        chain = settings.ranking_chain
        getattr(form, name).data = chain[index] if index < len(chain) else ""
    for level in ("nhat", "nhi", "ba", "kk"):
        getattr(form, f"prize_{level}").data = settings.prize_counts.get(level, 0)


def posted_quotas(topics) -> tuple[dict[int, int], dict[int, str]]:
    """Per-topic quotas from `quota_<topic id>` fields, with a message per bad field."""
    quotas, errors = {}, {}
    for topic in topics:
        raw = (request.form.get(f"quota_{topic.id}") or "").strip()
        if not raw:
            continue
        if not raw.isdigit() or int(raw) > 200:
            errors[topic.id] = "Nhập số nguyên từ 0 đến 200."
        else:
            quotas[topic.id] = int(raw)
    return quotas, errors


def edit_round(round_: Round, is_new: bool):
    form = RoundForm()
    topics = round_service.topics()
    quotas, quota_errors = round_.quotas_by_topic(), {}
    if request.method == "GET":
        fill_form(form, round_service.settings_of(round_))
    else:
        quotas, quota_errors = posted_quotas(topics)
        if form.validate_on_submit() and not quota_errors:
            try:
                round_service.save_round(round_, form_settings(form, quotas))
            except round_service.SettingsRefused as refusal:
                target = getattr(form, refusal.field, None)
                if target is not None:
                    target.errors = [*target.errors, refusal.message]
                else:
                    quota_errors[int(refusal.field.removeprefix("quota_"))] = refusal.message
            else:
                flash("Đã lưu thiết lập vòng thi.", "success")
                return redirect(url_for("admin.dashboard"))
    return render_template(
        "setup/round_form.html",
        form=form,
        round=round_,
        is_new=is_new,
        topics=topics,
        quotas=quotas,
        quota_errors=quota_errors,
        available=round_service.active_counts_by_topic(),
    )


@bp.route("/vong/<int:round_id>/sua", methods=["GET", "POST"])
def round_settings(round_id: int):
    """A round's settings: window, questions, time, attempts, prediction, ranking, prizes."""
    return edit_round(db.get_or_404(Round, round_id), is_new=False)


@bp.route("/cuoc-thi/<int:contest_id>/vong-moi", methods=["GET", "POST"])
def add_round(contest_id: int):
    """A new round, prefilled from the previous one and starting when it ends."""
    return edit_round(round_service.new_round(db.get_or_404(Contest, contest_id)), is_new=True)


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
    return redirect(url_for("admin.dashboard"))

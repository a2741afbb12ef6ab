"""The judges' area (Ban Giám khảo). Guarded for the whole blueprint; judges read, and only
organizers move results through draft → reviewed → published."""

import os
import tempfile

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user

from contest.audit.service import record_export
from contest.domain.prizes import LABELS as PRIZE_LABELS
from contest.domain.prizes import ONE_PRIZE_PER_PERSON_RULE
from contest.domain.statistics import BAND_LABELS, BANDS, COLLECTIVE_MEASURES
from contest.extensions import db
from contest.jobs import exports as export_jobs
from contest.jobs import queue as job_queue
from contest.models import Contest, Round
from contest.models.user import GROUP_LABELS
from contest.paging import clamp_page
from contest.results import contest_prizes as contest_prize_rules
from contest.results import republish, round_stats, seal
from contest.results import service as results
from contest.results.contest_list import judged_contests
from contest.results.exports.round_exports import KINDS, XLSX_MIMETYPE, export_round, file_name
from contest.results.participation import round_participation
from contest.results.ranking import Scope, ranking_page, scope_size
from contest.web.actor import current_actor
from contest.web.bounded import query_int
from contest.web.charts import bar_chart
from contest.web.guards import require_role
from contest.web.timekeeping import app_grace, app_now

bp = Blueprint("judge", __name__)
require_role(bp, lambda user: user.is_judge)
PAGE_SIZE = 100


@bp.app_template_filter("mm_ss_ms")
def mm_ss_ms(milliseconds: int | None) -> str:
    """Time taken as mm:ss.mmm: the precision the ranking compares, on every page."""
    return seal.duration_text(milliseconds)


@bp.app_template_filter("vn_datetime_ms")
def vn_datetime_ms(moment) -> str:
    """A submission time in Vietnam time to the millisecond the ranking compares."""
    if moment is None:
        return ""
    local = moment + seal.VIETNAM
    return f"{local:%H:%M:%S}.{local.microsecond // 1000:03d} {local:%d/%m/%Y}"


@bp.route("/")
def dashboard():
    """Entries per round of every contest that is not a draft (or of one, ?cuoc_thi=<id>):
    the starting point for ranking and exports."""
    chosen = query_int("cuoc_thi")
    if chosen is not None and not 0 < chosen < 2**31:
        chosen = None  # no such contest; a larger number would not fit the column
    contests = judged_contests(chosen)
    if chosen is not None and not contests:
        contests = judged_contests()
        chosen = None
    return render_template(
        "results/dashboard.html",
        contests=contests,
        chosen=chosen,
        participation={c.id: round_participation(c.id) for c in contests},
        status_labels=results.STATUS_LABELS,
    )


@bp.route("/cuoc-thi/<int:contest_id>/giai")
def contest_prizes(contest_id: int):
    """The contest's prize decision over every round: who wins, and which prizes passed on
    because their winner keeps a prize in another round (one prize per person)."""
    contest = db.get_or_404(Contest, contest_id)
    return render_template(
        "results/contest_prizes.html",
        contest=contest,
        rounds=contest_prize_rules.decision_lines(contest.id),
        prize_labels=PRIZE_LABELS,
        group_labels=GROUP_LABELS,
        rule=ONE_PRIZE_PER_PERSON_RULE,
    )


def ranking_filters() -> tuple[str | None, int | None, int]:
    group = request.args.get("doi_tuong") or None
    if group not in (None, *GROUP_LABELS):
        group = None
    agency_id = query_int("co_quan")
    page = clamp_page(query_int("trang", 1))
    return group, agency_id, page


@bp.route("/vong/<int:round_id>")
def ranking(round_id: int):
    """A round's ranking with filters (group, agency or district), its charts and actions."""
    round_ = db.get_or_404(Round, round_id)
    group, agency_id, page = ranking_filters()
    agency_ids = round_stats.descendant_ids(agency_id) if agency_id else None
    scope = Scope(round_, group)
    total = scope_size(scope, agency_ids)
    rows = ranking_page(scope, (page - 1) * PAGE_SIZE, PAGE_SIZE, agency_ids)
    bands = round_stats.score_bands(round_, group)
    per_day = round_stats.entries_per_day(round_)
    return render_template(
        "results/ranking.html",
        round=round_,
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        group=group,
        agency_id=agency_id,
        agencies=round_stats.agencies_in_order(),
        chain=results.chain_description(round_),
        publication=results.latest_publication(round_.id),
        export_kinds=KINDS,
        status_labels=results.STATUS_LABELS,
        prize_labels=PRIZE_LABELS,
        closed=results.round_closed(round_, app_now(), app_grace()),
        band_chart=bar_chart(
            "Phân bố điểm", [(BAND_LABELS[b], bands.get(b, 0)) for b in BANDS], "#11643a"
        ),
        day_chart=bar_chart(
            "Lượt thi theo ngày", [(d.strftime("%d/%m/%Y"), n) for d, n in per_day]
        ),
    )


@bp.route("/vong/<int:round_id>/co-quan")
def agencies(round_id: int):
    """Participation and scores per agency, rolled up through the hierarchy."""
    round_ = db.get_or_404(Round, round_id)
    return render_template(
        "results/agencies.html",
        round=round_,
        lines=round_stats.agency_table(round_),
        measure=COLLECTIVE_MEASURES[round_.contest.collective_measure],
    )


@bp.route("/vong/<int:round_id>/cau-hoi")
def questions(round_id: int):
    """How often each question was answered correctly: finds a badly written question."""
    round_ = db.get_or_404(Round, round_id)
    return render_template(
        "results/questions.html", round=round_, lines=round_stats.question_stats(round_)
    )


@bp.route("/vong/<int:round_id>/trang-thai", methods=["POST"])
def change_status(round_id: int):
    """Organizers only: mark reviewed, send back to draft, or publish (again, with a reason)."""
    if not current_user.is_organizer:
        abort(403)
    round_ = db.get_or_404(Round, round_id)
    action = request.form.get("action")
    try:
        if action == "review":
            results.mark_reviewed(round_, current_actor())
            flash("Đã chuyển kết quả sang trạng thái đã rà soát.", "success")
        elif action == "draft":
            results.back_to_draft(round_, current_actor())
            flash("Đã trả kết quả về bản nháp.", "info")
        elif action == "publish":
            publication = results.publish(
                round_, app_now(), app_grace(), current_actor(), request.form.get("reason")
            )
            flash(
                f"Đã công bố kết quả (lần {publication.version}), mã SHA-256 {publication.sha256}.",
                "success",
            )
        else:
            abort(400)
    except results.ResultsRefused as refusal:
        flash(str(refusal), "error")
    return redirect(url_for("judge.ranking", round_id=round_.id))


@bp.route("/vong/<int:round_id>/cong-bo-lai")
def republish_preview(round_id: int):
    """Organizers only: before publishing again, the lines whose rank or prize would change,
    then the reason and the button."""
    if not current_user.is_organizer:
        abort(403)
    round_ = db.get_or_404(Round, round_id)
    publication = results.latest_publication(round_.id)
    if publication is None or round_.results_status != "published":
        flash("Vòng thi chưa công bố kết quả: chưa có gì để công bố lại.", "info")
        return redirect(url_for("judge.ranking", round_id=round_.id))
    return render_template(
        "results/republish.html",
        round=round_,
        preview=republish.preview(round_, publication),
        prize_labels=PRIZE_LABELS,
        closed=results.round_closed(round_, app_now(), app_grace()),
    )


@bp.route("/vong/<int:round_id>/xuat/<kind>.xlsx")
def export(round_id: int, kind: str):
    """Download an Excel export. Judges get phone and CCCD numbers; `cong_khai=1` masks them
    for a copy that is sent on or posted."""
    round_ = db.get_or_404(Round, round_id)
    if kind not in KINDS:
        abort(404)
    group, agency_id, _page = ranking_filters()
    agency_ids = round_stats.descendant_ids(agency_id) if agency_id else None
    public = request.args.get("cong_khai") == "1"
    # Large exports (a cheap count) become background jobs: the judge lands on the job's page.
    jobs = job_queue.of(current_app)
    rows = export_jobs.estimated_rows(round_, kind, group, agency_ids)
    if export_jobs.is_large(rows, jobs.settings):
        wanted = export_jobs.ExportRequest(round_.id, kind, not public, group, agency_id)
        job, created = export_jobs.request_export(
            wanted, current_user.id, rows, jobs.settings, jobs.send
        )
        flash(
            "Tệp lớn đang được xuất ở máy xử lý nền; trang này tự cập nhật."
            if created
            else "Tệp này đang được xuất theo yêu cầu trước của bạn.",
            "info",
        )
        return redirect(url_for("jobs.show", job_id=job.id))
    # Written to a temporary file, not memory: a full ranking can be hundreds of thousands of rows.
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    now = app_now()
    count = export_round(
        round_,
        kind,
        handle.name,
        for_judges=not public,
        group=group,
        agency_ids=agency_ids,
        now=now,
    )
    record_export(
        current_actor(),
        kind,
        count,
        "round",
        round_.id,
        copy="public" if public else "judges",
        filters={"group": group, "agency_id": agency_id},
    )
    response = send_file(
        handle.name,
        mimetype=XLSX_MIMETYPE,
        as_attachment=True,
        download_name=file_name(round_, kind, now, public=public),
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.call_on_close(lambda: os.unlink(handle.name))
    return response

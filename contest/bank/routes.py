"""The question bank for organizers: upload with a dry run, import, list, add, edit, retire."""

import io

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
from wtforms.fields.choices import SelectChoice

from contest.audit.service import record_export
from contest.bank import admin as bank_admin
from contest.bank import typed_question
from contest.bank import uploads as bank_uploads
from contest.bank.forms import EditQuestionForm, FilterForm, NewQuestionForm, UploadForm
from contest.bank.spreadsheets import bank_limits, export_bank
from contest.domain.clock import to_vietnam
from contest.extensions import db
from contest.models import BankUpload, Question
from contest.paging import clamp_page
from contest.text import thousands
from contest.web.actor import current_actor
from contest.web.bounded import query_int
from contest.web.guards import require_role
from contest.web.redirects import safe_next
from contest.web.timekeeping import app_now
from question_bank import write_template_workbook
from question_bank.answers import DIFFICULTY_NAMES

bp = Blueprint("bank", __name__)
require_role(bp, lambda user: user.is_organizer)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def import_limits():
    """The import's limits from the app's settings (question and option lengths)."""
    return bank_limits(current_app.config)


def xlsx_response(write, download_name: str):
    """An .xlsx built in memory, as an attachment that no cache keeps."""
    out = io.BytesIO()
    write(out)
    out.seek(0)
    response = send_file(
        out, mimetype=XLSX, as_attachment=True, download_name=download_name, max_age=0
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def topic_select(topics, none_label: str) -> list[SelectChoice]:
    return [SelectChoice(0, none_label), *(SelectChoice(id_, name) for id_, name in topics)]


def back_to(target: str | None) -> str:
    """A path on this site to return to (the filtered list), else the bank list."""
    return target if target and safe_next(target) == target else url_for("bank.index")


@bp.route("/")
def index():
    """The bank: search ignoring diacritics, filters, and each question's statistics."""
    form = FilterForm(formdata=request.args)
    form.topic.choices = topic_select(bank_admin.topic_choices(), "Tất cả chủ đề")
    page = bank_admin.search_bank(form.filters(), clamp_page(query_int("page", 1)))
    return render_template(
        "bank/index.html",
        form=form,
        page=page,
        args=form.query_args(),
        difficulty_names=DIFFICULTY_NAMES,
    )


@bp.route("/nhap", methods=["GET", "POST"])
def upload():
    """Upload a bank file; it is checked (dry run) before anything is saved."""
    form = UploadForm()
    if form.validate_on_submit():
        file = form.file.data
        try:
            stored = bank_uploads.store_upload(
                file.read(), file.filename, current_user.id, import_limits()
            )
        except bank_uploads.UploadRejected as refusal:
            form.file.errors.extend(refusal.messages)
        else:
            return redirect(url_for("bank.upload_result", upload_id=stored.id))
    # A refused upload is a client error, with its reasons on the form.
    status = 422 if request.method == "POST" else 200
    return render_template("bank/upload.html", form=form), status


@bp.route("/nhap/<int:upload_id>")
def upload_result(upload_id: int):
    """The dry run, as kept with the upload: counts per topic and difficulty, every error and
    warning, the import button."""
    upload = db.get_or_404(BankUpload, upload_id)
    report = None if upload.imported_at else bank_uploads.summary(upload, import_limits())
    page = render_template(
        "bank/upload_result.html",
        upload=upload,
        report=report,
        issues=bank_uploads.issue_rows(report.result) if report else [],
        spreadsheet=bank_uploads.is_spreadsheet(upload),
    )
    # A file with errors is refused as a whole: the page lists why, with a client-error status.
    return page, 422 if report is not None and not report.ok else 200


@bp.route("/nhap/<int:upload_id>/loi.xlsx")
def error_workbook(upload_id: int):
    """The organizer's own workbook back, with a "Lỗi" column and the bad cells marked."""
    upload = db.get_or_404(BankUpload, upload_id)
    if not bank_uploads.is_spreadsheet(upload):
        abort(404)
    try:
        data = bank_uploads.error_workbook(upload, import_limits())
    except ValueError as error:
        flash(str(error), "error")
        return redirect(url_for("bank.upload_result", upload_id=upload.id))
    record_export(current_actor(), "bank_errors", None, "bank_upload", upload.id)
    return xlsx_response(lambda out: out.write(data), bank_uploads.error_workbook_name(upload))


@bp.route("/nhap/<int:upload_id>/thuc-hien", methods=["POST"])
def run_import(upload_id: int):
    """Import the checked file: all its questions in one commit, once however often clicked."""
    upload = db.get_or_404(BankUpload, upload_id)
    outcome = bank_uploads.import_upload(upload, app_now(), current_actor(), import_limits())
    if outcome.status == "invalid":
        flash("Tệp có lỗi nên chưa nhập câu hỏi nào. Xem danh sách lỗi bên dưới.", "error")
        return redirect(url_for("bank.upload_result", upload_id=upload_id))
    if outcome.status == "already_imported":
        count = f" ({thousands(outcome.saved)} câu hỏi)" if outcome.saved else ""
        flash(f"Tệp này đã được nhập trước đó{count}; không nhập lại lần nữa.", "info")
    else:
        flash(f"Đã nhập {thousands(outcome.saved)} câu hỏi.", "success")
    return redirect(url_for("bank.index"))


@bp.route("/mau.xlsx")
def template_workbook():
    """The blank template: header, examples, drop-down lists and instructions."""
    return xlsx_response(write_template_workbook, "mau-ngan-hang-cau-hoi.xlsx")


@bp.route("/xuat.xlsx")
def export():
    """The bank in the template's layout (questions in use; all with ?tat_ca=1)."""
    include_retired = request.args.get("tat_ca") == "1"
    stamp = to_vietnam(app_now()).strftime("%Y%m%d")
    book = io.BytesIO()
    count = export_bank(book, include_retired)
    record_export(current_actor(), "bank", count, include_retired=include_retired)
    return xlsx_response(lambda out: out.write(book.getvalue()), f"ngan-hang-cau-hoi-{stamp}.xlsx")


def question_topics(form) -> dict[int, str]:
    topics = dict(bank_admin.topic_choices())
    form.topic.choices = topic_select(topics.items(), "— Không có chủ đề —")
    return topics


def checked_question(form, topics: dict[int, str], question_id: int | None = None):
    """The posted question through the import's checks; None (messages under the fields)
    when the form or the question is refused."""
    if not form.validate_on_submit():
        return None
    checked = typed_question.check_question(form.typed(topics), question_id, import_limits())
    if not checked.ok:
        form.show_errors(checked.errors)
        return None
    return checked


def flash_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        flash(warning, "info")


@bp.route("/them", methods=["GET", "POST"])
def new():
    """Add one question in a form, with the same checks as a spreadsheet import."""
    form = NewQuestionForm()
    topics = question_topics(form)
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    checked = checked_question(form, topics)
    if checked is not None:
        question = typed_question.add_question(
            checked.question, bool(form.active.data), current_actor()
        )
        flash(f"Đã thêm câu hỏi số {question.id}.", "success")
        flash_warnings(checked.warnings)
        if form.submit_and_new.data:
            return redirect(url_for("bank.new", next=form.next.data or None))
        return redirect(back_to(form.next.data))
    status = 422 if request.method == "POST" else 200
    return render_template("bank/new.html", form=form, back_url=back_to(form.next.data)), status


@bp.route("/<int:question_id>/sua", methods=["GET", "POST"])
def edit(question_id: int):
    """Edit a question, with the import's checks: saving makes a new version; attempts that
    drew it keep their own copy, so what they scored never changes."""
    question = db.get_or_404(Question, question_id)
    form = EditQuestionForm()
    topics = question_topics(form)
    if request.method == "GET":
        form.fill_from(question, set(topics))
        form.next.data = request.args.get("next", "")
    checked = checked_question(form, topics, question.id)
    if checked is not None:
        edit = typed_question.as_edit(checked.question, bool(form.active.data))
        try:
            changed = bank_admin.update_question(
                question, int(form.version.data), edit, current_actor()
            )
        except bank_admin.EditRefused as refusal:
            form[refusal.field].errors.append(refusal.message)
        else:
            if changed:
                flash(f"Đã lưu câu hỏi số {question.id} (phiên bản {question.version}).", "success")
                flash_warnings(checked.warnings)
            else:
                flash("Không có thay đổi nào để lưu.", "info")
            return redirect(back_to(form.next.data))
    stats = bank_admin.question_stats([question.id]).get(question.id, bank_admin.QuestionStats())
    status = 422 if request.method == "POST" else 200
    return render_template(
        "bank/edit.html",
        form=form,
        question=question,
        stats=stats,
        back_url=back_to(form.next.data),
    ), status


@bp.route("/<int:question_id>/ngung", methods=["POST"])
def retire(question_id: int):
    """Retire a question: it is never drawn into a new attempt."""
    question = db.get_or_404(Question, question_id)
    bank_admin.set_active(question, False, current_actor())
    flash(f"Đã ngừng dùng câu hỏi số {question_id}; câu hỏi sẽ không được rút vào bài thi mới.")
    return redirect(back_to(request.form.get("next")))


@bp.route("/<int:question_id>/khoi-phuc", methods=["POST"])
def restore(question_id: int):
    """Put a retired question back in use."""
    question = db.get_or_404(Question, question_id)
    bank_admin.set_active(question, True, current_actor())
    flash(f"Đã khôi phục câu hỏi số {question_id}.", "success")
    return redirect(back_to(request.form.get("next")))

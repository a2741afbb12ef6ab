"""Agencies (cơ quan, đơn vị) for organizers: the list as a tree, and the spreadsheet import.

The upload is not kept between requests: the organizer checks a file ("Chỉ kiểm tra, không
lưu", ticked by default), then uploads it again unticked to save it. Both steps call the same
service as `flask --app contest agencies import`, which checks the whole file again.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SubmitField

from contest.agencies.service import agency_tree, import_agencies
from contest.bank.uploads import clean_filename, issue_rows
from contest.web.actor import current_actor
from contest.web.guards import require_role

bp = Blueprint("agencies", __name__)
require_role(bp, lambda user: user.is_organizer)


class AgencyUploadForm(FlaskForm):
    file = FileField(
        "Tệp danh sách cơ quan, đơn vị",
        validators=[FileRequired("Vui lòng chọn tệp danh sách cơ quan, đơn vị để tải lên.")],
        render_kw={"accept": ".xlsx,.xls,.ods"},
    )
    check_only = BooleanField("Chỉ kiểm tra, không lưu", default=True)
    submit = SubmitField("Tải lên")


@bp.route("/")
def index():
    """Every agency, indented under its parent, with its kind and headcount."""
    return render_template("agencies/index.html", rows=agency_tree())


@bp.route("/nhap", methods=["GET", "POST"])
def upload():
    """Check an agency list (dry run) or import it: every row in one commit, or none."""
    form = AgencyUploadForm()
    report = None
    if form.validate_on_submit():
        file = form.file.data
        report = import_agencies(
            file.read(),
            clean_filename(file.filename),
            dry_run=form.check_only.data,
            actor=current_actor(),
        )
        if report.ok and not report.dry_run:
            flash(
                f"Đã nhập “{report.filename}”: {report.added} cơ quan, đơn vị thêm mới, "
                f"{report.updated} cập nhật, {report.unchanged} không đổi.",
                "success",
            )
            return redirect(url_for("agencies.index"))
        if report.ok:
            form.check_only.data = False  # the file is fine: uploading it again saves it
    refused = request.method == "POST" and (report is None or not report.ok)
    return render_template(
        "agencies/upload.html",
        form=form,
        report=report,
        issues=issue_rows(report.result) if report else [],
    ), 422 if refused else 200

"""The roster upload form (organizers)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SubmitField


class RosterUploadForm(FlaskForm):
    file = FileField(
        "Tệp danh sách cán bộ",
        validators=[FileRequired("Vui lòng chọn tệp danh sách cán bộ để tải lên.")],
        render_kw={"accept": ".xlsx,.ods,.csv"},
    )
    check_only = BooleanField("Chỉ kiểm tra, không lưu", default=True)
    submit = SubmitField("Tải lên")

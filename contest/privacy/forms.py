"""Forms of the personal-data pages."""

from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField


class EraseForm(FlaskForm):
    reason = TextAreaField(
        "Lý do xoá (ví dụ: đơn yêu cầu của người tham gia ngày …)",
        render_kw={"maxlength": 500, "rows": 2},
    )
    submit = SubmitField("Xoá dữ liệu cá nhân")

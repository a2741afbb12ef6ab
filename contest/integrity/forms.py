"""Forms of the judges' integrity pages: a void with its reason, and a restore (a button)."""

from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from contest.integrity.service import MAX_REASON
from contest.text import nfc


class VoidForm(FlaskForm):
    reason = TextAreaField(
        "Lý do huỷ kết quả",
        filters=[nfc],
        validators=[
            DataRequired("Vui lòng ghi rõ lý do huỷ kết quả."),
            Length(max=MAX_REASON, message=f"Lý do huỷ kết quả không quá {MAX_REASON} ký tự."),
        ],
        render_kw={"maxlength": MAX_REASON, "rows": 2, "required": True},
    )
    submit = SubmitField("Huỷ kết quả")


class RestoreForm(FlaskForm):
    """A button that restores a voided entry: only the CSRF token."""

    submit = SubmitField("Khôi phục kết quả")

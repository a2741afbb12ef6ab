"""Forms of the judges' integrity pages: a void with its reason, a restore (a button), and
the clearance of an entry flagged as too fast."""

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


class ClearForm(FlaskForm):
    reason = TextAreaField(
        "Vì sao bài thi này hợp lệ",
        filters=[nfc],
        validators=[
            DataRequired("Vui lòng ghi rõ lý do xác nhận bài thi hợp lệ."),
            Length(max=MAX_REASON, message=f"Lý do không quá {MAX_REASON} ký tự."),
        ],
        render_kw={"maxlength": MAX_REASON, "rows": 2, "required": True},
    )
    submit = SubmitField("Xác nhận hợp lệ")


class RestoreForm(FlaskForm):
    """A button that restores a voided entry: only the CSRF token."""

    submit = SubmitField("Khôi phục kết quả")

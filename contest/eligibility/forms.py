"""Forms of the eligibility pages: the service checks the values and says what is wrong."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, SubmitField, TextAreaField

ACCEPTED_FILES = ".xlsx,.xls,.ods,.csv"


class MarkForm(FlaskForm):
    """One person, named by phone, CCCD or email, and why they win no prize."""

    identifier = StringField(
        "Số điện thoại, số CCCD hoặc email",
        render_kw={"maxlength": 254, "autocomplete": "off", "spellcheck": "false"},
    )
    reason = TextAreaField("Lý do không xét giải", render_kw={"maxlength": 500, "rows": 2})
    submit = SubmitField("Đánh dấu không xét giải")


class PersonMarkForm(FlaskForm):
    """One person already chosen (their page): only the reason."""

    reason = TextAreaField("Lý do không xét giải", render_kw={"maxlength": 500, "rows": 2})
    submit = SubmitField("Đánh dấu không xét giải")


class UnmarkForm(FlaskForm):
    """A button: the CSRF token only."""

    submit = SubmitField("Xét giải trở lại")


class UploadForm(FlaskForm):
    file = FileField(
        "Tệp danh sách (.xlsx, .ods, .xls hoặc .csv)",
        validators=[FileRequired("Vui lòng chọn tệp danh sách để tải lên.")],
        render_kw={"accept": ACCEPTED_FILES},
    )
    reason = TextAreaField(
        "Lý do chung (cho các dòng không ghi lý do)", render_kw={"maxlength": 500, "rows": 2}
    )
    submit = SubmitField("Tải lên")

"""Organizer forms for contests and their announcements.

Dates and times are plain text typed as Vietnamese people write them (dd/mm/yyyy, and
dd/mm/yyyy HH:MM on a 24-hour clock), whatever the browser's locale: no date picker. The forms
only turn text into values; every rule about the values is the service's
(contest.setup.contest_editing, contest.setup.announcements).
"""

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from contest.domain.statistics import COLLECTIVE_MEASURES
from contest.domain.vn_dates import (
    DATE_FORMAT_HINT,
    DATETIME_FORMAT_HINT,
    format_vn_date,
    format_vn_datetime,
    parse_vn_date,
    parse_vn_datetime,
)
from contest.models.user import GROUP_LABELS
from contest.setup.contest_editing import REQUIRABLE_LABELS


def choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(str(value), label) for value, label in labels.items()]


class TypedField(StringField):
    """A text box whose text `parse` turns into a value (blank is None); a text that does not
    parse keeps what was typed and shows the parser's Vietnamese message."""

    def parse(self, text: str):
        raise NotImplementedError

    def show(self, value) -> str:
        return "" if value is None else str(value)

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if text:
            self.data = self.parse(text)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.show(self.data)


class VnDateField(TypedField):
    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"placeholder": DATE_FORMAT_HINT, "autocomplete": "off", "maxlength": 10}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def parse(self, text):
        return parse_vn_date(text)

    def show(self, value):
        return format_vn_date(value)


class VnDateTimeField(TypedField):
    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"placeholder": DATETIME_FORMAT_HINT, "autocomplete": "off", "maxlength": 16}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def parse(self, text):
        return parse_vn_datetime(text)

    def show(self, value):
        return format_vn_datetime(value)


class WholeNumberField(TypedField):
    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"inputmode": "numeric", "autocomplete": "off", "maxlength": 6}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def parse(self, text):
        if not re.fullmatch(r"[0-9]{1,9}", text):
            raise ValueError(f"«{text}» không phải số nguyên; nhập một số, ví dụ 18.")
        return int(text)


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        # Unknown values are the service's to refuse, with its message.
        super().__init__(label, validators, validate_choice=False, **kwargs)


class ContestForm(FlaskForm):
    title = StringField("Tên cuộc thi", render_kw={"maxlength": 300})
    slug = StringField(
        "Địa chỉ (đường dẫn) của cuộc thi", render_kw={"maxlength": 80, "autocomplete": "off"}
    )
    summary = TextAreaField("Giới thiệu ngắn", render_kw={"maxlength": 500, "rows": 2})
    organizer_name = StringField("Cơ quan tổ chức", render_kw={"maxlength": 300})
    contact_phone = StringField(
        "Điện thoại liên hệ", render_kw={"inputmode": "tel", "maxlength": 30}
    )
    contact_email = StringField(
        "Thư điện tử liên hệ", render_kw={"inputmode": "email", "maxlength": 254}
    )
    hotline = StringField("Đường dây nóng", render_kw={"maxlength": 200})
    starts_on = VnDateField("Ngày bắt đầu")
    ends_on = VnDateField("Ngày kết thúc")
    eligible_groups = CheckboxesField("Đối tượng được tham gia", choices=choices(GROUP_LABELS))
    required_fields = CheckboxesField(
        "Thông tin người thi phải khai trước khi thi", choices=choices(REQUIRABLE_LABELS)
    )
    minimum_age = WholeNumberField("Tuổi tối thiểu")
    access_code = StringField(
        "Mã tham gia", render_kw={"maxlength": 64, "autocomplete": "off", "spellcheck": "false"}
    )
    results_visible = BooleanField(
        "Người thi xem được điểm và thứ hạng của mình khi cuộc thi đang diễn ra", default=True
    )
    participation_target = WholeNumberField("Chỉ tiêu tỷ lệ tham gia của mỗi cơ quan (%)")
    several_prizes_per_person = BooleanField(
        "Một người được nhận giải ở nhiều vòng (bỏ chọn: chỉ giữ giải cao hơn)"
    )
    collective_measure = SelectField(
        "Xếp hạng tập thể theo",
        choices=choices(COLLECTIVE_MEASURES),
        default="participation_rate",
        validate_choice=False,
    )
    retention_days = WholeNumberField(
        "Lưu dữ liệu cá nhân của người thi (số ngày sau khi kết thúc)"
    )
    rules_intro = TextAreaField("Thể lệ — phần mở đầu", render_kw={"rows": 5})
    rules_participants = TextAreaField("Thể lệ — đối tượng tham gia", render_kw={"rows": 4})
    rules_prizes = TextAreaField("Thể lệ — cơ cấu giải thưởng", render_kw={"rows": 4})
    rules_complaints = TextAreaField("Thể lệ — khiếu nại, liên hệ", render_kw={"rows": 4})
    submit = SubmitField("Lưu")

    SETTINGS = (
        "title",
        "slug",
        "summary",
        "organizer_name",
        "contact_phone",
        "contact_email",
        "hotline",
        "starts_on",
        "ends_on",
        "rules_intro",
        "rules_participants",
        "rules_prizes",
        "rules_complaints",
        "required_fields",
        "minimum_age",
        "access_code",
        "results_visible",
        "participation_target",
        "eligible_groups",
        "several_prizes_per_person",
        "collective_measure",
        "retention_days",
    )

    def values(self) -> dict:
        return {name: self[name].data for name in self.SETTINGS}

    def fill(self, values: dict) -> None:
        for name in self.SETTINGS:
            self[name].data = values.get(name)


class EmblemForm(FlaskForm):
    emblem = FileField(
        "Biểu trưng (PNG, JPEG, GIF hoặc WebP, tối đa 512 KB)",
        validators=[FileRequired("Vui lòng chọn tệp ảnh biểu trưng để tải lên.")],
        render_kw={"accept": "image/png,image/jpeg,image/gif,image/webp"},
    )
    submit = SubmitField("Tải lên")


class AnnouncementForm(FlaskForm):
    text = TextAreaField("Nội dung thông báo", render_kw={"maxlength": 1000, "rows": 3})
    starts_at = VnDateTimeField("Hiển thị từ (giờ Việt Nam)")
    ends_at = VnDateTimeField("Đến (giờ Việt Nam, để trống nếu không hẹn ngày kết thúc)")
    submit = SubmitField("Lưu thông báo")


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""

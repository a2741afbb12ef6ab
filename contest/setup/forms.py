"""Organizer forms: a round's settings and the contest's prize rules."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from contest.domain.prizes import LABELS as PRIZE_LABELS
from contest.domain.ranking import STEP_WORDING, STEPS
from contest.domain.statistics import COLLECTIVE_MEASURES

COUNTED = {"best": "Lượt có kết quả cao nhất", "first": "Lượt đầu tiên", "last": "Lượt cuối cùng"}
REVEAL = {
    "after_close": "Sau khi vòng thi kết thúc",
    "after_submit": "Ngay sau khi nộp bài",
    "never": "Không hiển thị",
}
TARGETS = {
    "participants": "Số người tham gia vòng thi",
    "perfect": "Số người trả lời đúng tất cả các câu",
    "entries": "Số lượt dự thi",
}
WHEN_FORMAT = "%Y-%m-%dT%H:%M"


def choices(mapping: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in mapping.items()]


def number(label: str, low: int, high: int) -> IntegerField:
    message = f"Nhập một số nguyên từ {low} đến {high}."
    return IntegerField(label, validators=[InputRequired(message), NumberRange(low, high, message)])


CHAIN_CHOICES = [SelectChoice("", "(không dùng)")] + [
    SelectChoice(step, STEP_WORDING[step]) for step in STEPS
]


class RoundForm(FlaskForm):
    title = StringField(
        "Tên vòng thi", validators=[DataRequired("Vui lòng nhập tên vòng thi."), Length(max=200)]
    )
    opens_at = DateTimeLocalField(
        "Mở lúc (giờ Việt Nam)",
        format=WHEN_FORMAT,
        validators=[InputRequired("Nhập thời điểm mở.")],
    )
    closes_at = DateTimeLocalField(
        "Đóng lúc (giờ Việt Nam)",
        format=WHEN_FORMAT,
        validators=[InputRequired("Nhập thời điểm đóng.")],
    )
    question_count = number("Số câu hỏi mỗi lượt", 1, 200)
    time_limit_minutes = number("Thời gian làm bài (phút)", 1, 600)
    attempts_allowed = number("Số lượt được thi (0 = không giới hạn)", 0, 10000)
    counted_attempt = SelectField("Lượt được tính", choices=choices(COUNTED))
    shuffle_options = BooleanField("Đảo thứ tự phương án")
    reveal_answers = SelectField("Hiển thị đáp án cho người thi", choices=choices(REVEAL))
    prediction_enabled = BooleanField("Có câu hỏi dự đoán")
    prediction_prompt = TextAreaField("Nội dung câu dự đoán", validators=[Length(max=1000)])
    prediction_target = SelectField("Câu dự đoán hỏi về", choices=choices(TARGETS))
    prize_nhat = number(PRIZE_LABELS["nhat"], 0, 1000)
    prize_nhi = number(PRIZE_LABELS["nhi"], 0, 1000)
    prize_ba = number(PRIZE_LABELS["ba"], 0, 1000)
    prize_kk = number(PRIZE_LABELS["kk"], 0, 1000)
    submit = SubmitField("Lưu")

    # One criterion per tie-break step of the registry (contest.domain.ranking): chain_1, ...
    CHAIN_FIELDS = tuple(f"chain_{n}" for n in range(1, len(STEPS) + 1))

    def chain(self) -> list[str]:
        return [getattr(self, name).data for name in self.CHAIN_FIELDS if getattr(self, name).data]

    def validate_closes_at(self, field):
        if self.opens_at.data and field.data and field.data <= self.opens_at.data:
            raise ValidationError("Thời điểm đóng phải sau thời điểm mở.")

    def validate_chain_1(self, field):
        chain = self.chain()
        if not chain:
            raise ValidationError("Chọn ít nhất một tiêu chí xếp hạng.")
        if len(set(chain)) != len(chain):
            raise ValidationError("Mỗi tiêu chí chỉ được chọn một lần.")

    def validate_prediction_prompt(self, field):
        if self.prediction_enabled.data and not (field.data or "").strip():
            raise ValidationError("Nhập nội dung câu hỏi dự đoán.")


for _number, _name in enumerate(RoundForm.CHAIN_FIELDS, start=1):
    setattr(RoundForm, _name, SelectField(f"Tiêu chí {_number}", choices=CHAIN_CHOICES))


class ContestSettingsForm(FlaskForm):
    several_prizes_per_person = BooleanField(
        "Một người được nhận giải ở nhiều vòng (bỏ chọn: chỉ giữ giải cao hơn)"
    )
    collective_measure = SelectField("Xếp hạng tập thể theo", choices=choices(COLLECTIVE_MEASURES))
    submit = SubmitField("Lưu")

"""Organizer forms: a round's settings and the contest's prize rules."""

import re

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from contest.domain.prizes import LABELS as PRIZE_LABELS
from contest.domain.ranking import STEP_WORDING, STEPS
from contest.domain.statistics import COLLECTIVE_MEASURES
from contest.domain.vn_dates import DATETIME_FORMAT_HINT, format_vn_datetime, parse_vn_datetime
from contest.models.user import GROUP_LABELS, ParticipantGroup
from contest.setup.rounds import COUNTED_LABELS as COUNTED
from contest.setup.rounds import DIFFICULTY_LABELS, MAXIMUM_PRIZES
from contest.setup.rounds import REVEAL_LABELS as REVEAL
from contest.setup.rounds import TARGET_LABELS as TARGETS


def choices(mapping: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in mapping.items()]


class WholeNumberField(IntegerField):
    """A whole number typed in plain digits, refused in Vietnamese (WTForms says it in English)."""

    def __init__(self, label=None, validators=None, message="Nhập một số nguyên.", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = valuelist[0].strip()
        if not raw:
            self.data = None
            return
        if not re.fullmatch(r"[0-9]{1,9}", raw):
            self.data = None
            raise ValueError(self.message)
        self.data = int(raw)


def number(label: str, low: int, high: int) -> WholeNumberField:
    message = f"Nhập một số nguyên từ {low} đến {high}."
    return WholeNumberField(
        label,
        validators=[InputRequired(message), NumberRange(low, high, message)],
        message=message,
        render_kw={"inputmode": "numeric"},
    )


def optional_number(label: str, high: int) -> WholeNumberField:
    message = f"Nhập số nguyên từ 0 đến {high}."
    return WholeNumberField(
        label,
        validators=[Optional(), NumberRange(0, high, message)],
        message=message,
        render_kw={"inputmode": "numeric"},
    )


class VietnamDateTimeField(StringField):
    """A moment typed as dd/mm/yyyy HH:MM (24-hour, Vietnam time), whatever the browser's
    locale: a text box, not the browser's picker. `data` is the naive Vietnam wall time."""

    def __init__(self, label=None, validators=None, missing="Nhập ngày giờ.", **kwargs):
        render_kw = {
            "placeholder": DATETIME_FORMAT_HINT,
            "autocomplete": "off",
            "spellcheck": "false",
            **kwargs.pop("render_kw", {}),
        }
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.missing = missing

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = None
        if not (valuelist[0] or "").strip():
            return
        self.data = parse_vn_datetime(valuelist[0])  # a ValueError's message is Vietnamese

    def pre_validate(self, form):
        if self.data is None and not self.process_errors:
            raise StopValidation(self.missing)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_vn_datetime(self.data) if self.data else ""


CHAIN_CHOICES = [SelectChoice("", "(không dùng)")] + [
    SelectChoice(step, STEP_WORDING[step]) for step in STEPS
]


class RoundForm(FlaskForm):
    title = StringField(
        "Tên vòng thi", validators=[DataRequired("Vui lòng nhập tên vòng thi."), Length(max=200)]
    )
    opens_at = VietnamDateTimeField("Mở lúc (giờ Việt Nam)", missing="Nhập thời điểm mở.")
    closes_at = VietnamDateTimeField("Đóng lúc (giờ Việt Nam)", missing="Nhập thời điểm đóng.")
    question_count = number("Số câu hỏi mỗi lượt", 1, 200)
    difficulty_1 = optional_number(f"Mức {DIFFICULTY_LABELS[1]}", 200)
    difficulty_2 = optional_number(f"Mức {DIFFICULTY_LABELS[2]}", 200)
    difficulty_3 = optional_number(f"Mức {DIFFICULTY_LABELS[3]}", 200)
    time_limit_minutes = number("Thời gian làm bài (phút)", 1, 600)
    attempts_allowed = number("Số lượt được thi (0 = không giới hạn)", 0, 10000)
    one_attempt_per_day = BooleanField("Mỗi ngày chỉ được thi một lượt (ngày theo giờ Việt Nam)")
    minimum_wait_minutes = optional_number(
        "Thời gian chờ giữa hai lượt (phút, để trống hoặc 0 = không chờ)", 43200
    )
    counted_attempt = SelectField("Lượt được tính", choices=choices(COUNTED))
    shuffle_options = BooleanField("Đảo thứ tự phương án")
    reveal_answers = SelectField("Hiển thị đáp án cho người thi", choices=choices(REVEAL))
    prediction_enabled = BooleanField("Có câu hỏi dự đoán")
    is_practice = BooleanField("Vòng thi thử (thi thử: không xếp hạng, không tính giải)")
    prediction_prompt = TextAreaField("Nội dung câu dự đoán", validators=[Length(max=1000)])
    prediction_target = SelectField("Câu dự đoán hỏi về", choices=choices(TARGETS))
    prize_nhat = number(PRIZE_LABELS["nhat"], 0, MAXIMUM_PRIZES)
    prize_nhi = number(PRIZE_LABELS["nhi"], 0, MAXIMUM_PRIZES)
    prize_ba = number(PRIZE_LABELS["ba"], 0, MAXIMUM_PRIZES)
    prize_kk = number(PRIZE_LABELS["kk"], 0, MAXIMUM_PRIZES)
    minimum_correct_for_prize = optional_number(
        "Số câu đúng tối thiểu để đạt giải (để trống hoặc 0 = không đặt)", 200
    )
    minimum_seconds_per_question = optional_number(
        "Thời gian làm bài tối thiểu mỗi câu, giây (0 = không kiểm tra)", 600
    )
    submit = SubmitField("Lưu")

    # A row of its own counts per participant group, prize_<group>_<level>: blank, the group
    # has the round's counts. GROUP_ROWS: (group, its label, {level: field name}).
    GROUP_ROWS = tuple(
        (
            group.value,
            GROUP_LABELS[group],
            {level: f"prize_{group.value}_{level}" for level in PRIZE_LABELS},
        )
        for group in ParticipantGroup
    )

    # One criterion per tie-break step of the registry (contest.domain.ranking): chain_1, ...
    CHAIN_FIELDS = tuple(f"chain_{n}" for n in range(1, len(STEPS) + 1))

    DIFFICULTY_FIELDS = {1: "difficulty_1", 2: "difficulty_2", 3: "difficulty_3"}

    # A question set of its own per participant group (contest.domain.question_sets):
    # set_<group>_difficulty_<level> checkboxes, set_<group>_sources (one fragment a line),
    # set_<group>_question_ids (ids separated by commas or spaces); the topics' checkboxes are
    # named set_<group>_topic (their values the topic ids: the topics are the bank's, read by
    # the view). All blank: the group draws from the whole bank.
    SET_ROWS = tuple(
        (
            group.value,
            GROUP_LABELS[group],
            {level: f"set_{group.value}_difficulty_{level}" for level in DIFFICULTY_LABELS},
            f"set_{group.value}_sources",
            f"set_{group.value}_question_ids",
        )
        for group in ParticipantGroup
    )

    def question_sets(self, topics_by_group: dict[str, list[int]]) -> dict[str, dict[str, list]]:
        """The groups whose set restricts the bank, as stored; `topics_by_group` holds the
        topics ticked for each group."""
        sets = {}
        for group, _label, difficulty_names, sources_name, ids_name in self.SET_ROWS:
            stored = {
                "topics": sorted(set(topics_by_group.get(group, []))),
                "difficulties": [
                    level for level, name in difficulty_names.items() if getattr(self, name).data
                ],
                "sources": source_lines(getattr(self, sources_name).data),
                "question_ids": question_ids(getattr(self, ids_name).data) or [],
            }
            if any(stored.values()):
                sets[group] = stored
        return sets

    def chain(self) -> list[str]:
        return [getattr(self, name).data for name in self.CHAIN_FIELDS if getattr(self, name).data]

    def difficulty_quotas(self) -> dict[int, int]:
        quotas = {}
        for level, name in self.DIFFICULTY_FIELDS.items():
            value = getattr(self, name).data
            if value:
                quotas[level] = value
        return quotas

    def group_prize_counts(self) -> dict[str, dict[str, int]]:
        """The groups whose row is filled in, with their counts."""
        counts = {}
        for group, _label, names in self.GROUP_ROWS:
            values = {level: getattr(self, name).data for level, name in names.items()}
            if any(value is not None for value in values.values()):
                counts[group] = {level: value or 0 for level, value in values.items()}
        return counts

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for _group, _label, names in self.GROUP_ROWS:
            fields = [getattr(self, name) for name in names.values()]
            if any(f.errors for f in fields) or all(f.data is None for f in fields):
                continue
            for blank in (f for f in fields if f.data is None):
                blank.errors.append(
                    "Nhập số giải (0 nếu không trao), hoặc để trống cả hàng để dùng số giải chung."
                )
                valid = False
        return valid

    def validate_minimum_correct_for_prize(self, field):
        questions = self.question_count.data
        if field.data and questions and field.data > questions:
            raise ValidationError(
                f"Số câu đúng tối thiểu để đạt giải không được lớn hơn số câu hỏi mỗi lượt "
                f"({questions} câu)."
            )

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


# Hand-picked question ids: what a database integer can hold.
LARGEST_ID = 2**31 - 1
# The most fragments and ids one group's set may list.
MAXIMUM_SOURCES = 50
MAXIMUM_IDS = 2000


def source_lines(text: str | None) -> list[str]:
    """Source fragments, one a line, spaces collapsed, blank lines and repeats left out."""
    lines = (" ".join(line.split()) for line in (text or "").splitlines())
    return list(dict.fromkeys(line for line in lines if line))


def question_ids(text: str | None) -> list[int] | None:
    """Ids separated by commas, semicolons or spaces, sorted without repeats; None when one is
    not a whole number in 1..LARGEST_ID."""
    parts = [part for part in re.split(r"[\s,;]+", text or "") if part]
    if not all(part.isascii() and part.isdigit() and len(part) <= 10 for part in parts):
        return None
    ids = sorted({int(part) for part in parts})
    if any(not 1 <= qid <= LARGEST_ID for qid in ids):
        return None
    return ids


def check_question_ids(form, field):
    ids = question_ids(field.data)
    if ids is None:
        raise ValidationError(
            f"Nhập mã câu hỏi là các số nguyên từ 1 đến {LARGEST_ID}, cách nhau bởi dấu phẩy "
            "hoặc khoảng trắng."
        )
    if len(ids) > MAXIMUM_IDS:
        raise ValidationError(f"Mỗi bộ câu hỏi chọn sẵn tối đa {MAXIMUM_IDS} câu.")


def check_source_lines(form, field):
    lines = source_lines(field.data)
    if len(lines) > MAXIMUM_SOURCES:
        raise ValidationError(f"Nhập tối đa {MAXIMUM_SOURCES} dòng nguồn.")
    if any(len(line) > 200 for line in lines):
        raise ValidationError("Mỗi dòng nguồn tối đa 200 ký tự.")


for _group, _label, _levels, _sources, _ids in RoundForm.SET_ROWS:
    for _level, _name in _levels.items():
        setattr(RoundForm, _name, BooleanField(f"Mức {DIFFICULTY_LABELS[_level]}"))
    setattr(
        RoundForm,
        _sources,
        TextAreaField("Nguồn (mỗi dòng một cụm từ, ví dụ «Luật Đất đai»)", [check_source_lines]),
    )
    setattr(
        RoundForm,
        _ids,
        StringField(
            "Mã câu hỏi chọn sẵn (cách nhau bởi dấu phẩy hoặc khoảng trắng)", [check_question_ids]
        ),
    )

for _number, _name in enumerate(RoundForm.CHAIN_FIELDS, start=1):
    setattr(RoundForm, _name, SelectField(f"Tiêu chí {_number}", choices=CHAIN_CHOICES))

for _group, _label, _names in RoundForm.GROUP_ROWS:
    for _level, _name in _names.items():
        setattr(RoundForm, _name, optional_number(PRIZE_LABELS[_level], MAXIMUM_PRIZES))


class ContestSettingsForm(FlaskForm):
    several_prizes_per_person = BooleanField(
        "Một người được nhận giải ở nhiều vòng (bỏ chọn: chỉ giữ giải cao hơn)"
    )
    collective_measure = SelectField("Xếp hạng tập thể theo", choices=choices(COLLECTIVE_MEASURES))
    submit = SubmitField("Lưu")

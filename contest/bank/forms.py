"""Forms of the question-bank pages, with a Vietnamese message for every invalid field."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    HiddenField,
    SearchField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from contest.bank.admin import UNCLASSIFIED, BankFilters, QuestionEdit
from contest.text import nfc
from question_bank.answers import DIFFICULTY_NAMES, split_letters
from question_bank.models import DEFAULT_LIMITS, LETTERS, MIN_OPTIONS
from question_bank.text import clean_str

ACCEPTED_FILES = ".xlsx,.xls,.ods,.gift,.txt"
MAX_TEXT = DEFAULT_LIMITS.max_text_length
TOO_LONG = "Nội dung dài quá {max} ký tự."
DIFFICULTY_CHOICES = [SelectChoice("", "Chưa phân loại")] + [
    SelectChoice(str(level), name) for level, name in DIFFICULTY_NAMES.items()
]


def _text(value):
    """Typed text as the importer stores it: NFC, trimmed, line breaks kept."""
    return clean_str(value) if isinstance(value, str) else value


def _line(value):
    return nfc(value) if isinstance(value, str) else value


class UploadForm(FlaskForm):
    file = FileField(
        "Tệp câu hỏi",
        validators=[FileRequired("Vui lòng chọn tệp câu hỏi để tải lên.")],
        render_kw={"accept": ACCEPTED_FILES},
    )
    submit = SubmitField("Tải lên và kiểm tra")


class FilterForm(FlaskForm):
    """The bank list's search and filters, read from the query string (no CSRF: a GET)."""

    class Meta:
        csrf = False

    q = SearchField("Tìm kiếm", filters=[_line], render_kw={"placeholder": "ví dụ: thu tuc"})
    topic = SelectField("Chủ đề", coerce=int, default=0, validate_choice=False)
    difficulty = SelectField(
        "Mức độ",
        choices=[SelectChoice("", "Tất cả mức độ")]
        + DIFFICULTY_CHOICES[1:]
        + [SelectChoice(str(UNCLASSIFIED), "Chưa phân loại")],
        default="",
        validate_choice=False,
    )
    source = StringField("Căn cứ, nguồn", filters=[_line])
    status = SelectField(
        "Trạng thái",
        choices=[
            SelectChoice("", "Tất cả"),
            SelectChoice("active", "Đang dùng"),
            SelectChoice("retired", "Đã ngừng dùng"),
        ],
        default="",
        validate_choice=False,
    )

    def filters(self) -> BankFilters:
        """What was asked for; values that are not on the lists are ignored."""
        difficulty = self.difficulty.data if self.difficulty.data in {"0", "1", "2", "3"} else ""
        return BankFilters(
            query=(self.q.data or "")[:200],
            topic_id=self.topic.data or None,
            difficulty=int(difficulty) if difficulty else None,
            source=(self.source.data or "")[:200],
            status=self.status.data if self.status.data in ("active", "retired") else "",
        )

    def query_args(self) -> dict[str, str]:
        """The non-empty filters, for the pagination links."""
        values = {
            "q": self.q.data,
            "topic": self.topic.data or "",
            "difficulty": self.difficulty.data,
            "source": self.source.data,
            "status": self.status.data,
        }
        return {name: str(value) for name, value in values.items() if value}


def _option_field(letter: str) -> TextAreaField:
    return TextAreaField(
        f"Phương án {letter}",
        filters=[_text],
        validators=[Length(max=MAX_TEXT, message=TOO_LONG)],
        render_kw={"rows": 2},
    )


class QuestionForm(FlaskForm):
    version = HiddenField()
    text = TextAreaField(
        "Nội dung câu hỏi",
        filters=[_text],
        validators=[
            DataRequired("Vui lòng nhập nội dung câu hỏi."),
            Length(max=MAX_TEXT, message=TOO_LONG),
        ],
        render_kw={"rows": 4},
    )
    option_a = _option_field("A")
    option_b = _option_field("B")
    option_c = _option_field("C")
    option_d = _option_field("D")
    option_e = _option_field("E")
    option_f = _option_field("F")
    correct = StringField(
        "Đáp án đúng",
        filters=[_line],
        validators=[DataRequired("Vui lòng nhập đáp án đúng, ví dụ “A” hoặc “A, C”.")],
    )
    topic = SelectField("Chủ đề", coerce=int, default=0, validate_choice=False)
    new_topic = StringField(
        "Hoặc chủ đề mới",
        filters=[_line],
        validators=[Optional(), Length(max=200, message="Tên chủ đề dài quá {max} ký tự.")],
    )
    difficulty = SelectField(
        "Mức độ", choices=DIFFICULTY_CHOICES, default="", validate_choice=False
    )
    explanation = TextAreaField(
        "Giải thích",
        filters=[_text],
        validators=[Length(max=MAX_TEXT, message=TOO_LONG)],
        render_kw={"rows": 3},
    )
    source = StringField(
        "Căn cứ, nguồn",
        filters=[_line],
        validators=[Length(max=500, message="Căn cứ, nguồn dài quá {max} ký tự.")],
    )
    next = HiddenField()
    submit = SubmitField("Lưu câu hỏi")

    @property
    def option_fields(self) -> list:
        return [self[f"option_{letter.lower()}"] for letter in LETTERS]

    def option_texts(self) -> list[str]:
        return [field.data or "" for field in self.option_fields]

    def filled_count(self) -> int:
        texts = self.option_texts()
        return max((i + 1 for i, text in enumerate(texts) if text), default=0)

    def fill_from(self, question, topic_ids: set[int]) -> None:
        """Put a stored question in the fields (for the first GET)."""
        self.version.data = str(question.version)
        self.text.data = question.text
        for field, value in zip(self.option_fields, question.options, strict=False):
            field.data = value
        self.correct.data = ", ".join(LETTERS[i] for i in sorted(question.correct))
        self.topic.data = question.topic_id if question.topic_id in topic_ids else 0
        self.difficulty.data = str(question.difficulty or "")
        self.explanation.data = question.explanation or ""
        self.source.data = question.source or ""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return self._check_options() and valid

    def _check_options(self) -> bool:
        """At least two options, and no empty one before a filled one."""
        texts = self.option_texts()
        if sum(1 for text in texts if text) < MIN_OPTIONS:
            self.option_b.errors.append("Câu hỏi cần ít nhất hai phương án (A và B).")
            return False
        gaps = [index for index in range(self.filled_count()) if not texts[index]]
        for index in gaps:
            self.option_fields[index].errors.append(
                f"Phương án {LETTERS[index]} để trống trong khi phương án sau có nội dung; "
                "hãy điền phương án này hoặc dồn các phương án lên."
            )
        return not gaps

    def validate_correct(self, field):
        letters = split_letters(field.data or "")
        if letters is None:
            raise ValidationError(
                "Đáp án đúng phải là chữ cái của phương án (A–F), ví dụ “A” hoặc “A, C”."
            )
        texts = self.option_texts()
        empty = [letter for letter in letters if not texts[LETTERS.index(letter)]]
        if empty:
            raise ValidationError(f"Đáp án “{', '.join(empty)}” trỏ tới phương án trống.")

    def validate_topic(self, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Chủ đề không có trong danh sách.")

    def validate_difficulty(self, field):
        if field.data not in {choice.value for choice in DIFFICULTY_CHOICES}:
            raise ValidationError("Mức độ phải là Dễ, Trung bình hoặc Khó.")

    def validate_version(self, field):
        if not (field.data or "").isdigit():
            raise ValidationError("Biểu mẫu không hợp lệ; hãy tải lại trang.")

    def to_edit(self, topic_names: dict[int, str]) -> QuestionEdit:
        letters = split_letters(self.correct.data) or ()
        return QuestionEdit(
            text=self.text.data,
            options=self.option_texts()[: self.filled_count()],
            correct=[LETTERS.index(letter) for letter in letters],
            topic_name=self.new_topic.data or topic_names.get(self.topic.data),
            difficulty=int(self.difficulty.data) if self.difficulty.data else None,
            explanation=self.explanation.data or None,
            source=self.source.data or None,
        )

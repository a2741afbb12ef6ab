"""Forms of the question-bank pages, with a Vietnamese message for every invalid field."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    SearchField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from contest.bank.admin import UNCLASSIFIED, BankFilters
from contest.bank.typed_question import TypedQuestion
from contest.text import nfc
from question_bank.answers import DIFFICULTY_NAMES, split_letters
from question_bank.models import LETTERS

ACCEPTED_FILES = ".xlsx,.xls,.ods,.gift,.txt"
DIFFICULTY_CHOICES = [SelectChoice("", "Chưa phân loại")] + [
    SelectChoice(str(level), name) for level, name in DIFFICULTY_NAMES.items()
]


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
            # A topic id beyond an INTEGER column is no topic (PostgreSQL refuses to compare).
            topic_id=self.topic.data if 0 < (self.topic.data or 0) <= 2**31 - 1 else None,
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
    return TextAreaField(f"Phương án {letter}", render_kw={"rows": 2})


class LettersField(Field):
    """The correct answers: a checkbox per option (name "correct", value its letter), or the
    letters typed in one value ("A, C"); `data` is them joined as the import reads them."""

    def process_formdata(self, valuelist):
        self.data = ", ".join(value.strip() for value in valuelist if value.strip())

    def _value(self):
        return self.data or ""

    @property
    def letters(self) -> set[str]:
        return set(split_letters(self.data or "") or ())


class QuestionForm(FlaskForm):
    """One question, added or edited. The question's own rules (text, options, answers,
    lengths, difficulty, duplicates) are the spreadsheet import's, checked by
    `contest.bank.typed_question.check_question`; the form checks only what is a form's."""

    text = TextAreaField("Nội dung câu hỏi", render_kw={"rows": 4})
    option_a = _option_field("A")
    option_b = _option_field("B")
    option_c = _option_field("C")
    option_d = _option_field("D")
    option_e = _option_field("E")
    option_f = _option_field("F")
    correct = LettersField("Đáp án đúng")
    topic = SelectField("Chủ đề", coerce=int, default=0, validate_choice=False)
    new_topic = StringField(
        "Hoặc chủ đề mới",
        filters=[_line],
        validators=[Optional(), Length(max=200, message="Tên chủ đề dài quá %(max)d ký tự.")],
    )
    difficulty = SelectField(
        "Mức độ", choices=DIFFICULTY_CHOICES, default="", validate_choice=False
    )
    explanation = TextAreaField("Giải thích", render_kw={"rows": 3})
    source = StringField("Căn cứ, nguồn")
    active = BooleanField("Đang dùng: được rút vào các lượt thi mới", default=True)
    next = HiddenField()
    submit = SubmitField("Lưu câu hỏi")

    @property
    def option_fields(self) -> list:
        return [self[f"option_{letter.lower()}"] for letter in LETTERS]

    def fill_from(self, question, topic_ids: set[int]) -> None:
        """Put a stored question in the fields (for the first GET)."""
        self.text.data = question.text
        for field, value in zip(self.option_fields, question.options, strict=False):
            field.data = value
        self.correct.data = ", ".join(LETTERS[i] for i in sorted(question.correct))
        self.topic.data = question.topic_id if question.topic_id in topic_ids else 0
        self.difficulty.data = str(question.difficulty or "")
        self.explanation.data = question.explanation or ""
        self.source.data = question.source or ""
        self.active.data = question.active

    def validate_topic(self, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Chủ đề không có trong danh sách.")

    def typed(self, topic_names: dict[int, str]) -> TypedQuestion:
        """The values as typed, for the import's checks."""
        return TypedQuestion(
            text=self.text.data or "",
            options=[field.data or "" for field in self.option_fields],
            correct=self.correct.data or "",
            topic=self.new_topic.data or topic_names.get(self.topic.data, ""),
            difficulty=self.difficulty.data or "",
            explanation=self.explanation.data or "",
            source=self.source.data or "",
            active=bool(self.active.data),
        )

    def show_errors(self, errors: dict[str, list[str]]) -> None:
        """The checks' messages under their fields (a topic's under the one typed or chosen)."""
        for name, messages in errors.items():
            if name == "topic" and self.new_topic.data:
                name = "new_topic"
            self[name].errors = [*self[name].errors, *messages]


class NewQuestionForm(QuestionForm):
    """«Thêm câu hỏi»: saved as version 1, or saved and the form again for the next one."""

    submit_and_new = SubmitField("Lưu và thêm câu khác")


class EditQuestionForm(QuestionForm):
    """«Sửa câu hỏi»: the version the form was opened on, so two editors cannot overwrite."""

    version = HiddenField()

    def fill_from(self, question, topic_ids: set[int]) -> None:
        super().fill_from(question, topic_ids)
        self.version.data = str(question.version)

    def validate_version(self, field):
        if not (field.data or "").isdigit():
            raise ValidationError("Biểu mẫu không hợp lệ; hãy tải lại trang.")

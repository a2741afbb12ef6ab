"""One question typed in the organizers' form ("Thêm câu hỏi", "Sửa câu hỏi").

The form's values are laid out as one row of the import template and read by the spreadsheet
import's own row reader (`question_bank.rows.RowReader`), so a question typed by hand passes
exactly the checks of a question imported from a file: text, two to six options, answers that
point to filled options, lengths, the difficulty, a duplicate of a question already in the bank.
Only the wording of a few messages is the form's own, where the import's speak of cells and rows.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from contest.audit.service import Actor, record, short
from contest.bank.admin import QuestionEdit, duplicate_of
from contest.bank.service import check_stored_lengths, question_from_parsed, topics_by_name
from contest.bank.uploads import issue_rows
from contest.extensions import db
from contest.models import Question
from question_bank import ParsedQuestion, ParseResult
from question_bank.collect import Collector
from question_bank.headers import map_header
from question_bank.models import DEFAULT_LIMITS, LETTERS, Limits
from question_bank.rows import RowReader

# The row's header, as the import template titles its columns, and the form field of each.
COLUMNS = (
    ("Câu hỏi", "text"),
    *((f"Phương án {letter}", f"option_{letter.lower()}") for letter in LETTERS),
    ("Đáp án đúng", "correct"),
    ("Chủ đề", "topic"),
    ("Mức độ", "difficulty"),
    ("Giải thích", "explanation"),
    ("Căn cứ", "source"),
)
FIELD_OF_COLUMN = dict(COLUMNS)
HEADER_ROW, FORM_ROW = 1, 2

# Where the import's words fit a spreadsheet but not a form.
FORM_WORDING = {
    "empty_question": "Vui lòng nhập nội dung câu hỏi.",
    "missing_answer": "Vui lòng chọn ít nhất một đáp án đúng.",
}


@dataclass(frozen=True)
class TypedQuestion:
    """The form's values as typed; `correct` is the letters ("A, C") and `difficulty` the
    select's value ("", "1", "2", "3")."""

    text: str
    options: Sequence[str]
    correct: str
    topic: str = ""
    difficulty: str = ""
    explanation: str = ""
    source: str = ""
    active: bool = True


@dataclass
class Checked:
    """The question as the import would save it, or the messages per form field."""

    question: ParsedQuestion | None
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.question is not None and not self.errors


def _cells(typed: TypedQuestion) -> list[str]:
    options = [*typed.options, *([""] * len(LETTERS))][: len(LETTERS)]
    values = [
        typed.text,
        *options,
        typed.correct,
        typed.topic,
        typed.difficulty,
        typed.explanation,
        typed.source,
    ]
    return [value or "" for value in values]


def check_question(
    typed: TypedQuestion, question_id: int | None = None, limits: Limits = DEFAULT_LIMITS
) -> Checked:
    """Read the typed question as the import reads a row, with the import's `limits`;
    `question_id` is the question being edited (its own text is not a duplicate)."""
    header = [label for label, _name in COLUMNS]
    columns = map_header(HEADER_ROW, header, xlsx=False)
    result = ParseResult(filename="")
    # The bank's copy of this text, found by its indexed key rather than by reading every text.
    other = duplicate_of(typed.text, question_id or 0) if (typed.text or "").strip() else None
    collector = Collector(result, limits, [typed.text] if other is not None else ())
    reader = RowReader(columns, collector, xlsx=False)
    checked = Checked(None)
    if not reader.read(FORM_ROW, _cells(typed)):  # nothing typed at all
        checked.errors["text"] = [FORM_WORDING["empty_question"]]
        return checked
    check_stored_lengths(result, {"topic": "Chủ đề", "source": "Căn cứ"})
    for issue, row in zip(result.errors, issue_rows(result), strict=False):
        name = FIELD_OF_COLUMN.get(issue.column or "", "text")
        message = FORM_WORDING.get(issue.kind, row.message)
        if issue.kind == "duplicate" and other is not None:
            message = f"{message.rstrip('.')} (câu hỏi số {other})."
        checked.errors.setdefault(name, []).append(message)
    checked.warnings = [row.message for row in issue_rows(result) if row.severity == "warning"]
    parsed = result.questions[0] if result.questions else None
    checked.question = parsed if not checked.errors else None
    return checked


def add_question(parsed: ParsedQuestion, active: bool, actor: Actor) -> Question:
    """Save a checked question (a new topic is created with it), audited. Commits."""
    topic = topics_by_name([parsed.topic]).get(parsed.topic) if parsed.topic else None
    question = question_from_parsed(parsed, topic)
    question.active = active
    db.session.add(question)
    db.session.flush()
    after = {
        "text": short(parsed.text),
        "options": [short(option) for option in parsed.options],
        "correct": list(parsed.correct),
        "topic": parsed.topic,
        "difficulty": parsed.difficulty,
        "explanation": short(parsed.explanation),
        "source": short(parsed.source),
        "active": active,
    }
    record(actor, "question_created", "question", question.id, {"before": {}, "after": after})
    db.session.commit()
    return question


def as_edit(parsed: ParsedQuestion, active: bool | None = None) -> QuestionEdit:
    """A checked question as the bank's edit takes it (a new version of the question)."""
    return QuestionEdit(
        text=parsed.text,
        options=list(parsed.options),
        correct=list(parsed.correct),
        topic_name=parsed.topic,
        difficulty=parsed.difficulty,
        explanation=parsed.explanation,
        source=parsed.source,
        active=active,
    )

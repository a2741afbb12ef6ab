"""The organizers' view of the bank: search and filters, per-question statistics, edit, retire."""

from dataclasses import dataclass

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import joinedload

from contest.audit.service import Actor, record, short
from contest.bank.service import text_key, topics_by_name
from contest.extensions import db
from contest.models import AttemptItem, Question, Topic
from contest.paging import Page, clamp_page
from contest.text import fold

PER_PAGE = 50
UNCLASSIFIED = 0  # the difficulty filter's value for questions without a difficulty


@dataclass(frozen=True)
class BankFilters:
    """What the organizer asked for; empty values mean "any"."""

    query: str = ""
    topic_id: int | None = None
    difficulty: int | None = None  # 1, 2, 3, or UNCLASSIFIED
    source: str = ""
    status: str = ""  # "", "active" or "retired"


@dataclass(frozen=True)
class QuestionStats:
    """How often a question was drawn, and how often answered right in closed attempts."""

    drawn: int = 0
    graded: int = 0
    correct: int = 0

    @property
    def percent_correct(self) -> int | None:
        return round(100 * self.correct / self.graded) if self.graded else None


@dataclass
class BankPage:
    pagination: Page
    stats: dict[int, QuestionStats]

    @property
    def questions(self) -> list[Question]:
        return list(self.pagination.items)


@dataclass(frozen=True)
class QuestionEdit:
    """A question as the edit form sends it, already validated field by field."""

    text: str
    options: list[str]
    correct: list[int]
    topic_name: str | None
    difficulty: int | None
    explanation: str | None
    source: str | None
    # Whether new attempts may draw it; None keeps it as it is. Not a change of version.
    active: bool | None = None


class EditRefused(Exception):
    """The edit cannot be saved; `field` names the form field the message belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def topic_choices() -> list[tuple[int, str]]:
    return [
        (topic.id, topic.name)
        for topic in db.session.execute(select(Topic).order_by(Topic.name)).scalars()
    ]


def _like_escaped(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def sources_matching(text: str) -> list[str]:
    """Distinct sources containing every word of `text`, ignoring case and diacritics.

    Sources are few (the legal documents a bank cites), so they are folded here rather
    than in a stored column.
    """
    words = fold(text).split()
    sources = db.session.execute(
        select(Question.source).where(Question.source.is_not(None)).distinct()
    ).scalars()
    return [source for source in sources if all(word in fold(source) for word in words)]


def filtered_questions(filters: BankFilters):
    query = select(Question)
    for word in fold(filters.query).split():
        query = query.where(Question.search_text.like(_like_escaped(word), escape="\\"))
    if filters.topic_id:
        query = query.where(Question.topic_id == filters.topic_id)
    if filters.difficulty == UNCLASSIFIED:
        query = query.where(Question.difficulty.is_(None))
    elif filters.difficulty:
        query = query.where(Question.difficulty == filters.difficulty)
    if fold(filters.source):
        query = query.where(Question.source.in_(sources_matching(filters.source)))
    if filters.status in ("active", "retired"):
        query = query.where(Question.active.is_(filters.status == "active"))
    return query


def search_bank(filters: BankFilters, page: int = 1, per_page: int = PER_PAGE) -> BankPage:
    """One page of the bank, newest first, with each question's statistics."""
    query = filtered_questions(filters)
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    page = clamp_page(page)
    items = (
        db.session.execute(
            query.options(joinedload(Question.topic))
            .order_by(Question.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
        .scalars()
        .all()
    )
    pagination = Page(items, page, per_page, total)
    return BankPage(pagination, question_stats([q.id for q in items]))


def question_stats(question_ids: list[int]) -> dict[int, QuestionStats]:
    """Draws and right answers for these questions, in one grouped query over attempt items.

    `graded` counts items of closed attempts (is_correct set); open attempts count as drawn only.
    """
    if not question_ids:
        return {}
    rows = db.session.execute(
        select(
            AttemptItem.question_id,
            func.count(),
            func.count(AttemptItem.is_correct),
            func.sum(case((AttemptItem.is_correct.is_(True), 1), else_=0)),
        )
        .where(AttemptItem.question_id.in_(question_ids))
        .group_by(AttemptItem.question_id)
    )
    return {
        question_id: QuestionStats(drawn, graded, int(correct or 0))
        for question_id, drawn, graded, correct in rows
    }


def duplicate_of(text: str, question_id: int) -> int | None:
    """The id of another question with the same text (after NFC, case and spaces), if any."""
    return db.session.execute(
        select(Question.id)
        .where(Question.text_key == text_key(text), Question.id != question_id)
        .limit(1)
    ).scalar_one_or_none()


def _changes(question: Question, edit: QuestionEdit, topic_id: int | None) -> dict:
    wanted = {
        "text": edit.text,
        "options": list(edit.options),
        "correct": sorted(edit.correct),
        "topic_id": topic_id,
        "difficulty": edit.difficulty,
        "explanation": edit.explanation or None,
        "source": edit.source or None,
    }
    return {name: value for name, value in wanted.items() if getattr(question, name) != value}


def logged_value(name: str, value):
    """A question's field as an audit line keeps it: long texts cut (options one by one)."""
    if isinstance(value, str):
        return short(value)
    if name == "options":
        return [short(option) for option in value]
    return value


def edit_details(question: Question, changes: dict, topic: Topic | None, active: bool | None):
    """Before and after of each field changed; the topic by name, the version, in/out of use."""
    before, after = {}, {}
    for name, value in changes.items():
        if name == "topic_id":
            before["topic"] = question.topic.name if question.topic else None
            after["topic"] = topic.name if topic else None
        else:
            before[name] = logged_value(name, getattr(question, name))
            after[name] = logged_value(name, value)
    if changes:
        before["version"], after["version"] = question.version, question.version + 1
    if active is not None:
        before["active"], after["active"] = question.active, active
    return {"before": before, "after": after}


def update_question(
    question: Question, expected_version: int, edit: QuestionEdit, actor: Actor
) -> bool:
    """Save the edit as a new version; False when nothing changed. Putting the question in
    or out of use alone (`edit.active`) keeps its version: what it asks is the same, and it
    is audited as a retirement or a restoration; any other change as an edit, with the
    fields' before and after.

    Attempts already taken keep their own copy of the question (AttemptItem), so they are
    unaffected. Refused when the text repeats another question, or when someone else saved
    a newer version since the form was opened.
    """
    other = duplicate_of(edit.text, question.id)
    if other is not None:
        raise EditRefused("text", f"Nội dung trùng với câu hỏi số {other} đã có trong ngân hàng.")
    topic = topics_by_name([edit.topic_name]).get(edit.topic_name) if edit.topic_name else None
    db.session.flush()
    changes = _changes(question, edit, topic.id if topic else None)
    active_changed = edit.active is not None and edit.active != question.active
    if not changes and not active_changed:
        db.session.rollback()
        return False
    if changes:
        action = "question_edited"
    else:
        action = "question_restored" if edit.active else "question_retired"
    details = edit_details(question, changes, topic, edit.active if active_changed else None)
    values = {"version": Question.version + 1} if changes else {}
    if changes:
        changes["text_key"] = text_key(edit.text)
        changes["search_text"] = fold(" ".join([edit.text, *edit.options]))
    if active_changed:
        values["active"] = edit.active
    result = db.session.execute(
        update(Question)
        .where(Question.id == question.id, Question.version == expected_version)
        .values(**changes, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise EditRefused(
            "text",
            "Câu hỏi vừa được người khác sửa. Hãy tải lại trang để xem bản mới rồi sửa lại.",
        )
    record(actor, action, "question", question.id, details)
    db.session.commit()
    return True


def set_active(question: Question, active: bool, actor: Actor) -> None:
    """Retire (never drawn again) or restore a question; its past attempts are untouched.
    Audited when it changes anything."""
    if question.active != active:
        record(
            actor,
            "question_restored" if active else "question_retired",
            "question",
            question.id,
            {"before": {"active": question.active}, "after": {"active": active}},
        )
    question.active = active
    db.session.commit()

"""What the quiz page shows of an attempt, read as plain rows and prepared for the template.

The page lists every question with its options; rendering from ORM objects cost more than the
rest of the request (a lazy load and hundreds of attribute reads). The right answers are never
read into the page: only how many there are, which decides radio buttons or checkboxes.
"""

from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import Integer, bindparam, select

from contest.extensions import db
from contest.models import AttemptItem

LETTERS = "ABCDEFGHIJ"


@dataclass(frozen=True, slots=True)
class ShownOption:
    # The input and the option's letter, made only of numbers and fixed words: safe markup
    # built once here rather than five escaped expressions per option in the template.
    head: Markup
    text: str


@dataclass(frozen=True, slots=True)
class ShownQuestion:
    position: int
    text: str
    multiple: bool
    options: tuple[ShownOption, ...]


def shown_questions(attempt_id: int) -> list[ShownQuestion]:
    rows = db.session.execute(ATTEMPT_ITEMS, {"attempt": attempt_id})
    return [shown_question(*row) for row in rows]


_item = AttemptItem.__table__.c
# Built once, as the page is loaded by every participant: see answers.py.
ATTEMPT_ITEMS = (
    select(_item.position, _item.text, _item.options, _item.correct, _item.chosen)
    .where(_item.attempt_id == bindparam("attempt", type_=Integer))
    .order_by(_item.position)
)


def shown_question(position, text, options, correct, chosen) -> ShownQuestion:
    picked = set(chosen or ())
    multiple = len(correct) > 1
    kind = "checkbox" if multiple else "radio"
    return ShownQuestion(
        position=position,
        text=text,
        multiple=multiple,
        options=tuple(
            ShownOption(option_head(kind, int(position), index, index in picked), option)
            for index, option in enumerate(options)
        ),
    )


def option_head(kind: str, position: int, index: int, checked: bool) -> Markup:
    mark = " checked" if checked else ""
    return Markup(
        f'<input type="{kind}" name="q{position}" value="{index}"{mark}>'
        f"\n          <span><b>{LETTERS[index]}.</b> "
    )

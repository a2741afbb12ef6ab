"""What the quiz page shows of an attempt, read as plain rows and prepared for the template.

The page lists every question with its options; rendering from ORM objects cost more than the
rest of the request (a lazy load and hundreds of attribute reads). The right answers are never
read into the page: only how many there are, which decides radio buttons or checkboxes.
"""

from dataclasses import dataclass

from sqlalchemy import select

from contest.extensions import db
from contest.models import AttemptItem

LETTERS = "ABCDEFGHIJ"


@dataclass(frozen=True, slots=True)
class ShownOption:
    index: int
    letter: str
    text: str
    checked: bool


@dataclass(frozen=True, slots=True)
class ShownQuestion:
    position: int
    text: str
    multiple: bool
    options: tuple[ShownOption, ...]

    @property
    def input_type(self) -> str:
        return "checkbox" if self.multiple else "radio"


def shown_questions(attempt_id: int) -> list[ShownQuestion]:
    rows = db.session.execute(
        select(
            AttemptItem.position,
            AttemptItem.text,
            AttemptItem.options,
            AttemptItem.correct,
            AttemptItem.chosen,
        )
        .where(AttemptItem.attempt_id == attempt_id)
        .order_by(AttemptItem.position)
    )
    return [shown_question(*row) for row in rows]


def shown_question(position, text, options, correct, chosen) -> ShownQuestion:
    picked = set(chosen or ())
    return ShownQuestion(
        position=position,
        text=text,
        multiple=len(correct) > 1,
        options=tuple(
            ShownOption(index, LETTERS[index], option, index in picked)
            for index, option in enumerate(options)
        ),
    )

"""What the quiz page shows of an attempt, read as plain rows and prepared for the template.

The page lists every question with its options; rendering from ORM objects cost more than the
rest of the request (a lazy load and hundreds of attribute reads). The right answers are never
read into the page: only how many there are, which decides radio buttons or checkboxes.
"""

from markupsafe import Markup, escape
from sqlalchemy import Integer, bindparam, select

from contest.extensions import db
from contest.models import AttemptItem

LETTERS = "ABCDEFGHIJ"


def shown_questions(attempt_id: int) -> list[Markup]:
    """Each question of the attempt as its fieldset, in order."""
    rows = db.session.execute(ATTEMPT_ITEMS, {"attempt": attempt_id})
    return [question_fieldset(*row) for row in rows]


_item = AttemptItem.__table__.c
# Built once, as the page is loaded by every participant: see answers.py.
ATTEMPT_ITEMS = (
    select(_item.position, _item.text, _item.options, _item.correct, _item.chosen)
    .where(_item.attempt_id == bindparam("attempt", type_=Integer))
    .order_by(_item.position)
)


def question_fieldset(position, text, options, correct, chosen) -> Markup:
    """One question with its options as inputs, the saved choice checked.

    Built here rather than in a Jinja loop: 20 questions of 4 options made the loop (an
    attribute lookup and an escape per value) the largest part of the page's cost. Only the
    question's and the options' text come from people, and both are escaped; everything else
    is numbers and fixed words. The markup is what static/quiz.js and the form submission read:
    fieldset.question[data-position], inputs named q<position> valued by shown option index.
    """
    position = int(position)
    picked = set(chosen or ())
    multiple = len(correct) > 1
    kind = "checkbox" if multiple else "radio"
    hint = ' <em class="small">(Chọn tất cả phương án đúng)</em>' if multiple else ""
    lines = [
        f'<fieldset class="question" data-position="{position}">',
        f'  <legend><span class="qno">Câu {position}.</span> {escape(text)}{hint}</legend>',
    ]
    for index, option in enumerate(options):
        mark = " checked" if index in picked else ""
        lines.append(
            f'  <label class="option"><input type="{kind}" name="q{position}" value="{index}"'
            f"{mark}> <span><b>{LETTERS[index]}.</b> {escape(option)}</span></label>"
        )
    lines.append('  <span class="item-state small" aria-live="polite"></span>\n</fieldset>')
    return Markup("\n".join(lines))

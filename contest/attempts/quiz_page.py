"""What the quiz page shows of an attempt, read as plain rows and prepared for the template.

Every participant loads this page, and reloads it; rendering from ORM objects cost more than
the rest of the request (a lazy load and hundreds of attribute reads), so it reads plain rows.
The right answers are never read into the page: only how many there are, which decides radio
buttons or checkboxes.
"""

import json
from html import escape

from markupsafe import Markup
from sqlalchemy import Integer, Row, Text, bindparam, cast, func, select

from contest.extensions import db
from contest.models import Attempt, AttemptItem, Round
from question_bank.models import LETTERS


def find_page(user_id: int, attempt_id: int) -> Row | None:
    """What the page shows of the attempt and its round, if the attempt is this user's.

    The row has the attempt's id, number, question_count, deadline, status and prediction, and
    its round's round_title, prediction_enabled and prediction_prompt.
    """
    return (
        db.session.connection()
        .execute(ATTEMPT_PAGE, {"attempt": attempt_id, "owner": user_id})
        .one_or_none()
    )


def shown_questions(attempt_id: int) -> Markup:
    """Every question of the attempt as its fieldset, in order, as one piece of markup."""
    rows = db.session.connection().execute(ATTEMPT_ITEMS, {"attempt": attempt_id})
    return Markup(
        "\n".join(
            question_fieldset(
                position, text, json.loads(options), right_answers, chosen and json.loads(chosen)
            )
            for position, text, options, right_answers, chosen in rows
        )
    )


_attempt, _round, _item = Attempt.__table__.c, Round.__table__.c, AttemptItem.__table__.c
# Built once, as the page is loaded by every participant: see answers.py. Run on the session's
# connection, without the ORM's handling of each statement, which plain rows do not need.
ATTEMPT_PAGE = (
    select(
        _attempt.id,
        _attempt.number,
        _attempt.question_count,
        _attempt.deadline,
        _attempt.status,
        _attempt.prediction,
        _round.title.label("round_title"),
        _round.prediction_enabled,
        _round.prediction_prompt,
    )
    .join_from(Attempt.__table__, Round.__table__, _attempt.round_id == _round.id)
    .where(
        _attempt.id == bindparam("attempt", type_=Integer),
        _attempt.user_id == bindparam("owner", type_=Integer),
    )
)
# The JSON columns are read as their text and decoded here, the same on SQLite and PostgreSQL;
# of the right answers only their count is read.
ATTEMPT_ITEMS = (
    select(
        _item.position,
        _item.text,
        cast(_item.options, Text),
        func.json_array_length(_item.correct),
        cast(_item.chosen, Text),
    )
    .where(_item.attempt_id == bindparam("attempt", type_=Integer))
    .order_by(_item.position)
)


def question_fieldset(position, text, options, right_answers: int, chosen) -> str:
    """One question with its options as inputs, the saved choice checked.

    Built here rather than in a Jinja loop: 20 questions of 4 options made the loop (an
    attribute lookup and an escape per value) the largest part of the page's cost. Only the
    question's and the options' text come from people, and both are escaped (with the
    standard library's `html.escape`, half the cost of markupsafe's for a plain string);
    everything else is numbers and fixed words. Returns the HTML as a plain string.

    The markup is what static/quiz.js and the form submission read:
    fieldset.question[data-position], inputs named q<position> valued by shown option index.
    """
    position = int(position)
    picked = set(chosen or ())
    multiple = right_answers > 1
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
    return "\n".join(lines)

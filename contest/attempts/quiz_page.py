"""What the quiz page shows of an attempt, read as plain rows and prepared for the template.

Every participant loads this page, and reloads it; rendering from ORM objects cost more than
the rest of the request (a lazy load and hundreds of attribute reads), so it reads plain rows.
The right answers are never read into the page: only how many there are, which decides radio
buttons or checkboxes.
"""

import json
import re
from html import escape

from markupsafe import Markup
from sqlalchemy import Row

from contest.attempts import queries
from contest.extensions import db
from question_bank.models import LETTERS

# A question's own hint in its text: «(Chọn 2 đáp án)», «(chọn nhiều phương án)».
OWN_HINT = re.compile(r"\(\s*chọn\b[^)]*\)", re.IGNORECASE)


def find_page(user_id: int, attempt_id: int) -> Row | None:
    """What the page shows of the attempt and its round, if the attempt is this user's.

    The row has the attempt's id, number, question_count, deadline, status and prediction, and
    its round's round_title, prediction_enabled, prediction_prompt and is_practice.
    """
    return (
        db.session.connection()
        .execute(queries.ATTEMPT_PAGE, queries.attempt_page_params(attempt_id, user_id))
        .one_or_none()
    )


def shown_questions(attempt_id: int) -> Markup:
    """Every question of the attempt as its fieldset, in order, as one piece of markup."""
    rows = db.session.connection().execute(
        queries.ATTEMPT_ITEMS, queries.attempt_items_params(attempt_id)
    )
    return Markup(
        "\n".join(
            question_fieldset(
                position, text, json.loads(options), right_answers, chosen and json.loads(chosen)
            )
            for position, text, options, right_answers, chosen in rows
        )
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
    # One hint: many banks' texts already end with their own «(Chọn 2 đáp án)».
    hint = (
        ' <em class="small">(Chọn tất cả phương án đúng)</em>'
        if multiple and not OWN_HINT.search(text)
        else ""
    )
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

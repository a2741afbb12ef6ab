"""What the quiz page shows of an attempt, read as plain rows and prepared for the template.

Every participant loads this page, and reloads it; rendering from ORM objects cost more than
the rest of the request (a lazy load and hundreds of attribute reads), so it reads plain rows.
The right answers are never read into the page: only how many there are, which decides radio
buttons or checkboxes.
"""

import functools
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
    return quiz_sections(attempt_id)[0]


def quiz_sections(attempt_id: int) -> tuple[Markup, Markup]:
    """The questions' fieldsets and the navigator above them, from one read of the items."""
    fieldsets, answered = [], []
    rows = db.session.connection().execute(
        queries.ATTEMPT_ITEMS, queries.attempt_items_params(attempt_id)
    )
    for position, text, options, right_answers, chosen in rows:
        picked = chosen and json.loads(chosen)
        fieldsets.append(
            question_fieldset(position, text, json.loads(options), right_answers, picked)
        )
        answered.append((int(position), bool(picked)))
    return Markup("\n".join(fieldsets)), Markup(navigator(answered))


# What each cell of the navigator says to a screen reader; its look says the same without
# colour (a filled cell with a tick, a dashed one with dots: static/quiz.css). quiz.js uses
# the same words when a choice changes or its save is acknowledged.
CELL_WORDS = {True: "đã trả lời", False: "chưa trả lời"}
CELL_CLASS = {True: ' class="answered"', False: ""}


@functools.lru_cache(maxsize=1024)
def navigator_cell(position: int, answered: bool) -> str:
    """One cell, a plain link to its question: the same few strings on every page, so built
    once each rather than on every quiz page."""
    return (
        f'<a href="#cau-{position}"{CELL_CLASS[answered]}'
        f' aria-label="Câu {position}: {CELL_WORDS[answered]}">{position}</a>'
    )


def navigator(answered: list[tuple[int, bool]]) -> str:
    """The navigator's numbered cells (it works without script as plain links); `answered` is
    (position, whether a choice is saved) in order."""
    return "".join([navigator_cell(position, done) for position, done in answered])


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
        f'<fieldset class="question" id="cau-{position}" data-position="{position}">',
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


def saved_choices(attempt) -> list[tuple[int, list[int]]]:
    """(position, options chosen) of each question with a saved choice, in order: what the
    hand-in dialog and the confirm page count, whichever tab or device saved it."""
    return [
        (item.position, list(item.chosen))
        for item in sorted(attempt.items, key=lambda item: item.position)
        if item.chosen
    ]

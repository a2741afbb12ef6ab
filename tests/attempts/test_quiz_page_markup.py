"""The quiz page's question fieldsets, built as markup in Python: escaping and choices."""

import random
import re

from contest.attempts.quiz_page import question_fieldset


def test_text_from_people_is_escaped_and_nothing_else_comes_from_them():
    html = str(
        question_fieldset(
            3,
            'Thủ tục <script>alert("x")</script> & "phí"?',
            ["Một <b>cửa</b>", "A & B", "'; DROP", "Đúng"],
            1,
            None,
        )
    )
    assert "<script>" not in html and "<b>cửa</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;phí&quot;?" in html
    assert "Một &lt;b&gt;cửa&lt;/b&gt;" in html and "A &amp; B" in html
    assert "&#x27;; DROP" in html
    assert html.count('type="radio" name="q3"') == 4
    assert 'data-position="3"' in html and "checked" not in html


def test_saved_choices_are_checked_and_several_right_answers_give_checkboxes():
    html = str(question_fieldset(7, "Câu hỏi?", ["A", "B", "C", "D"], 2, [0, 3]))
    inputs = re.findall(r"<input [^>]*>", html)
    assert inputs == [
        '<input type="checkbox" name="q7" value="0" checked>',
        '<input type="checkbox" name="q7" value="1">',
        '<input type="checkbox" name="q7" value="2">',
        '<input type="checkbox" name="q7" value="3" checked>',
    ]
    assert "(Chọn tất cả phương án đúng)" in html
    # The right answers are never in the page: only how many there are shows, as checkboxes.
    assert "correct" not in html


def test_the_page_reads_saved_choices_and_the_count_of_right_answers_from_the_database(app):
    """On each engine: the JSON columns read as text, `null` and SQL NULL both as no choice."""
    from sqlalchemy import update

    from contest.attempts import service as attempts
    from contest.attempts.quiz_page import shown_questions
    from contest.extensions import db
    from contest.models import AttemptItem
    from tests.factories import GRACE, POOL_SECONDS, make_questions, make_round, make_user

    with app.app_context():
        make_questions(30)
        round_ = make_round(question_count=3)
        user = make_user()
        attempt = attempts.start_attempt(
            user, round_, round_.opens_at, random.Random(1), grace=GRACE, pool_seconds=POOL_SECONDS
        )
        items = {item.position: item for item in attempt.items}
        items[1].chosen, items[1].correct = [2], [0, 2]
        db.session.commit()
        db.session.execute(update(AttemptItem).where(AttemptItem.position == 3).values(chosen=None))
        db.session.commit()
        pages = str(shown_questions(attempt.id)).split("\n</fieldset>")[:-1]
    assert [re.search(r'data-position="(\d+)"', page).group(1) for page in pages] == ["1", "2", "3"]
    assert 'type="checkbox" name="q1" value="2" checked' in pages[1 - 1]
    assert pages[0].count(" checked") == 1
    assert 'type="radio"' in pages[1] and " checked" not in pages[1] + pages[2]

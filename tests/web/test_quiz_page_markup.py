"""The quiz page's question fieldsets, built as markup in Python: escaping and choices."""

import re

from contest.services.quiz_page import question_fieldset


def test_text_from_people_is_escaped_and_nothing_else_comes_from_them():
    html = str(
        question_fieldset(
            3,
            'Thủ tục <script>alert("x")</script> & "phí"?',
            ["Một <b>cửa</b>", "A & B", "'; DROP", "Đúng"],
            [1],
            None,
        )
    )
    assert "<script>" not in html and "<b>cửa</b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;phí&#34;?" in html
    assert "Một &lt;b&gt;cửa&lt;/b&gt;" in html and "A &amp; B" in html
    assert "&#39;; DROP" in html
    assert html.count('type="radio" name="q3"') == 4
    assert 'data-position="3"' in html and "checked" not in html


def test_saved_choices_are_checked_and_several_right_answers_give_checkboxes():
    html = str(question_fieldset(7, "Câu hỏi?", ["A", "B", "C", "D"], [0, 2], [0, 3]))
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

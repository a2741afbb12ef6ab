"""JSON columns store Vietnamese as UTF-8 text, and still read values stored with \\u escapes."""

from sqlalchemy import Text, cast, select, text

from contest.extensions import db
from contest.models import Question
from tests.factories import make_questions


def test_options_are_stored_as_utf8_text_and_escaped_ones_read_the_same(app):
    options = ["Một cửa", "Một cửa liên thông", "Dịch vụ công trực tuyến", "Cả ba"]
    with app.app_context():
        question = make_questions(1)[0]
        question.options = options
        db.session.commit()
        stored = db.session.execute(
            select(cast(Question.options, Text)).where(Question.id == question.id)
        ).scalar_one()
        assert "Một cửa" in stored and "\\u" not in stored
        # As json.dumps wrote them before: every letter with a diacritic as an escape.
        escaped = '["M\\u1ed9t c\\u1eeda", "B", "C", "D"]'
        value = "CAST(:options AS JSON)" if app.config["BACKEND"] == "postgresql" else ":options"
        db.session.execute(
            text(f"UPDATE question SET options = {value} WHERE id = :id"),
            {"options": escaped, "id": question.id},
        )
        db.session.commit()
        db.session.expire_all()
        assert db.session.get(Question, question.id).options == ["Một cửa", "B", "C", "D"]

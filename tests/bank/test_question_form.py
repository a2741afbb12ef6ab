"""«Thêm câu hỏi» and «Sửa câu hỏi»: one question in a form, with the import's own checks."""

import random
import re

import pytest
from sqlalchemy import func, select

from contest.attempts import service as attempt_service
from contest.bank.typed_question import TypedQuestion, check_question
from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import Question, Topic
from tests.factories import (
    GRACE,
    POOL_SECONDS,
    csrf_token,
    login,
    make_questions,
    make_round,
    make_user,
)

NEW = "/to-chuc/ngan-hang/them"


def organizer(app, client):
    with app.app_context():
        make_user(phone="0912999999", role="organizer", full_name="Ban Tổ chức")
    login(client, "0912999999")


def new_form(**fields):
    data = {
        "text": "Bộ phận Một cửa cấp xã đặt ở đâu?",
        "option_a": "Tại trụ sở Ủy ban nhân dân xã",
        "option_b": "Tại nhà văn hóa thôn",
        "option_c": "Trên Cổng dịch vụ công",
        "option_d": "",
        "option_e": "",
        "option_f": "",
        "correct": ["A"],
        "topic": "0",
        "new_topic": "",
        "difficulty": "",
        "explanation": "",
        "source": "",
        "active": "y",
        "next": "",
    }
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


def post_new(client, **fields):
    token = csrf_token(client, NEW)
    return client.post(NEW, data=new_form(**fields) | {"csrf_token": token})


def questions_count(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Question)).scalar_one()


def test_a_question_added_by_hand_is_saved_and_drawn_into_attempts(app, client):
    organizer(app, client)
    with app.app_context():
        make_questions(4)
    page = client.get(NEW)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Thêm câu hỏi" in html and 'name="correct" value="F"' in html
    assert re.search(r'<input checked id="active" name="active" type="checkbox"', html)

    response = post_new(
        client,
        text="  Bộ phận Một cửa cấp xã\r\nđặt ở đâu?  ",
        correct=["A", "C"],
        new_topic="Một cửa",
        difficulty="2",
        explanation="Theo quy định về cơ chế một cửa.",
        source="Nghị định số 61/2018/NĐ-CP",
        next="/to-chuc/ngan-hang/?q=mot+cua",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/to-chuc/ngan-hang/?q=mot+cua"
    with app.app_context():
        question = (
            db.session.execute(select(Question).order_by(Question.id.desc())).scalars().first()
        )
        assert question.text == "Bộ phận Một cửa cấp xã\nđặt ở đâu?"
        assert question.options == [
            "Tại trụ sở Ủy ban nhân dân xã",
            "Tại nhà văn hóa thôn",
            "Trên Cổng dịch vụ công",
        ]
        assert question.correct == [0, 2]
        assert (question.difficulty, question.version, question.active) == (2, 1, True)
        assert question.topic.name == "Một cửa"
        assert question.source == "Nghị định số 61/2018/NĐ-CP"
        assert question.explanation == "Theo quy định về cơ chế một cửa."
        new_id = question.id
    listing = client.get("/to-chuc/ngan-hang/", query_string={"q": "mot cua cap xa"})
    page = listing.get_data(as_text=True)
    assert f"Đã thêm câu hỏi số {new_id}." in page and "Bộ phận Một cửa cấp xã" in page

    with app.app_context():
        round_ = make_round(question_count=5, attempts_allowed=None)
        user = make_user(phone="0914000001")
        attempt = attempt_service.start_attempt(
            user, round_, utcnow(), random.Random(1), grace=GRACE, pool_seconds=POOL_SECONDS
        )
        item = next(item for item in attempt.items if item.question_id == new_id)
        assert item.question_version == 1 and sorted(item.options) == sorted(question.options)
        shown_right = sorted(item.options[position] for position in item.correct)
        assert shown_right == ["Trên Cổng dịch vụ công", "Tại trụ sở Ủy ban nhân dân xã"]


def test_save_and_new_comes_back_to_an_empty_form_and_a_retired_one_is_never_drawn(app, client):
    organizer(app, client)
    with app.app_context():
        make_questions(3)
    response = post_new(client, active=None, submit_and_new="Lưu và thêm câu khác")
    assert response.status_code == 302 and response.headers["Location"].endswith("/them")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã thêm câu hỏi số 4." in html and "Bộ phận Một cửa cấp xã" not in html
    with app.app_context():
        question = db.session.get(Question, 4)
        assert question.active is False
        round_ = make_round(question_count=3, attempts_allowed=None)
        for number in range(3):
            user = make_user(phone=f"09140000{number:02d}")
            attempt = attempt_service.start_attempt(
                user, round_, utcnow(), random.Random(number), grace=GRACE, pool_seconds=30
            )
            assert 4 not in {item.question_id for item in attempt.items}


LONG = "x" * 2001
# Situational questions run long: a question may hold 10,000 characters, an option 2,000.
LONG_QUESTION = "x" * 10_001


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"text": "   "}, "text", "Vui lòng nhập nội dung câu hỏi."),
        (
            {"text": "", "option_a": "", "option_b": "", "option_c": "", "correct": []},
            "text",
            "Vui lòng nhập nội dung câu hỏi.",
        ),
        (
            {"option_b": "", "option_c": ""},
            "option_b",
            "Câu hỏi chỉ có 1 phương án, cần ít nhất 2.",
        ),
        ({"correct": []}, "correct", "Vui lòng chọn ít nhất một đáp án đúng."),
        ({"correct": ["D"]}, "correct", "Đáp án “D” trỏ tới phương án trống."),
        ({"correct": ["A", "E"]}, "correct", "Đáp án “E” trỏ tới phương án trống."),
        ({"correct": ["Z"]}, "correct", "không phải chữ cái của phương án (A–F)"),
        ({"difficulty": "9"}, "difficulty", "Mức độ “9” không hợp lệ"),
        (
            {"text": LONG_QUESTION},
            "text",
            "Câu hỏi dài 10.001 ký tự, vượt giới hạn 10.000 ký tự của một câu hỏi.",
        ),
        (
            {"option_c": LONG},
            "option_c",
            "Phương án dài 2.001 ký tự, vượt giới hạn 2.000 ký tự của một phương án.",
        ),
        ({"explanation": LONG}, "explanation", "Nội dung dài 2.001 ký tự"),
        (
            {"text": "  câu hỏi số 2 về   thủ tục HÀNH CHÍNH? "},
            "text",
            "Câu hỏi đã có trong ngân hàng câu hỏi (câu hỏi số 2).",
        ),
        ({"topic": "999"}, "topic", "Chủ đề không có trong danh sách."),
        ({"new_topic": "c" * 201}, "new_topic", "Tên chủ đề dài quá 200 ký tự."),
        ({"source": "s" * 501}, "source", "Căn cứ, nguồn dài 501 ký tự, vượt giới hạn 500 ký tự."),
    ],
)
def test_every_refusal_is_a_422_with_the_message_at_its_field(app, client, fields, field, message):
    organizer(app, client)
    with app.app_context():
        make_questions(3)
    response = post_new(client, **fields)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Câu hỏi chưa được lưu." in html
    # The message sits inside the field's own block (the fieldset for the answers).
    if field == "correct":
        block = html.split('<fieldset class="field options has-error"')[1].split("</fieldset>")[0]
    else:
        block = re.search(
            rf'<div class="field[^"]*has-error">\s*<label for="{field}".*?</div>', html, re.S
        )
        assert block, html
        block = block.group(0)
    assert message in block
    assert questions_count(app) == 3


def test_a_refused_form_keeps_what_was_typed_escaped(app, client):
    organizer(app, client)
    script = "<script>alert(1)</script>"
    response = post_new(client, text=f"Câu {script}?", option_b=script, correct=["B", "D"])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert script not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert re.search(r'value="B"[^>]*checked', html) and re.search(r'value="D"[^>]*checked', html)


def test_a_gap_in_the_options_is_closed_as_the_import_does_and_said(app, client):
    organizer(app, client)
    response = post_new(client, option_b="", correct=["C"])
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Phương án B để trống; các phương án sau được dồn lên (C → B)" in page
    with app.app_context():
        question = db.session.execute(select(Question)).scalar_one()
        assert question.options == ["Tại trụ sở Ủy ban nhân dân xã", "Trên Cổng dịch vụ công"]
        assert question.correct == [1]


def test_control_characters_are_removed_with_a_warning(app, client):
    organizer(app, client)
    response = post_new(client, text="Câu hỏi\x07 có ký tự lạ?")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã xoá 1 ký tự điều khiển" in page
    with app.app_context():
        assert db.session.execute(select(Question.text)).scalar_one() == "Câu hỏi có ký tự lạ?"


def test_an_existing_topic_is_chosen_from_the_list(app, client):
    organizer(app, client)
    with app.app_context():
        topic_id = make_questions(2, topic_names=("Dịch vụ công",))[0].topic_id
    assert post_new(client, topic=str(topic_id)).status_code == 302
    with app.app_context():
        added = db.session.get(Question, 3)
        assert added.topic_id == topic_id
        assert db.session.execute(select(func.count()).select_from(Topic)).scalar_one() == 1


def test_the_checks_are_the_imports_on_a_row_built_from_the_form(app):
    with app.app_context():
        make_questions(2)
        ok = check_question(TypedQuestion("Câu mới?", ["Có", "Không"], "b", difficulty="Khó"))
        assert ok.ok and ok.question.correct == (1,) and ok.question.difficulty == 3
        # The option's text as the answer, as a spreadsheet may give it.
        by_text = check_question(TypedQuestion("Câu khác?", ["Có", "Không"], "Không"))
        assert by_text.ok and by_text.question.correct == (1,)
        # A question is not a duplicate of itself when it is the one edited.
        itself = check_question(
            TypedQuestion("Câu hỏi số 1 về thủ tục hành chính?", ["Có", "Không"], "A"), 1
        )
        assert itself.ok
        other = check_question(
            TypedQuestion("Câu hỏi số 1 về thủ tục hành chính?", ["Có", "Không"], "A"), 2
        )
        assert other.errors == {"text": ["Câu hỏi đã có trong ngân hàng câu hỏi (câu hỏi số 1)."]}


def test_edit_the_answers_with_checkboxes_and_retire_without_a_new_version(app, client):
    organizer(app, client)
    with app.app_context():
        question = make_questions(3)[0]
        question_id, text, options = question.id, question.text, list(question.options)
        # Drawn once: the page says the attempt keeps its copy.
        round_ = make_round(question_count=3, attempts_allowed=None)
        attempt_service.start_attempt(
            make_user(phone="0914000001"),
            round_,
            utcnow(),
            random.Random(1),
            grace=GRACE,
            pool_seconds=POOL_SECONDS,
        )
    path = f"/to-chuc/ngan-hang/{question_id}/sua"
    html = client.get(path).get_data(as_text=True)
    assert re.search(r'name="correct" value="A"[^>]*checked', html)
    assert not re.search(r'name="correct" value="B"[^>]*checked', html)
    assert "Câu hỏi đã được rút vào 1 lượt thi" in html and "điểm đã chấm không thay đổi" in html
    token = csrf_token(client, path)
    base = {
        "csrf_token": token,
        "version": "1",
        "text": text,
        **{f"option_{letter}": value for letter, value in zip("abcd", options, strict=True)},
        "correct": ["A"],
        "topic": "1",
        "difficulty": "1",
    }
    response = client.post(path, data=base)  # no "active": taken out of use
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.get(Question, question_id)
        assert (stored.active, stored.version) == (False, 1)
    response = client.post(path, data=base | {"active": "y", "correct": ["A", "D"]})
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.get(Question, question_id)
        assert (stored.active, stored.version, stored.correct) == (True, 2, [0, 3])


def test_participants_cannot_add_questions(app, client):
    with app.app_context():
        make_user(phone="0914000009")
    login(client, "0914000009")
    assert client.get(NEW).status_code == 403
    token = csrf_token(client, "/")
    assert client.post(NEW, data=new_form() | {"csrf_token": token}).status_code == 403
    assert questions_count(app) == 0


def test_a_form_without_its_csrf_token_is_refused(app, client):
    organizer(app, client)
    assert client.post(NEW, data=new_form()).status_code == 400
    assert questions_count(app) == 0


def test_the_import_refuses_a_topic_or_source_longer_than_stored_as_the_form_does(app, client):
    from tests.bank.test_bank_web import post_file, run_import, uploaded_id, workbook

    organizer(app, client)
    rows = [
        [1, "Câu có chủ đề dài?", "X", "Y", "", "A", "c" * 201, "Dễ"],
        [2, "Câu có căn cứ dài?", "X", "Y", "", "A", "Chung", "Dễ", "s" * 501],
        [3, "Câu bình thường?", "X", "Y", "", "A", "Chung", "Dễ", "s" * 500],
    ]
    upload_id = uploaded_id(post_file(client, workbook(rows)))
    html = client.get(f"/to-chuc/ngan-hang/nhap/{upload_id}").get_data(as_text=True)
    assert "Tên chủ đề dài 201 ký tự, vượt giới hạn 200 ký tự." in html
    assert "Căn cứ, nguồn dài 501 ký tự, vượt giới hạn 500 ký tự." in html
    response = run_import(client, upload_id)
    assert response.status_code == 302  # refused as a whole, never a 500 from the database
    assert questions_count(app) == 0

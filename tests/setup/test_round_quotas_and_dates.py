"""The round form: dates typed as dd/mm/yyyy HH:MM (Vietnam time), quotas per topic and per
difficulty checked against the active bank, with the missing counts."""

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from contest.extensions import db
from contest.models import Question, Round
from tests.factories import csrf_token, make_round
from tests.setup.test_round_settings import FORM, organizer

# The bank of `organizer`: 20 questions, topics alternating (Một cửa, Điện tử), difficulties
# cycling Dễ, Trung bình, Khó: 7 easy, 7 medium, 6 hard; "Một cửa" has 4 easy, 3 medium, 3 hard.


def post_new(client, contest_id, **changes):
    data = {**FORM, "csrf_token": csrf_token(client), **changes}
    return client.post(f"/to-chuc/cuoc-thi/{contest_id}/vong-moi", data=data)


def no_round_saved(app) -> bool:
    with app.app_context():
        return db.session.execute(select(Round)).first() is None


def test_the_form_shows_and_reads_dates_as_vietnamese_type_them(app):
    client, contest_id = organizer(app)
    with app.app_context():
        from contest.models import Contest

        round_id = make_round(
            db.session.get(Contest, contest_id),
            opens_at=datetime(2026, 12, 9, 1, 0),  # 08:00 on 9 December in Vietnam
            closes_at=datetime(2026, 12, 16, 1, 0),
        ).id
    html = client.get(f"/to-chuc/vong/{round_id}/sua").get_data(as_text=True)
    assert 'value="09/12/2026 08:00"' in html and 'value="16/12/2026 08:00"' in html
    assert 'placeholder="dd/mm/yyyy HH:MM"' in html
    assert 'type="datetime-local"' not in html
    response = post_new(client, contest_id, opens_at="1/2/2027 7:30", closes_at="08/02/2027 17:45")
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.execute(select(Round).where(Round.id != round_id)).scalar_one()
        assert (saved.opens_at, saved.closes_at) == (
            datetime(2027, 2, 1, 0, 30),
            datetime(2027, 2, 8, 10, 45),
        )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026-12-07T08:00", "không đúng dạng dd/mm/yyyy HH:MM"),
        ("31/02/2027 08:00", "không có trong lịch"),
        ("07/12/2026 24:00", "giờ 24 không có"),
        ("", "Nhập thời điểm mở."),
        ("<script>", "không đúng dạng"),
    ],
)
def test_dates_that_are_not_dates_get_a_vietnamese_message(app, typed, message):
    client, contest_id = organizer(app)
    response = post_new(client, contest_id, opens_at=typed)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert "<script>" not in response.get_data(as_text=True)  # the typed text is escaped
    assert no_round_saved(app)


def test_a_difficulty_quota_the_bank_cannot_fill_names_the_missing_count(app):
    client, contest_id = organizer(app)
    html = post_new(client, contest_id, difficulty_3="8").get_data(as_text=True)
    assert "Ngân hàng chỉ có 6 câu hỏi mức Khó đang dùng, vòng thi cần 8 (thiếu 2)." in html
    assert no_round_saved(app)


def test_only_active_questions_count(app):
    client, contest_id = organizer(app)
    with app.app_context():
        hard = db.session.execute(select(Question).filter_by(difficulty=3)).scalars().all()
        for question in hard[:3]:
            question.active = False
        db.session.commit()
    html = post_new(client, contest_id, difficulty_3="5").get_data(as_text=True)
    assert "Ngân hàng chỉ có 3 câu hỏi mức Khó đang dùng, vòng thi cần 5 (thiếu 2)." in html


def test_every_shortfall_is_listed_beside_its_field(app):
    client, contest_id = organizer(app)
    html = post_new(
        client, contest_id, question_count="15", quota_1="11", difficulty_3="7", difficulty_2="8"
    ).get_data(as_text=True)
    assert (
        "Ngân hàng chỉ có 10 câu hỏi chủ đề «Một cửa» đang dùng, vòng thi cần 11 (thiếu 1)." in html
    )
    assert "Ngân hàng chỉ có 6 câu hỏi mức Khó đang dùng, vòng thi cần 7 (thiếu 1)." in html
    assert "Ngân hàng chỉ có 7 câu hỏi mức Trung bình đang dùng, vòng thi cần 8 (thiếu 1)." in html
    assert "Tổng số câu theo mức độ là 15" not in html  # 7 + 8 = 15 fits 15 questions
    assert no_round_saved(app)


def test_quotas_adding_up_to_more_than_the_questions_of_an_attempt(app):
    client, contest_id = organizer(app)
    html = post_new(
        client, contest_id, question_count="5", difficulty_1="3", difficulty_2="3"
    ).get_data(as_text=True)
    assert "Tổng số câu theo mức độ là 6, nhiều hơn số câu mỗi lượt (5)" in html
    html = post_new(client, contest_id, question_count="5", quota_1="3", quota_2="3").get_data(
        as_text=True
    )
    assert "Tổng số câu theo chủ đề là 6, nhiều hơn số câu mỗi lượt (5)" in html
    assert no_round_saved(app)


def test_topic_and_difficulty_quotas_that_only_fail_together(app):
    """All 10 questions of "Một cửa" (3 of them hard) and 6 hard ones: at least 13 questions
    (10 + the 3 hard ones of "Điện tử"), not 12."""
    client, contest_id = organizer(app)
    html = post_new(
        client, contest_id, question_count="12", quota_1="10", difficulty_3="6"
    ).get_data(as_text=True)
    assert (
        "Ngân hàng không đủ câu hỏi để cùng lúc đáp ứng số câu theo chủ đề và theo mức độ: "
        "cần ít nhất 13 câu mỗi lượt, vòng thi đặt 12 câu (thiếu 1)."
    ) in html
    assert no_round_saved(app)
    assert (
        post_new(
            client, contest_id, question_count="13", quota_1="10", difficulty_3="6"
        ).status_code
        == 302
    )


def test_quotas_that_fit_are_saved_and_shown_again(app):
    client, contest_id = organizer(app)
    response = post_new(client, contest_id, quota_1="3", difficulty_3="4", difficulty_1="")
    assert response.status_code == 302
    with app.app_context():
        round_ = db.session.execute(select(Round)).scalar_one()
        assert round_.topic_quotas == {"1": 3}
        assert round_.difficulty_quotas == {"3": 4}
        round_id = round_.id
    html = client.get(f"/to-chuc/vong/{round_id}/sua").get_data(as_text=True)
    field = re.search(r'<input[^>]*id="difficulty_3"[^>]*>', html).group(0)
    assert 'value="4"' in field


@pytest.mark.parametrize("typed", ["abc", "-1", "201", "1.5", "１２", "9" * 5000])
def test_a_quota_that_is_not_a_number_is_refused_in_vietnamese(app, typed):
    client, contest_id = organizer(app)
    html = post_new(client, contest_id, difficulty_2=typed).get_data(as_text=True)
    assert "Nhập số nguyên từ 0 đến 200." in html
    html = post_new(client, contest_id, quota_1=typed).get_data(as_text=True)
    assert "Nhập số nguyên từ 0 đến 200." in html
    assert "Not a valid" not in html
    assert no_round_saved(app)


def test_attempt_rules_are_saved(app):
    client, contest_id = organizer(app)
    response = post_new(
        client, contest_id, attempts_allowed="5", one_attempt_per_day="y", minimum_wait_minutes="45"
    )
    assert response.status_code == 302
    with app.app_context():
        round_ = db.session.execute(select(Round)).scalar_one()
        assert (round_.attempts_allowed, round_.one_attempt_per_day) == (5, True)
        assert round_.minimum_wait_minutes == 45

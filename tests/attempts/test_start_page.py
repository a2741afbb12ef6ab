"""The round's start page: what the attempt is, and the two presses that start it."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import Attempt
from tests.attempts.test_quiz import attempt_id_from, setup_round, start
from tests.factories import csrf_token, login, make_contest, make_round


def attempts(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Attempt))


def test_the_start_page_says_what_the_attempt_is_and_starts_nothing(app, client):
    round_id = setup_round(
        app,
        question_count=12,
        time_limit=900,
        attempts_allowed=3,
        counted_attempt="first",
        prediction_enabled=True,
        prediction_prompt="Bao nhiêu người dự thi?",
        one_attempt_per_day=False,
        minimum_wait_minutes=30,
    )
    login(client, "0912000001")
    response = client.get(f"/vong/{round_id}/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(r'id="start-questions">12 câu<', html)
    assert "15 phút cho mỗi lượt" in html
    assert "Đã dùng 0/3 lượt, còn 3 lượt" in html
    assert "Chỉ lượt thi đầu tiên được tính" in html
    assert "Bao nhiêu người dự thi?" in html
    assert "ít nhất 30 phút" in html
    assert "Mỗi ngày chỉ được thi một lượt" not in html
    assert re.search(r'href="/cuoc-thi/[^"]+/the-le"', html)
    # The first press is a plain GET (the confirm step without JavaScript); the POST is hidden.
    assert 'id="start-first">' in html and 'id="start-confirm" hidden>' in html
    assert "Bấm lần nữa để bắt đầu — đồng hồ sẽ chạy ngay" in html
    assert 'src="/static/start.js' in html and "<script>" not in html
    assert attempts(app) == 0


def test_the_confirm_step_without_javascript_then_one_post_starts(app, client):
    round_id = setup_round(app)
    login(client, "0912000001")
    html = client.get(f"/vong/{round_id}/?xac-nhan=1").get_data(as_text=True)
    assert 'id="start-first" hidden>' in html and 'id="start-confirm">' in html
    assert f'action="/vong/{round_id}/bat-dau"' in html
    assert attempts(app) == 0
    attempt_id = attempt_id_from(start(client, round_id))
    # Idempotent: a second POST (a third tap, a reload) resumes the same attempt.
    assert attempt_id_from(start(client, round_id)) == attempt_id
    assert attempts(app) == 1
    html = client.get(f"/vong/{round_id}/").get_data(as_text=True)
    assert f'href="/bai-thi/{attempt_id}"' in html and "Tiếp tục làm bài" in html
    assert 'id="start-confirm"' not in html


def test_the_start_page_says_why_not_instead_of_the_button(app, client):
    round_id = setup_round(app, attempts_allowed=1, one_attempt_per_day=True)
    login(client, "0912000001")
    html = client.get(f"/vong/{round_id}/").get_data(as_text=True)
    assert "Mỗi ngày chỉ được thi một lượt" in html
    assert 'id="start-counted"' not in html  # one attempt: nothing to choose between
    attempt_id = attempt_id_from(start(client, round_id))
    token = csrf_token(client)
    client.post(f"/bai-thi/{attempt_id}/nop-bai", data={"csrf_token": token, "confirm": "1"})
    html = client.get(f"/vong/{round_id}/").get_data(as_text=True)
    assert "Đã dùng 1/1 lượt, còn 0 lượt" in html
    assert 'id="start-refusal">Bạn đã dùng hết số lượt thi' in html
    assert 'id="start-first"' not in html


def test_a_round_not_open_yet_and_unlimited_attempts(app, client):
    with app.app_context():
        now = utcnow()
        round_id = make_round(
            opens_at=now + timedelta(days=1),
            closes_at=now + timedelta(days=2),
            attempts_allowed=None,
        ).id
    setup_round(app)
    login(client, "0912000001")
    html = client.get(f"/vong/{round_id}/").get_data(as_text=True)
    assert "không giới hạn số lượt" in html
    assert "Vòng thi chưa mở." in html and 'id="start-first"' not in html


def test_bad_ids_and_hidden_contests_are_404_never_500(app, client):
    with app.app_context():
        draft_round = make_round(make_contest(status="draft")).id
    setup_round(app)
    login(client, "0912000001")
    for path in (
        "/vong/999999/",
        f"/vong/{draft_round}/",
        "/vong/999999/?xac-nhan=1",
        "/bai-thi/999999",
        "/bai-thi/999999/ket-qua",
    ):
        assert client.get(path).status_code == 404, path
    assert client.get("/vong/abc/").status_code == 404
    token = csrf_token(client)
    assert client.post("/vong/999999/bat-dau", data={"csrf_token": token}).status_code == 404


def test_anonymous_is_sent_to_log_in(app, client):
    round_id = setup_round(app)
    response = client.get(f"/vong/{round_id}/")
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


def test_the_home_page_leads_to_the_start_page(app, client):
    round_id = setup_round(app)
    login(client, "0912000001")
    html = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert f'href="/vong/{round_id}/"' in html
    assert "/bat-dau" not in html

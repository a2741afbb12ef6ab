"""The start's rules: one attempt a Vietnam day, the wait between two, the contest's required
profile fields, minimum age and access code, and difficulty quotas at the draw."""

import random
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from contest.attempts import service
from contest.extensions import db
from contest.models import Attempt, Contest, ContestAccess, Question, User
from tests.factories import (
    GRACE,
    POOL_SECONDS,
    csrf_token,
    login,
    make_contest,
    make_questions,
    make_round,
    make_user,
)

# The round runs from 1 to 10 December 2026 (UTC); Vietnam is UTC+7.
OPENS, CLOSES = datetime(2026, 12, 1, 0, 0), datetime(2026, 12, 10, 0, 0)


def vietnam(day: int, hour: int, minute: int) -> datetime:
    """A moment of December 2026 given in Vietnam time, as stored (naive UTC)."""
    return datetime(2026, 12, day, hour, minute) - timedelta(hours=7)


@pytest.fixture
def ctx(app):
    with app.app_context():
        make_questions(30, topic_names=("Một cửa", "Dịch vụ công"))
        yield app


def start(user, round_, now):
    return service.start_attempt(
        user, round_, now, random.Random(1), grace=GRACE, pool_seconds=POOL_SECONDS
    )


def start_and_submit(user, round_, now):
    attempt = start(user, round_, now)
    service.submit_attempt(attempt, now + timedelta(minutes=5), GRACE)
    return attempt


def refusal_of(user, round_, now) -> service.AttemptRefused:
    with pytest.raises(service.AttemptRefused) as refused:
        start(user, round_, now)
    return refused.value


def test_one_attempt_a_day_counts_days_from_midnight_in_vietnam(ctx):
    round_ = make_round(
        opens_at=OPENS, closes_at=CLOSES, attempts_allowed=None, one_attempt_per_day=True
    )
    user = make_user()
    # 23:50 on the 3rd and 00:10 on the 4th (Vietnam time) are two days: both allowed, though
    # both fall on 3 December in UTC.
    start_and_submit(user, round_, vietnam(3, 23, 50))
    start_and_submit(user, round_, vietnam(4, 0, 10))
    # 23:50 on the 4th is the same Vietnam day as 00:10: refused until midnight.
    refusal = refusal_of(user, round_, vietnam(4, 23, 50))
    assert refusal.code == "one_attempt_per_day"
    assert refusal.message == (
        "Mỗi ngày chỉ được thi một lượt ở vòng này (tính theo giờ Việt Nam). "
        "Bạn có thể thi lượt tiếp theo từ 05/12/2026 00:00 (giờ Việt Nam)."
    )
    start_and_submit(user, round_, vietnam(5, 0, 0))
    assert db.session.execute(select(Attempt.number).order_by(Attempt.number)).scalars().all() == [
        1,
        2,
        3,
    ]


def test_one_a_day_on_the_last_day_says_no_attempt_is_left(ctx):
    round_ = make_round(
        opens_at=OPENS, closes_at=vietnam(9, 20, 0), attempts_allowed=None, one_attempt_per_day=True
    )
    user = make_user()
    start_and_submit(user, round_, vietnam(9, 8, 0))
    refusal = refusal_of(user, round_, vietnam(9, 10, 0))
    assert "Vòng thi kết thúc lúc 09/12/2026 20:00 (giờ Việt Nam)" in refusal.message
    assert "không thể thi thêm lượt nào" in refusal.message


def test_minimum_wait_counts_from_the_previous_start(ctx):
    round_ = make_round(
        opens_at=OPENS, closes_at=CLOSES, attempts_allowed=None, minimum_wait_minutes=30
    )
    user = make_user()
    first = vietnam(3, 9, 0) + timedelta(seconds=20)
    start_and_submit(user, round_, first)
    refusal = refusal_of(user, round_, vietnam(3, 9, 29))
    assert refusal.code == "minimum_wait"
    # 09:30:20 is shown as 09:31: never a time at which the start would still be refused.
    assert refusal.message == (
        "Hai lượt thi phải cách nhau ít nhất 30 phút. "
        "Bạn có thể thi lượt tiếp theo từ 03/12/2026 09:31 (giờ Việt Nam)."
    )
    start_and_submit(user, round_, first + timedelta(minutes=30))


def test_both_rules_give_the_later_time(ctx):
    round_ = make_round(
        opens_at=OPENS,
        closes_at=CLOSES,
        attempts_allowed=None,
        one_attempt_per_day=True,
        minimum_wait_minutes=120,
    )
    user = make_user()
    start_and_submit(user, round_, vietnam(3, 23, 0))
    refusal = refusal_of(user, round_, vietnam(4, 0, 30))  # a new day, but not 2 hours yet
    assert refusal.code == "minimum_wait"
    assert "từ 04/12/2026 01:00" in refusal.message
    refusal = refusal_of(user, round_, vietnam(3, 23, 30))
    assert "từ 04/12/2026 01:00" in refusal.message  # midnight is earlier than the wait's end


def test_attempts_allowed_comes_first_and_a_start_in_progress_is_resumed(ctx):
    round_ = make_round(
        opens_at=OPENS, closes_at=CLOSES, attempts_allowed=2, one_attempt_per_day=True
    )
    user = make_user()
    open_attempt = start(user, round_, vietnam(3, 8, 0))
    # Pressing start again the same day resumes it: the day rule is about new attempts.
    assert start(user, round_, vietnam(3, 8, 5)).id == open_attempt.id
    service.submit_attempt(open_attempt, vietnam(3, 8, 6), GRACE)
    start_and_submit(user, round_, vietnam(4, 8, 0))
    assert refusal_of(user, round_, vietnam(6, 8, 0)).code == "no_attempts_left"


def test_required_profile_fields_are_listed_by_name(ctx):
    contest = make_contest()
    contest.required_fields = ["national_id", "address", "phone"]
    db.session.commit()
    round_ = make_round(contest, opens_at=OPENS, closes_at=CLOSES)
    user = make_user(national_id=None, address="  ")
    refusal = refusal_of(user, round_, vietnam(3, 8, 0))
    assert isinstance(refusal, service.ProfileIncomplete)
    assert refusal.missing == ["Số CCCD", "Địa chỉ"]
    assert "Số CCCD, Địa chỉ" in refusal.message
    user.national_id = "001099012345"
    user.address = "12 Lê Lợi, Huế"
    db.session.commit()
    assert start(user, round_, vietnam(3, 8, 0)).number == 1


def test_minimum_age_on_the_vietnam_day_of_the_start(ctx):
    contest = make_contest()
    contest.minimum_age = 18
    db.session.commit()
    round_ = make_round(contest, opens_at=OPENS, closes_at=CLOSES)
    unknown = make_user(phone="0912000001")
    refusal = refusal_of(unknown, round_, vietnam(3, 8, 0))
    assert refusal.code == "profile_incomplete" and refusal.missing == ["Ngày sinh"]
    assert "từ 18 tuổi trở lên" in refusal.message
    # 18 on 4 December 2026: not yet at 23:59 on the 3rd, Vietnam time, already at 00:00.
    young = make_user(phone="0912000002", date_of_birth=date(2008, 12, 4))
    assert refusal_of(young, round_, vietnam(3, 23, 59)).code == "too_young"
    assert start(young, round_, vietnam(4, 0, 0)).number == 1
    assert service.age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert service.age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


def test_difficulty_and_topic_quotas_at_the_start(ctx):
    round_ = make_round(
        opens_at=OPENS,
        closes_at=CLOSES,
        question_count=8,
        topic_quotas={"1": 3},
        difficulty_quotas={"3": 4, "1": 2},
    )
    for number in range(1, 6):
        attempt = service.start_attempt(
            make_user(phone=f"091200001{number}"),
            round_,
            vietnam(3, 8, 0),
            random.Random(number),
            grace=GRACE,
            pool_seconds=POOL_SECONDS,
        )
        questions = [db.session.get(Question, item.question_id) for item in attempt.items]
        assert len({q.id for q in questions}) == 8
        assert sum(q.topic_id == 1 for q in questions) >= 3
        assert sum(q.difficulty == 3 for q in questions) >= 4
        assert sum(q.difficulty == 1 for q in questions) >= 2


def test_a_question_given_another_difficulty_is_not_drawn_for_its_old_quota(ctx):
    round_ = make_round(
        opens_at=OPENS, closes_at=CLOSES, question_count=10, difficulty_quotas={"3": 10}
    )
    start(make_user(phone="0912000001"), round_, vietnam(3, 8, 0))  # the worker's copy
    hard = db.session.execute(select(Question).filter_by(difficulty=3)).scalars().all()
    hard[0].difficulty = 1
    db.session.commit()
    with pytest.raises(service.AttemptRefused) as refused:
        start(make_user(phone="0912000002"), round_, vietnam(3, 8, 0))
    assert refused.value.code == "bank_too_small"  # 9 hard questions left for a quota of 10


# Through the pages: the access code, the profile page, the clock of the app.


def participant_client(app, **contest_settings):
    with app.app_context():
        make_questions(20)
        contest = make_contest()
        for name, value in contest_settings.items():
            setattr(contest, name, value)
        db.session.commit()
        round_id = make_round(contest, opens_at=OPENS, closes_at=CLOSES, attempts_allowed=None).id
        make_user(phone="0912000001")
    app.config["CLOCK"] = lambda: vietnam(3, 9, 0)
    client = app.test_client()
    login(client, "0912000001")
    return client, round_id


def post_start(client, round_id, **data):
    token = csrf_token(client, "/bai-thi-cua-toi")
    return client.post(f"/vong/{round_id}/bat-dau", data={"csrf_token": token, **data})


def test_the_access_code_is_asked_once(app):
    client, round_id = participant_client(app, access_code="HUE-2026")
    page = post_start(client, round_id)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Nhập mã dự thi" in html and f"/vong/{round_id}/ma-du-thi" in html
    token = csrf_token(client, "/bai-thi-cua-toi")
    wrong = client.post(
        f"/vong/{round_id}/ma-du-thi", data={"csrf_token": token, "access_code": "HUE-2025"}
    )
    assert wrong.status_code == 403
    assert "Mã dự thi không đúng." in wrong.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(ContestAccess)).first() is None
        assert db.session.execute(select(Attempt)).first() is None
    # Spaces around and letter case do not count.
    right = client.post(
        f"/vong/{round_id}/ma-du-thi", data={"csrf_token": token, "access_code": " hue-2026 "}
    )
    assert right.status_code == 302 and "/bai-thi/" in right.headers["Location"]
    attempt_id = int(re.search(r"/bai-thi/(\d+)", right.headers["Location"]).group(1))
    # Starting again resumes the attempt; after handing it in, the next start asks nothing.
    assert post_start(client, round_id).headers["Location"].endswith(f"/bai-thi/{attempt_id}")
    client.post(f"/bai-thi/{attempt_id}/nop-bai", data={"csrf_token": token, "confirm": "1"})
    again = post_start(client, round_id)
    assert again.status_code == 302 and "/bai-thi/" in again.headers["Location"]
    with app.app_context():
        assert len(db.session.execute(select(ContestAccess)).all()) == 1
        assert len(db.session.execute(select(Attempt)).all()) == 2


def test_an_empty_or_huge_access_code_is_refused_without_an_error(app):
    client, round_id = participant_client(app, access_code="HUE-2026")
    token = csrf_token(client, "/bai-thi-cua-toi")
    for typed in ("", "x" * 5000, "mã có dấu ở Huế"):
        response = client.post(
            f"/vong/{round_id}/ma-du-thi", data={"csrf_token": token, "access_code": typed}
        )
        assert response.status_code == 403
    missing = client.post(f"/vong/{round_id + 50}/ma-du-thi", data={"csrf_token": token})
    assert missing.status_code == 404


def test_the_profile_page_lists_what_is_missing(app):
    client, round_id = participant_client(app, required_fields=["national_id", "date_of_birth"])
    with app.app_context():
        user = db.session.execute(select(User).filter_by(phone="0912000001")).scalar_one()
        user.date_of_birth = date(1990, 5, 1)
        db.session.commit()
    page = post_start(client, round_id)
    assert page.status_code == 403
    html = page.get_data(as_text=True)
    assert "<li>Số CCCD</li>" in html and "Ngày sinh</li>" not in html
    assert 'href="/tai-khoan/ho-so"' in html


def test_the_day_rule_through_the_start_button_uses_the_apps_clock(app):
    with app.app_context():
        make_questions(20)
        round_id = make_round(
            opens_at=OPENS, closes_at=CLOSES, attempts_allowed=None, one_attempt_per_day=True
        ).id
        make_user(phone="0912000001")
    client = app.test_client()
    login(client, "0912000001")
    app.config["CLOCK"] = lambda: vietnam(3, 23, 50)
    first = post_start(client, round_id)
    attempt_id = int(re.search(r"/bai-thi/(\d+)", first.headers["Location"]).group(1))
    token = csrf_token(client, "/bai-thi-cua-toi")
    client.post(f"/bai-thi/{attempt_id}/nop-bai", data={"csrf_token": token, "confirm": "1"})
    app.config["CLOCK"] = lambda: vietnam(3, 23, 55)
    refused = post_start(client, round_id)
    assert refused.status_code == 302 and "/bai-thi/" not in refused.headers["Location"]
    home = client.get(refused.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "Bạn có thể thi lượt tiếp theo từ 04/12/2026 00:00 (giờ Việt Nam)." in home
    app.config["CLOCK"] = lambda: vietnam(4, 0, 10)
    assert "/bai-thi/" in post_start(client, round_id).headers["Location"]


def test_contest_settings_are_read_with_the_start_rules(ctx):
    contest = make_contest()
    contest.required_fields = ["email", "not_a_field"]
    contest.minimum_age = 16
    contest.access_code = "MA"
    db.session.commit()
    round_ = make_round(
        contest, difficulty_quotas={"2": 3}, one_attempt_per_day=True, minimum_wait_minutes=15
    )
    user = make_user()
    rules, so_far = service.find_start_rules(round_.id, user.id)
    assert so_far == (0, None)
    assert rules.contest_id == contest.id
    assert rules.required_fields == ("email",)  # what is not a profile field is ignored
    assert rules.minimum_age == 16 and rules.needs_access_code is True
    assert rules.quotas_by_difficulty == {2: 3}
    assert rules.one_attempt_per_day is True and rules.minimum_wait == timedelta(minutes=15)
    assert rules.last_started_at is None
    assert service.grant_access(contest.id, user.id, "ma") is True
    assert service.grant_access(contest.id, user.id, "ma") is True  # twice is fine
    rules, _so_far = service.find_start_rules(round_.id, user.id)
    assert rules.needs_access_code is False
    other = make_round(db.session.get(Contest, contest.id), number=2)
    assert service.find_start_rules(other.id, user.id)[0].needs_access_code is False


def test_wrong_access_codes_are_rate_limited(app):
    from contest import create_app

    with app.app_context():
        make_questions(20)
        contest = make_contest()
        contest.access_code = "HUE-2026"
        db.session.commit()
        round_id = make_round(contest, attempts_allowed=None).id
        make_user(phone="0912000001")
    config = {key: app.config[key] for key in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI")}
    limited = create_app(
        {**config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}
    )
    client = limited.test_client()
    login(client, "0912000001")
    token = csrf_token(client, "/bai-thi-cua-toi")
    url = f"/vong/{round_id}/ma-du-thi"
    statuses = [
        client.post(url, data={"csrf_token": token, "access_code": "sai"}).status_code
        for _ in range(11)
    ]
    assert statuses == [403] * 10 + [429]
    with limited.app_context():
        db.engine.dispose()

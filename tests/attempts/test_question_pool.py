"""Each worker draws from its copy of the active questions; a stale copy never draws wrong."""

import random

import pytest

from contest.attempts import question_pool, service
from contest.bank.service import text_key
from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import Question, Topic
from tests.factories import GRACE, make_questions, make_round, make_user

# The worker's copy never expires during a test.
POOL_SECONDS = 3600


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def add_question(number: int, topic: Topic | None = None) -> Question:
    text = f"Câu hỏi thêm số {number}?"
    question = Question(
        topic=topic, text=text, text_key=text_key(text), options=["A", "B"], correct=[0]
    )
    db.session.add(question)
    db.session.commit()
    return question


def drawn_ids(attempt) -> set[int]:
    return {item.question_id for item in attempt.items}


def test_a_question_retired_after_the_copy_was_taken_is_never_drawn(ctx):
    questions = make_questions(10)
    round_ = make_round(question_count=10)
    first = service.start_attempt(
        make_user(phone="0912000001"),
        round_,
        utcnow(),
        random.Random(1),
        grace=GRACE,
        pool_seconds=POOL_SECONDS,
    )
    assert drawn_ids(first) == {q.id for q in questions}
    retired = questions[3]
    retired.active = False
    added = add_question(1)
    db.session.commit()
    # The worker's copy still lists the retired question and not the new one.
    assert retired.id in question_pool.pool(POOL_SECONDS).topic_of
    second = service.start_attempt(
        make_user(phone="0912000002"),
        round_,
        utcnow(),
        random.Random(2),
        grace=GRACE,
        pool_seconds=POOL_SECONDS,
    )
    assert retired.id not in drawn_ids(second)
    assert added.id in drawn_ids(second)


def test_questions_added_to_a_bank_too_small_are_drawn_at_once(ctx):
    make_questions(9)
    round_ = make_round(question_count=10)
    user = make_user(phone="0912000001")
    with pytest.raises(service.AttemptRefused) as refusal:
        service.start_attempt(
            user, round_, utcnow(), random.Random(1), grace=GRACE, pool_seconds=POOL_SECONDS
        )
    assert refusal.value.code == "bank_too_small"
    add_question(1)
    attempt = service.start_attempt(
        user, round_, utcnow(), random.Random(1), grace=GRACE, pool_seconds=POOL_SECONDS
    )
    assert len(attempt.items) == 10


def test_a_question_moved_to_another_topic_is_not_drawn_for_its_old_topic_quota(ctx):
    make_questions(14, topic_names=("Một cửa", "Dịch vụ công"))
    one_stop = db.session.execute(db.select(Topic).filter_by(name="Một cửa")).scalar_one()
    online = db.session.execute(db.select(Topic).filter_by(name="Dịch vụ công")).scalar_one()
    round_ = make_round(question_count=6, topic_quotas={str(one_stop.id): 6})
    service.start_attempt(
        make_user(phone="0912000001"),
        round_,
        utcnow(),
        random.Random(1),
        grace=GRACE,
        pool_seconds=POOL_SECONDS,
    )
    moved = (
        db.session.execute(db.select(Question).filter_by(topic_id=one_stop.id)).scalars().first()
    )
    moved.topic_id = online.id
    db.session.commit()
    for number in range(2, 6):
        user = make_user(phone=f"091200000{number}")
        attempt = service.start_attempt(
            user, round_, utcnow(), random.Random(number), grace=GRACE, pool_seconds=POOL_SECONDS
        )
        assert moved.id not in drawn_ids(attempt)
        topics = {db.session.get(Question, qid).topic_id for qid in drawn_ids(attempt)}
        assert topics == {one_stop.id}

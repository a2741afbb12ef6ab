"""Each participant group draws from its own question set when the round gives it one."""

import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from contest.attempts import service
from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import AttemptItem, Question
from tests.factories import POOL_SECONDS, make_questions, make_round, make_user

GRACE = timedelta(seconds=10)


@pytest.fixture
def ctx(app):
    with app.app_context():
        questions = make_questions(40, topic_names=("A", "B", "C"))
        for question in questions[:8]:
            question.source = "Luật Đất đai năm 2024"
        db.session.commit()
        yield app


def drawn_of(attempt) -> list[Question]:
    items = db.session.execute(
        select(AttemptItem).where(AttemptItem.attempt_id == attempt.id)
    ).scalars()
    return [db.session.get(Question, item.question_id) for item in items]


def start(user, round_, seed):
    return service.start_attempt(
        user, round_, utcnow(), random.Random(seed), grace=GRACE, pool_seconds=POOL_SECONDS
    )


def test_citizens_draw_from_their_set_civil_servants_from_the_whole_bank(ctx):
    round_ = make_round(
        question_count=8,
        attempts_allowed=None,
        topic_quotas={"1": 2},
        question_sets={"nhan_dan": {"topics": [1], "difficulties": [], "sources": []}},
    )
    citizen = make_user(phone="0912000001", group="nhan_dan")
    servant = make_user(phone="0912000002", group="can_bo")
    servant_topics = set()
    for seed in range(6):
        for user, seen in ((citizen, None), (servant, servant_topics)):
            attempt = start(user, round_, seed)
            topics = [q.topic_id for q in drawn_of(attempt)]
            assert len(topics) == 8 and topics.count(1) >= 2
            if seen is None:
                assert set(topics) == {1}
            else:
                seen |= set(topics)
            service.submit_attempt(attempt, utcnow(), GRACE)
    assert servant_topics == {1, 2, 3}


def test_hand_picked_ids_and_sources(ctx):
    picked = sorted(db.session.execute(select(Question.id)).scalars())[-5:]
    round_ = make_round(
        question_count=5,
        question_sets={
            "can_bo": {"question_ids": picked},
            "nhan_dan": {"sources": ["luat dat dai"]},
        },
    )
    servant = make_user(phone="0912000002", group="can_bo")
    citizen = make_user(phone="0912000001", group="nhan_dan")
    assert sorted(q.id for q in drawn_of(start(servant, round_, 1))) == picked
    assert all(q.source == "Luật Đất đai năm 2024" for q in drawn_of(start(citizen, round_, 2)))


def test_a_set_too_small_refuses_the_start(ctx):
    round_ = make_round(question_count=10, question_sets={"nhan_dan": {"question_ids": [1, 2]}})
    with pytest.raises(service.AttemptRefused) as refused:
        start(make_user(group="nhan_dan"), round_, 1)
    assert refused.value.code == "bank_too_small"

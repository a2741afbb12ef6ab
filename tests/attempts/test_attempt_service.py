"""Service rules that need a database: the constraints, expiry from cron, concurrent starts."""

import random
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from contest.attempts import service
from contest.attempts.answers import save_choice
from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import Attempt, AttemptItem, Question, User
from tests.factories import POOL_SECONDS, make_contest, make_questions, make_round, make_user

GRACE = timedelta(seconds=10)


@pytest.fixture
def ctx(app):
    with app.app_context():
        make_questions(40, topic_names=("A", "B", "C"))
        yield app


def test_database_allows_only_one_open_attempt_per_user_and_round(ctx):
    round_ = make_round()
    user = make_user()
    now = utcnow()
    for number in (1, 2):
        db.session.add(
            Attempt(
                round_id=round_.id,
                user_id=user.id,
                number=number,
                started_at=now,
                deadline=now + timedelta(minutes=10),
                question_count=10,
            )
        )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_start_stores_a_snapshot_with_quotas(ctx):
    round_ = make_round(question_count=12, topic_quotas={"1": 5, "2": 4})
    user = make_user()
    attempt = service.start_attempt(
        user, round_, utcnow(), random.Random(4), grace=GRACE, pool_seconds=POOL_SECONDS
    )
    drawn = (
        db.session.execute(select(AttemptItem).where(AttemptItem.attempt_id == attempt.id))
        .scalars()
        .all()
    )
    assert len(drawn) == 12
    topics = [db.session.get(Question, i.question_id).topic_id for i in drawn]
    assert topics.count(1) >= 5 and topics.count(2) >= 4
    for item in drawn:
        assert sorted(item.option_order) == list(range(len(item.options)))
        assert item.correct  # snapshot holds the right answers for scoring, never shown


def test_editing_a_question_later_leaves_taken_attempts_as_seen(ctx):
    round_ = make_round(question_count=5, shuffle_options=False)
    attempt = service.start_attempt(
        make_user(), round_, utcnow(), random.Random(1), grace=GRACE, pool_seconds=POOL_SECONDS
    )
    item = attempt.items[0]
    seen_text, seen_options = item.text, list(item.options)
    question = db.session.get(Question, item.question_id)
    question.text = "Nội dung đã sửa"
    question.options = ["X", "Y"]
    question.version += 1
    db.session.commit()
    db.session.expire_all()
    item = db.session.get(AttemptItem, (attempt.id, 1))
    assert (item.text, item.options) == (seen_text, seen_options)


def test_deadline_is_capped_by_round_closing(ctx):
    now = utcnow()
    round_ = make_round(time_limit=3600, closes_at=now + timedelta(minutes=5))
    attempt = service.start_attempt(
        make_user(), round_, now, random.Random(1), grace=GRACE, pool_seconds=POOL_SECONDS
    )
    assert attempt.deadline == round_.closes_at


def test_close_expired_closes_only_attempts_past_deadline_and_grace(ctx):
    round_ = make_round(time_limit=600)
    now = utcnow()
    early = service.start_attempt(
        make_user(phone="0912000001"),
        round_,
        now - timedelta(minutes=30),
        random.Random(1),
        grace=GRACE,
        pool_seconds=POOL_SECONDS,
    )
    in_grace = service.start_attempt(
        make_user(phone="0912000002"),
        round_,
        now - timedelta(seconds=605),
        random.Random(2),
        grace=GRACE,
        pool_seconds=POOL_SECONDS,
    )
    fresh = service.start_attempt(
        make_user(phone="0912000003"),
        round_,
        now,
        random.Random(3),
        grace=GRACE,
        pool_seconds=POOL_SECONDS,
    )
    item = early.items[0]
    save_choice(
        early.user_id,
        early.id,
        1,
        item.correct,
        now - timedelta(minutes=25),
        GRACE,
        session_version=0,
    )

    assert service.close_expired(now, GRACE) == 1
    # Running it again, as cron on a second host would, changes nothing.
    assert service.close_expired(now, GRACE) == 0
    db.session.expire_all()
    assert db.session.get(Attempt, early.id).status == "expired"
    assert db.session.get(Attempt, early.id).correct_count == 1
    assert db.session.get(Attempt, early.id).duration_ms == 600_000
    assert db.session.get(Attempt, in_grace.id).status == "open"
    assert db.session.get(Attempt, fresh.id).status == "open"


def test_finalize_counts_once_when_two_requests_race(ctx):
    attempt = service.start_attempt(
        make_user(),
        make_round(),
        utcnow(),
        random.Random(1),
        grace=GRACE,
        pool_seconds=POOL_SECONDS,
    )
    assert service.finalize(attempt, utcnow(), "submitted") is True
    assert service.finalize(attempt, utcnow(), "submitted") is False


def test_bank_too_small_is_a_clear_refusal(ctx):
    round_ = make_round(question_count=41)
    with pytest.raises(service.AttemptRefused) as refusal:
        service.start_attempt(
            make_user(), round_, utcnow(), random.Random(1), grace=GRACE, pool_seconds=POOL_SECONDS
        )
    assert refusal.value.code == "bank_too_small"


def test_ineligible_group_cannot_start(ctx):
    from tests.factories import make_contest

    round_ = make_round(make_contest(eligible_groups=["can_bo"]))
    with pytest.raises(service.AttemptRefused) as refusal:
        service.start_attempt(
            make_user(group="nhan_dan"),
            round_,
            utcnow(),
            random.Random(1),
            grace=GRACE,
            pool_seconds=POOL_SECONDS,
        )
    assert refusal.value.code == "not_eligible"


def test_close_expired_command(ctx):
    round_ = make_round(time_limit=60)
    service.start_attempt(
        make_user(),
        round_,
        utcnow() - timedelta(minutes=5),
        random.Random(1),
        grace=GRACE,
        pool_seconds=POOL_SECONDS,
    )
    result = ctx.test_cli_runner().invoke(args=["attempts", "close-expired"])
    assert result.exit_code == 0
    assert "Closed 1 expired attempt(s)." in result.output


def test_two_tabs_pressing_start_at_once_get_the_same_attempt(ctx, monkeypatch):
    round_id, user_id = make_round().id, make_user().id
    both_drawn = threading.Barrier(2, timeout=30)
    draw = service.draw_for_round

    def draw_then_wait(rules, rng, pool_seconds, group=None):
        drawn = draw(rules, rng, pool_seconds, group)
        both_drawn.wait()  # both have seen no open attempt and drawn: now both insert
        return drawn

    monkeypatch.setattr(service, "draw_for_round", draw_then_wait)
    started: list[int] = []

    def press_start(seed: int) -> None:
        with ctx.app_context():
            user = db.session.get(User, user_id)
            rules, _so_far = service.find_start_rules(round_id, user_id)
            started.append(
                service.begin_attempt(
                    user,
                    rules,
                    utcnow(),
                    random.Random(seed),
                    grace=GRACE,
                    pool_seconds=POOL_SECONDS,
                )
            )

    tabs = [threading.Thread(target=press_start, args=(seed,)) for seed in (1, 2)]
    for tab in tabs:
        tab.start()
    for tab in tabs:
        tab.join(timeout=60)
    assert len(started) == 2 and started[0] == started[1]
    attempts = db.session.execute(select(Attempt).where(Attempt.round_id == round_id)).scalars()
    assert [a.id for a in attempts] == started[:1]


def test_the_start_reads_the_same_rules_as_the_round_holds(ctx):
    """The start page reads a round's rules as one plain row: the same as the round holds."""
    from contest.models import Contest

    round_ = make_round(
        contest=make_contest(eligible_groups=["can_bo"]),
        topic_quotas={"1": 4, "2": 3},
        attempts_allowed=None,
        shuffle_options=False,
    )
    plain = make_round(contest=db.session.get(Contest, round_.contest_id), number=2)
    user = make_user(group="can_bo")
    for rules_round in (round_, plain):
        rules, so_far = service.find_start_rules(rules_round.id, user.id)
        assert so_far == (0, None)
        assert (rules.round_id, rules.opens_at, rules.closes_at) == (
            rules_round.id,
            rules_round.opens_at,
            rules_round.closes_at,
        )
        assert (rules.question_count, rules.shuffle_options, rules.attempts_allowed) == (
            rules_round.question_count,
            rules_round.shuffle_options,
            rules_round.attempts_allowed,
        )
        assert rules.contest_status == rules_round.contest.status
    rules, _so_far = service.find_start_rules(round_.id, user.id)
    assert rules.quotas_by_topic == {1: 4, 2: 3} and rules.eligible_groups == ["can_bo"]
    assert rules.time_limit == timedelta(seconds=600) and rules.attempts_allowed is None
    assert service.find_start_rules(round_.id + 100, user.id) is None
    # The participant's attempts so far come with the rules, as attempts_so_far reads them.
    first = service.start_attempt(
        user, plain, utcnow(), random.Random(1), grace=GRACE, pool_seconds=POOL_SECONDS
    )
    assert service.find_start_rules(plain.id, user.id)[1] == (1, first.id)
    service.submit_attempt(first, utcnow(), GRACE)
    assert service.find_start_rules(plain.id, user.id)[1] == (1, None)
    assert service.find_start_rules(round_.id, user.id)[1] == (0, None)
    assert service.find_start_rules(plain.id, user.id + 1)[1] == (0, None)

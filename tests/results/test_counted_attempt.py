"""Under "best", the counted attempt is the one the round's own chain ranks highest, chosen
again when the prediction's actual is frozen; each entry says why its attempt counts."""

from datetime import timedelta

from sqlalchemy import select

from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import Attempt, RoundEntry, User
from contest.results import service as results
from contest.results.entries import rechoose
from contest.results.ranking import Scope, iter_ranking
from tests.factories import make_entry, make_round

GRACE = timedelta(seconds=10)


def person(i: int) -> User:
    user = User(full_name=f"Người {i}", phone=f"0915{i:06d}", password_hash="!")
    db.session.add(user)
    db.session.commit()
    return user


def entry_of(round_id: int, user: User) -> RoundEntry:
    return db.session.execute(
        select(RoundEntry).where(RoundEntry.round_id == round_id, RoundEntry.user_id == user.id)
    ).scalar_one()


def closed_round(**settings):
    now = utcnow()
    return make_round(
        opens_at=now - timedelta(days=8),
        closes_at=now - timedelta(days=1),
        prediction_enabled=True,
        prediction_prompt="Bao nhiêu người dự thi?",
        attempts_allowed=3,
        **settings,
    )


def test_the_better_prediction_counts_once_the_actual_is_frozen(app):
    """Three people, so the actual (participants) is 3. A's first 9 is faster, but A's second
    9 predicted 3 exactly: once frozen, the second counts and A ranks above B."""
    with app.app_context():
        round_ = closed_round()
        a, b, c = person(1), person(2), person(3)
        make_entry(round_, a, 9, prediction=500, seconds=200, number=1)
        make_entry(round_, a, 9, prediction=3, seconds=400, minute=30, number=2)
        make_entry(round_, b, 9, prediction=4, seconds=300)
        make_entry(round_, c, 7, prediction=3, seconds=100)
        before = entry_of(round_.id, a)
        assert (before.duration_ms, before.counted_reason) == (200_000, "duration")

        assert results.freeze_actual(round_, utcnow(), GRACE) == 3
        after = entry_of(round_.id, a)
        assert (after.duration_ms, after.prediction, after.prediction_error) == (400_000, 3, 0)
        assert after.counted_reason == "prediction"
        assert entry_of(round_.id, b).counted_reason == "only"
        ranking = [(row.rank, row.user_id) for row in iter_ranking(Scope(round_))]
        assert ranking == [(1, a.id), (2, b.id), (3, c.id)]


def test_a_round_whose_chain_puts_time_first_counts_the_fastest_attempt(app):
    with app.app_context():
        round_ = closed_round(ranking_chain=["duration", "correct", "prediction"])
        a, b = person(1), person(2)
        make_entry(round_, a, 10, prediction=2, seconds=500, number=1)
        make_entry(round_, a, 6, prediction=900, seconds=90, minute=30, number=2)
        make_entry(round_, b, 10, prediction=2, seconds=100)
        results.freeze_actual(round_, utcnow(), GRACE)
        entry = entry_of(round_.id, a)
        assert (entry.correct_count, entry.counted_reason) == (6, "duration")


def test_equal_attempts_keep_the_earlier_and_first_and_last_say_so(app):
    with app.app_context():
        round_ = closed_round()
        a = person(1)
        make_entry(round_, a, 8, prediction=1, seconds=300, number=1)
        make_entry(round_, a, 8, prediction=1, seconds=300, number=2)
        results.freeze_actual(round_, utcnow(), GRACE)
        entry = entry_of(round_.id, a)
        assert entry.counted_reason == "number"
        assert db.session.get(Attempt, entry.attempt_id).number == 1


def test_a_freeze_run_twice_chooses_the_same_attempts(app):
    with app.app_context():
        round_ = closed_round()
        users = [person(i) for i in range(6)]
        for i, user in enumerate(users):
            make_entry(round_, user, 9, prediction=100 + i, seconds=200 + i, number=1)
            make_entry(round_, user, 9, prediction=6 + i % 2, seconds=300, minute=30, number=2)
        results.freeze_actual(round_, utcnow(), GRACE)
        chosen = {u.id: entry_of(round_.id, u).attempt_id for u in users}
        assert rechoose(round_) == 0
        assert {u.id: entry_of(round_.id, u).attempt_id for u in users} == chosen

"""Freezing a round's prediction errors in committed batches, and a freeze stopped half way."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import Round, RoundEntry, User
from contest.results import service as results
from contest.results.ranking import Scope, iter_ranking
from tests.factories import make_entry, make_round

GRACE = timedelta(seconds=10)
SIZE = 23


class Stopped(Exception):
    pass


@pytest.fixture
def two_rounds(app):
    """Two closed rounds with the same 23 entries, made in turn so that their ids interleave."""
    with app.app_context():
        now = utcnow()
        rounds = [
            make_round(
                opens_at=now - timedelta(days=8),
                closes_at=now - timedelta(days=1),
                prediction_enabled=True,
                prediction_prompt="Bao nhiêu người?",
            )
            for _ in range(2)
        ]
        for i in range(SIZE):
            user = User(full_name=f"Người {i}", phone=f"0914{i:06d}", password_hash="!")
            db.session.add(user)
            db.session.commit()
            prediction = None if i % 5 == 0 else SIZE + (i % 7) - 3
            for round_ in rounds:
                make_entry(round_, user, 18 + i % 3, prediction, 60 + 30 * (i % 4), i % 2)
        yield [r.id for r in rounds]


def stop_after(monkeypatch, batches: int) -> list:
    """Make the freeze raise when it starts batch number `batches + 1`; returns the calls."""
    calls = []
    real_update = results.update

    def update(*args):
        calls.append(args)
        if len(calls) > batches:
            raise Stopped
        return real_update(*args)

    monkeypatch.setattr(results, "update", update)
    return calls


def outcome(round_id: int) -> tuple[list, list]:
    round_ = db.session.get(Round, round_id)
    errors = db.session.execute(
        select(RoundEntry.user_id, RoundEntry.prediction_error)
        .where(RoundEntry.round_id == round_id)
        .order_by(RoundEntry.user_id)
    ).all()
    ranking = [(r.rank, r.user_id, r.prediction_error) for r in iter_ranking(Scope(round_))]
    return [tuple(e) for e in errors], ranking


def test_a_stopped_freeze_run_again_equals_one_freeze(app, two_rounds, monkeypatch):
    whole, stopped = two_rounds
    with app.app_context():
        calls = stop_after(monkeypatch, 10**6)
        actual = results.freeze_actual(db.session.get(Round, whole), utcnow(), GRACE, batch_size=8)
        assert actual == SIZE
        assert len(calls) >= 3  # several batches
        expected = outcome(whole)

        unfrozen_ranking = outcome(stopped)[1]
        stop_after(monkeypatch, 1)
        with pytest.raises(Stopped):
            results.freeze_actual(db.session.get(Round, stopped), utcnow(), GRACE, batch_size=8)
        db.session.rollback()
        round_ = db.session.get(Round, stopped)
        assert round_.prediction_actual is None
        written = [e for _uid, e in outcome(stopped)[0] if e is not None]
        assert 0 < len(written) < SIZE
        # Half-written errors are ignored until the round is frozen.
        assert outcome(stopped)[1] == unfrozen_ranking

        monkeypatch.undo()
        assert results.freeze_actual(round_, utcnow(), GRACE, batch_size=8) == SIZE
        assert outcome(stopped) == expected
        assert expected[1] != unfrozen_ranking

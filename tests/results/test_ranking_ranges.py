"""Ranks counted in SQL (one index range per step) against the pure domain ranking.

Random entries with many ties, before and after the freeze (and with a freeze stopped half
way), in groups and agencies, under reordered chains with steps switched off.
"""

import random
from datetime import timedelta

import pytest
from sqlalchemy import update

from contest.domain.clock import utcnow
from contest.domain.ranking import DEFAULT_CHAIN, STEPS, Entry, rank_entries
from contest.extensions import db
from contest.models import Round, RoundEntry, User
from contest.results import service as results
from contest.results.ranking import Scope, iter_ranking, participant_rank, ranking_page
from tests.factories import make_agency, make_entry, make_round

GRACE = timedelta(seconds=10)
GROUPS = ("can_bo", "nhan_dan")


def random_chains(rng: random.Random, count: int) -> list[tuple[str, ...]]:
    chains = [DEFAULT_CHAIN, (), ("prediction",), ("duration", "correct", "prediction")]
    for _ in range(count):
        steps = list(STEPS)
        rng.shuffle(steps)
        chains.append(tuple(steps[: rng.randint(1, len(steps))]))
    return chains


def fill_round(rng: random.Random, size: int) -> tuple[int, dict[int, dict]]:
    """A closed round of `size` entries with few distinct values; prediction = participants."""
    now = utcnow()
    round_ = make_round(
        opens_at=now - timedelta(days=8),
        closes_at=now - timedelta(days=1),
        prediction_enabled=True,
        prediction_prompt="Bao nhiêu người?",
    )
    agencies = [make_agency(f"CQ{i}", f"Cơ quan {i}").id for i in range(2)]
    people = {}
    for i in range(size):
        spec = {
            "group": rng.choice(GROUPS),
            "agency_id": rng.choice([*agencies, None]),
            "correct": rng.choice([18, 19, 20]),
            # Errors 0, 2 (twice), 4, or no prediction.
            "prediction": rng.choice([size, size - 2, size + 2, size + 4, None]),
            "seconds": rng.choice([60, 120]),
            # The same submission time with different durations, and the reverse.
            "minute": rng.choice([0, 1]),
        }
        user = User(
            full_name=f"Người {i}",
            phone=f"0913{i:06d}",
            participant_group=spec["group"],
            agency_id=spec["agency_id"],
            password_hash="!",
        )
        db.session.add(user)
        db.session.commit()
        attempt = make_entry(
            round_, user, spec["correct"], spec["prediction"], spec["seconds"], spec["minute"]
        )
        people[user.id] = {**spec, "submitted_at": attempt.submitted_at}
    return round_.id, people


def expected_ranks(people: dict, chain, actual, group=None) -> dict[int, int]:
    entries = [
        Entry(uid, p["correct"], p["prediction"], p["seconds"] * 1000, p["submitted_at"])
        for uid, p in people.items()
        if group is None or p["group"] == group
    ]
    return {r.entry.user_id: r.rank for r in rank_entries(entries, chain, actual)}


def check_ranks(round_id: int, people: dict, chain, actual) -> None:
    round_ = db.session.get(Round, round_id)
    round_.ranking_chain = list(chain)
    db.session.commit()
    overall = expected_ranks(people, chain, actual)
    by_group = {g: expected_ranks(people, chain, actual, g) for g in GROUPS}
    for uid, person in people.items():
        group = by_group[person["group"]]
        assert participant_rank(round_, uid) == (overall[uid], group[uid], len(group)), (
            chain,
            uid,
        )
    scope = Scope(round_)
    rows = list(iter_ranking(scope))
    assert {row.user_id: row.rank for row in rows} == overall
    assert [row.key for row in rows] == sorted(row.key for row in rows)
    deep = ranking_page(scope, len(people) // 2, 10)
    assert [row.rank for row in deep] == [overall[row.user_id] for row in deep]
    for group, ranks in by_group.items():
        page = ranking_page(Scope(round_, group), 3, 10)
        assert [row.rank for row in page] == [ranks[row.user_id] for row in page]
    agency = next(p["agency_id"] for p in people.values() if p["agency_id"])
    filtered = ranking_page(scope, 0, len(people), agency_ids=[agency])
    assert {row.user_id: row.rank for row in filtered} == {
        uid: overall[uid] for uid, p in people.items() if p["agency_id"] == agency
    }


def half_written_errors(round_id: int) -> None:
    """What a freeze stopped half way leaves: the round stamped, some errors written, the
    actual value unset."""
    db.session.get(Round, round_id).prediction_actual_at = utcnow()
    db.session.execute(
        update(RoundEntry)
        .where(RoundEntry.round_id == round_id, RoundEntry.id % 2 == 0)
        .values(prediction_error=RoundEntry.user_id % 3)
    )
    db.session.commit()


@pytest.mark.parametrize("seed", [1, 2])
def test_counted_ranks_match_the_domain_ranking(app, seed):
    rng = random.Random(seed)
    with app.app_context():
        round_id, people = fill_round(rng, 36)
        chains = random_chains(rng, 5)
        for chain in chains:
            check_ranks(round_id, people, chain, None)
        half_written_errors(round_id)
        for chain in chains:
            check_ranks(round_id, people, chain, None)
        round_ = db.session.get(Round, round_id)
        actual = results.freeze_actual(round_, utcnow(), GRACE, batch_size=5)
        assert actual == len(people)
        for chain in chains:
            check_ranks(round_id, people, chain, actual)

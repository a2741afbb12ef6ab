"""The contest's prize decision over every round, through the service, on rounds ranked by hand."""

from datetime import timedelta

from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import User
from contest.results.contest_prizes import decide
from tests.factories import make_contest, make_entry, make_round

ONE_EACH = {"nhat": 1, "nhi": 1, "ba": 1, "kk": 0}


def test_a_person_keeps_the_higher_prize_and_the_other_passes_down(app):
    """Round 1: X 20, Y 19, P 18, Q 17 → Nhất X, Nhì Y, Ba P. Round 2: P 20, R 19, S 18 →
    Nhất P. P keeps Nhất in round 2; round 1's Ba passes to Q."""
    with app.app_context():
        contest = make_contest()
        contest.several_prizes_per_person = False
        now = utcnow()
        rounds = [
            make_round(
                contest,
                number=n,
                opens_at=now - timedelta(days=20 - 7 * n),
                closes_at=now - timedelta(days=14 - 7 * n),
                prize_counts=ONE_EACH,
            )
            for n in (1, 2)
        ]
        people = {}
        for i, name in enumerate("XYPQRS"):
            people[name] = User(full_name=name, phone=f"0917{i:06d}", password_hash="!")
            db.session.add(people[name])
        db.session.commit()
        for name, correct in zip("XYPQ", (20, 19, 18, 17), strict=True):
            make_entry(rounds[0], people[name], correct)
        for name, correct in zip("PRS", (20, 19, 18), strict=True):
            make_entry(rounds[1], people[name], correct)

        first, second = decide(contest.id)
        ids = {u.id: name for name, u in people.items()}
        assert {ids[u]: p for u, p in first.settled.items()} == {"X": "nhat", "Y": "nhi", "Q": "ba"}
        assert {ids[u]: p for u, p in first.given_up.items()} == {"P": "ba"}
        assert {ids[u]: p for u, p in second.settled.items()} == {
            "P": "nhat",
            "R": "nhi",
            "S": "ba",
        }
        assert second.given_up == {}

        contest.several_prizes_per_person = True
        db.session.commit()
        first, _second = decide(contest.id)
        assert {ids[u]: p for u, p in first.settled.items()} == {"X": "nhat", "Y": "nhi", "P": "ba"}

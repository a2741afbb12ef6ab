"""Each participant group has its own prize counts, and nobody wins below the round's minimum
of correct answers; computed on hand-ranked rounds through the service."""

from datetime import timedelta

from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import User
from contest.results import service as results
from tests.factories import make_entry, make_round


def person(name: str, group: str, i: int) -> User:
    user = User(full_name=name, phone=f"0916{i:06d}", password_hash="!", participant_group=group)
    db.session.add(user)
    db.session.commit()
    return user


def closed_round(**settings):
    now = utcnow()
    return make_round(
        opens_at=now - timedelta(days=8), closes_at=now - timedelta(days=1), **settings
    )


def test_civil_servants_and_citizens_get_their_own_counts(app):
    """Counts 1/1/2/5 for civil servants and 1/2/3/10 for citizens (the issue's example), on
    six people of each group ranked 20, 19, ..., 15 correct (no ties)."""
    with app.app_context():
        round_ = closed_round(
            group_prize_counts={
                "can_bo": {"nhat": 1, "nhi": 1, "ba": 2, "kk": 5},
                "nhan_dan": {"nhat": 1, "nhi": 2, "ba": 3, "kk": 10},
            }
        )
        servants = [person(f"CB {i}", "can_bo", i) for i in range(6)]
        citizens = [person(f"ND {i}", "nhan_dan", 10 + i) for i in range(6)]
        for i, (servant, citizen) in enumerate(zip(servants, citizens, strict=True)):
            make_entry(round_, servant, 20 - i)
            make_entry(round_, citizen, 20 - i)
        prizes = results.compute_prizes(round_)
        assert [prizes.get(u.id) for u in servants] == ["nhat", "nhi", "ba", "ba", "kk", "kk"]
        assert [prizes.get(u.id) for u in citizens] == ["nhat", "nhi", "nhi", "ba", "ba", "ba"]


def test_a_group_without_its_own_counts_uses_the_rounds(app):
    with app.app_context():
        round_ = closed_round(
            prize_counts={"nhat": 1, "nhi": 0, "ba": 0, "kk": 1},
            group_prize_counts={"can_bo": {"nhat": 2}},
        )
        servants = [person(f"CB {i}", "can_bo", i) for i in range(3)]
        citizens = [person(f"ND {i}", "nhan_dan", 10 + i) for i in range(3)]
        for i, user in enumerate(servants + citizens):
            make_entry(round_, user, 20 - i % 3)
        prizes = results.compute_prizes(round_)
        assert [prizes.get(u.id) for u in servants] == ["nhat", "nhat", None]
        assert [prizes.get(u.id) for u in citizens] == ["nhat", "kk", None]


def test_no_prize_below_the_minimum_even_in_a_perfect_round(app):
    """Two perfect papers tie for Nhất; the 0/20 paper would be third, within 1+2 places."""
    with app.app_context():
        round_ = closed_round(minimum_correct_for_prize=10)
        a, b, c = (person(n, "nhan_dan", i) for i, n in enumerate("ABC"))
        make_entry(round_, a, 20, seconds=300)
        make_entry(round_, b, 20, seconds=300)
        make_entry(round_, c, 0, seconds=30)
        assert results.compute_prizes(round_) == {a.id: "nhat", b.id: "nhat"}


def test_the_minimum_holds_when_time_ranks_first(app):
    with app.app_context():
        round_ = closed_round(minimum_correct_for_prize=10, ranking_chain=["duration", "correct"])
        fast, slow = person("Nhanh", "nhan_dan", 1), person("Chậm", "nhan_dan", 2)
        make_entry(round_, fast, 3, seconds=20)
        make_entry(round_, slow, 18, seconds=600)
        assert results.compute_prizes(round_) == {slow.id: "nhat"}

from contest.domain.prizes import Contender, award

COUNTS = {"nhat": 1, "nhi": 1, "ba": 1, "kk": 2}


def ranking(*rows):
    """rows: (user_id, rank, eligible)"""
    return [Contender(u, r, e) for u, r, e in rows]


def test_prizes_in_rank_order():
    r = ranking((1, 1, True), (2, 2, True), (3, 3, True), (4, 4, True), (5, 5, True), (6, 6, True))
    assert award(r, COUNTS) == {1: "nhat", 2: "nhi", 3: "ba", 4: "kk", 5: "kk"}


def test_ineligible_are_ranked_but_skipped():
    r = ranking(
        (1, 1, False),
        (2, 2, True),
        (3, 3, True),
        (4, 4, False),
        (5, 5, True),
        (6, 6, True),
        (7, 7, True),
    )
    assert award(r, COUNTS) == {2: "nhat", 3: "nhi", 5: "ba", 6: "kk", 7: "kk"}


def test_ties_at_a_boundary_share_the_higher_prize():
    r = ranking((1, 1, True), (2, 1, True), (3, 3, True), (4, 4, True), (5, 5, True))
    assert award(r, COUNTS) == {1: "nhat", 2: "nhat", 3: "ba", 4: "kk", 5: "kk"}


def test_one_prize_per_person_keeps_the_higher():
    r = ranking((1, 1, True), (2, 2, True), (3, 3, True), (4, 4, True))
    # User 1 already won Nhất earlier: skipped. User 2 won KK earlier: Nhất now is higher.
    assert award(r, COUNTS, earlier_prizes={1: "nhat", 2: "kk"}) == {2: "nhat", 3: "nhi", 4: "ba"}


def test_several_prizes_per_person_when_allowed():
    r = ranking((1, 1, True), (2, 2, True))
    assert award(r, COUNTS, earlier_prizes={1: "nhat"}, several_per_person=True) == {
        1: "nhat",
        2: "nhi",
    }


def test_no_prizes_configured():
    assert award(ranking((1, 1, True)), {}) == {}

from contest.domain.prizes import (
    Contender,
    RoundStanding,
    award,
    round_prizes,
    settle_one_prize_per_person,
)

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


# ---- a minimum of correct answers -------------------------------------------------------------


def test_below_the_minimum_nobody_wins_and_takes_no_place():
    # A perfect-score round: two 20/20 share Nhất; 0/20 would otherwise be within 3 places.
    r = [Contender(1, 1, True, 20), Contender(2, 1, True, 20), Contender(3, 3, True, 0)]
    assert award(r, COUNTS) == {1: "nhat", 2: "nhat", 3: "ba"}
    assert award(r, COUNTS, minimum_correct=10) == {1: "nhat", 2: "nhat"}


def test_the_minimum_skips_without_ending_the_walk():
    # A chain that puts time first can rank a 5/20 above a 15/20.
    r = [Contender(1, 1, True, 5), Contender(2, 2, True, 15), Contender(3, 3, True, 12)]
    assert award(r, COUNTS, minimum_correct=10) == {2: "nhat", 3: "nhi"}


# ---- one prize per person over the whole contest ---------------------------------------------

ONE_EACH = {"g": {"nhat": 1, "nhi": 1, "ba": 1}}


def standing(number, users, counts=ONE_EACH, group="g", minimum=0, ranks=None, correct=None):
    ranks = ranks or list(range(1, len(users) + 1))
    correct = correct or [20] * len(users)
    rows = [Contender(u, r, True, c) for u, r, c in zip(users, ranks, correct, strict=True)]
    return RoundStanding(number, {group: rows}, counts, minimum)


def test_a_prize_given_up_passes_on_forwards_and_backwards():
    """Hand-computed: A and C each win in both rounds; each keeps their higher prize (A Nhất in
    round 1, C Nhất in round 2), and what they give up passes down their other round."""
    settled = settle_one_prize_per_person(
        [standing(1, ["A", "B", "C", "D"]), standing(2, ["C", "A", "E", "F"])]
    )
    assert settled == {
        1: {"A": "nhat", "B": "nhi", "D": "ba"},
        2: {"C": "nhat", "E": "nhi", "F": "ba"},
    }


def test_the_higher_prize_stands_even_when_it_comes_later():
    """P has Ba in round 1 and Nhất in round 2: P keeps Nhất, round 1's Ba goes to Q."""
    settled = settle_one_prize_per_person(
        [standing(1, ["X", "Y", "P", "Q"]), standing(2, ["P", "R", "S"])]
    )
    assert settled == {
        1: {"X": "nhat", "Y": "nhi", "Q": "ba"},
        2: {"P": "nhat", "R": "nhi", "S": "ba"},
    }


def test_at_equal_prizes_the_earlier_round_stands():
    settled = settle_one_prize_per_person(
        [standing(1, ["P", "A", "B"]), standing(2, ["P", "C", "D", "E"])]
    )
    assert settled[1] == {"P": "nhat", "A": "nhi", "B": "ba"}
    assert settled[2] == {"C": "nhat", "D": "nhi", "E": "ba"}


def test_ties_close_up_as_a_group_after_a_winner_leaves():
    # Round 2: P alone first, then B and C tied: with P gone, B and C share Nhất.
    settled = settle_one_prize_per_person(
        [standing(1, ["P", "A"]), standing(2, ["P", "B", "C", "D"], ranks=[1, 2, 2, 4])]
    )
    assert settled[2] == {"B": "nhat", "C": "nhat", "D": "ba"}


def test_groups_have_their_own_counts_and_never_take_each_others_prizes():
    counts = {"can_bo": {"nhat": 1, "nhi": 1}, "nhan_dan": {"nhat": 1, "nhi": 2}}
    round_1 = RoundStanding(
        1,
        {
            "can_bo": [Contender(u, i + 1, True, 20) for i, u in enumerate(["A", "B", "C"])],
            "nhan_dan": [Contender(u, i + 1, True, 20) for i, u in enumerate(["N", "M", "O", "Q"])],
        },
        counts,
    )
    round_2 = RoundStanding(
        2, {"can_bo": [Contender("B", 1, True, 20), Contender("Z", 2, True, 20)]}, counts
    )
    settled = settle_one_prize_per_person([round_1, round_2])
    assert settled[1] == {"A": "nhat", "C": "nhi", "N": "nhat", "M": "nhi", "O": "nhi"}
    assert settled[2] == {"B": "nhat", "Z": "nhi"}


def test_ineligible_and_below_minimum_never_win_anywhere():
    rounds = [
        RoundStanding(
            1,
            {
                "g": [
                    Contender("I", 1, False, 20),
                    Contender("A", 2, True, 20),
                    Contender("L", 3, True, 2),
                ]
            },
            ONE_EACH,
            minimum_correct=10,
        ),
        standing(2, ["A", "B"]),
    ]
    assert settle_one_prize_per_person(rounds) == {1: {"A": "nhat"}, 2: {"B": "nhat"}}


def test_the_order_rounds_are_given_in_does_not_matter():
    rounds = [
        standing(1, ["A", "B", "C", "D"]),
        standing(2, ["C", "A", "E", "F"]),
        standing(3, ["E", "B", "A", "G"]),
    ]
    assert settle_one_prize_per_person(rounds) == settle_one_prize_per_person(rounds[::-1])


def test_nobody_holds_two_prizes_in_random_contests():
    import random

    rng = random.Random(7)
    for _ in range(300):
        people = list(range(12))
        rounds = []
        for number in range(1, rng.randint(2, 5)):
            rng.shuffle(people)
            ranks, rank = [], 1
            for i in range(len(people)):
                if i and rng.random() > 0.3:
                    rank = i + 1
                ranks.append(rank if i else 1)
            rows = [
                Contender(u, r, rng.random() > 0.1, 20) for u, r in zip(people, ranks, strict=True)
            ]
            rounds.append(RoundStanding(number, {"g": rows}, {"g": {"nhat": 1, "nhi": 2, "ba": 2}}))
        settled = settle_one_prize_per_person(rounds)
        winners = [u for prizes in settled.values() for u in prizes]
        assert len(winners) == len(set(winners))
        # Each round's list is exactly that round's prizes once the people who won in another
        # round are left out: given-up prizes passed on, nobody skipped for nothing.
        for standing_ in rounds:
            elsewhere = {
                u
                for number, prizes in settled.items()
                if number != standing_.round_number
                for u in prizes
            }
            assert settled[standing_.round_number] == round_prizes(standing_, elsewhere)

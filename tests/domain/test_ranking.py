"""Rankings computed by hand, with ties at every step."""

from datetime import datetime, timedelta

import pytest

from contest.domain.ranking import (
    DEFAULT_CHAIN,
    Entry,
    InvalidChain,
    describe_chain,
    prediction_error,
    rank_entries,
    shared_ranks,
)

T0 = datetime(2026, 11, 23, 1, 0)


def entry(user, correct, prediction, seconds, minute):
    return Entry(user, correct, prediction, seconds * 1000, T0 + timedelta(minutes=minute))


# actual = 1000 participants
ENTRIES = [
    entry(1, 20, 1000, 300, 50),  # perfect, exact prediction
    entry(2, 20, 990, 200, 40),  # perfect, error 10, fast
    entry(3, 20, 1010, 200, 30),  # perfect, error 10, same time as 2, earlier → before 2
    entry(4, 20, 1010, 200, 30),  # identical to 3 on every step → shares the rank
    entry(5, 20, None, 10, 1),  # perfect, no prediction → after every prediction
    entry(6, 19, 1000, 100, 10),  # fewer correct: after every perfect entry
    entry(7, 0, 1000, 5, 0),
]


def ranks(ranked):
    return [(r.rank, r.entry.user_id) for r in ranked]


def test_default_chain_by_hand():
    ranked = rank_entries(ENTRIES, DEFAULT_CHAIN, actual=1000)
    assert ranks(ranked) == [(1, 1), (2, 3), (2, 4), (4, 2), (5, 5), (6, 6), (7, 7)]
    assert [r.prediction_error for r in ranked] == [0, 10, 10, 10, None, 0, 0]


def test_switching_off_the_prediction_step():
    ranked = rank_entries(ENTRIES, ["correct", "duration", "submitted"], actual=1000)
    assert ranks(ranked) == [(1, 5), (2, 3), (2, 4), (4, 2), (5, 1), (6, 6), (7, 7)]


def test_reordered_chain_time_before_prediction():
    ranked = rank_entries(ENTRIES, ["correct", "duration", "prediction"], actual=1000)
    # 3 and 4 tie on every remaining step, and 2 too: time 200 s, error 10.
    assert ranks(ranked) == [(1, 5), (2, 2), (2, 3), (2, 4), (5, 1), (6, 6), (7, 7)]


def test_score_only():
    ranked = rank_entries(ENTRIES, ["correct"], actual=None)
    assert [r.rank for r in ranked] == [1, 1, 1, 1, 1, 6, 7]


def test_prediction_unknown_before_the_round_closes_ranks_everyone_equal_on_that_step():
    ranked = rank_entries(ENTRIES[:3], DEFAULT_CHAIN, actual=None)
    # Without an actual value nobody has an error: the step ties everyone, time decides.
    assert ranks(ranked) == [(1, 3), (2, 2), (3, 1)]


def test_shared_ranks_continue_across_pages():
    keys = [(1,), (2,), (2,), (4,), (4,)]
    assert list(shared_ranks(keys)) == [1, 2, 2, 4, 4]
    assert list(shared_ranks(keys[3:], offset=3, previous=(2,), previous_rank=2)) == [4, 4]
    # A page that starts inside a tie keeps the tie's rank.
    assert list(shared_ranks(keys[2:], offset=2, previous=(2,), previous_rank=2)) == [2, 4, 4]


def test_prediction_error():
    assert prediction_error(990, 1000) == 10
    assert prediction_error(None, 1000) is None
    assert prediction_error(5, None) is None


def test_invalid_chain():
    with pytest.raises(InvalidChain):
        rank_entries(ENTRIES, ["correct", "luck"], actual=1)
    with pytest.raises(InvalidChain):
        rank_entries(ENTRIES, ["correct", "correct"], actual=1)


def test_chain_described_in_order():
    assert describe_chain(["correct", "duration"]) == [
        "1. nhiều câu trả lời đúng hơn xếp trên",
        "2. nếu bằng nhau thì thời gian làm bài ngắn hơn xếp trên",
        "3. nếu vẫn bằng nhau sau mọi tiêu chí thì đồng hạng",
    ]


def test_the_docstring_states_the_default_chain_word_for_word():
    from contest.domain import ranking

    for line in describe_chain(DEFAULT_CHAIN):
        assert line in ranking.__doc__

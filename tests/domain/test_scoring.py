from datetime import datetime, timedelta

import pytest

from contest.domain.scoring import (
    CountedAttempt,
    FinishedAttempt,
    count_correct,
    counted_attempt,
    counted_reason,
    is_correct,
)

T0 = datetime(2026, 11, 23, 1, 0)


@pytest.mark.parametrize(
    ("chosen", "correct", "expected"),
    [
        ([1], [1], True),
        ([0], [1], False),
        (None, [1], False),
        ([], [1], False),
        ([0, 2], [2, 0], True),
        ([0], [0, 2], False),  # a multi-answer question needs every right option
        ([0, 1, 2], [0, 2], False),  # and no wrong one
    ],
)
def test_is_correct(chosen, correct, expected):
    assert is_correct(chosen, correct) is expected


def test_count_correct():
    assert count_correct([([1], [1]), ([0], [1]), (None, [2]), ([0, 2], [0, 2])]) == 2


def attempt(number, correct, seconds, minute):
    return FinishedAttempt(number, number, correct, seconds * 1000, T0 + timedelta(minutes=minute))


ATTEMPTS = [
    attempt(1, 7, 300, 10),
    attempt(2, 9, 500, 20),
    attempt(3, 9, 400, 30),
    attempt(4, 5, 100, 40),
]


def test_best_is_most_correct_then_fastest():
    assert counted_attempt(ATTEMPTS, CountedAttempt.BEST).number == 3


def test_best_tie_on_time_goes_to_the_earlier_submission():
    tied = [attempt(1, 9, 400, 50), attempt(2, 9, 400, 20)]
    assert counted_attempt(tied, CountedAttempt.BEST).number == 2


def test_first_and_last():
    assert counted_attempt(ATTEMPTS, CountedAttempt.FIRST).number == 1
    assert counted_attempt(ATTEMPTS, CountedAttempt.LAST).number == 4


def test_no_attempts():
    assert counted_attempt([], CountedAttempt.BEST) is None


def predicted(number, correct, seconds, minute, prediction):
    return FinishedAttempt(
        number, number, correct, seconds * 1000, T0 + timedelta(minutes=minute), prediction
    )


# Two 9-correct attempts: the first is faster, the second predicted far better (actual 1,000).
PREDICTING = [
    predicted(1, 9, 300, 10, 5000),
    predicted(2, 9, 400, 30, 990),
    predicted(3, 8, 100, 50, 1000),
]


def test_best_follows_the_chain_once_the_actual_is_frozen():
    # Before the actual is known every attempt ties on the prediction: the faster one counts.
    assert counted_attempt(PREDICTING, CountedAttempt.BEST).number == 1
    assert counted_reason(PREDICTING, CountedAttempt.BEST) == "duration"
    # Once it is frozen, the closer prediction decides before the time taken.
    assert counted_attempt(PREDICTING, CountedAttempt.BEST, actual=1000).number == 2
    assert counted_reason(PREDICTING, CountedAttempt.BEST, actual=1000) == "prediction"


def test_best_uses_the_rounds_own_order_of_steps():
    # Time before prediction: the faster of the two 9s, whatever the predictions.
    chain = ("correct", "duration", "prediction", "submitted")
    assert counted_attempt(PREDICTING, CountedAttempt.BEST, chain, actual=1000).number == 1
    # Time first of all: the 8-correct attempt in 100 s.
    chain = ("duration", "correct")
    assert counted_attempt(PREDICTING, CountedAttempt.BEST, chain, actual=1000).number == 3
    assert counted_reason(PREDICTING, CountedAttempt.BEST, chain, actual=1000) == "duration"


def test_no_prediction_ranks_after_any_prediction():
    attempts = [predicted(1, 9, 300, 10, None), predicted(2, 9, 400, 30, 10**9)]
    assert counted_attempt(attempts, CountedAttempt.BEST, actual=1000).number == 2


def test_equal_on_every_step_the_earlier_attempt_counts():
    twins = [predicted(2, 9, 300, 10, 1000), predicted(1, 9, 300, 10, 1000)]
    assert counted_attempt(twins, CountedAttempt.BEST, actual=1000).number == 1
    assert counted_reason(twins, CountedAttempt.BEST, actual=1000) == "number"


def test_reasons_for_one_attempt_and_for_first_and_last():
    assert counted_reason(ATTEMPTS[:1], CountedAttempt.BEST) == "only"
    assert counted_reason(ATTEMPTS, CountedAttempt.FIRST) == "first"
    assert counted_reason(ATTEMPTS, CountedAttempt.LAST) == "last"
    assert counted_reason(ATTEMPTS, CountedAttempt.BEST) == "duration"  # 9 in 400 s over 9 in 500 s
    assert counted_reason([ATTEMPTS[0], ATTEMPTS[3]], CountedAttempt.BEST) == "correct"
    assert counted_reason([], CountedAttempt.BEST) is None

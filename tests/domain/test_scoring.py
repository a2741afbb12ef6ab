from datetime import datetime, timedelta

import pytest

from contest.domain.scoring import (
    CountedAttempt,
    FinishedAttempt,
    count_correct,
    counted_attempt,
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

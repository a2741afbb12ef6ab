"""Durations as participants read them."""

import pytest

from contest.domain.durations import duration_words


@pytest.mark.parametrize(
    ("milliseconds", "words"),
    [
        (None, ""),
        (0, "0 giây"),
        (15_500, "15,5 giây"),
        (15_000, "15 giây"),
        (15_099, "15 giây"),
        (59_960, "59,9 giây"),
        (60_000, "1 phút 00 giây"),
        (723_400, "12 phút 03 giây"),
        (3_599_999, "59 phút 59 giây"),
        (3_723_000, "1 giờ 02 phút 03 giây"),
        (-5, "0 giây"),
    ],
)
def test_duration_words(milliseconds, words):
    assert duration_words(milliseconds) == words

from datetime import datetime, timedelta

from contest.domain import timing

START = datetime(2026, 11, 23, 1, 0, 0)


def test_deadline_is_start_plus_limit():
    assert timing.attempt_deadline(START, timedelta(minutes=20), START + timedelta(days=1)) == (
        START + timedelta(minutes=20)
    )


def test_deadline_never_passes_the_round_closing():
    closes = START + timedelta(minutes=5)
    assert timing.attempt_deadline(START, timedelta(minutes=20), closes) == closes


def test_answers_accepted_within_grace_and_refused_after():
    deadline = START + timedelta(minutes=20)
    grace = timedelta(seconds=10)
    assert timing.accepts_answers(deadline, deadline, grace)
    assert timing.accepts_answers(deadline + timedelta(seconds=10), deadline, grace)
    assert not timing.accepts_answers(
        deadline + timedelta(seconds=10, microseconds=1), deadline, grace
    )
    assert timing.is_expired(deadline + timedelta(seconds=11), deadline, grace)


def test_finish_time_is_capped_at_the_deadline():
    deadline = START + timedelta(minutes=20)
    assert timing.finish_time(deadline + timedelta(seconds=5), deadline) == deadline
    assert timing.finish_time(START + timedelta(minutes=3), deadline) == START + timedelta(
        minutes=3
    )


def test_duration_in_milliseconds():
    assert (
        timing.duration_ms(START, START + timedelta(minutes=2, seconds=3, milliseconds=450))
        == 123_450
    )
    assert timing.duration_ms(START, START - timedelta(seconds=1)) == 0


def test_seconds_left_never_negative():
    assert timing.seconds_left(START, START + timedelta(seconds=90, milliseconds=900)) == 90
    assert timing.seconds_left(START + timedelta(hours=1), START) == 0


def test_round_window_includes_opening_excludes_closing():
    closes = START + timedelta(days=7)
    assert timing.round_is_open(START, START, closes)
    assert not timing.round_is_open(closes, START, closes)
    assert not timing.round_is_open(START - timedelta(seconds=1), START, closes)


def test_answers_revealed_by_policy():
    closes = START + timedelta(days=7)
    assert not timing.answers_revealed("after_close", START, closes, finished=True)
    assert timing.answers_revealed("after_close", closes, closes, finished=True)
    assert timing.answers_revealed("after_submit", START, closes, finished=True)
    assert not timing.answers_revealed("after_submit", START, closes, finished=False)
    assert not timing.answers_revealed("never", closes + timedelta(days=1), closes, finished=True)

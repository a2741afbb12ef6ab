from datetime import datetime, timedelta

from contest.domain.schedule import NextEvent, Window, next_event, round_state

T0 = datetime(2026, 11, 23, 1, 0)
WEEK = timedelta(days=7)
ROUNDS = [Window(i + 1, i + 1, T0 + i * WEEK, T0 + (i + 1) * WEEK) for i in range(3)]


def test_round_state():
    assert round_state(ROUNDS[0], T0) == "open"
    assert round_state(ROUNDS[1], T0) == "upcoming"
    assert round_state(ROUNDS[0], T0 + WEEK) == "closed"


def test_next_event_is_the_closing_of_the_open_round():
    assert next_event(ROUNDS, T0 + timedelta(days=2)) == NextEvent("closes", 1, T0 + WEEK)


def test_next_event_before_the_contest_is_the_first_opening():
    assert next_event(ROUNDS, T0 - timedelta(hours=1)) == NextEvent("opens", 1, T0)


def test_no_event_after_the_last_round():
    assert next_event(ROUNDS, T0 + 3 * WEEK) is None

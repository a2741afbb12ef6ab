from datetime import datetime, timedelta

from contest.domain.schedule import (
    NextEvent,
    Window,
    contest_over,
    next_event,
    results_kept_back,
    round_state,
)

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


def test_a_contest_is_over_by_its_status_or_when_every_round_has_closed():
    closings = [w.closes_at for w in ROUNDS]
    assert not contest_over(False, closings, T0 + 2 * WEEK)  # the third round is open
    assert contest_over(False, closings, T0 + 3 * WEEK)  # its closing instant counts
    assert contest_over(True, closings, T0)
    assert not contest_over(False, [], T0 + 100 * WEEK) and contest_over(True, [], T0)


def test_results_are_kept_back_only_when_the_contest_says_so_and_is_not_over():
    closings = [w.closes_at for w in ROUNDS]
    assert results_kept_back(False, False, closings, T0)
    assert not results_kept_back(True, False, closings, T0)
    assert not results_kept_back(False, True, closings, T0)
    assert not results_kept_back(False, False, closings, T0 + 3 * WEEK)

"""Deadlines, grace and duration of an attempt. The server's clock is the only clock.

The grace is always the caller's: the app's setting (`ATTEMPT_GRACE_SECONDS`, given by
`contest.web.timekeeping.app_grace`), never a default here that a caller could forget to override.
"""

from datetime import datetime, timedelta


def attempt_deadline(
    started_at: datetime, time_limit: timedelta, round_closes_at: datetime
) -> datetime:
    """An attempt ends when its time limit runs out or the round closes, whichever comes first."""
    return min(started_at + time_limit, round_closes_at)


def accepts_answers(now: datetime, deadline: datetime, grace: timedelta) -> bool:
    """Answers sent up to `grace` after the deadline still count: they were clicked in time but
    travelled over a slow network."""
    return now <= deadline + grace


def is_expired(now: datetime, deadline: datetime, grace: timedelta) -> bool:
    """Past the deadline and its grace: the attempt must be closed with what was saved."""
    return not accepts_answers(now, deadline, grace)


def finish_time(now: datetime, deadline: datetime) -> datetime:
    """The moment an attempt counts as handed in: never later than its deadline."""
    return min(now, deadline)


def duration_ms(started_at: datetime, finished_at: datetime) -> int:
    """Time taken in whole milliseconds, the unit the ranking compares."""
    return max(0, int((finished_at - started_at) / timedelta(milliseconds=1)))


def seconds_left(now: datetime, deadline: datetime) -> int:
    """Whole seconds until the deadline, never negative; what the quiz page counts down from."""
    return max(0, int((deadline - now).total_seconds()))


def round_is_open(now: datetime, opens_at: datetime, closes_at: datetime) -> bool:
    """A round accepts new attempts from its opening (inclusive) to its closing (exclusive)."""
    return opens_at <= now < closes_at


def answers_revealed(policy: str, now: datetime, round_closes_at: datetime, finished: bool) -> bool:
    """Whether a participant may see which answers were right (policy: a RevealAnswers value)."""
    if not finished or policy == "never":
        return False
    if policy == "after_submit":
        return True
    return now >= round_closes_at

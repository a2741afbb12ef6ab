"""Where a contest stands in its schedule: which round is open, what happens next."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Window:
    round_id: int
    number: int
    opens_at: datetime
    closes_at: datetime


@dataclass(frozen=True)
class NextEvent:
    """The next opening or closing a countdown points at; kind is "opens" or "closes"."""

    kind: str
    round_number: int
    at: datetime


def round_state(window: Window, now: datetime) -> str:
    """ "upcoming", "open" or "closed"."""
    if now < window.opens_at:
        return "upcoming"
    if now < window.closes_at:
        return "open"
    return "closed"


def next_event(windows: Sequence[Window], now: datetime) -> NextEvent | None:
    """The closing of the open round, else the earliest opening still ahead, else nothing."""
    events = []
    for window in windows:
        if window.opens_at > now:
            events.append(NextEvent("opens", window.number, window.opens_at))
        elif window.closes_at > now:
            events.append(NextEvent("closes", window.number, window.closes_at))
    return min(events, key=lambda event: event.at, default=None)


def contest_over(status_ended: bool, closing_times: Sequence[datetime], now: datetime) -> bool:
    """A contest is over when its status says so (closed, archived) or every one of its rounds
    has closed; a contest without rounds is over only by its status."""
    return status_ended or (bool(closing_times) and all(at <= now for at in closing_times))


def results_kept_back(
    results_visible: bool, status_ended: bool, closing_times: Sequence[datetime], now: datetime
) -> bool:
    """Scores and ranks kept from participants: the contest shows them only once it is over."""
    return not results_visible and not contest_over(status_ended, closing_times, now)

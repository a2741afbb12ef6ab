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

"""Scoring an attempt and choosing which of a participant's attempts counts."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class CountedAttempt(StrEnum):
    """Which of a participant's finished attempts in a round counts for the ranking."""

    BEST = "best"
    FIRST = "first"
    LAST = "last"


def is_correct(chosen: Iterable[int] | None, correct: Iterable[int]) -> bool:
    """A question is right when exactly the correct options are chosen: no more, no fewer."""
    if not chosen:
        return False
    return sorted(set(chosen)) == sorted(set(correct))


def count_correct(items: Iterable[tuple[Sequence[int] | None, Sequence[int]]]) -> int:
    """Number of right answers among (chosen, correct) pairs."""
    return sum(1 for chosen, correct in items if is_correct(chosen, correct))


@dataclass(frozen=True)
class FinishedAttempt:
    """What choosing the counted attempt needs to know about one finished attempt."""

    attempt_id: int
    number: int
    correct_count: int
    duration_ms: int
    submitted_at: datetime


def counted_attempt(
    attempts: Sequence[FinishedAttempt], policy: CountedAttempt
) -> FinishedAttempt | None:
    """The attempt that counts: best (most correct, then fastest, then earliest), first or last."""
    if not attempts:
        return None
    if policy is CountedAttempt.FIRST:
        return min(attempts, key=lambda a: a.number)
    if policy is CountedAttempt.LAST:
        return max(attempts, key=lambda a: a.number)
    return min(attempts, key=lambda a: (-a.correct_count, a.duration_ms, a.submitted_at, a.number))

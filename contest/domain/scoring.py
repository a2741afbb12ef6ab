"""Scoring an attempt and choosing which of a participant's attempts counts."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from contest.domain.ranking import DEFAULT_CHAIN, Entry, sort_key, validate_chain


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
    prediction: int | None = None

    def as_entry(self) -> Entry:
        return Entry(
            user_id=0,
            correct=self.correct_count,
            prediction=self.prediction,
            duration_ms=self.duration_ms,
            submitted_at=self.submitted_at,
        )


# Why an attempt counts, beside the ranking steps' own names (which say which step set the
# counted attempt apart from the participant's next best one).
ONLY = "only"
BY_POLICY_FIRST = "first"
BY_POLICY_LAST = "last"
EARLIER_ATTEMPT = "number"
# How exports and pages say why an attempt counts.
REASON_WORDING = {
    ONLY: "Lượt thi duy nhất",
    BY_POLICY_FIRST: "Thể lệ tính lượt đầu tiên",
    BY_POLICY_LAST: "Thể lệ tính lượt cuối cùng",
    "correct": "Tốt nhất: nhiều câu trả lời đúng hơn",
    "prediction": "Tốt nhất: dự đoán gần đúng hơn",
    "duration": "Tốt nhất: thời gian làm bài ngắn hơn",
    "submitted": "Tốt nhất: nộp bài sớm hơn",
    EARLIER_ATTEMPT: "Tốt nhất: bằng nhau mọi tiêu chí, lượt sớm hơn",
}


def best_key(attempt: FinishedAttempt, chain: Sequence[str], actual: int | None) -> tuple:
    """Under "best": the round's own tie-break chain, then the earlier attempt."""
    return (*sort_key(attempt.as_entry(), chain, actual), attempt.number)


def counted_attempt(
    attempts: Sequence[FinishedAttempt],
    policy: CountedAttempt,
    chain: Sequence[str] = DEFAULT_CHAIN,
    actual: int | None = None,
) -> FinishedAttempt | None:
    """The attempt that counts: first, last, or under "best" the one the round's chain ranks
    highest (the prediction step decides only once the actual is frozen: until then every
    attempt ties on it), the earlier attempt when they are equal on every step."""
    if not attempts:
        return None
    if policy is CountedAttempt.FIRST:
        return min(attempts, key=lambda a: a.number)
    if policy is CountedAttempt.LAST:
        return max(attempts, key=lambda a: a.number)
    chain = validate_chain(chain)
    return min(attempts, key=lambda a: best_key(a, chain, actual))


def counted_reason(
    attempts: Sequence[FinishedAttempt],
    policy: CountedAttempt,
    chain: Sequence[str] = DEFAULT_CHAIN,
    actual: int | None = None,
) -> str | None:
    """Why `counted_attempt` chose its attempt: ONLY, the policy (first, last), the name of the
    chain step that set it apart from the next best attempt, or EARLIER_ATTEMPT."""
    if not attempts:
        return None
    if len(attempts) == 1:
        return ONLY
    if policy is CountedAttempt.FIRST:
        return BY_POLICY_FIRST
    if policy is CountedAttempt.LAST:
        return BY_POLICY_LAST
    chain = validate_chain(chain)
    best, runner_up = sorted(attempts, key=lambda a: best_key(a, chain, actual))[:2]
    keys = (best_key(best, chain, actual), best_key(runner_up, chain, actual))
    for step, mine, theirs in zip(chain, keys[0], keys[1], strict=False):
        if mine != theirs:
            return step
    return EARLIER_ATTEMPT

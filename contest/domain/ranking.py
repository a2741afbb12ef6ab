"""Ranking a round's entries by the contest's tie-break chain.

The default chain, as the rules page prints it (from `describe_chain`, word for word):
  1. nhiều câu trả lời đúng hơn xếp trên
  2. nếu bằng nhau thì dự đoán gần đúng nhất (sai số tuyệt đối nhỏ hơn) xếp trên; không dự đoán xếp sau
  3. nếu bằng nhau thì thời gian làm bài ngắn hơn xếp trên
  4. nếu bằng nhau thì nộp bài sớm hơn xếp trên
  5. nếu vẫn bằng nhau sau mọi tiêu chí thì đồng hạng
That is: more correct answers; then the smaller |prediction − actual| (no prediction after any);
then the shorter time taken; then the earlier submission.
Entries still equal after every step share a rank (1, 2, 2, 4). Each step can be switched off
and the steps reordered per round; `describe_chain` prints the chain from the same settings.

The steps are one registry, `STEP_REGISTRY`: its order is the default chain, and it drives the
domain's sort key, the rules' wording, the round form's criteria, the SQL order and conditions
and the ranking index (`contest.models.results.RANKING_COLUMNS` names each step's column).
Adding a step is one `Step` here, its column there, and the migration that adds the column.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

CORRECT = "correct"
PREDICTION = "prediction"
DURATION = "duration"
SUBMITTED = "submitted"

# Larger than any real prediction error: an entry without a prediction ranks after all others.
NO_PREDICTION = 10**18


class InvalidChain(ValueError):
    """A tie-break chain names an unknown step or repeats one."""


@dataclass(frozen=True)
class Entry:
    """A participant's counted attempt in a round, as the ranking sees it."""

    user_id: int
    correct: int
    prediction: int | None
    duration_ms: int
    submitted_at: datetime


@dataclass(frozen=True)
class Step:
    """One tie-break step: its stored name, its words in the published rules, which way is
    better, and an entry's value on it (a number when higher is better)."""

    name: str
    wording: str
    higher_is_better: bool
    value: Callable[[Entry, int | None], object]


def _prediction_value(entry: Entry, actual: int | None) -> int:
    error = prediction_error(entry.prediction, actual)
    return NO_PREDICTION if error is None else error


STEP_REGISTRY = (
    Step(CORRECT, "nhiều câu trả lời đúng hơn xếp trên", True, lambda e, _a: e.correct),
    Step(
        PREDICTION,
        "dự đoán gần đúng nhất (sai số tuyệt đối nhỏ hơn) xếp trên; không dự đoán xếp sau",
        False,
        _prediction_value,
    ),
    Step(DURATION, "thời gian làm bài ngắn hơn xếp trên", False, lambda e, _a: e.duration_ms),
    Step(SUBMITTED, "nộp bài sớm hơn xếp trên", False, lambda e, _a: e.submitted_at),
)
STEPS = tuple(step.name for step in STEP_REGISTRY)
STEP_BY_NAME = {step.name: step for step in STEP_REGISTRY}
STEP_WORDING = {step.name: step.wording for step in STEP_REGISTRY}
DEFAULT_CHAIN = STEPS


@dataclass(frozen=True)
class RankedEntry:
    rank: int
    entry: Entry
    prediction_error: int | None


def validate_chain(chain: Sequence[str]) -> tuple[str, ...]:
    unknown = [step for step in chain if step not in STEPS]
    if unknown or len(set(chain)) != len(chain):
        raise InvalidChain(f"invalid tie-break chain: {list(chain)}")
    return tuple(chain)


def prediction_error(prediction: int | None, actual: int | None) -> int | None:
    """|prediction − actual|; None when either is unknown."""
    if prediction is None or actual is None:
        return None
    return abs(prediction - actual)


def sort_key(entry: Entry, chain: Sequence[str], actual: int | None) -> tuple:
    """The tuple that orders entries best first under `chain`."""
    parts: list = []
    for name in chain:
        step = STEP_BY_NAME[name]
        value = step.value(entry, actual)
        parts.append(-value if step.higher_is_better else value)
    return tuple(parts)


def shared_ranks(
    keys: Iterable[tuple],
    offset: int = 0,
    previous: tuple | None = None,
    previous_rank: int | None = None,
) -> Iterator[int]:
    """Competition ranks for keys already in order: equal keys share a rank (1, 2, 2, 4).

    To continue a ranking from an earlier page, pass `offset` (entries before this page) and the
    key and rank of the entry just before it.
    """
    position = offset
    last = previous
    current = previous_rank or 0
    for key in keys:
        position += 1
        if last is None or key != last:
            current = position
        last = key
        yield current


def rank_entries(
    entries: Iterable[Entry], chain: Sequence[str], actual: int | None
) -> list[RankedEntry]:
    """Every entry with its rank, best first. Ties on the whole chain share a rank; the order
    within a tie is by user id, only so that lists are stable."""
    chain = validate_chain(chain)
    keyed = sorted(
        ((sort_key(e, chain, actual), e.user_id, e) for e in entries), key=lambda t: t[:2]
    )
    ranks = shared_ranks(key for key, _uid, _e in keyed)
    return [
        RankedEntry(rank, entry, prediction_error(entry.prediction, actual))
        for rank, (_key, _uid, entry) in zip(ranks, keyed, strict=True)
    ]


def describe_chain(chain: Sequence[str]) -> list[str]:
    """The chain in the words of published rules, one line per step, in order."""
    steps = validate_chain(chain)
    lines = []
    for index, step in enumerate(steps):
        prefix = "" if index == 0 else "nếu bằng nhau thì "
        lines.append(f"{index + 1}. {prefix}{STEP_WORDING[step]}")
    lines.append(f"{len(steps) + 1}. nếu vẫn bằng nhau sau mọi tiêu chí thì đồng hạng")
    return lines


def actual_value(target: str, participants: int, perfect_participants: int, entries: int) -> int:
    """What the prediction question asked for: a round setting (PredictionTarget value)."""
    return {"participants": participants, "perfect": perfect_participants, "entries": entries}[
        target
    ]

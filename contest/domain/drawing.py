"""Drawing the questions of an attempt from the bank."""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


class NotEnoughQuestions(Exception):
    """The bank cannot supply the questions a round asks for."""


@dataclass(frozen=True)
class Candidate:
    """A question that may be drawn: its id and its topic (None when it has none)."""

    question_id: int
    topic_id: int | None


def draw_questions(
    pool: Sequence[Candidate],
    count: int,
    quotas: Mapping[int, int] | None,
    rng: random.Random,
) -> list[int]:
    """Pick `count` distinct question ids: each topic's quota first, the rest from all other questions.

    The result is shuffled, so the quota topics are not grouped at the start.
    """
    quotas = {topic: n for topic, n in (quotas or {}).items() if n > 0}
    if sum(quotas.values()) > count:
        raise NotEnoughQuestions(f"quotas add up to {sum(quotas.values())}, more than {count}")
    chosen: list[int] = []
    if quotas:
        by_topic: dict[int, list[int]] = {topic: [] for topic in quotas}
        for candidate in pool:
            ids = by_topic.get(candidate.topic_id)
            if ids is not None:
                ids.append(candidate.question_id)
        for topic_id, wanted in sorted(quotas.items()):
            available = by_topic[topic_id]
            if len(available) < wanted:
                raise NotEnoughQuestions(f"topic {topic_id} has {len(available)}, quota {wanted}")
            chosen.extend(rng.sample(available, wanted))
    missing = count - len(chosen)
    if len(pool) - len(chosen) < missing:
        raise NotEnoughQuestions(f"bank has {len(pool)} questions, round needs {count}")
    # The rest: the first `missing` not yet taken in a random sample of the whole pool, long
    # enough that the taken ones cannot make it short. That is a uniform draw from the questions
    # not taken, without listing them (the whole bank, on every start).
    taken = set(chosen)
    sample = rng.sample(pool, min(len(pool), missing + len(taken)))
    chosen.extend([c.question_id for c in sample if c.question_id not in taken][:missing])
    rng.shuffle(chosen)
    return chosen


def option_order(option_count: int, shuffle: bool, rng: random.Random) -> list[int]:
    """The order in which a question's options are shown, as indices into its stored options."""
    order = list(range(option_count))
    if shuffle:
        rng.shuffle(order)
    return order


def shown_correct(correct: Sequence[int], order: Sequence[int]) -> list[int]:
    """The correct options' positions in the shown order."""
    return sorted(order.index(index) for index in correct)

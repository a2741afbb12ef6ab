"""Drawing the questions of an attempt from the bank.

A round may ask for at least so many questions of some topics and at least so many of some
difficulties. A question counts toward both its topic's and its difficulty's quota, so the two
families of quotas can help each other (one hard question of topic 1 serves both "3 of topic 1"
and "2 hard ones") or get in each other's way (topic 1 has no hard questions). The draw:

1. takes each topic's quota from its questions, then what each difficulty still lacks from its
   questions not taken yet (`quota_questions`);
2. when that fails (the topics' draw used up the budget or what a difficulty needed), asks a
   plan how many questions to take from each (topic, difficulty) bucket so that every quota is
   met with as few questions as possible (`plan_quotas`: a flow with lower bounds on a graph of
   topics and difficulties, a few dozen nodes at most), which finds one whenever one exists;
3. takes the rest uniformly from every question not taken.

With one family of quotas only this is exactly "each quota's number from its topic (or
difficulty), the rest uniformly from the questions left". `shortfalls` says, for a round's
settings, what the bank lacks, with the same plan.
"""

import random
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# The bucket of the topics (or difficulties) no quota names, and of questions without one.
OTHER = None

Cell = tuple[int | None, int | None]


class NotEnoughQuestions(Exception):
    """The bank cannot supply the questions a round asks for."""


@dataclass(frozen=True)
class Candidate:
    """A question that may be drawn: its id, its topic and its difficulty (None: none), and
    its legal source folded (lower case, no diacritics) for the groups' question sets."""

    question_id: int
    topic_id: int | None
    difficulty: int | None = None
    source: str = ""


@dataclass(frozen=True)
class Shortfall:
    """Why quotas cannot be met, for a message. `kind` is one of
    - "topic", "difficulty": that topic or difficulty (`key`) has `available` questions of the
      `wanted` its quota asks;
    - "total": the bank has `available` questions, a draw takes `wanted`;
    - "topic_total", "difficulty_total": that family's quotas add up to `wanted`, more than the
      `available` questions of a draw;
    - "combined": each quota alone can be met, all together only with `wanted` questions, more
      than the `available` of a draw."""

    kind: str
    key: int | None
    available: int
    wanted: int

    @property
    def missing(self) -> int:
        return self.wanted - self.available


def positive(quotas: Mapping[int, int] | None) -> dict[int, int]:
    return {key: int(n) for key, n in (quotas or {}).items() if n and n > 0}


def cell_of(topic_id, difficulty, topic_quotas: Mapping, difficulty_quotas: Mapping) -> Cell:
    """The bucket a question falls in: its topic and difficulty where a quota names them."""
    return (
        topic_id if topic_id in topic_quotas else OTHER,
        difficulty if difficulty in difficulty_quotas else OTHER,
    )


def count_cells(
    pairs: Iterable[tuple[int | None, int | None, int]],
    topic_quotas: Mapping[int, int],
    difficulty_quotas: Mapping[int, int],
) -> dict[Cell, int]:
    """Questions per bucket from (topic, difficulty, number of questions) rows."""
    cells: dict[Cell, int] = {}
    for topic_id, difficulty, n in pairs:
        cell = cell_of(topic_id, difficulty, topic_quotas, difficulty_quotas)
        cells[cell] = cells.get(cell, 0) + n
    return cells


def shortfalls(
    cells: Mapping[Cell, int],
    count: int,
    topic_quotas: Mapping[int, int] | None,
    difficulty_quotas: Mapping[int, int] | None,
) -> list[Shortfall]:
    """Everything that keeps a draw of `count` from meeting the quotas; empty when it can.

    `cells` counts the questions per (topic, difficulty) as `count_cells` buckets them for
    these quotas (or unbucketed: topics and difficulties without a quota are merged here).
    """
    topic_quotas, difficulty_quotas = positive(topic_quotas), positive(difficulty_quotas)
    cells = count_cells(((t, d, n) for (t, d), n in cells.items()), topic_quotas, difficulty_quotas)
    found: list[Shortfall] = []
    total = sum(cells.values())
    if total < count:
        found.append(Shortfall("total", None, total, count))
    for kind, quotas, axis in (
        ("topic", topic_quotas, 0),
        ("difficulty", difficulty_quotas, 1),
    ):
        if sum(quotas.values()) > count:
            found.append(Shortfall(f"{kind}_total", None, count, sum(quotas.values())))
        for key, wanted in sorted(quotas.items()):
            available = sum(n for cell, n in cells.items() if cell[axis] == key)
            if available < wanted:
                found.append(Shortfall(kind, key, available, wanted))
    if not found and topic_quotas and difficulty_quotas:
        # The whole bank meets every quota that its topic or difficulty can meet alone: the
        # question is only how few questions can.
        needed = smallest_core(cells, topic_quotas, difficulty_quotas, total)
        if needed is not None and needed > count:
            found.append(Shortfall("combined", None, count, needed))
    return found


def smallest_core(
    cells: Mapping[Cell, int],
    topic_quotas: Mapping[int, int],
    difficulty_quotas: Mapping[int, int],
    limit: int,
) -> int | None:
    """The fewest questions that meet every quota, or None when more than `limit` are needed."""
    low = max(sum(topic_quotas.values()), sum(difficulty_quotas.values()))
    high = min(limit, sum(cells.values()))
    if low > high or _plan(cells, topic_quotas, difficulty_quotas, high, None) is None:
        return None
    # Feasible with n questions means feasible with n + 1 (add any one left): binary search.
    while low < high:
        middle = (low + high) // 2
        if _plan(cells, topic_quotas, difficulty_quotas, middle, None) is None:
            low = middle + 1
        else:
            high = middle
    return low


def plan_quotas(
    cells: Mapping[Cell, int],
    topic_quotas: Mapping[int, int],
    difficulty_quotas: Mapping[int, int],
    count: int,
    rng: random.Random | None = None,
) -> dict[Cell, int]:
    """How many questions to take from each bucket so that every quota is met, with as few
    questions as possible (at most `count`). Raises NotEnoughQuestions when no plan exists."""
    size = smallest_core(cells, topic_quotas, difficulty_quotas, count)
    if size is None:
        raise NotEnoughQuestions(
            f"no {count} questions meet topic quotas {dict(topic_quotas)} "
            f"and difficulty quotas {dict(difficulty_quotas)}"
        )
    plan = _plan(cells, topic_quotas, difficulty_quotas, size, rng)
    assert plan is not None  # smallest_core found it feasible
    return plan


class _Flow:
    """A tiny max-flow (Edmonds-Karp) whose breadth-first search visits arcs in random order."""

    def __init__(self, size: int, rng: random.Random | None):
        self.arcs: list[list[int]] = [[] for _ in range(size)]
        self.head: list[int] = []
        self.capacity: list[int] = []
        self.rng = rng

    def add(self, tail: int, head: int, capacity: int) -> int:
        """An arc and its reverse; returns the arc's index."""
        index = len(self.head)
        self.arcs[tail].append(index)
        self.head.append(head)
        self.capacity.append(capacity)
        self.arcs[head].append(index + 1)
        self.head.append(tail)
        self.capacity.append(0)
        return index

    def run(self, source: int, sink: int) -> int:
        if self.rng is not None:
            for arcs in self.arcs:
                self.rng.shuffle(arcs)
        total = 0
        while True:
            via = [-1] * len(self.arcs)
            via[source] = -2
            queue = deque([source])
            while queue and via[sink] == -1:
                node = queue.popleft()
                for arc in self.arcs[node]:
                    head = self.head[arc]
                    if self.capacity[arc] > 0 and via[head] == -1:
                        via[head] = arc
                        queue.append(head)
            if via[sink] == -1:
                return total
            pushed, node = None, sink
            while node != source:
                arc = via[node]
                pushed = self.capacity[arc] if pushed is None else min(pushed, self.capacity[arc])
                node = self.head[arc ^ 1]
            node = sink
            while node != source:
                arc = via[node]
                self.capacity[arc] -= pushed
                self.capacity[arc ^ 1] += pushed
                node = self.head[arc ^ 1]
            total += pushed


def _plan(
    cells: Mapping[Cell, int],
    topic_quotas: Mapping[int, int],
    difficulty_quotas: Mapping[int, int],
    size: int,
    rng: random.Random | None,
) -> dict[Cell, int] | None:
    """Exactly `size` questions from the buckets meeting every quota, or None.

    Source → topic (at least its quota, at most its questions) → difficulty (at most the
    bucket's questions) → sink (at least the difficulty's quota), `size` units in all: a flow
    with lower bounds, solved as a max flow from a super source to a super sink.
    """
    topics = sorted({t for t, _d in cells} | set(topic_quotas), key=_order)
    difficulties = sorted({d for _t, d in cells} | set(difficulty_quotas), key=_order)
    source, sink, super_source, super_sink = 0, 1, 2, 3
    topic_node = {t: 4 + i for i, t in enumerate(topics)}
    difficulty_node = {d: 4 + len(topics) + i for i, d in enumerate(difficulties)}
    flow = _Flow(4 + len(topics) + len(difficulties), rng)
    excess = [0] * len(flow.arcs)

    def bounded(tail: int, head: int, lower: int, upper: int) -> bool:
        if lower > upper:
            return False
        if upper > lower:
            flow.add(tail, head, upper - lower)
        excess[head] += lower
        excess[tail] -= lower
        return True

    for t in topics:
        row = sum(n for (ct, _d), n in cells.items() if ct == t)
        if not bounded(source, topic_node[t], topic_quotas.get(t, 0), row):
            return None
    bucket_arcs = {
        cell: flow.add(topic_node[cell[0]], difficulty_node[cell[1]], n)
        for cell, n in cells.items()
        if n > 0
    }
    for d in difficulties:
        column = sum(n for (_t, cd), n in cells.items() if cd == d)
        if not bounded(difficulty_node[d], sink, difficulty_quotas.get(d, 0), column):
            return None
    bounded(sink, source, size, size)
    demand = 0
    for node, amount in enumerate(excess):
        if amount > 0:
            flow.add(super_source, node, amount)
            demand += amount
        elif amount < 0:
            flow.add(node, super_sink, -amount)
    if flow.run(super_source, super_sink) != demand:
        return None
    # The flow through a bucket's arc is what its reverse arc holds.
    return {
        cell: flow.capacity[arc ^ 1] for cell, arc in bucket_arcs.items() if flow.capacity[arc ^ 1]
    }


def _order(key):
    """Sort ids with the "other" bucket (None) first."""
    return (key is not None, key or 0)


def draw_questions(
    pool: Sequence[Candidate],
    count: int,
    quotas: Mapping[int, int] | None,
    rng: random.Random,
    difficulty_quotas: Mapping[int, int] | None = None,
) -> list[int]:
    """Pick `count` distinct question ids meeting the topic `quotas` and `difficulty_quotas`
    (at least so many of each), the rest uniformly from every other question.

    The result is shuffled, so the quota topics are not grouped at the start.
    """
    topic_quotas, difficulty_quotas = positive(quotas), positive(difficulty_quotas)
    for family, name in ((topic_quotas, "topic"), (difficulty_quotas, "difficulty")):
        if sum(family.values()) > count:
            raise NotEnoughQuestions(
                f"{name} quotas add up to {sum(family.values())}, more than {count}"
            )
    chosen: list[int] = []
    if topic_quotas or difficulty_quotas:
        chosen = quota_questions(pool, count, topic_quotas, difficulty_quotas, rng)
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


# Tries of the plain way (topics first, then the difficulties still short) before the plan.
SEQUENTIAL_TRIES = 3


def quota_questions(
    pool: Sequence[Candidate],
    count: int,
    topic_quotas: dict[int, int],
    difficulty_quotas: dict[int, int],
    rng: random.Random,
) -> list[int]:
    """At most `count` distinct ids that meet every quota.

    The plain way first: each topic's quota drawn from its questions, then what each difficulty
    still lacks drawn from its questions not taken. It fails only when the topics' draw used up
    what a difficulty needed or the budget; then the plan (`plan_quotas`), which finds a way
    whenever there is one, decides how many to take from each (topic, difficulty) bucket.
    """
    by_topic: dict[int, list[Candidate]] = {t: [] for t in topic_quotas}
    by_difficulty: dict[int, list[Candidate]] = {d: [] for d in difficulty_quotas}
    # One pass per family that has quotas: the pool is the whole bank, on every start.
    if by_topic:
        for candidate in pool:
            if (found := by_topic.get(candidate.topic_id)) is not None:
                found.append(candidate)
    if by_difficulty:
        for candidate in pool:
            if (found := by_difficulty.get(candidate.difficulty)) is not None:
                found.append(candidate)
    # Checked here for a clear reason; the plan would refuse them too.
    for name, family, lists in (
        ("topic", topic_quotas, by_topic),
        ("difficulty", difficulty_quotas, by_difficulty),
    ):
        for key, wanted in sorted(family.items()):
            if len(lists[key]) < wanted:
                raise NotEnoughQuestions(f"{name} {key} has {len(lists[key])}, quota {wanted}")
    for _try in range(SEQUENTIAL_TRIES if topic_quotas and difficulty_quotas else 1):
        chosen = _sequential(by_topic, by_difficulty, topic_quotas, difficulty_quotas, count, rng)
        if chosen is not None:
            return chosen
    buckets: dict[Cell, list[int]] = {}
    for candidate in pool:
        cell = cell_of(candidate.topic_id, candidate.difficulty, topic_quotas, difficulty_quotas)
        buckets.setdefault(cell, []).append(candidate.question_id)
    plan = plan_quotas(
        {cell: len(ids) for cell, ids in buckets.items()},
        topic_quotas,
        difficulty_quotas,
        count,
        rng,
    )
    chosen = []
    for cell in sorted(plan, key=lambda c: (_order(c[0]), _order(c[1]))):
        chosen.extend(rng.sample(buckets[cell], plan[cell]))
    return chosen


def _sequential(
    by_topic: dict[int, list[Candidate]],
    by_difficulty: dict[int, list[Candidate]],
    topic_quotas: dict[int, int],
    difficulty_quotas: dict[int, int],
    count: int,
    rng: random.Random,
) -> list[int] | None:
    chosen: list[Candidate] = []
    for topic_id, wanted in sorted(topic_quotas.items()):
        chosen.extend(rng.sample(by_topic[topic_id], wanted))
    taken = {c.question_id for c in chosen}
    for difficulty, wanted in sorted(difficulty_quotas.items()):
        short = wanted - sum(1 for c in chosen if c.difficulty == difficulty)
        if short <= 0:
            continue
        left = [c for c in by_difficulty[difficulty] if c.question_id not in taken]
        if len(left) < short or len(chosen) + short > count:
            return None
        more = rng.sample(left, short)
        chosen.extend(more)
        taken.update(c.question_id for c in more)
    return [c.question_id for c in chosen]


def option_order(option_count: int, shuffle: bool, rng: random.Random) -> list[int]:
    """The order in which a question's options are shown, as indices into its stored options."""
    order = list(range(option_count))
    if shuffle:
        rng.shuffle(order)
    return order


def shown_correct(correct: Sequence[int], order: Sequence[int]) -> list[int]:
    """The correct options' positions in the shown order."""
    return sorted(order.index(index) for index in correct)

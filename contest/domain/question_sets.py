"""A participant group's own question set: a filter over the active bank.

A round may give a group (civil servants, citizens) its own set. A set names any of
- topics: the question's topic is one of them;
- difficulties: the question's difficulty is one of them;
- sources: the question's legal source contains one of these fragments (both folded: lower
  case, without diacritics);
- question_ids: a hand-picked list.

A question is in the set when it is hand-picked, or when it passes every filter the set gives
(topics, difficulties, sources; a filter left empty lets everything through) and the set gives
at least one. So a hand-picked list alone is exactly those questions, filters alone are their
intersection, both together are the list plus what the filters let through. A set with nothing
in it is the whole bank. The round's quotas are then drawn from the set
(`contest.domain.drawing.draw_questions`).
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from contest.domain.drawing import Candidate

# The keys of a set as stored (Round.question_sets[group]).
KEYS = ("topics", "difficulties", "sources", "question_ids")
DIFFICULTIES = (1, 2, 3)


@dataclass(frozen=True)
class QuestionSet:
    """A group's set, ready to filter with: sources already folded."""

    topics: frozenset[int] = frozenset()
    difficulties: frozenset[int] = frozenset()
    sources: tuple[str, ...] = ()
    question_ids: frozenset[int] = frozenset()

    @property
    def has_filters(self) -> bool:
        return bool(self.topics or self.difficulties or self.sources)

    @property
    def whole_bank(self) -> bool:
        return not (self.has_filters or self.question_ids)

    def admits(
        self, question_id: int, topic_id: int | None, difficulty: int | None, folded_source: str
    ) -> bool:
        if question_id in self.question_ids:
            return True
        if not self.has_filters:
            return self.whole_bank
        return (
            (not self.topics or topic_id in self.topics)
            and (not self.difficulties or difficulty in self.difficulties)
            and (not self.sources or any(part in folded_source for part in self.sources))
        )


def _whole_numbers(values) -> list[int]:
    numbers = []
    for value in values if isinstance(values, list | tuple) else ():
        try:
            numbers.append(int(value))
        except (TypeError, ValueError):
            continue
    return sorted(set(numbers))


def normalized(stored) -> dict[str, list]:
    """A set as stored, cleaned: every key, numbers sorted without repeats, sources stripped
    and without blanks (as typed, for the form). Empty lists everywhere: the whole bank."""
    stored = stored if isinstance(stored, Mapping) else {}
    sources = stored.get("sources")
    sources = sources if isinstance(sources, list | tuple) else ()
    return {
        "topics": _whole_numbers(stored.get("topics")),
        "difficulties": [
            d for d in _whole_numbers(stored.get("difficulties")) if d in DIFFICULTIES
        ],
        "sources": list(dict.fromkeys(" ".join(str(s).split()) for s in sources if str(s).strip())),
        "question_ids": _whole_numbers(stored.get("question_ids")),
    }


def is_empty(stored) -> bool:
    return not any(normalized(stored).values())


def parse(stored, fold: Callable[[str], str]) -> QuestionSet:
    """A set as stored, to filter with; `fold` folds the sources as questions' are folded."""
    clean = normalized(stored)
    return QuestionSet(
        topics=frozenset(clean["topics"]),
        difficulties=frozenset(clean["difficulties"]),
        sources=tuple(dict.fromkeys(p for p in (fold(s) for s in clean["sources"]) if p)),
        question_ids=frozenset(clean["question_ids"]),
    )


def parse_all(stored_sets, fold: Callable[[str], str]) -> dict[str, QuestionSet]:
    """Every group's set that restricts the bank, by group."""
    stored_sets = stored_sets if isinstance(stored_sets, Mapping) else {}
    parsed = {group: parse(value, fold) for group, value in stored_sets.items()}
    return {group: qset for group, qset in parsed.items() if not qset.whole_bank}


def filter_pool(pool: Iterable[Candidate], qset: QuestionSet | None) -> list[Candidate]:
    """The candidates in the set (all of them for None or an empty set)."""
    if qset is None or qset.whole_bank:
        return list(pool)
    return [c for c in pool if qset.admits(c.question_id, c.topic_id, c.difficulty, c.source)]


def missing_ids(qset: QuestionSet, known: Sequence[int] | set[int]) -> list[int]:
    """The hand-picked ids that are no question of the bank, in order."""
    known = set(known)
    return sorted(qid for qid in qset.question_ids if qid not in known)

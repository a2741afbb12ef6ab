"""The questions a new attempt may draw from, kept by each worker for a few seconds.

Every start used to read the id, topic and difficulty of every active question. A worker now keeps that list
for `QUESTION_POOL_SECONDS` (30 by default). It is only a hint: the drawn questions are read
again from the database, and a question retired, deleted, moved to another topic or given another
difficulty since the list was taken makes the start throw the list away and draw again from a
fresh one. So a retirement
counts at once on every host; a question added to the bank can be drawn within that many seconds.
A group's own question set (`contest.domain.question_sets`) is filtered from the copy once and
kept with it; a drawn question whose source changed since is thrown away like a moved one.
"""

import time
from dataclasses import dataclass, field

from sqlalchemy import select

from contest.domain import question_sets
from contest.domain.drawing import Candidate
from contest.extensions import db
from contest.models import Question
from contest.text import fold


@dataclass(frozen=True)
class PoolCopy:
    candidates: tuple[Candidate, ...]
    topic_of: dict[int, int | None]
    difficulty_of: dict[int, int | None]
    taken_at: float
    # Each question's source, folded (Candidate.source).
    source_of: dict[int, str] = field(default_factory=dict)
    # The candidates of each group's question set met so far, filtered once per copy.
    subsets: dict[question_sets.QuestionSet, tuple[Candidate, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def candidates_in(self, qset: question_sets.QuestionSet | None) -> tuple[Candidate, ...]:
        """The candidates a group's set lets through (every one for None)."""
        if qset is None or qset.whole_bank:
            return self.candidates
        found = self.subsets.get(qset)
        if found is None:
            found = self.subsets[qset] = tuple(question_sets.filter_pool(self.candidates, qset))
        return found


# One copy per database (tests run many apps in one process), per worker process.
_copies: dict[str, PoolCopy] = {}


def pool(max_age: float, fresh: bool = False) -> PoolCopy:
    """Active questions as drawing candidates, from this worker's copy while it is under
    `max_age` seconds old (the app's QUESTION_POOL_SECONDS)."""
    key = str(db.engine.url)
    copy = _copies.get(key)
    if fresh or copy is None or time.monotonic() - copy.taken_at >= max_age:
        copy = read_pool()
        _copies[key] = copy
    return copy


def read_pool() -> PoolCopy:
    rows = db.session.execute(
        select(Question.id, Question.topic_id, Question.difficulty, Question.source).where(
            Question.active.is_(True)
        )
    ).all()
    candidates = tuple(
        Candidate(qid, topic_id, difficulty, fold(source))
        for qid, topic_id, difficulty, source in rows
    )
    return PoolCopy(
        candidates=candidates,
        topic_of={qid: topic_id for qid, topic_id, _difficulty, _source in rows},
        difficulty_of={qid: difficulty for qid, _topic_id, difficulty, _source in rows},
        source_of={c.question_id: c.source for c in candidates},
        taken_at=time.monotonic(),
    )


def still_drawable(copy: PoolCopy, drawn: list[int], found: list) -> bool:
    """Whether every drawn question still exists, is active and has the topic, difficulty and
    source it was drawn for (a group's question set may have chosen it by any of them).

    `found` holds the drawn questions as the database has them now (id, topic_id, difficulty,
    source, active).
    """
    return len(found) == len(drawn) and all(
        row.active
        and copy.topic_of.get(row.id, -1) == row.topic_id
        and copy.difficulty_of.get(row.id, -1) == row.difficulty
        and copy.source_of.get(row.id, "") == fold(row.source)
        for row in found
    )

"""Regrading the attempts that drew a question whose key was corrected (a complaint upheld).

`preview` applies the corrected key inside a savepoint, measures every affected round's
ranking and prizes before and after, and rolls back: the judge sees whose rank, score or prize
would change. `apply` does the same and commits, audited, and sends each affected round's
results back to draft, so that they are reviewed and republished with a reason (a published
snapshot stays as it was published until then).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from contest.audit.service import Actor, record
from contest.domain import prizes as prize_rules
from contest.domain.regrade import shown_key
from contest.domain.scoring import is_correct
from contest.extensions import db
from contest.models import Attempt, AttemptItem, AttemptStatus, Question, Round, RoundEntry
from contest.results.entries import apply_attempt, choose, closed_attempts
from contest.results.ranking import Scope, iter_ranking
from contest.results.service import compute_prizes
from contest.text import nfc

MAX_REASON = 500
REGRADED = "question_regraded"


class RegradeRefused(Exception):
    """The regrade cannot be done; the message is Vietnamese, `status` the page's answer."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class LineChange:
    user_id: int
    full_name: str
    rank_before: int | None
    rank_after: int | None
    correct_before: int | None
    correct_after: int | None
    prize_before: str | None
    prize_after: str | None

    @property
    def prize_before_label(self) -> str:
        return prize_rules.LABELS[self.prize_before] if self.prize_before else "—"

    @property
    def prize_after_label(self) -> str:
        return prize_rules.LABELS[self.prize_after] if self.prize_after else "—"


@dataclass
class RoundImpact:
    round_id: int
    title: str
    contest_title: str
    results_status: str
    attempts: int = 0
    changes: list[LineChange] = field(default_factory=list)


@dataclass
class RegradePlan:
    question_id: int
    version: int
    items: int = 0  # items whose key changes
    unmatched: int = 0  # items that showed other options: to decide by hand
    rounds: list[RoundImpact] = field(default_factory=list)

    @property
    def changes_anything(self) -> bool:
        return self.items > 0


def _question(question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None:
        raise RegradeRefused("Không tìm thấy câu hỏi này trong ngân hàng.", 404)
    return question


def _changed_items(question: Question) -> tuple[list[tuple[AttemptItem, list[int]]], int]:
    """Items of the question whose key differs under the corrected one, with their new key,
    and how many items showed other options."""
    items = db.session.execute(
        select(AttemptItem).where(AttemptItem.question_id == question.id)
    ).scalars()
    changed, unmatched = [], 0
    for item in items:
        key = shown_key(item.options, item.option_order, question.options, question.correct)
        if key is None:
            unmatched += 1
        elif sorted(key) != sorted(item.correct):
            changed.append((item, key))
    return changed, unmatched


def _standing(round_: Round) -> dict[int, tuple[int, int, str]]:
    """user id → (rank, correct answers, name) in the round's whole ranking."""
    return {
        row.user_id: (row.rank, row.correct_count, row.full_name)
        for row in iter_ranking(Scope(round_))
    }


def _measure(rounds: list[Round]) -> dict[int, tuple[dict, dict]]:
    return {round_.id: (_standing(round_), compute_prizes(round_)) for round_ in rounds}


def _regrade(question: Question, changed) -> dict[int, set[int]]:
    """Write the corrected key into the items, score their closed attempts again and choose
    each affected entry's counted attempt again; no commit. Returns round id → user ids."""
    attempt_ids = set()
    for item, key in changed:
        item.correct = key
        item.question_version = question.version
        if item.is_correct is not None:  # a closed attempt's item: graded again
            item.is_correct = is_correct(item.chosen, key)
        attempt_ids.add(item.attempt_id)
    db.session.flush()
    touched: dict[int, set[int]] = defaultdict(set)
    for attempt in db.session.execute(
        select(Attempt).where(Attempt.id.in_(attempt_ids), Attempt.status != AttemptStatus.OPEN)
    ).scalars():
        attempt.correct_count = db.session.execute(
            select(func.count()).where(
                AttemptItem.attempt_id == attempt.id, AttemptItem.is_correct.is_(True)
            )
        ).scalar_one()
        touched[attempt.round_id].add(attempt.user_id)
    db.session.flush()
    for round_id, user_ids in touched.items():
        round_ = db.session.get(Round, round_id)
        for user_id in user_ids:
            _refresh_entry(round_, user_id)
    db.session.flush()
    return touched


def _refresh_entry(round_: Round, user_id: int) -> None:
    entry = db.session.execute(
        select(RoundEntry).where(RoundEntry.round_id == round_.id, RoundEntry.user_id == user_id)
    ).scalar_one_or_none()
    if entry is None:
        return
    attempts = closed_attempts(round_.id, user_id)
    chosen, reason = choose(round_, attempts)
    apply_attempt(entry, chosen, round_)
    entry.counted_reason = reason
    entry.perfect_count = sum(a.correct_count == a.question_count for a in attempts)


def _impacts(rounds, before, after, touched) -> list[RoundImpact]:
    impacts = []
    for round_ in rounds:
        (standing_before, prizes_before), (standing_after, prizes_after) = (
            before[round_.id],
            after[round_.id],
        )
        impact = RoundImpact(
            round_.id,
            round_.title,
            round_.contest.title,
            round_.results_status,
            len(touched.get(round_.id, ())),
        )
        for user_id in sorted(set(standing_before) | set(standing_after)):
            was, now = standing_before.get(user_id), standing_after.get(user_id)
            line = LineChange(
                user_id,
                (now or was)[2],
                was and was[0],
                now and now[0],
                was and was[1],
                now and now[1],
                prizes_before.get(user_id),
                prizes_after.get(user_id),
            )
            if (line.rank_before, line.correct_before, line.prize_before) != (
                line.rank_after,
                line.correct_after,
                line.prize_after,
            ):
                impact.changes.append(line)
        impact.changes.sort(key=lambda line: (line.rank_after or 0, line.user_id))
        impacts.append(impact)
    return impacts


def _rounds_of(changed) -> list[Round]:
    round_ids = db.session.execute(
        select(Attempt.round_id)
        .where(Attempt.id.in_({item.attempt_id for item, _ in changed}))
        .distinct()
    ).scalars()
    return [db.session.get(Round, round_id) for round_id in sorted(round_ids)]


def _plan(question: Question, commit_reason: str | None, actor: Actor | None) -> RegradePlan:
    changed, unmatched = _changed_items(question)
    plan = RegradePlan(question.id, question.version, len(changed), unmatched)
    if not changed:
        return plan
    rounds = _rounds_of(changed)
    before = _measure(rounds)
    savepoint = db.session.begin_nested()
    touched = _regrade(question, changed)
    after = _measure(rounds)
    plan.rounds = _impacts(rounds, before, after, touched)
    if actor is None:
        savepoint.rollback()
        db.session.expire_all()
        return plan
    savepoint.commit()
    for round_ in rounds:
        if round_.results_status != "draft":
            round_.results_status = "draft"
    record(
        actor,
        REGRADED,
        "question",
        question.id,
        {
            "version": question.version,
            "reason": commit_reason,
            "items": plan.items,
            "unmatched": plan.unmatched,
            "rounds": [
                {
                    "round_id": impact.round_id,
                    "status_before": impact.results_status,
                    "attempts": impact.attempts,
                    "changed_lines": len(impact.changes),
                }
                for impact in plan.rounds
            ],
        },
    )
    db.session.commit()
    return plan


def preview(question_id: int) -> RegradePlan:
    """What regrading would change, changing nothing."""
    plan = _plan(_question(question_id), None, None)
    db.session.rollback()
    return plan


def apply(question_id: int, reason: str | None, actor: Actor) -> RegradePlan:
    """Regrade every attempt that drew the question with another key; one commit, audited.
    Affected rounds' results go back to draft for review and republishing."""
    text = nfc(reason)
    if not text:
        raise RegradeRefused("Vui lòng ghi rõ lý do chấm lại (ví dụ: khiếu nại được chấp nhận).")
    if len(text) > MAX_REASON:
        raise RegradeRefused(f"Lý do chấm lại không quá {MAX_REASON} ký tự.")
    question = _question(question_id)
    if not _changed_items(question)[0]:
        db.session.rollback()
        raise RegradeRefused("Không có bài thi nào cần chấm lại theo đáp án hiện tại.", 409)
    return _plan(question, text, actor)


def candidates(limit: int = 200) -> list[tuple[Question, int]]:
    """Questions drawn by attempts under an older version than the bank's: perhaps their
    key was corrected. (question, items drawn under an older version)."""
    rows = db.session.execute(
        select(Question, func.count())
        .join(AttemptItem, AttemptItem.question_id == Question.id)
        .where(AttemptItem.question_version < Question.version)
        .group_by(Question.id)
        .order_by(Question.id)
        .limit(limit)
    ).all()
    return [(question, count) for question, count in rows]

"""Each participant's counted entry per round, kept up to date as attempts close."""

from sqlalchemy import func, select

from contest.domain.ranking import NO_PREDICTION
from contest.domain.scoring import (
    CountedAttempt,
    FinishedAttempt,
    counted_attempt,
    counted_reason,
)
from contest.extensions import db
from contest.models import Attempt, AttemptItem, AttemptStatus, Round, RoundEntry, User


def frozen_error(prediction: int | None, actual: int | None) -> int | None:
    """The stored prediction error: None while the actual value is unknown (everyone ties on
    that step), a sentinel after every real error when there is no prediction."""
    if actual is None:
        return None
    return NO_PREDICTION if prediction is None else abs(prediction - actual)


def finished(attempt: Attempt) -> FinishedAttempt:
    return FinishedAttempt(
        attempt_id=attempt.id,
        number=attempt.number,
        correct_count=attempt.correct_count or 0,
        duration_ms=attempt.duration_ms or 0,
        submitted_at=attempt.submitted_at,
        prediction=attempt.prediction,
    )


def closed_attempts(round_id: int, user_id: int) -> list[Attempt]:
    return list(
        db.session.execute(
            select(Attempt).where(
                Attempt.round_id == round_id,
                Attempt.user_id == user_id,
                Attempt.status != AttemptStatus.OPEN,
            )
        ).scalars()
    )


def choose(
    round_: Round, attempts: list[Attempt], actual: int | None = None
) -> tuple[Attempt, str | None]:
    """The attempt that counts under the round's policy and its own chain, and why (`actual`:
    the prediction's actual value when it is being frozen, else the round's)."""
    policy = CountedAttempt(round_.counted_attempt)
    candidates = [finished(a) for a in attempts]
    actual = round_.prediction_actual if actual is None else actual
    args = (policy, round_.ranking_chain, actual)
    chosen = counted_attempt(candidates, *args)
    by_id = {a.id: a for a in attempts}
    return by_id[chosen.attempt_id], counted_reason(candidates, *args)


def record_entry(attempt: Attempt) -> None:
    """Fold a just-closed attempt into its participant's entry; the caller commits.

    A participant has at most one open attempt per round, so two closings for the same entry
    cannot race; the unique (round, user) constraint guards the rest.
    """
    round_ = db.session.get(Round, attempt.round_id)
    entry = db.session.execute(
        select(RoundEntry).where(
            RoundEntry.round_id == attempt.round_id, RoundEntry.user_id == attempt.user_id
        )
    ).scalar_one_or_none()
    perfect = int(attempt.correct_count == attempt.question_count)
    if entry is None:
        user = db.session.get(User, attempt.user_id)
        entry = RoundEntry(
            round_id=attempt.round_id,
            user_id=attempt.user_id,
            participant_group=user.participant_group,
            agency_id=user.agency_id,
            attempts_count=1,
            perfect_count=perfect,
        )
        db.session.add(entry)
        apply_attempt(entry, attempt, round_)
        entry.counted_reason = "only"
        return
    entry.attempts_count += 1
    entry.perfect_count += perfect
    # Every closed attempt of the person (a handful): the next best one says why this counts.
    attempts = closed_attempts(attempt.round_id, attempt.user_id)
    if attempt not in attempts:
        attempts.append(attempt)
    chosen, reason = choose(round_, attempts)
    apply_attempt(entry, chosen, round_)
    entry.counted_reason = reason


def rechoose(round_: Round, actual: int | None = None, batch_size: int = 1000) -> int:
    """Choose again the counted attempt of everyone with several attempts (when the actual is
    frozen, or the chain or the policy changed), one commit per batch; returns how many
    entries moved to another attempt. Running it twice changes nothing the second time."""
    user_ids = (
        db.session.execute(
            select(RoundEntry.user_id)
            .where(RoundEntry.round_id == round_.id, RoundEntry.attempts_count > 1)
            .order_by(RoundEntry.user_id)
        )
        .scalars()
        .all()
    )
    moved = 0
    for start in range(0, len(user_ids), batch_size):
        for user_id in user_ids[start : start + batch_size]:
            entry = db.session.execute(
                select(RoundEntry).where(
                    RoundEntry.round_id == round_.id, RoundEntry.user_id == user_id
                )
            ).scalar_one()
            chosen, reason = choose(round_, closed_attempts(round_.id, user_id), actual)
            moved += chosen.id != entry.attempt_id
            apply_attempt(entry, chosen, round_, actual)
            entry.counted_reason = reason
        db.session.commit()
    return moved


def apply_attempt(
    entry: RoundEntry, attempt: Attempt, round_: Round, actual: int | None = None
) -> None:
    if entry.attempt_id != attempt.id:
        entry.last_answer_ms = last_answer_ms(attempt)
    entry.attempt_id = attempt.id
    entry.correct_count = attempt.correct_count or 0
    entry.question_count = attempt.question_count
    entry.duration_ms = attempt.duration_ms or 0
    entry.submitted_at = attempt.submitted_at
    entry.prediction = attempt.prediction
    actual = round_.prediction_actual if actual is None else actual
    entry.prediction_error = frozen_error(attempt.prediction, actual)


def last_answer_ms(attempt: Attempt) -> int | None:
    """Milliseconds from the attempt's start to its last saved answer (None: no answer)."""
    # A new entry is in the session without its attempt yet: no flush before it has one.
    with db.session.no_autoflush:
        last = db.session.execute(
            select(func.max(AttemptItem.answered_at)).where(AttemptItem.attempt_id == attempt.id)
        ).scalar_one()
    if last is None:
        return None
    return max(0, round((last - attempt.started_at).total_seconds() * 1000))

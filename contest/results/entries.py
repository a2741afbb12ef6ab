"""Each participant's counted entry per round, kept up to date as attempts close."""

from sqlalchemy import select

from contest.domain.ranking import NO_PREDICTION
from contest.domain.scoring import CountedAttempt, FinishedAttempt, counted_attempt
from contest.extensions import db
from contest.models import Attempt, AttemptStatus, Round, RoundEntry, User


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
    )


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
        return
    entry.attempts_count += 1
    entry.perfect_count += perfect
    current = db.session.get(Attempt, entry.attempt_id)
    chosen = counted_attempt(
        [finished(current), finished(attempt)], CountedAttempt(round_.counted_attempt)
    )
    if chosen.attempt_id == attempt.id:
        apply_attempt(entry, attempt, round_)


def apply_attempt(entry: RoundEntry, attempt: Attempt, round_: Round) -> None:
    entry.attempt_id = attempt.id
    entry.correct_count = attempt.correct_count or 0
    entry.question_count = attempt.question_count
    entry.duration_ms = attempt.duration_ms or 0
    entry.submitted_at = attempt.submitted_at
    entry.prediction = attempt.prediction
    entry.prediction_error = frozen_error(attempt.prediction, round_.prediction_actual)


def rebuild_entries(round_id: int) -> int:
    """Recompute every entry of a round from its attempts (after its counting rule changed)."""
    db.session.execute(db.delete(RoundEntry).where(RoundEntry.round_id == round_id))
    attempts = db.session.execute(
        select(Attempt)
        .where(Attempt.round_id == round_id, Attempt.status != AttemptStatus.OPEN)
        .order_by(Attempt.user_id, Attempt.number)
    ).scalars()
    count = 0
    for attempt in attempts:
        record_entry(attempt)
        db.session.flush()
        count += 1
    db.session.commit()
    return count

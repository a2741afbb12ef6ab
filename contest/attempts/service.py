"""Starting, answering, submitting and closing attempts. The server's clock decides everything."""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.exc import IntegrityError

from contest.attempts import queries, question_pool
from contest.domain import drawing, scoring, timing
from contest.extensions import db
from contest.models import (
    Attempt,
    AttemptItem,
    AttemptStatus,
    ContestStatus,
    Round,
)
from contest.models.contest import quotas_by_topic
from contest.results import entries


class Participant(Protocol):
    """Who starts an attempt: the session's account or a `User`, as the caller has it."""

    id: int
    participant_group: str


class AttemptRefused(Exception):
    """A participant may not do this now; `message` is shown to them in Vietnamese."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def find_attempt(user_id: int, attempt_id: int) -> Attempt | None:
    """The attempt if it belongs to this user; someone else's attempt is as good as missing."""
    return db.session.execute(
        queries.OWN_ATTEMPT, queries.own_attempt_params(attempt_id, user_id)
    ).scalar_one_or_none()


@dataclass(frozen=True)
class StartRules:
    """What a start needs of a round and its contest, as plain data."""

    round_id: int
    opens_at: datetime
    closes_at: datetime
    question_count: int
    quotas_by_topic: dict[int, int]
    time_limit: timedelta
    attempts_allowed: int | None
    shuffle_options: bool
    contest_status: str
    eligible_groups: list[str]

    @classmethod
    def from_columns(
        cls,
        round_id: int,
        opens_at: datetime,
        closes_at: datetime,
        question_count: int,
        topic_quotas: dict[str, int] | None,
        time_limit_seconds: int,
        attempts_allowed: int | None,
        shuffle_options: bool,
        contest_status: str,
        eligible_groups: list[str] | None,
    ) -> "StartRules":
        """From the round's and contest's columns as stored, in queries.START_RULES's order."""
        return cls(
            round_id,
            opens_at,
            closes_at,
            question_count,
            quotas_by_topic(topic_quotas),
            timedelta(seconds=time_limit_seconds),
            attempts_allowed,
            shuffle_options,
            contest_status,
            eligible_groups or [],
        )


def find_start_rules(
    round_id: int, user_id: int
) -> tuple[StartRules, tuple[int, int | None]] | None:
    """The start's rules for a round, and `attempts_so_far` of the participant in it.

    Read as one plain row (no ORM objects): both are what every press of "start" needs first.
    """
    row = (
        db.session.connection()
        .execute(queries.START_RULES, queries.start_rules_params(round_id, user_id))
        .one_or_none()
    )
    if row is None:
        return None
    *columns, attempts_used, open_attempt_id = row
    return StartRules.from_columns(*columns), (attempts_used, open_attempt_id)


def check_may_start(user: Participant, rules: StartRules, now: datetime) -> None:
    if rules.contest_status != ContestStatus.OPEN:
        raise AttemptRefused("contest_closed", "Cuộc thi chưa mở hoặc đã kết thúc.")
    if rules.eligible_groups and user.participant_group not in rules.eligible_groups:
        raise AttemptRefused("not_eligible", "Đối tượng của bạn không thuộc diện dự thi vòng này.")
    if now < rules.opens_at:
        raise AttemptRefused("not_open_yet", "Vòng thi chưa mở.")
    if now >= rules.closes_at:
        raise AttemptRefused("round_closed", "Vòng thi đã kết thúc.")


def attempts_so_far(user_id: int, round_id: int) -> tuple[int, int | None]:
    """How many attempts the participant has made in the round, and the open one's id if any."""
    used, open_id = (
        db.session.connection()
        .execute(queries.ATTEMPTS_SO_FAR, queries.attempts_so_far_params(user_id, round_id))
        .one()
    )
    return used, open_id


def start_attempt(
    user: Participant,
    round_: Round,
    now: datetime,
    rng: random.Random,
    *,
    grace: timedelta,
    pool_seconds: float,
) -> Attempt:
    """Resume the open attempt, or draw and store a new one. A reload never draws again.

    The start page's path, for callers holding a round: the rules and the attempts so far are
    read as the page reads them (`find_start_rules`), then `begin_attempt`."""
    rules, so_far = find_start_rules(round_.id, user.id)
    attempt_id = begin_attempt(
        user, rules, now, rng, so_far, grace=grace, pool_seconds=pool_seconds
    )
    return db.session.get(Attempt, attempt_id)


def begin_attempt(
    user: Participant,
    rules: StartRules,
    now: datetime,
    rng: random.Random,
    so_far: tuple[int, int | None] | None = None,
    *,
    grace: timedelta,
    pool_seconds: float,
) -> int:
    """`start_attempt` for the start page: the attempt's id, without loading it back.

    `so_far` is `attempts_so_far` when it was read with the rules (`find_start_rules`). An open
    attempt is resumed; when its time and the network `grace` have run out, it is closed first
    (its id still returned: the page it leads to shows the result). A new one is drawn from the
    worker's copy of the question pool while it is under `pool_seconds` old.
    """
    used, open_id = so_far or attempts_so_far(user.id, rules.round_id)
    if open_id is not None:
        ensure_current(db.session.get(Attempt, open_id), now, grace)
        return open_id
    check_may_start(user, rules, now)
    if rules.attempts_allowed is not None and used >= rules.attempts_allowed:
        raise AttemptRefused("no_attempts_left", "Bạn đã dùng hết số lượt thi của vòng này.")
    question_ids, questions = draw_for_round(rules, rng, pool_seconds)
    try:
        attempt_id = (
            db.session.connection()
            .execute(
                queries.INSERT_ATTEMPT,
                {
                    "round_id": rules.round_id,
                    "user_id": user.id,
                    "number": used + 1,
                    "started_at": now,
                    "deadline": timing.attempt_deadline(now, rules.time_limit, rules.closes_at),
                    "status": AttemptStatus.OPEN.value,
                    "question_count": len(question_ids),
                },
            )
            .scalar_one()
        )
        rows = item_rows(attempt_id, question_ids, questions, rules.shuffle_options, rng)
        db.session.connection().execute(queries.INSERT_ITEMS, rows)
        db.session.commit()
    except IntegrityError:
        # Two tabs pressed start at once: the database let one through; join it.
        db.session.rollback()
        _used, winner = attempts_so_far(user.id, rules.round_id)
        if winner is None:
            raise
        return winner
    return attempt_id


def draw_for_round(
    rules: StartRules, rng: random.Random, pool_seconds: float
) -> tuple[list[int], dict[int, Row]]:
    """Question ids for a new attempt, and those questions' current content.

    Drawn from the worker's copy of the pool first; if that copy is out of date (too few
    questions, or a drawn one retired or moved since), again from a fresh one.
    """
    for fresh in (False, True):
        copy = question_pool.pool(pool_seconds, fresh)
        try:
            drawn = drawing.draw_questions(
                copy.candidates, rules.question_count, rules.quotas_by_topic, rng
            )
        except drawing.NotEnoughQuestions as error:
            if fresh:
                raise AttemptRefused(
                    "bank_too_small",
                    "Ngân hàng câu hỏi chưa đủ câu cho vòng thi này. Vui lòng báo Ban Tổ chức.",
                ) from error
            continue
        found = drawn_questions(drawn)
        if question_pool.still_drawable(copy, drawn, found):
            return drawn, {row.id: row for row in found}
    raise AttemptRefused("bank_changed", "Ngân hàng câu hỏi vừa thay đổi. Vui lòng thử lại.")


def drawn_questions(question_ids: Sequence[int]) -> list[Row]:
    """What an item copies from each drawn question, read as plain rows (no ORM objects)."""
    return (
        db.session.connection()
        .execute(queries.DRAWN_QUESTIONS, queries.drawn_questions_params(question_ids))
        .all()
    )


def item_rows(
    attempt_id: int, question_ids: Sequence[int], questions: dict[int, Row], shuffle: bool, rng
) -> list[dict]:
    rows = []
    for position, qid in enumerate(question_ids, start=1):
        question = questions[qid]
        order = drawing.option_order(len(question.options), shuffle, rng)
        rows.append(
            {
                "attempt_id": attempt_id,
                "position": position,
                "question_id": qid,
                "question_version": question.version,
                "text": question.text,
                "options": [question.options[i] for i in order],
                "option_order": order,
                "correct": drawing.shown_correct(question.correct, order),
                # chosen and answered_at start as NULL: nothing answered yet.
            }
        )
    return rows


def ensure_current(attempt: Attempt, now: datetime, grace: timedelta) -> Attempt:
    """Close an open attempt whose time (and grace) has run out, with what was saved in time."""
    if attempt.is_open and timing.is_expired(now, attempt.deadline, grace):
        finalize(attempt, attempt.deadline, AttemptStatus.EXPIRED)
    return attempt


def require_open(attempt: Attempt, now: datetime, grace: timedelta) -> None:
    ensure_current(attempt, now, grace)
    if not attempt.is_open:
        raise AttemptRefused(
            "attempt_closed", "Bài thi đã kết thúc, câu trả lời không được ghi nhận."
        )


def validated_choice(item: AttemptItem, chosen: Sequence[int]) -> list[int] | None:
    choice = sorted(set(chosen)) or None
    problem = choice_problem(choice, len(item.options), item.multiple)
    if problem is not None:
        raise problem
    return choice


def choice_problem(choice: list[int] | None, option_count: int, multiple: bool):
    """The refusal for an impossible choice, or None when the choice is fine."""
    if any(not 0 <= index < option_count for index in choice or ()):
        return AttemptRefused("bad_option", "Phương án không hợp lệ.")
    if choice and len(choice) > 1 and not multiple:
        return AttemptRefused("one_option_only", "Câu hỏi này chỉ chọn một phương án.")
    return None


def save_prediction(
    attempt: Attempt, prediction: int | None, now: datetime, grace: timedelta
) -> None:
    require_open(attempt, now, grace)
    if not attempt.round.prediction_enabled:
        raise AttemptRefused("no_prediction", "Vòng thi này không có câu hỏi dự đoán.")
    if prediction is not None and not 0 <= prediction <= 10**12:
        raise AttemptRefused("bad_prediction", "Số dự đoán phải là số nguyên không âm.")
    attempt.prediction = prediction
    db.session.commit()


def save_form_answers(
    attempt: Attempt,
    answers: Mapping[int, Sequence[int]],
    prediction: int | None,
    now: datetime,
    grace: timedelta,
) -> None:
    """Save a whole page of answers at once: the plain form submit that works without JavaScript."""
    require_open(attempt, now, grace)
    for item in attempt.items:
        choice = validated_choice(item, answers.get(item.position, ()))
        if item.chosen != choice:
            item.chosen = choice
            item.answered_at = now
    if attempt.round.prediction_enabled and prediction is not None:
        attempt.prediction = prediction
    db.session.commit()


def submit_attempt(attempt: Attempt, now: datetime, grace: timedelta) -> Attempt:
    """Hand the attempt in. Idempotent: a second click or tab finds it already closed."""
    ensure_current(attempt, now, grace)
    if attempt.is_open:
        finalize(attempt, timing.finish_time(now, attempt.deadline), AttemptStatus.SUBMITTED)
    return attempt


def finalize(attempt: Attempt, finished_at: datetime, status: AttemptStatus) -> bool:
    """Score and close the attempt unless another request or host closed it first."""
    # Claim the attempt before reading its answers: a save still running finishes first and is
    # counted (PostgreSQL row lock, SQLite's single writer); a later one finds it closed.
    claimed = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.status == AttemptStatus.OPEN)
        .values(
            status=status,
            submitted_at=finished_at,
            duration_ms=timing.duration_ms(attempt.started_at, finished_at),
        )
    )
    won = claimed.rowcount == 1
    if won:
        score(attempt.id)
        db.session.refresh(attempt)
        entries.record_entry(attempt)
    db.session.commit()
    db.session.refresh(attempt)
    return won


def score(attempt_id: int) -> None:
    """Mark each item right or wrong and count the right ones on the attempt."""
    rows = db.session.execute(
        select(AttemptItem.position, AttemptItem.chosen, AttemptItem.correct).where(
            AttemptItem.attempt_id == attempt_id
        )
    ).all()
    flags = {position: scoring.is_correct(chosen, correct) for position, chosen, correct in rows}
    db.session.execute(
        update(Attempt).where(Attempt.id == attempt_id).values(correct_count=sum(flags.values()))
    )
    if flags:
        items = AttemptItem.__table__  # Core: one executemany, no ORM bulk-by-key semantics
        db.session.execute(
            update(items)
            .where(items.c.attempt_id == attempt_id, items.c.position == bindparam("pos"))
            .values(is_correct=bindparam("flag")),
            [{"pos": position, "flag": flag} for position, flag in flags.items()],
        )


def close_expired(now: datetime, grace: timedelta, batch_size: int = 500) -> int:
    """Close every open attempt past its deadline and grace. Safe on many hosts at once."""
    closed = 0
    while True:
        batch = (
            db.session.execute(
                select(Attempt)
                .where(Attempt.status == AttemptStatus.OPEN, Attempt.deadline < now - grace)
                .order_by(Attempt.id)
                .limit(batch_size)
            )
            .scalars()
            .all()
        )
        if not batch:
            return closed
        for attempt in batch:
            closed += finalize(attempt, attempt.deadline, AttemptStatus.EXPIRED)


def participant_attempts(user_id: int, now: datetime, grace: timedelta) -> list[Attempt]:
    """The participant's attempts, newest first, each closed first if its time has run out."""
    rows = (
        db.session.execute(
            select(Attempt).where(Attempt.user_id == user_id).order_by(Attempt.id.desc())
        )
        .scalars()
        .all()
    )
    return [ensure_current(attempt, now, grace) for attempt in rows]


def open_attempts_by_round(user_id: int) -> dict[int, int]:
    """Round id → the participant's open attempt there, for the home page's buttons."""
    rows = db.session.execute(
        select(Attempt.round_id, Attempt.id).where(
            Attempt.user_id == user_id, Attempt.status == AttemptStatus.OPEN
        )
    )
    return dict(rows.all())

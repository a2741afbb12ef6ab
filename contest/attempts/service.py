"""Starting, answering, submitting and closing attempts. The server's clock decides everything."""

import hmac
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Protocol

from sqlalchemy import Integer, Row, bindparam, select, update
from sqlalchemy.exc import IntegrityError

from contest.attempts import queries, question_pool
from contest.domain import drawing, scoring, timing
from contest.domain.clock import from_vietnam, to_vietnam
from contest.domain.question_sets import QuestionSet, parse_all
from contest.domain.schedule import results_kept_back
from contest.domain.vn_dates import format_vn_datetime
from contest.extensions import db
from contest.models import (
    Attempt,
    AttemptItem,
    AttemptStatus,
    Contest,
    ContestAccess,
    ContestStatus,
    Question,
    Round,
    User,
)
from contest.models.contest import REQUIRABLE_FIELDS, quotas_by_topic
from contest.results import entries
from contest.text import fold, nfc, thousands


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
    """What a start needs of a round and its contest, as plain data, and the two things of the
    participant's past the rules depend on (their last start in the round, whether they typed
    the contest's access code)."""

    round_id: int
    opens_at: datetime
    closes_at: datetime
    question_count: int
    quotas_by_topic: dict[int, int]
    quotas_by_difficulty: dict[int, int]
    time_limit: timedelta
    attempts_allowed: int | None
    one_attempt_per_day: bool
    minimum_wait: timedelta
    shuffle_options: bool
    contest_id: int
    contest_status: str
    eligible_groups: list[str]
    required_fields: tuple[str, ...]
    minimum_age: int | None
    last_started_at: datetime | None = None
    needs_access_code: bool = False
    # The groups with their own question set (contest.domain.question_sets); others: the bank.
    question_sets: dict[str, QuestionSet] = field(default_factory=dict)

    @classmethod
    def from_columns(
        cls,
        round_id: int,
        opens_at: datetime,
        closes_at: datetime,
        question_count: int,
        topic_quotas: dict[str, int] | None,
        difficulty_quotas: dict[str, int] | None,
        stored_question_sets: dict | None,
        time_limit_seconds: int,
        attempts_allowed: int | None,
        one_attempt_per_day: bool | None,
        minimum_wait_minutes: int | None,
        shuffle_options: bool,
        contest_id: int,
        contest_status: str,
        eligible_groups: list[str] | None,
        required_fields: list[str] | None,
        minimum_age: int | None,
        last_started_at: datetime | None,
        needs_access_code: bool | None,
    ) -> "StartRules":
        """From the round's and contest's columns as stored, in queries.START_RULES's order."""
        return cls(
            round_id,
            opens_at,
            closes_at,
            question_count,
            quotas_by_topic(topic_quotas),
            quotas_by_topic(difficulty_quotas),
            timedelta(seconds=time_limit_seconds),
            attempts_allowed,
            bool(one_attempt_per_day),
            timedelta(minutes=minimum_wait_minutes or 0),
            shuffle_options,
            contest_id,
            contest_status,
            eligible_groups or [],
            tuple(field for field in required_fields or () if field in REQUIRABLE_FIELDS),
            minimum_age,
            last_started_at,
            bool(needs_access_code),
            parse_all(stored_question_sets, fold),
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


def next_vietnam_midnight(moment: datetime) -> datetime:
    """The first instant (naive UTC) of the Vietnam calendar day after `moment`'s."""
    day = to_vietnam(moment).date() + timedelta(days=1)
    return from_vietnam(datetime.combine(day, time()))


def same_vietnam_day(first: datetime, second: datetime) -> bool:
    return to_vietnam(first).date() == to_vietnam(second).date()


def vietnam_minute(moment: datetime) -> str:
    """ "dd/mm/yyyy HH:MM" in Vietnam time, rounded up to the minute: the time shown is never
    earlier than the one meant (a start allowed from 10:05:30 is shown as 10:06)."""
    local = to_vietnam(moment)
    if local.second or local.microsecond:
        local = local.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return format_vn_datetime(local)


def check_attempt_rules(rules: StartRules, used: int, now: datetime) -> None:
    """Attempts allowed, one a Vietnam calendar day, the wait since the last start."""
    if rules.attempts_allowed is not None and used >= rules.attempts_allowed:
        raise AttemptRefused("no_attempts_left", "Bạn đã dùng hết số lượt thi của vòng này.")
    last = rules.last_started_at
    if last is None:
        return
    codes, reasons, allowed_from = [], [], now
    if rules.one_attempt_per_day and same_vietnam_day(last, now):
        codes.append("one_attempt_per_day")
        reasons.append("Mỗi ngày chỉ được thi một lượt ở vòng này (tính theo giờ Việt Nam).")
        allowed_from = max(allowed_from, next_vietnam_midnight(last))
    if rules.minimum_wait and now < last + rules.minimum_wait:
        minutes = int(rules.minimum_wait.total_seconds() // 60)
        codes.append("minimum_wait")
        reasons.append(f"Hai lượt thi phải cách nhau ít nhất {thousands(minutes)} phút.")
        allowed_from = max(allowed_from, last + rules.minimum_wait)
    if not reasons:
        return
    if allowed_from >= rules.closes_at:
        reasons.append(
            f"Vòng thi kết thúc lúc {vietnam_minute(rules.closes_at)} (giờ Việt Nam), trước "
            "thời điểm đó, nên bạn không thể thi thêm lượt nào ở vòng này."
        )
    else:
        reasons.append(
            f"Bạn có thể thi lượt tiếp theo từ {vietnam_minute(allowed_from)} (giờ Việt Nam)."
        )
    raise AttemptRefused(codes[0], " ".join(reasons))


@dataclass(frozen=True)
class StartPage:
    """What the start page (before the clock runs) says of a round, for one participant."""

    round: Round
    rules: StartRules
    attempts_used: int
    open_attempt_id: int | None
    # Why a new attempt cannot start now (in Vietnamese), or None: the button is shown.
    refusal: str | None
    # The contest's public page (its rules), None when the public cannot see it.
    contest_slug: str | None

    @property
    def attempts_left(self) -> int | None:
        allowed = self.rules.attempts_allowed
        return None if allowed is None else max(0, allowed - self.attempts_used)


def start_page(user: Participant, round_id: int, now: datetime) -> StartPage | None:
    """The start page of a round, or None when there is no such round or its contest is not
    shown to the public (a draft, an archived contest). Nothing is started or drawn here: the
    checks are `begin_attempt`'s first ones, so the page says what the press would say."""
    found = find_start_rules(round_id, user.id)
    if found is None:
        return None
    rules, (used, open_id) = found
    round_ = db.session.get(Round, round_id)
    if round_.contest.status not in PUBLIC_STATUSES:
        return None
    refusal = None
    if open_id is None:
        try:
            check_may_start(user, rules, now)
            check_attempt_rules(rules, used, now)
        except AttemptRefused as refused:
            refusal = refused.message
    return StartPage(round_, rules, used, open_id, refusal, round_.contest.slug)


# The fields a contest may require, named as the profile page names them.
FIELD_LABELS = {
    "national_id": "Số CCCD",
    "email": "Thư điện tử (email)",
    "phone": "Số điện thoại",
    "date_of_birth": "Ngày sinh",
    "address": "Địa chỉ",
    "agency_id": "Cơ quan, đơn vị công tác",
}


class ProfileIncomplete(AttemptRefused):
    """The contest needs profile fields the participant has not filled in: `missing` holds
    their Vietnamese labels, in the profile page's order."""

    def __init__(self, missing: list[str], message: str | None = None):
        super().__init__(
            "profile_incomplete",
            message
            or "Cuộc thi yêu cầu hồ sơ của bạn có đủ các thông tin: "
            + ", ".join(missing)
            + ". Vui lòng cập nhật hồ sơ rồi bắt đầu thi.",
        )
        self.missing = missing


_user = User.__table__.c
_PROFILE = select(*(_user[name] for name in REQUIRABLE_FIELDS)).where(
    _user.id == bindparam("user", type_=Integer)
)


def age_on(born: date, day: date) -> int:
    """Full years of age on `day`: the birthday counts from its own day (29 February: 1 March)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def check_profile(user_id: int, rules: StartRules, now: datetime) -> None:
    """The contest's required profile fields, and the minimum age on the day of the start
    (Vietnam calendar day). Reads the profile only when the contest asks for something."""
    if not rules.required_fields and not rules.minimum_age:
        return
    row = db.session.connection().execute(_PROFILE, {"user": user_id}).one()
    profile = dict(zip(REQUIRABLE_FIELDS, row, strict=True))
    needed = set(rules.required_fields)
    if rules.minimum_age:
        needed.add("date_of_birth")
    missing = [
        FIELD_LABELS[name]
        for name in REQUIRABLE_FIELDS
        if name in needed and (profile[name] is None or str(profile[name]).strip() == "")
    ]
    if missing:
        message = None
        if (
            missing == [FIELD_LABELS["date_of_birth"]]
            and "date_of_birth" not in rules.required_fields
        ):
            message = (
                f"Cuộc thi dành cho người từ {rules.minimum_age} tuổi trở lên: vui lòng cập nhật "
                "ngày sinh trong hồ sơ rồi bắt đầu thi."
            )
        raise ProfileIncomplete(missing, message)
    if rules.minimum_age:
        age = age_on(profile["date_of_birth"], to_vietnam(now).date())
        if age < rules.minimum_age:
            raise AttemptRefused(
                "too_young",
                f"Cuộc thi dành cho người từ {rules.minimum_age} tuổi trở lên; theo ngày sinh "
                "trong hồ sơ, bạn chưa đủ tuổi dự thi.",
            )


def code_matches(typed: str | None, expected: str | None) -> bool:
    """The typed access code against the contest's, in constant time; spaces around and letter
    case do not count (codes are read out over the phone and typed on phones)."""
    if not expected:
        return True
    typed_key = nfc((typed or "").strip()).casefold().encode()
    expected_key = nfc(expected.strip()).casefold().encode()
    return hmac.compare_digest(typed_key, expected_key)


def grant_access(contest_id: int, user_id: int, typed: str | None) -> bool:
    """Record that the participant typed the contest's access code, once: True when the code
    is right (or the contest has none). Commits."""
    expected = db.session.execute(
        select(Contest.access_code).where(Contest.id == contest_id)
    ).scalar_one_or_none()
    if not code_matches(typed, expected):
        return False
    already = db.session.get(ContestAccess, (contest_id, user_id))
    if already is None:
        db.session.add(ContestAccess(contest_id=contest_id, user_id=user_id))
        try:
            db.session.commit()
        except IntegrityError:
            # Two tabs typed it at once: one row is enough.
            db.session.rollback()
    return True


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

    A new attempt is checked in this order: the contest and the round are open to the
    participant's group; attempts allowed, one a Vietnam day, the wait since the last start
    (`check_attempt_rules`); the contest's access code ("access_code_needed": the page asks for
    it, `grant_access`); the contest's required profile fields and minimum age (`check_profile`).
    """
    used, open_id = so_far or attempts_so_far(user.id, rules.round_id)
    if open_id is not None:
        ensure_current(db.session.get(Attempt, open_id), now, grace)
        return open_id
    check_may_start(user, rules, now)
    check_attempt_rules(rules, used, now)
    if rules.needs_access_code:
        raise AttemptRefused(
            "access_code_needed",
            "Cuộc thi yêu cầu mã dự thi do Ban Tổ chức cung cấp. Nhập mã một lần để bắt đầu thi.",
        )
    check_profile(user.id, rules, now)
    question_ids, questions = draw_for_round(rules, rng, pool_seconds, user.participant_group)
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
    rules: StartRules, rng: random.Random, pool_seconds: float, group: str | None = None
) -> tuple[list[int], dict[int, Row]]:
    """Question ids for a new attempt, and those questions' current content.

    A participant of a `group` with its own question set draws from that set only.

    Drawn from the worker's copy of the pool first; if that copy is out of date (too few
    questions, or a drawn one retired or moved since), again from a fresh one.
    """
    for fresh in (False, True):
        copy = question_pool.pool(pool_seconds, fresh)
        try:
            drawn = drawing.draw_questions(
                copy.candidates_in(rules.question_sets.get(group)),
                rules.question_count,
                rules.quotas_by_topic,
                rng,
                rules.quotas_by_difficulty,
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


@dataclass(frozen=True)
class ReviewNote:
    """What the bank says of a question after the fact: why the answer is right, and the
    legal text it rests on. Read from the question itself: an attempt's item copies only what
    the quiz shows."""

    explanation: str | None
    source: str | None


def review_notes(question_ids: Sequence[int]) -> dict[int, ReviewNote]:
    """Question id → its explanation and legal source, for the questions that have either."""
    if not question_ids:
        return {}
    rows = db.session.execute(
        select(Question.id, Question.explanation, Question.source).where(
            Question.id.in_(set(question_ids))
        )
    )
    return {
        qid: ReviewNote((explanation or "").strip() or None, (source or "").strip() or None)
        for qid, explanation, source in rows
        if (explanation or "").strip() or (source or "").strip()
    }


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


# A contest in one of these has ended, whatever its rounds' times.
ENDED_STATUSES = (ContestStatus.CLOSED, ContestStatus.ARCHIVED)
# The public sees a contest's page in these (contest.main.service.LISTED).
PUBLIC_STATUSES = (ContestStatus.OPEN, ContestStatus.CLOSED)


def results_hidden(contest: Contest, now: datetime) -> bool:
    """The participant's own score and rank are kept back: the contest shows results only once
    it is over (closed or archived, or every round closed) and it is not over yet."""
    return results_kept_back(
        bool(contest.results_visible),
        contest.status in ENDED_STATUSES,
        [r.closes_at for r in contest.rounds],
        now,
    )


def hidden_result_rounds(attempts: Sequence[Attempt], now: datetime) -> set[int]:
    """Ids of the rounds, among the attempts', whose contest keeps results back now."""
    contests = {attempt.round.contest_id: attempt.round.contest for attempt in attempts}
    hidden = {contest_id for contest_id, c in contests.items() if results_hidden(c, now)}
    return {attempt.round_id for attempt in attempts if attempt.round.contest_id in hidden}


def contest_page_slug(contest_id: int) -> str | None:
    """The slug of the contest's public page, or None when the public cannot see it (a draft,
    an archived contest)."""
    contest = db.session.get(Contest, contest_id)
    if contest is None or contest.status not in PUBLIC_STATUSES:
        return None
    return contest.slug

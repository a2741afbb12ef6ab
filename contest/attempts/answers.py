"""Saving one answer: the request participants send most, so it is one UPDATE and one commit.

The UPDATE carries every check a save needs in its WHERE clause: the attempt belongs to the
participant, whose session is still current (a cookie copied before a log-out is refused), is
still open, its deadline (with the network grace) has not passed, and the question
has had fewer than `MAX_SAVES_PER_QUESTION` saves. Its RETURNING clause gives what the choice is
validated against and the deadline the page counts down to. Only when it matches no row does
`explain_refusal` look closer to say why.

The per-question cap is the save's rate limit. It is counted in the row the save writes anyway,
so it costs nothing and every worker and host sees the same count; a per-account limiter in
front of the save cost a fifth of a served save (docs/sizing.md). Refused saves, which do cost
queries, still count against a per-account limit (contest/web/rate_limits.py).
"""

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select

from contest.attempts import queries
from contest.attempts.queries import MAX_SAVES_PER_QUESTION
from contest.attempts.service import AttemptRefused, choice_problem, ensure_current, find_attempt
from contest.extensions import db
from contest.models import AttemptItem, User


class AttemptNotFound(LookupError):
    """No such attempt for this participant: someone else's attempt is as good as missing."""


class SessionEnded(Exception):
    """The session's version is no longer the account's: logged out, or the password changed."""


def save_choice(
    user_id: int,
    attempt_id: int,
    position: int,
    chosen: Sequence[int],
    now: datetime,
    grace: timedelta,
    *,
    session_version: int,
    on_refusal: Callable[[], None] = lambda: None,
) -> datetime:
    """Record the options chosen for one question and return the attempt's deadline.

    `session_version` is the one the participant's session was issued with: a save from a
    session that has ended (SessionEnded) changes nothing.

    Sending the same choice twice changes nothing, not even the time it was answered (it does
    count towards the question's cap). When the save is refused, `on_refusal` runs first (before
    the queries that find out why): the view counts the refusal against a rate limit there.
    """
    choice = sorted(set(chosen)) or None
    # A connection of its own rather than the ORM session: the save needs no ORM object, and the
    # session's set-up, commit and clean-up cost about a tenth of the save (docs/sizing.md).
    with db.engine.connect() as connection:
        row = connection.execute(
            *choice_update(user_id, attempt_id, position, choice, now, grace, session_version)
        ).one_or_none()
        if row is None:
            problem = None
        else:
            option_count, correct_count, deadline = row
            problem = choice_problem(choice, option_count, multiple=correct_count > 1)
            if problem is None:
                connection.commit()
                return deadline
        # Rolled back before anything else runs: on SQLite this connection would otherwise hold
        # the write lock that closing an expired attempt, below, has to take.
        connection.rollback()
    on_refusal()
    raise problem or explain_refusal(user_id, attempt_id, position, now, grace, session_version)


def choice_update(
    user_id, attempt_id, position, choice, now: datetime, grace: timedelta, session_version: int
):
    """The save's UPDATE and its parameters."""
    return queries.CHOICE_UPDATE, queries.choice_update_params(
        user_id, session_version, attempt_id, position, choice, now, grace
    )


def explain_refusal(
    user_id: int,
    attempt_id: int,
    position: int,
    now: datetime,
    grace: timedelta,
    session_version: int,
) -> Exception:
    """Why a save matched nothing: the session has ended, not theirs, closed (closing it if time
    is up), no such item, or saved too often."""
    if not session_is_current(user_id, session_version):
        return SessionEnded(user_id)
    attempt = find_attempt(user_id, attempt_id)
    if attempt is None:
        return AttemptNotFound(attempt_id)
    ensure_current(attempt, now, grace)
    if not attempt.is_open:
        return AttemptRefused(
            "attempt_closed", "Bài thi đã kết thúc, câu trả lời không được ghi nhận."
        )
    saves = db.session.execute(
        select(AttemptItem.saves).where(
            AttemptItem.attempt_id == attempt_id, AttemptItem.position == position
        )
    ).scalar_one_or_none()
    if saves is not None and saves >= MAX_SAVES_PER_QUESTION:
        return AttemptRefused(
            "too_many_saves",
            f"Câu này đã được lưu {MAX_SAVES_PER_QUESTION} lần, không thể đổi thêm. "
            "Đáp án đã lưu trước đó vẫn được giữ.",
        )
    return AttemptRefused("no_such_question", "Câu hỏi không thuộc bài thi này.")


def session_is_current(user_id: int, session_version: int) -> bool:
    """Whether a session issued with `session_version` still belongs to a live session."""
    current = db.session.execute(
        select(User.session_version).where(User.id == user_id)
    ).scalar_one_or_none()
    return current == session_version

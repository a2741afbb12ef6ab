"""The attempts' prebuilt Core statements: the start, the quiz page and the answer save.

These run on every start, quiz page and save, the requests participants send most. They are
built once, at import: composing a statement (and its cache key) on every request cost about as
much as running it on SQLite (docs/sizing.md). They run as plain Core statements on the
session's connection (or, for the save, a connection of its own), without the ORM's handling
of each statement, which plain rows do not need.

Each statement's bound parameters are listed in PARAMETERS, and callers build them with the
functions at the end of this module: tests/attempts/test_queries.py checks that every statement
binds exactly the names listed and that each builder gives exactly those names.
"""

import json
from datetime import datetime, timedelta

from sqlalchemy import Integer, and_, bindparam, case, cast, exists, func, insert, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.types import Text

from contest.models import (
    Attempt,
    AttemptItem,
    AttemptStatus,
    Contest,
    ContestAccess,
    Question,
    Round,
    User,
)

# No person changes one answer this often; a page or script stuck re-sending one is stopped here.
MAX_SAVES_PER_QUESTION = 100

# The start's statements are Core statements run on the session's connection
# (`db.session.connection().execute`): in its transaction, without the ORM's handling of each
# statement, which plain rows do not need.
#
# Built once: these run on every quiz page and start, and composing an ORM statement with its
# loader options (and its cache key) cost about as much as running it. Every page about an
# attempt shows its round: one query instead of a lazy load after. The start reads plain
# columns: loading a Round and its Contest as ORM objects cost a tenth of the start.
OWN_ATTEMPT = (
    select(Attempt)
    .options(joinedload(Attempt.round))
    .where(
        Attempt.id == bindparam("attempt", type_=Integer),
        Attempt.user_id == bindparam("owner", type_=Integer),
    )
)
_r, _c, _a = Round.__table__.c, Contest.__table__.c, Attempt.__table__.c
_participants_attempts = (
    _a.user_id == bindparam("participant", type_=Integer),
    _a.round_id == _r.id,
)
_access = ContestAccess.__table__.c
START_RULES = (
    select(
        _r.id,
        _r.opens_at,
        _r.closes_at,
        _r.question_count,
        _r.topic_quotas,
        _r.difficulty_quotas,
        _r.question_sets,
        _r.time_limit_seconds,
        _r.attempts_allowed,
        _r.one_attempt_per_day,
        _r.minimum_wait_minutes,
        _r.shuffle_options,
        _c.id.label("contest_id"),
        _c.status,
        _c.eligible_groups,
        _c.required_fields,
        _c.minimum_age,
        # The participant's last start in the round (one a day, the wait between two) and
        # whether the contest's access code is still to be typed: the code itself is not read.
        select(func.max(_a.started_at))
        .where(*_participants_attempts)
        .scalar_subquery()
        .label("last_started_at"),
        and_(
            _c.access_code.is_not(None),
            ~exists().where(
                _access.contest_id == _c.id,
                _access.user_id == bindparam("participant", type_=Integer),
            ),
        ).label("needs_access_code"),
        # What attempts_so_far reads, in the same statement.
        select(func.count())
        .where(*_participants_attempts)
        .scalar_subquery()
        .label("attempts_used"),
        select(func.max(case((_a.status == AttemptStatus.OPEN.value, _a.id))))
        .where(*_participants_attempts)
        .scalar_subquery()
        .label("open_attempt_id"),
    )
    .join_from(Round.__table__, Contest.__table__, _r.contest_id == _c.id)
    .where(_r.id == bindparam("round", type_=Integer))
)

# The start's statements are built once: composing a statement and its cache key cost about as
# much as running it on SQLite.
_attempt = Attempt.__table__.c
ATTEMPTS_SO_FAR = select(
    func.count(), func.max(case((_attempt.status == AttemptStatus.OPEN.value, _attempt.id)))
).where(
    _attempt.user_id == bindparam("participant", type_=Integer),
    _attempt.round_id == bindparam("in_round", type_=Integer),
)

# Built once, as the reads above: building an INSERT (and its cache key) on every start cost
# more than running it.
INSERT_ATTEMPT = insert(Attempt.__table__).returning(_attempt.id)
INSERT_ITEMS = insert(AttemptItem.__table__)

_question = Question.__table__.c
DRAWN_QUESTIONS = select(
    _question.id,
    _question.topic_id,
    _question.difficulty,
    _question.source,
    _question.active,
    _question.version,
    _question.text,
    _question.options,
    _question.correct,
).where(_question.id.in_(bindparam("drawn", expanding=True)))


def build_choice_update():
    # Built once: composing the statement (and its cache key) cost more than running it.
    item = AttemptItem.__table__.c
    attempt = Attempt.__table__.c
    user = User.__table__.c
    attempt_id = bindparam("attempt", type_=Integer)
    owner = bindparam("owner", type_=Integer)
    # Unanswered items hold JSON null (or SQL NULL): both read as the text "null" here.
    unchanged = func.coalesce(cast(item.chosen, Text), "null") == bindparam(
        "choice_text", type_=Text
    )
    open_attempt = (
        select(attempt.id)
        .where(
            attempt.id == attempt_id,
            attempt.user_id == owner,
            attempt.status == AttemptStatus.OPEN.value,
            attempt.deadline >= bindparam("accepts_after", type_=attempt.deadline.type),
        )
        # PostgreSQL: a hand-in holding the attempt's row makes this save wait and then find it
        # closed; a save holding it makes the hand-in wait and then count it. SQLite has one
        # writer at a time, which orders them the same way.
        .with_for_update(read=True)
    )
    deadline = select(attempt.deadline).where(attempt.id == attempt_id).scalar_subquery()
    now = bindparam("now", type_=item.answered_at.type)
    return (
        update(AttemptItem.__table__)
        .where(
            item.attempt_id == attempt_id,
            item.position == bindparam("item_position", type_=Integer),
            item.saves < MAX_SAVES_PER_QUESTION,
            exists(open_attempt),
            # One lookup by primary key: the session's version is still the account's.
            exists(
                select(user.id).where(
                    user.id == owner,
                    user.session_version == bindparam("owner_session", type_=Integer),
                )
            ),
        )
        .values(
            chosen=bindparam("choice", type_=item.chosen.type),
            answered_at=case((unchanged, item.answered_at), else_=now),
            saves=item.saves + 1,
        )
        # Only the counts are needed: the options' text stays in the database.
        .returning(
            func.json_array_length(item.options, type_=Integer),
            func.json_array_length(item.correct, type_=Integer),
            deadline,
        )
    )


CHOICE_UPDATE = build_choice_update()

_attempt, _round, _item = Attempt.__table__.c, Round.__table__.c, AttemptItem.__table__.c
# Built once, as the page is loaded by every participant: see answers.py. Run on the session's
# connection, without the ORM's handling of each statement, which plain rows do not need.
ATTEMPT_PAGE = (
    select(
        _attempt.id,
        _attempt.number,
        _attempt.question_count,
        _attempt.deadline,
        _attempt.status,
        _attempt.prediction,
        _round.title.label("round_title"),
        _round.prediction_enabled,
        _round.prediction_prompt,
        _round.is_practice,
    )
    .join_from(Attempt.__table__, Round.__table__, _attempt.round_id == _round.id)
    .where(
        _attempt.id == bindparam("attempt", type_=Integer),
        _attempt.user_id == bindparam("owner", type_=Integer),
    )
)
# The JSON columns are read as their text and decoded here, the same on SQLite and PostgreSQL;
# of the right answers only their count is read.
ATTEMPT_ITEMS = (
    select(
        _item.position,
        _item.text,
        cast(_item.options, Text),
        func.json_array_length(_item.correct),
        cast(_item.chosen, Text),
    )
    .where(_item.attempt_id == bindparam("attempt", type_=Integer))
    .order_by(_item.position)
)


# Bound parameters by statement (INSERTs take their columns' names).
PARAMETERS = {
    "OWN_ATTEMPT": {"attempt", "owner"},
    "START_RULES": {"round", "participant"},
    "ATTEMPTS_SO_FAR": {"participant", "in_round"},
    "DRAWN_QUESTIONS": {"drawn"},
    "CHOICE_UPDATE": {
        "owner",
        "owner_session",
        "attempt",
        "item_position",
        "choice",
        "choice_text",
        "now",
        "accepts_after",
    },
    "ATTEMPT_PAGE": {"attempt", "owner"},
    "ATTEMPT_ITEMS": {"attempt"},
}


def choice_update_params(
    owner_id: int,
    session_version: int,
    attempt_id: int,
    position: int,
    choice: list[int] | None,
    now: datetime,
    grace: timedelta,
) -> dict:
    """The save's parameters, named apart from the columns it sets."""
    return {
        "owner": owner_id,
        "owner_session": session_version,
        "attempt": attempt_id,
        "item_position": position,
        "choice": choice,
        "choice_text": json.dumps(choice),
        "now": now,
        "accepts_after": now - grace,
    }


def own_attempt_params(attempt_id: int, owner_id: int) -> dict:
    return {"attempt": attempt_id, "owner": owner_id}


def start_rules_params(round_id: int, participant_id: int) -> dict:
    return {"round": round_id, "participant": participant_id}


def attempts_so_far_params(participant_id: int, round_id: int) -> dict:
    return {"participant": participant_id, "in_round": round_id}


def drawn_questions_params(question_ids) -> dict:
    return {"drawn": list(question_ids)}


def attempt_page_params(attempt_id: int, owner_id: int) -> dict:
    return {"attempt": attempt_id, "owner": owner_id}


def attempt_items_params(attempt_id: int) -> dict:
    return {"attempt": attempt_id}

"""flask-login's user loader: the account whose id the session holds, read on every page.

Every request that needs `current_user` pays for this read, so it reads only what requests ask
of the logged-in account (its id, its role, its group), as a plain row. A view that changes the
account, or shows more of it, loads the `User` by `current_user.id`.
"""

from dataclasses import dataclass

from flask_login import UserMixin
from sqlalchemy import Integer, bindparam, select

from contest.extensions import db
from contest.models.user import AccountRoles, User


@dataclass(frozen=True, eq=False)
class SessionAccount(AccountRoles, UserMixin):
    """The logged-in account as requests see it: `current_user` between log-in and log-out."""

    id: int
    role: str
    participant_group: str


_user = User.__table__.c
# Built once; a plain row, not an ORM object: loading a whole `User` into the session cost
# about a sixth of the quiz page's CPU (docs/sizing.md).
ACCOUNT_BY_ID = select(_user.id, _user.role, _user.participant_group).where(
    _user.id == bindparam("user", type_=Integer)
)


def load_user(user_id: str) -> SessionAccount | None:
    if not user_id.isdigit():
        return None
    # On the session's connection, in its transaction, without the ORM's handling of each
    # statement, which plain rows do not need (as on the quiz page and the start).
    row = db.session.connection().execute(ACCOUNT_BY_ID, {"user": int(user_id)}).one_or_none()
    return None if row is None else SessionAccount(*row)

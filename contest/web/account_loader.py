"""flask-login's user loader: the account whose id the session holds, read on every page.

Every request that needs `current_user` pays for this read, so it reads only what requests ask
of the logged-in account (its id, its role, its group, its session version and whether it must
change its password), as a plain row. A view that changes the account, or shows more of it,
loads the `User` by `current_user.id`.

The session and the remember-me cookie hold `id:session_version` (`User.get_id`). A cookie
whose version is not the account's current one (it was copied before a log-out, a password
change or the account's disabling) loads no account: the request is anonymous.
"""

from dataclasses import dataclass

from flask_login import UserMixin
from sqlalchemy import Integer, bindparam, select

from contest.auth.tokens import parse_session_token
from contest.extensions import db
from contest.models.user import AccountRoles, User


@dataclass(frozen=True, eq=False)
class SessionAccount(AccountRoles, UserMixin):
    """The logged-in account as requests see it: `current_user` between log-in and log-out."""

    id: int
    role: str
    participant_group: str
    session_version: int
    must_change_password: bool
    # Shown in the page header (shortened there): read with the row, no query of its own.
    full_name: str | None = None


_user = User.__table__.c
# Built once; a plain row, not an ORM object: loading a whole `User` into the session cost
# about a sixth of the quiz page's CPU (docs/sizing.md).
ACCOUNT_BY_ID = select(
    _user.id,
    _user.role,
    _user.participant_group,
    _user.session_version,
    _user.must_change_password,
    _user.full_name,
).where(_user.id == bindparam("user", type_=Integer))


def load_user(token: str) -> SessionAccount | None:
    parsed = parse_session_token(token)
    if parsed is None:
        return None
    user_id, version = parsed
    # On the session's connection, in its transaction, without the ORM's handling of each
    # statement, which plain rows do not need (as on the quiz page and the start).
    row = db.session.connection().execute(ACCOUNT_BY_ID, {"user": user_id}).one_or_none()
    if row is None or row.session_version != version:
        return None
    return SessionAccount(*row)

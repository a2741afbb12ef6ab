"""The logged-in account without loading its row, for the answer save: the hottest route."""

from flask import session
from flask_login import current_user

from contest.auth.tokens import parse_session_token


def session_account() -> tuple[int, int] | None:
    """(id, session version) that flask-login keeps in the session (`login_user` writes it,
    `logout_user` removes it); else those of the account a remember-me cookie restores; else
    None. The version is not checked here: the caller's statement must check it."""
    parsed = parse_session_token(session.get("_user_id"))
    if parsed is not None:
        return parsed
    if current_user.is_authenticated:
        return current_user.id, current_user.session_version
    return None


def session_user_id() -> int | None:
    """The id of `session_account`, for keying limits: the version does not matter there."""
    account = session_account()
    return None if account is None else account[0]

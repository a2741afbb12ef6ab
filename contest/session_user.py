"""The logged-in account's id without loading its row, for the answer save: the hottest route."""

from flask import session
from flask_login import current_user


def session_user_id() -> int | None:
    """The id flask-login keeps in the session (`login_user` writes it, `logout_user` removes it);
    else the account a remember-me cookie restores; else None."""
    value = session.get("_user_id")
    if isinstance(value, str) and value.isdigit():
        return int(value)
    if current_user.is_authenticated:
        return current_user.id
    return None

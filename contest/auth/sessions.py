"""Ending sessions: every cookie issued before now stops working, on every device."""

from sqlalchemy import update

from contest.extensions import db
from contest.models import User


def end_sessions(user_id: int) -> int:
    """Bump the account's session version, so that every session and remember-me cookie
    issued with the old one (a copy included) loads no account; return the new version.

    Called on log-out, on a password change and when an account is disabled. Commits.
    """
    version = db.session.execute(
        update(User)
        .where(User.id == user_id)
        .values(session_version=User.session_version + 1)
        .returning(User.session_version)
    ).scalar_one()
    db.session.commit()
    return version

"""flask-login's user loader: the account whose id the session holds, read on every page."""

from sqlalchemy import Integer, bindparam, select

from contest.extensions import db
from contest.models.user import User

# Built once: `Session.get` composed a new statement and cache key on every request, which
# cost more than the query itself.
USER_BY_ID = select(User).where(User.id == bindparam("user", type_=Integer))


def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    return db.session.execute(USER_BY_ID, {"user": int(user_id)}).scalar_one_or_none()

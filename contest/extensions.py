"""Unbound extension singletons, so that nothing has to import the app."""

from flask import current_app, request
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from contest.web.session_user import session_user_id

# Named constraints, so that Alembic migrations can refer to (and drop) them on every engine.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class RouteLimiter(Limiter):
    """Flask-Limiter that checks only the limits declared on routes.

    Flask-Limiter also checks application-wide, default and blueprint limits before every
    request. This app declares none: log-in and registration count their own failures and
    sends (contest/auth/throttles.py), the answer save its own refusals (contest/web/rate_limits.py),
    both through this limiter's storage. That check, with nothing to find, cost about 4% of
    every request's CPU (docs/sizing.md). A limit put on a route later is still checked by its
    `@limiter.limit` decorator, which calls this method with `in_middleware=False`.
    """

    def init_app(self, app) -> None:
        for key in ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META"):
            if app.config.get(key):
                raise RuntimeError(f"{key}: RouteLimiter checks limits on routes only")
        super().init_app(app)

    def _check_request_limit(self, callable_name=None, in_middleware=True) -> None:
        if in_middleware:
            return
        super()._check_request_limit(callable_name=callable_name, in_middleware=in_middleware)


class HeaderFirstCSRFProtect(CSRFProtect):
    """Flask-WTF's CSRF check, reading the X-CSRFToken header before the form.

    Flask-WTF looks for the token in the form first, which parses the body of every JSON
    answer save as a form (and finds nothing) before it reads the header: about 3% of the
    save's CPU. Either place must hold a valid token, as before; a request that sends both is
    judged by its header, which another site's page cannot set.
    """

    def _get_csrf_token(self):
        for header_name in current_app.config["WTF_CSRF_HEADERS"]:
            token = request.headers.get(header_name)
            if token:
                return token
        return super()._get_csrf_token()


def rate_limit_key() -> str:
    """Key rate limits by account when logged in: a whole office often shares one IP address."""
    user_id = session_user_id()
    if user_id is not None:
        return f"user:{user_id}"
    return f"ip:{get_remote_address()}"


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = HeaderFirstCSRFProtect()
limiter = RouteLimiter(key_func=rate_limit_key)
compress = Compress()

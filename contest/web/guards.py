"""Blueprint-wide role guards: a route that forgets a decorator still leaks nothing."""

from collections.abc import Callable

from flask import Blueprint, abort
from flask_login import current_user

from contest.extensions import login_manager


def require_role(blueprint: Blueprint, allowed: Callable[[object], bool]) -> None:
    @blueprint.before_request
    def guard():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not allowed(current_user):
            abort(403)
        return None

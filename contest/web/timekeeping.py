"""The request's notion of now: the real UTC clock, or a clock a test installs in the config."""

from datetime import datetime, timedelta

from flask import current_app

from contest.domain.clock import utcnow


def app_now() -> datetime:
    clock = current_app.config.get("CLOCK")
    return clock() if clock else utcnow()


def app_grace() -> timedelta:
    """How late an answer may arrive over a slow network and still count."""
    return timedelta(seconds=current_app.config["ATTEMPT_GRACE_SECONDS"])

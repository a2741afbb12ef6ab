"""What /healthz asks: a list of named checks, each answering or raising.

A load balancer takes a host out when a part it depends on is down. Each check gets the app's
settings (a plain mapping) and returns None when its part is not configured (it is then not
listed), anything else when the part answered; an exception means the part failed. The answer
names each part's state, never a URL, password or error text (it is public); the error goes to
the log.

To add a part, append (name, check) to CHECKS: the job queue's check goes here.
"""

import logging
from collections.abc import Callable, Mapping
from functools import cache

import redis

from contest.extensions import db
from contest.jobs.health import queue_answers
from contest.main.service import database_answers

log = logging.getLogger(__name__)

# A probe must answer well within a load balancer's own timeout (often 2-5 s).
REDIS_TIMEOUT_SECONDS = 1.0
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def check_database(config: Mapping) -> bool:
    try:
        database_answers()
    except Exception:
        db.session.rollback()
        raise
    return True


@cache
def redis_client(url: str) -> redis.Redis:
    """One client (one connection pool) per URL for the process: a probe every few seconds
    must not open a connection each time."""
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
        retry_on_timeout=False,
    )


def redis_url(config: Mapping) -> str | None:
    """The Redis the rate limits are counted in (RATELIMIT_STORAGE_URI), when it is one."""
    url = str(config.get("RATELIMIT_STORAGE_URI") or "")
    return url if url.startswith(REDIS_SCHEMES) else None


def check_redis(config: Mapping) -> bool | None:
    url = redis_url(config)
    if url is None:
        return None
    return bool(redis_client(url).ping())


CHECKS: list[tuple[str, Callable[[Mapping], object]]] = [
    ("database", check_database),
    ("redis", check_redis),
    # The background jobs' queue (SQLite in instance/ or Redis): contest/jobs/health.py.
    ("jobs_queue", queue_answers),
]


def run_checks(config: Mapping) -> dict[str, str]:
    """Each configured part's state, "ok" or "failed", in the order of CHECKS."""
    states = {}
    for name, check in CHECKS:
        try:
            answered = check(config)
        except Exception:
            log.warning("health check %s failed", name, exc_info=True)
            states[name] = "failed"
            continue
        if answered is not None:
            states[name] = "ok"
    return states

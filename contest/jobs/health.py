"""The job queue's health check, for /healthz (contest/main/health.py lists it).

It gets the app's settings only, so it keeps its own small client per queue location (one
per process, like the rate limits' Redis client) with a short timeout: a probe must answer
well within a load balancer's timeout, and a Redis that is down must not hang it.
"""

import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import redis
from huey import SqliteHuey

from contest.jobs.queue import NAME, REDIS_SCHEMES, default_queue_file
from contest.jobs.settings import settings_from

TIMEOUT_SECONDS = 1.0


@cache
def redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=TIMEOUT_SECONDS,
        socket_timeout=TIMEOUT_SECONDS,
        retry_on_timeout=False,
    )


@cache
def sqlite_queue(filename: str) -> SqliteHuey:
    return SqliteHuey(NAME, filename=filename, results=False, timeout=TIMEOUT_SECONDS)


def queue_answers(config: Mapping) -> bool | None:
    """True when the queue's storage answers; None under immediate mode (no queue to check);
    raises when it is down."""
    instance_path = config.get("JOBS_INSTANCE_PATH")
    if instance_path is None:
        return None  # an app made without the jobs' set-up
    settings = settings_from(config, instance_path)
    if settings.immediate:
        return None
    url = settings.queue_url
    if url and url.startswith(REDIS_SCHEMES):
        return bool(redis_client(url).ping())
    filename = url.removeprefix("sqlite:///") if url else str(default_queue_file(instance_path))
    if not Path(filename).exists():
        # Nothing was ever queued: the first job will create the file, if it can.
        if not os.access(Path(filename).parent, os.W_OK):
            raise OSError("the job queue's folder is missing or not writable")
        return True
    sqlite_queue(filename).pending_count()
    return True

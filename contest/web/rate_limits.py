"""Rate limits that a view counts itself, through the storage Flask-Limiter was given.

The answer save is the request participants send most. Flask-Limiter in front of it cost a fifth
of a served save (docs/sizing.md): its machinery runs twice per request, and its `memory://`
storage starts a timer thread every 10 ms of traffic. So an answer save that goes through is
limited by a per-question cap counted in the row it writes (contest/attempts/answers.py), and
only the saves that cost more (predictions, refusals, requests without a session) are counted
here, per account, with the `limits` strategy Flask-Limiter built from RATELIMIT_STORAGE_URI and
RATELIMIT_STRATEGY, so Redis still shares the counts between workers and hosts. Flask-Limiter
has no limit on these endpoints, and checks nothing before them (extensions.RouteLimiter).
"""

import logging
import math
import time

from limits import RateLimitItem, parse

from contest.extensions import limiter, rate_limit_key

log = logging.getLogger(__name__)

# Endpoint → the limit its view counts with `count`.
COUNTED_BY_VIEW: dict[str, RateLimitItem] = {"quiz.save": parse("600/10 minutes")}


class TooFast(Exception):
    """Over the limit: the client may try again after `retry_after` seconds."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def count(endpoint: str) -> None:
    """Count this request against the endpoint's limit for the account (or, logged out, the
    address); raise TooFast when it is over."""
    if not (limiter.enabled and limiter.initialized):
        return
    item = COUNTED_BY_VIEW[endpoint]
    key = rate_limit_key()
    try:
        if limiter.limiter.hit(item, key, endpoint):
            return
        reset_at, _remaining = limiter.limiter.get_window_stats(item, key, endpoint)
    except Exception:
        # The storage (Redis) is down: a participant's answer matters more than the limit.
        log.exception("rate-limit storage failed; letting %s through", endpoint)
        return
    raise TooFast(max(1, math.ceil(reset_at - time.time())))

"""Limits on "Quên mật khẩu" requests: per address, and per account asked about.

Each request may send a mail, so it is counted per address (an office shares one, hence the
high figure) and per identifier typed (so nobody floods one person's mailbox from many
addresses), with the `limits` strategy Flask-Limiter built from RATELIMIT_STORAGE_URI (Redis
shares the counts between workers and hosts), as contest/rate_limits.py does for the answer
save. The identifier is counted under a hash: no email or phone is written to the storage.
"""

import hashlib
import logging
import math
import time

from limits import parse

from contest.extensions import limiter
from contest.rate_limits import TooFast
from contest.text import nfc, normalize_phone

log = logging.getLogger(__name__)

NAMESPACE = "account.forgot_password"
PER_ADDRESS = parse("100/hour")
PER_IDENTIFIER = parse("5/hour")


def identifier_key(identifier: str) -> str:
    """The same key for every way of typing one email or phone."""
    text = nfc(identifier).lower()
    canonical = text if "@" in text else normalize_phone(text)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def count_forgot(address: str, identifier: str) -> None:
    """Count one request; raise TooFast when the address or the identifier is over its limit."""
    if not (limiter.enabled and limiter.initialized):
        return
    for item, key in (
        (PER_ADDRESS, f"ip:{address}"),
        (PER_IDENTIFIER, f"id:{identifier_key(identifier)}"),
    ):
        try:
            if limiter.limiter.hit(item, NAMESPACE, key):
                continue
            reset_at, _remaining = limiter.limiter.get_window_stats(item, NAMESPACE, key)
        except Exception:
            # The storage (Redis) is down: the request only ever sends one mail, let it through.
            log.exception("rate-limit storage failed; letting %s through", NAMESPACE)
            continue
        raise TooFast(max(1, math.ceil(reset_at - time.time())))

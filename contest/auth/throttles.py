"""Throttles on logging in and registering: they stop password guessing, not offices.

Behind nginx a whole office (or a mobile network's shared address) reaches the site from one
address, so nothing here counts what honest people do in numbers: a successful log-in counts
nowhere, and the limits per address are sized for several hundred people. What a guesser
needs is counted instead:

- failed log-ins per account typed (`account_key`), whether or not the account exists, so a
  refusal tells nobody which accounts exist; the limits are tiers, so the wait grows;
- failed log-ins per address (one password tried on many accounts);
- registrations per address and per phone typed;
- requests for a password-reset mail per address and per account typed.

A log-in is checked before its password is verified, and a refused attempt is neither
verified nor counted: it tells a guesser nothing, and does not make the wait longer.

Counted with the `limits` strategy Flask-Limiter built from RATELIMIT_STORAGE_URI and
RATELIMIT_STRATEGY, as contest/web/rate_limits.py counts the answer save, so Redis shares the
counts between every worker and host. If the storage fails, the person is let through and the
failure logged. Attempts of one guesser arriving in the same instant are each checked before
any is counted, so a burst can pass a limit by about the number of requests served at once;
the next check refuses. Keys are hashed: no email, phone or address is written to the storage.
"""

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from flask import Response, current_app, flash, make_response, render_template
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse
from limits.strategies import RateLimiter, SlidingWindowCounterRateLimiter

from contest.extensions import limiter
from contest.text import nfc, normalize_phone


@dataclass(frozen=True)
class Throttle:
    """Limits counted under one name; `message` says why, its `{wait}` for how long."""

    name: str
    limits: tuple[RateLimitItem, ...]
    message: str


@dataclass(frozen=True)
class Refusal:
    """What to tell the person, and the Retry-After header's seconds."""

    message: str
    retry_after: int


# Every figure is here once; the tests read them from these objects.
#
# Failed log-ins per account typed. A person who mistypes on a phone keyboard rarely fails
# five times within a minute, and waits at most about a minute when they do; someone who
# keeps trying forgotten passwords waits longer at ten, then twenty. A guesser gets at most
# 50 guesses a day at one email or phone (twice that for an account tried by both), against
# passwords of at least 8 characters. The check comes first, so a guesser can also hold an
# account's owner out, for at most about a day: the price of any limit per account, and the
# reason the tiers start short. Successes count nowhere and clear nothing: clearing on a
# success would hand a guesser a fresh allowance each time the owner logs in, and an owner
# who has just logged in needs no allowance.
ACCOUNT_FAILURES = Throttle(
    "login-failures-account",
    (parse("5/minute"), parse("10/15 minutes"), parse("20/hour"), parse("50/day")),
    "Tài khoản này đã có nhiều lần nhập sai mật khẩu, nên tạm dừng đăng nhập để bảo vệ tài "
    "khoản. Vui lòng thử lại sau khoảng {wait}.",
)
# Failed log-ins per address: an office of several hundred people on its first morning,
# a few of whom mistype once or twice, stays far below it; one address trying a password on
# account after account meets it (each account's own limit stops it going deep).
ADDRESS_FAILURES = Throttle(
    "login-failures-address",
    (parse("300/15 minutes"),),
    "Có nhiều lần đăng nhập không thành công từ cùng một mạng. Vui lòng thử lại sau khoảng {wait}.",
)
# Registrations sent per address, counted when the form is valid (a new account, or one
# refused as a duplicate): a whole office registering in one hour, some twice over a
# duplicate CCCD or email, stays below it; a script making accounts does not.
ADDRESS_REGISTRATIONS = Throttle(
    "registrations-address",
    (parse("600/hour"),),
    "Có nhiều lượt đăng ký từ cùng một mạng trong thời gian ngắn, nên tạm dừng đăng ký. "
    "Vui lòng thử lại sau khoảng {wait}.",
)
# Registrations sent per phone typed: a person correcting a form a few times is far below it;
# probing one number (its duplicate message tells it is registered) is not.
PHONE_REGISTRATIONS = Throttle(
    "registrations-phone",
    (parse("10/hour"),),
    "Số điện thoại này đã được gửi đăng ký nhiều lần trong thời gian ngắn, nên tạm dừng "
    "đăng ký với số này. Vui lòng thử lại sau khoảng {wait}.",
)

# Requests for a password-reset mail: each may send one. Per address, high enough for an
# office whose people forget together after a week; per account typed, so that nobody floods
# one person's mailbox from many addresses.
ADDRESS_RESET_REQUESTS = Throttle(
    "reset-requests-address",
    (parse("100/hour"),),
    "Có nhiều yêu cầu đặt lại mật khẩu từ cùng một mạng. Vui lòng thử lại sau khoảng {wait}.",
)
ACCOUNT_RESET_REQUESTS = Throttle(
    "reset-requests-account",
    (parse("5/hour"),),
    "Bạn đã yêu cầu đặt lại mật khẩu quá nhiều lần. Vui lòng kiểm tra hộp thư (cả mục thư rác) "
    "hoặc thử lại sau khoảng {wait}.",
)

log = logging.getLogger(__name__)


def account_key(identifier: str) -> str:
    """One key for every way of typing one email or phone, normalised as
    `accounts.find_by_identifier` does: "+84 912.345.678" is "0912345678", and
    " An@Example.VN" is "an@example.vn". Nothing without "@" can match an email, nor anything
    with one a phone."""
    text = nfc(identifier).lower()
    return f"email:{text}" if "@" in text else f"phone:{normalize_phone(text)}"


def address_key() -> str:
    """The client's address: behind TRUSTED_PROXY_HOPS proxies, the one they forwarded."""
    return f"ip:{get_remote_address()}"


def login_refusal(identifier: str) -> Refusal | None:
    """Why this log-in may not be tried now, or None. Checked before the password is verified;
    a refused attempt counts nowhere."""
    return refusal(ACCOUNT_FAILURES, account_key(identifier)) or refusal(
        ADDRESS_FAILURES, address_key()
    )


def login_failed(identifier: str) -> None:
    """Count a wrong password (or an unknown account) for the account typed and the address."""
    count(ACCOUNT_FAILURES, account_key(identifier))
    count(ADDRESS_FAILURES, address_key())


def admit_registration(phone: str) -> Refusal | None:
    """Why this registration may not go on now, or None, in which case it is counted for the
    address and the phone. Called for a valid form, before the account is made."""
    return admit(
        (ADDRESS_REGISTRATIONS, address_key()),
        (PHONE_REGISTRATIONS, f"phone:{normalize_phone(phone)}"),
    )


def admit_reset_request(identifier: str) -> Refusal | None:
    """Why a reset mail may not be asked for now, or None, in which case the request is counted
    for the address and the account typed (whether or not it exists)."""
    return admit(
        (ADDRESS_RESET_REQUESTS, address_key()),
        (ACCOUNT_RESET_REQUESTS, account_key(identifier)),
    )


def admit(*checks: tuple[Throttle, str]) -> Refusal | None:
    """The first refusal among `checks`; when there is none, count one event for each."""
    for throttle, key in checks:
        found = refusal(throttle, key)
        if found is not None:
            return found
    for throttle, key in checks:
        count(throttle, key)
    return None


def refused_page(found: Refusal, template: str, **context) -> Response:
    """HTTP 429: the same form again, what was typed kept (never a password), saying why and
    for how long."""
    flash(found.message, "error")
    response = make_response(render_template(template, **context), 429)
    response.headers["Retry-After"] = str(found.retry_after)
    return response


def refusal(throttle: Throttle, key: str) -> Refusal | None:
    """The refusal when `key` has used up one of the throttle's limits; else None."""
    if not active():
        return None
    identifiers = storage_identifiers(throttle, key)
    try:
        strategy = limiter.limiter
        waits = [
            seconds_to_wait(strategy, item, identifiers)
            for item in throttle.limits
            if not strategy.test(item, *identifiers)
        ]
    except Exception:
        # The storage (Redis) is down: a participant who cannot log in is worse than a guess.
        log.exception("rate-limit storage failed; letting %s through", throttle.name)
        return None
    if not waits:
        return None
    # A retry at the very second the count falls back to the limit would still be refused.
    retry_after = math.floor(max(waits)) + 1
    return Refusal(throttle.message.format(wait=wait_text(retry_after)), retry_after)


def count(throttle: Throttle, key: str) -> None:
    """Count one event for `key` in each of the throttle's limits."""
    if not active():
        return
    identifiers = storage_identifiers(throttle, key)
    try:
        for item in throttle.limits:
            limiter.limiter.hit(item, *identifiers)
    except Exception:
        log.exception("rate-limit storage failed; %s not counted", throttle.name)


def active() -> bool:
    """Limits are on for this app (RATELIMIT_ENABLED), and Flask-Limiter made its storage."""
    return bool(current_app.config.get("RATELIMIT_ENABLED", True)) and limiter.initialized


def storage_identifiers(throttle: Throttle, key: str) -> tuple[str, ...]:
    """The throttle and a digest of the key, after RATELIMIT_KEY_PREFIX when set (several
    contests sharing one Redis). The prefix is read from this app's configuration: Flask-Limiter
    is one object per process and keeps the first app's."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX")
    return (prefix, throttle.name, digest) if prefix else (throttle.name, digest)


def seconds_to_wait(strategy: RateLimiter, item: RateLimitItem, identifiers) -> float:
    """Seconds until `item` lets one more event through, if no other is counted meanwhile."""
    if isinstance(strategy, SlidingWindowCounterRateLimiter):
        window = strategy.storage.get_sliding_window(item.key_for(*identifiers), item.get_expiry())
        return sliding_window_wait(item.amount, item.get_expiry(), *window)
    # Fixed and moving windows: their reset time is when the next event may go through.
    reset_at, _remaining = strategy.get_window_stats(item, *identifiers)
    return max(0.0, reset_at - time.time())


def sliding_window_wait(
    amount: int,
    expiry: int,
    previous_count: int,
    previous_ttl: float,
    current_count: int,
    current_ttl: float,
) -> float:
    """Seconds until a sliding-window counter falls below `amount`, if nothing more is counted.

    The `limits` strategy counts previous_count × previous_ttl / expiry + current_count (the
    previous window weighed by how much of it the sliding window still covers) and lets an
    event through while that is below `amount`; previous_ttl runs out when the current window
    ends, and current_ttl is that moment plus one window. (Its own reset time is when a single
    event's worth has worn off: too soon when the count is well over.)
    """
    if current_count < amount:
        if not previous_count:
            return 0.0
        # Within the current window, the previous window's weight wears off.
        return max(0.0, previous_ttl - (amount - current_count) * expiry / previous_count)
    # The current window must end, then wear off as the previous one.
    window_end = max(0.0, current_ttl - expiry)
    return window_end + expiry * (1 - amount / current_count)


def wait_text(seconds: int) -> str:
    """A wait in Vietnamese: seconds under a minute, else whole minutes rounded up (with
    hours from one hour on, so that a day's wait does not read as 1440 minutes)."""
    if seconds < 60:
        return f"{seconds} giây"
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"{minutes} phút"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} giờ {minutes} phút" if minutes else f"{hours} giờ"

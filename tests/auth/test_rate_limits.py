"""Rate limits: shared by every worker and host through Redis, keyed by account when logged in;
the log-in and registration throttles of contest/auth/throttles.py.

Other people run this suite at the same time against the same Redis, so no test resets it:
every limited app gets a prefix of its own (RATELIMIT_KEY_PREFIX, and the Redis storage's key
prefix for the counts of contest/web/rate_limits.py), and a test deletes only its own keys. Apps on
`memory://` need no Redis at all.
"""

import logging
import os
import socket
import time
import uuid

import limits.storage.memory
import pytest
import redis
from limits import parse
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import SlidingWindowCounterRateLimiter

from contest import create_app
from contest.auth import throttles
from contest.extensions import db, limiter
from tests.factories import csrf_token, login, make_user

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
MEMORY = "memory://"
DAY = 24 * 3600


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(
    not redis_answers() and not os.environ.get("CI"),
    reason="Redis rate-limit tests skipped: nothing answers on 127.0.0.1:6379",
)


def storage_prefix(prefix: str) -> str:
    return f"thi-test-{prefix}"


def limited_app(app, storage=REDIS_URL, prefix=None, **settings):
    """An app with limits on, on `app`'s database, as a gunicorn worker or host would be.

    Apps given the same `prefix` share their counts, as the hosts of one contest do; without
    one, the app's counts are its own."""
    prefix = prefix or uuid.uuid4().hex
    config = {key: app.config[key] for key in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI")}
    config.update(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=storage,
        RATELIMIT_KEY_PREFIX=prefix,
        RATELIMIT_STORAGE_OPTIONS={"key_prefix": storage_prefix(prefix)},
        **settings,
    )
    return create_app(config)


def delete_redis_keys(prefix: str) -> None:
    """This test's keys, and nobody else's."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(match=f"{storage_prefix(prefix)}:*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture
def hosts(app):
    """Make apps as the workers or hosts of one contest would be: same database, same storage,
    same prefix. Flask-Limiter is one object per process, so each app made gives it a new
    storage: what a new app sees of the counts is what Redis kept (memory:// keeps nothing)."""
    prefix = uuid.uuid4().hex
    made = []

    def make(storage=REDIS_URL, **settings):
        made.append(limited_app(app, storage, prefix, **settings))
        return made[-1]

    yield make
    for host in made:
        with host.app_context():
            db.engine.dispose()
    if any(host.config["RATELIMIT_STORAGE_URI"] != MEMORY for host in made):
        delete_redis_keys(prefix)


class MemoryClock:
    """The time the `memory://` storage sees: it starts at the first second of a day, so every
    window of the limits (a minute to a day) starts with the test, and `advance` skips ahead.
    Real time still runs, so nothing stands still while a test works."""

    def __init__(self):
        self.started = time.time()
        self.base = (int(self.started) // DAY + 1) * DAY
        self.skipped = 0.0

    def time(self) -> float:
        return self.base + self.skipped + (time.time() - self.started)

    @property
    def elapsed(self) -> float:
        return self.time() - self.base

    def advance(self, seconds: float) -> None:
        self.skipped += seconds


@pytest.fixture
def memory_clock(monkeypatch):
    clock = MemoryClock()
    monkeypatch.setattr(limits.storage.memory, "time", clock)
    return clock


def wrong_login(client, identifier="0912000001"):
    token = csrf_token(client, "/dang-nhap")
    return client.post(
        "/dang-nhap", data={"identifier": identifier, "password": "sai", "csrf_token": token}
    )


ACCOUNT_LOCKED = "Tài khoản này đã có nhiều lần nhập sai mật khẩu"


@needs_redis
def test_failed_logins_per_account_are_shared_between_hosts_through_redis(app, hosts):
    with app.app_context():
        make_user(phone="0912000001")
    first_tier = throttles.ACCOUNT_FAILURES.limits[0]
    host_a = hosts()
    client_a = host_a.test_client()
    for _ in range(first_tier.amount):
        assert wrong_login(client_a).status_code == 200
    host_b = hosts()  # a new storage: only Redis remembers host A's failures
    client_b = host_b.test_client()
    refused = wrong_login(client_b, "+84 912 000 001")
    assert refused.status_code == 429
    assert ACCOUNT_LOCKED in refused.get_data(as_text=True)
    assert 1 <= int(refused.headers["Retry-After"]) <= first_tier.get_expiry() + 1
    # The check comes before the password: the right one is refused too, on either host.
    assert login(client_b, "0912000001").status_code == 429
    assert login(client_a, "0912000001").status_code == 429


def test_memory_storage_counts_in_one_process_only(app, hosts, memory_clock):
    """Why Redis: on memory:// a new worker starts from nothing (and the test above would fail)."""
    with app.app_context():
        make_user(phone="0912000001")
    client_a = hosts(MEMORY).test_client()
    for _ in range(throttles.ACCOUNT_FAILURES.limits[0].amount):
        assert wrong_login(client_a).status_code == 200
    assert wrong_login(client_a).status_code == 429
    client_b = hosts(MEMORY).test_client()
    assert wrong_login(client_b).status_code == 200


ANSWER = {"position": 1, "chosen": [0]}


@needs_redis
def test_logged_in_limits_are_per_account_not_per_address(app, hosts):
    with app.app_context():
        make_user(phone="0912000001")
        make_user(phone="0912000002")
    host = hosts()
    first, second = host.test_client(), host.test_client()
    assert login(first, "0912000001").status_code == 302
    assert login(second, "0912000002").status_code == 302
    token = csrf_token(first)
    # Both come from the same address (an office behind one NAT); saves to a missing attempt
    # still pass through the limiter before the 404.
    statuses = [
        first.post("/bai-thi/999/luu", json=ANSWER, headers={"X-CSRFToken": token}).status_code
        for _ in range(601)
    ]
    assert statuses[:600] == [404] * 600
    assert statuses[600] == 429
    token = csrf_token(second)
    assert (
        second.post("/bai-thi/999/luu", json=ANSWER, headers={"X-CSRFToken": token}).status_code
        == 404
    )


@needs_redis
def test_answer_saves_that_go_through_are_capped_per_question_not_per_account(app, hosts):
    """The account limit counts refusals and predictions only: a participant answering and
    changing answers is never stopped by it; the per-question cap stops a stuck page."""
    from tests.attempts.test_quiz import attempt_id_from, save, setup_round, start

    round_id = setup_round(app)
    host = hosts()
    client = host.test_client()
    assert login(client, "0912000001").status_code == 302
    attempt_id = attempt_id_from(start(client, round_id))
    token = csrf_token(client)
    statuses = [
        save(client, attempt_id, {"position": n % 10 + 1, "chosen": [n % 2]}, token).status_code
        for n in range(700)
    ]
    assert statuses == [200] * 700
    # Refused saves still count against the account, whatever the reason: 600 in 10 minutes,
    # then 429.
    impossible = [
        save(client, attempt_id, {"position": 1, "chosen": [9]}, token).status_code
        for _ in range(300)
    ]
    missing = [
        save(client, 999, {"position": 1, "chosen": [0]}, token).status_code for _ in range(301)
    ]
    assert impossible + missing == [400] * 300 + [404] * 300 + [429]


def test_limits_for_every_route_are_refused_rather_than_silently_ignored(app):
    """RouteLimiter checks the limits declared on routes only (it skips Flask-Limiter's check
    before every request): an application-wide limit in the configuration would not apply."""
    config = {key: app.config[key] for key in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI")}
    config["RATELIMIT_DEFAULT"] = "100/minute"
    with pytest.raises(RuntimeError, match="RATELIMIT_DEFAULT"):
        create_app(config)


def test_one_key_for_every_way_of_typing_a_phone_or_an_email():
    phone = throttles.account_key("0912345678")
    for typed in ("+84 912.345.678", "84912345678", " 0912 345 678 ", "0912-345-678"):
        assert throttles.account_key(typed) == phone, typed
    email = throttles.account_key("an.nguyen@example.vn")
    for typed in (" An.Nguyen@Example.VN ", "AN.NGUYEN@EXAMPLE.VN"):
        assert throttles.account_key(typed) == email, typed
    # Decomposed (NFD) and composed (NFC) Vietnamese are one key.
    assert throttles.account_key("Nguye\u0302\u0303n@example.vn") == throttles.account_key(
        "nguyễn@example.vn"
    )
    assert len({phone, email, throttles.account_key("0912345679")}) == 3


def test_waits_in_vietnamese():
    assert throttles.wait_text(1) == "1 giây"
    assert throttles.wait_text(59) == "59 giây"
    assert throttles.wait_text(60) == "1 phút"
    assert throttles.wait_text(61) == "2 phút"
    assert throttles.wait_text(3600) == "1 giờ"
    assert throttles.wait_text(3601) == "1 giờ 1 phút"
    assert throttles.wait_text(DAY) == "24 giờ"


def assert_wait_is_exact(strategy, item, identifiers, advance):
    """Just before the computed wait the strategy still refuses; just after, it lets one by."""
    wait = throttles.seconds_to_wait(strategy, item, identifiers)
    assert not strategy.test(item, *identifiers)
    if wait > 0.5:
        advance(wait - 0.5)
        assert not strategy.test(item, *identifiers)
        advance(0.5)
    else:
        advance(wait)
    advance(0.05)
    assert strategy.test(item, *identifiers)


def test_the_wait_is_when_the_sliding_window_lets_the_next_one_through(memory_clock):
    strategy = SlidingWindowCounterRateLimiter(MemoryStorage())
    item = parse("5/minute")

    def next_window():
        memory_clock.advance(60 - memory_clock.elapsed % 60)

    # Five at once: the window must end.
    next_window()
    for _ in range(5):
        assert strategy.hit(item, "at-once")
    assert_wait_is_exact(strategy, item, ("at-once",), memory_clock.advance)
    # Five, then four more 100 seconds later: the first five must wear off further.
    next_window()
    for _ in range(5):
        assert strategy.hit(item, "spread")
    memory_clock.advance(100)
    for _ in range(4):
        assert strategy.hit(item, "spread")
    assert_wait_is_exact(strategy, item, ("spread",), memory_clock.advance)
    # Over the limit within the window (a burst, each checked before any was counted): the
    # strategy's own reset time, the end of the window, is too soon.
    next_window()
    storage = strategy.storage
    for _ in range(8):
        key = storage.sliding_window_keys(item.key_for("burst"), 60, memory_clock.time())[1]
        storage.incr(key, 2 * 60)
    reset_at, _remaining = strategy.get_window_stats(item, "burst")
    assert reset_at - memory_clock.time() < throttles.seconds_to_wait(strategy, item, ("burst",))
    assert_wait_is_exact(strategy, item, ("burst",), memory_clock.advance)


@needs_redis
def test_the_wait_is_right_on_redis_too():
    """Redis's sliding windows start at the first event and shift by key expiry: the same wait."""
    prefix = uuid.uuid4().hex
    strategy = SlidingWindowCounterRateLimiter(
        RedisStorage(REDIS_URL, key_prefix=storage_prefix(prefix))
    )
    item = parse("3/second")
    try:
        for _ in range(3):
            assert strategy.hit(item, "key")
        assert_wait_is_exact(strategy, item, ("key",), time.sleep)
    finally:
        delete_redis_keys(prefix)


def test_waits_grow_tier_after_tier(app, hosts, memory_clock):
    """A guesser trying again the moment each wait ends: a minute's wait at first, longer and
    longer, and no more failures in a day than the day's tier allows."""
    host = hosts(MEMORY)
    tiers = throttles.ACCOUNT_FAILURES.limits
    refusals = []  # (failures so far, seconds to wait, message)
    failures = 0
    with host.test_request_context("/dang-nhap", method="POST"):
        while memory_clock.elapsed < tiers[-1].get_expiry():
            refusal = throttles.login_refusal("0912000001")
            if refusal is None:
                throttles.login_failed("0912000001")
                failures += 1
            else:
                refusals.append((failures, refusal.retry_after, refusal.message))
                memory_clock.advance(refusal.retry_after)
    assert failures == tiers[-1].amount  # the day started with the test: its window is exact
    # The wait when each tier fills: longer than the whole window of the tier below, at most
    # its own. (Between, the sliding windows let one more try through now and then.)
    first_wait = {count: (wait, message) for count, wait, message in reversed(refusals)}
    below = 0
    for tier in tiers:
        wait, message = first_wait[tier.amount]
        assert below < wait <= tier.get_expiry() + 1, (tier, wait)
        below = tier.get_expiry()
    # A minute, or a second short of it when the machine is slow between two clock reads.
    first = first_wait[tiers[0].amount][1]
    assert first.endswith(("khoảng 1 phút.", "khoảng 59 giây.")), first
    assert " giờ " in first_wait[tiers[-1].amount][1]


def test_a_failing_storage_lets_people_through_and_is_logged(app, hosts, monkeypatch, caplog):
    with app.app_context():
        make_user(phone="0912000001")
    client = hosts(MEMORY).test_client()

    def down(*_args, **_kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(limiter.limiter, "test", down)
    monkeypatch.setattr(limiter.limiter, "hit", down)
    # Alembic's logging setup (fileConfig, run by the test databases' migration) disables the
    # loggers that exist by then.
    monkeypatch.setattr(throttles.log, "disabled", False)
    with caplog.at_level(logging.ERROR, logger="contest.auth.throttles"):
        for _ in range(throttles.ACCOUNT_FAILURES.limits[0].amount + 1):
            assert wrong_login(client).status_code == 200
        assert login(client, "0912000001").status_code == 302
    assert "rate-limit storage failed" in caplog.text

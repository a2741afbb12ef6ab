"""/healthz: 200 when the database (and Redis, when the rate limits are counted there) answer;
503 naming the part that failed, with nothing secret in the answer."""

import socket

import pytest

from contest.main import health
from tests.factories import make_user

REDIS = "redis://:s3cret-pass@127.0.0.1:6379/0"


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_database_alone_answers_ok(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok"}}
    assert response.headers["Cache-Control"] == "no-store"


def test_redis_is_checked_when_the_limits_are_counted_there(app, client):
    if not redis_answers():
        pytest.skip("no Redis on 127.0.0.1:6379")
    app.config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:6379/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


def test_a_wrong_redis_port_is_a_503_naming_redis_and_no_secret(app, client, caplog):
    url = f"redis://:s3cret-pass@127.0.0.1:{free_port()}/0"
    app.config["RATELIMIT_STORAGE_URI"] = url
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json == {
        "status": "failed",
        "checks": {"database": "ok", "redis": "failed"},
        "failed": ["redis"],
    }
    body = response.get_data(as_text=True)
    assert "s3cret" not in body and str(url.split(":")[-1].split("/")[0]) not in body
    assert any("health check redis failed" in r.getMessage() for r in caplog.records)


def test_a_database_that_does_not_answer_is_a_503_naming_it(app, client, monkeypatch):
    def broken():
        raise OSError("connection refused by 10.0.0.5:5432 password=hunter2")

    monkeypatch.setattr(health, "database_answers", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"] == {"database": "failed"}
    assert response.json["failed"] == ["database"]
    assert "hunter2" not in response.get_data(as_text=True)
    # The next probe, the database back, answers again: the failed session was rolled back.
    monkeypatch.undo()
    with app.app_context():
        make_user()
    assert client.get("/healthz").status_code == 200


def test_checks_are_a_named_list_a_new_part_joins(app, client, monkeypatch):
    calls = []

    def queue_check(config):
        calls.append(config["RATELIMIT_STORAGE_URI"])
        raise RuntimeError("queue down")

    monkeypatch.setattr(health, "CHECKS", [*health.CHECKS, ("job_queue", queue_check)])
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"] == {"database": "ok", "job_queue": "failed"}
    assert calls == ["memory://"]


def test_only_redis_urls_are_probed():
    assert health.redis_url({"RATELIMIT_STORAGE_URI": "memory://"}) is None
    assert health.redis_url({}) is None
    assert health.redis_url({"RATELIMIT_STORAGE_URI": REDIS}) == REDIS

"""The job settings (defaults, the environment, the queue chosen by URL) and the command line."""

from pathlib import Path

import pytest
from huey import MemoryHuey, RedisHuey, SqliteHuey

from contest.jobs.queue import make_huey
from contest.jobs.settings import apply_environment, settings_from
from tests.jobs.conftest import THRESHOLD, drain


def test_defaults_follow_the_instance_folder():
    settings = settings_from({}, "/srv/thi/instance")
    assert settings.export_dir == Path("/srv/thi/instance/exports")
    assert (settings.export_threshold, settings.file_hours, settings.max_tries) == (20_000, 24, 3)
    assert (settings.lease_seconds, settings.heartbeat_seconds) == (60, 20)
    assert settings.immediate is False and settings.queue_url is None
    # A test app runs its jobs at once unless told otherwise.
    assert settings_from({"TESTING": True}, "/x").immediate is True
    assert settings_from({"TESTING": True, "JOBS_IMMEDIATE": False}, "/x").immediate is False


def test_the_environment_sets_numbers_flags_and_text():
    config = {"JOBS_EXPORT_THRESHOLD": 7}
    apply_environment(
        config,
        {
            "JOBS_EXPORT_THRESHOLD": "50000",
            "JOBS_LEASE_SECONDS": "2",
            "JOBS_SLOW_EXPORT_SECONDS": "0.5",
            "JOBS_IMMEDIATE": "no",
            "JOBS_QUEUE_URL": "redis://127.0.0.1:6379/1",
            "JOBS_FILE_HOURS": "",
        },
    )
    assert config == {
        "JOBS_EXPORT_THRESHOLD": 50_000,
        "JOBS_LEASE_SECONDS": 2,
        "JOBS_SLOW_EXPORT_SECONDS": 0.5,
        "JOBS_IMMEDIATE": False,
        "JOBS_QUEUE_URL": "redis://127.0.0.1:6379/1",
    }
    settings = settings_from(config, "/x")
    assert settings.heartbeat_seconds == pytest.approx(2 / 3)


def test_the_queue_url_chooses_the_storage(tmp_path):
    def huey_for(**config):
        return make_huey(settings_from(config, str(tmp_path)), str(tmp_path))

    default = huey_for()
    assert isinstance(default, SqliteHuey)
    assert default.storage.filename == str(tmp_path / "jobs-queue.db")
    other = huey_for(JOBS_QUEUE_URL=f"sqlite:///{tmp_path}/q.db")
    assert other.storage.filename == f"{tmp_path}/q.db"
    redis = huey_for(JOBS_QUEUE_URL="redis://127.0.0.1:6379/15")
    assert isinstance(redis, RedisHuey)
    assert redis.storage.conn.connection_pool.connection_kwargs["db"] == 15
    assert isinstance(huey_for(TESTING=True), MemoryHuey)
    with pytest.raises(ValueError, match="JOBS_QUEUE_URL"):
        huey_for(JOBS_QUEUE_URL="amqp://somewhere")


def test_the_redis_queue_carries_a_job_between_two_apps(site, tmp_path):
    """The multi-host set-up in small: the web app sends to Redis, another app's worker loop
    takes the message (skipped when no Redis answers on 127.0.0.1:6379)."""
    import redis

    url = "redis://127.0.0.1:6379/14"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    site.app.config.update(JOBS_IMMEDIATE=False, JOBS_QUEUE_URL=url)
    site.queue.huey.flush()
    site.fill(THRESHOLD + 3)
    response = site.client("judge").get(site.export_url())
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert site.queue.answers() == 1
    assert drain(site.queue) == 1
    assert (site.job(job_id).status, site.job(job_id).rows_done) == ("done", THRESHOLD + 3)
    site.queue.huey.flush()


def test_the_command_line_lists_and_sweeps(queued, runner):
    queued.fill(6)
    queued.client("judge").get(queued.export_url())
    listed = runner.invoke(args=["jobs", "list"])
    assert listed.exit_code == 0
    assert "#1 Đang chờ xử lý: Bảng xếp hạng cá nhân — vòng 1: Tuần thi thứ nhất" in listed.output
    assert "(judge)" in listed.output
    swept = runner.invoke(args=["jobs", "sweep"])
    assert swept.exit_code == 0 and "Đã gửi lại 0 việc" in swept.output


def test_no_worker_runs_under_immediate_mode(site, runner):
    refused = runner.invoke(args=["jobs", "worker"])
    assert refused.exit_code == 1 and "JOBS_IMMEDIATE is on" in refused.output

"""/healthz asks the job queue too: ok when its storage answers, 503 naming it when not, and
not listed when jobs run in the web process (immediate mode, as in tests)."""


def health(site):
    response = site.app.test_client().get("/healthz")
    return response.status_code, response.json


def test_the_queue_is_listed_when_it_answers(queued, tmp_path):
    status, body = health(queued)
    # Nothing queued yet: no file is made by asking; its folder is writable.
    assert status == 200 and body["checks"]["jobs_queue"] == "ok"
    assert body["status"] == "ok" and not (tmp_path / "queue.db").exists()
    queued.fill(6)
    queued.client("judge").get(queued.export_url())
    assert (tmp_path / "queue.db").exists()
    assert health(queued) == (200, body)


def test_a_queue_that_is_down_fails_the_check(site, tmp_path):
    site.app.config.update(JOBS_IMMEDIATE=False, JOBS_QUEUE_URL="redis://127.0.0.1:1/0")
    status, body = health(site)
    assert status == 503 and body["failed"] == ["jobs_queue"]
    assert body["checks"]["jobs_queue"] == "failed" and body["checks"]["database"] == "ok"
    # Nothing of the URL is shown: the answer is public.
    assert "127.0.0.1" not in str(body)
    missing = tmp_path / "no-such-folder" / "queue.db"
    site.app.config.update(JOBS_QUEUE_URL=f"sqlite:///{missing}")
    assert health(site) == (503, body)


def test_immediate_mode_has_no_queue_to_check(site):
    status, body = health(site)
    assert status == 200 and "jobs_queue" not in body["checks"]

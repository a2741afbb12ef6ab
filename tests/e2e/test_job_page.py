"""In a real browser: a judge's large export becomes a job; its page shows the worker's
progress through its static script (under the app's CSP), then the download link, and the file
opens. gunicorn and a worker (`flask jobs worker`) run as separate processes on one SQLite
database and one SQLite queue, as `make run` runs them."""

import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import openpyxl
import pytest

from contest import create_app
from contest.extensions import db
from contest.results.exports.round_exports import HEADER_ROW
from tests import databases, factories
from tests.e2e import support
from tests.e2e.conftest import (
    free_port,
    gunicorn_command,
)
from tests.jobs.filling import fill_round

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
ROWS = 2_500
# gunicorn's workers and the queue's worker boot at once on a shared machine: more time than
# the e2e suite's single server gets.
START_SECONDS = 90


def seed(database_url: str, workdir: Path) -> int:
    databases.migrate(database_url, workdir)
    app = create_app(databases.base_config(database_url, workdir))
    with app.app_context():
        round_ = factories.make_round(question_count=5, title="Tuần thi đông người")
        factories.make_user(phone=support.JUDGE_PHONE, role="judge", full_name="Phạm Giám Khảo")
        fill_round(round_, ROWS)
        round_id = round_.id
        db.engine.dispose()
    return round_id


def wait_until_healthy(base_url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, f"gunicorn exited:\n{log.read_text()}"
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise AssertionError(f"no answer from /healthz in {START_SECONDS} s:\n{log.read_text()}")


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def end(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_a_judge_follows_a_large_export_and_downloads_it(tmp_path, browser):
    # The browser tests' one Playwright (tests/e2e/conftest.py): a second sync_playwright in
    # the same process refuses to start.
    from playwright.sync_api import expect

    database_url = f"sqlite:///{tmp_path / 'site.db'}"
    round_id = seed(database_url, tmp_path)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(32),
        "RATELIMIT_STORAGE_URI": "memory://",
        "PYTHONUNBUFFERED": "1",
        "JOBS_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.db'}",
        "JOBS_EXPORT_DIR": str(tmp_path / "exports"),
        "JOBS_EXPORT_THRESHOLD": "100",
        "JOBS_SLOW_EXPORT_SECONDS": "1.5",
    }
    log = tmp_path / "processes.log"
    server = start(gunicorn_command(port), env, log)
    worker = start([sys.executable, "-m", "flask", "--app", "contest", "jobs", "worker"], env, log)
    violations: list[str] = []
    try:
        wait_until_healthy(base_url, server, log)
        context = browser.new_context(base_url=base_url, locale="vi-VN", **support.DESKTOP)
        context.set_default_timeout(20_000)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        support.log_in(page, support.JUDGE_PHONE)
        page.goto(f"/giam-khao/vong/{round_id}")
        page.get_by_role("link", name="Bảng xếp hạng cá nhân").first.click()
        expect(page).to_have_url(re.compile(r"/giam-khao/viec/\d+$"))
        # Updated in place by the page's script while the worker writes.
        expect(page.get_by_text(re.compile(r"Đang xuất… [12]\.000 / 2\.500 dòng"))).to_be_visible()
        link = page.get_by_role("link", name="Tải tệp (2.500 dòng)")
        expect(link).to_be_visible(timeout=30_000)
        with page.expect_download() as download_info:
            link.click()
        download = download_info.value
        assert download.suggested_filename.startswith("xep-hang-vong-1-")
        saved = tmp_path / "ranking.xlsx"
        download.save_as(saved)
        context.close()
    finally:
        end(worker)
        end(server)
    assert violations == []
    assert "Traceback" not in log.read_text()
    book = openpyxl.load_workbook(saved, read_only=True)
    rows = list(book.active.iter_rows(min_row=HEADER_ROW, values_only=True))
    book.close()
    assert len(rows) - 1 == ROWS

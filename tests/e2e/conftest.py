"""Browser tests: a real gunicorn serving a seeded SQLite database, driven by headless Chromium.

One server and one browser for the whole session; each test opens its own browser context (a
fresh profile: cookies, cache, localStorage) and uses its own seeded participant, so tests do not
depend on each other's attempts.
"""

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from contest import create_app
from contest.domain.clock import utcnow
from contest.extensions import db
from tests import databases, factories
from tests.e2e import support

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT = 20.0
SCREENSHOTS_KEY = pytest.StashKey[Path]()


@dataclass(frozen=True)
class Site:
    """The running server and what was seeded into its database."""

    base_url: str
    database_url: str
    app: object  # a Flask app on the same database, for checking what the server stored
    main_round_id: int
    short_round_id: int
    agencies: dict[str, int]  # code -> id
    log_path: Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed(app) -> dict:
    with app.app_context():
        agencies = {
            "SNV": factories.make_agency("SNV", "Sở Nội vụ"),
            "STP": factories.make_agency("STP", "Sở Tư pháp"),
            "VP": factories.make_agency("VP", "Văn phòng Ủy ban nhân dân tỉnh"),
        }
        district = factories.make_agency("NX", "Ủy ban nhân dân huyện Nghi Xuân")
        agencies["NX"] = district
        agencies["XH"] = factories.make_agency("XH", "Ủy ban nhân dân xã Xuân Hội", parent=district)
        # Every third question has two right answers (checkboxes), the rest one (radios).
        factories.make_questions(30, topic_names=("Một cửa", "Dịch vụ công"), multiple_every=3)
        contest = factories.make_contest()
        contest.organizer_name = "Ủy ban nhân dân tỉnh Hà Tĩnh"
        main_round = factories.make_round(
            contest,
            number=1,
            title=support.MAIN_ROUND_TITLE,
            question_count=10,
            time_limit=support.MAIN_ROUND_SECONDS,
            attempts_allowed=3,
            prediction_enabled=True,
            prediction_prompt="Theo bạn, tuần này có bao nhiêu người dự thi?",
        )
        short_round = factories.make_round(
            contest,
            number=2,
            title=support.SHORT_ROUND_TITLE,
            question_count=support.SHORT_ROUND_QUESTIONS,
            time_limit=support.SHORT_ROUND_SECONDS,
            attempts_allowed=3,
        )
        for phone in support.SEEDED_PHONES:
            factories.make_user(phone=phone)
        factories.make_user(
            phone=support.ORGANIZER_PHONE, role="organizer", full_name="Lê Văn Tổ Chức"
        )
        factories.make_user(phone=support.JUDGE_PHONE, role="judge", full_name="Phạm Giám Khảo")
        judged_round = seed_judged_round(contest, agencies)
        return {
            "judged_round_id": judged_round.id,
            "main_round_id": main_round.id,
            "short_round_id": short_round.id,
            "agencies": {code: agency.id for code, agency in agencies.items()},
        }


def seed_judged_round(contest, agencies):
    """A round that closed three days ago, with entries whose ranking is known."""
    now = utcnow()
    round_ = factories.make_round(
        contest,
        number=3,
        title=support.JUDGED_ROUND_TITLE,
        opens_at=now - timedelta(days=10),
        closes_at=now - timedelta(days=3),
        question_count=10,
    )
    for phone, name, correct, seconds, eligible in support.JUDGED_ENTRIES:
        user = factories.make_user(
            phone=phone,
            full_name=name,
            group="can_bo",
            agency_id=agencies["STP"].id,
            prize_eligible=eligible,
        )
        factories.make_entry(round_, user, correct, None, seconds, total=10)
    return round_


def gunicorn_command(port: int) -> list[str]:
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        *("-w", "2", "-b", f"127.0.0.1:{port}"),
    ]
    import gunicorn.config

    # gunicorn 27 opens a control socket in ~/.gunicorn, shared by every server on the machine.
    if any(s.name == "control_socket_disable" for s in gunicorn.config.KNOWN_SETTINGS):
        command.append("--no-control-socket")
    return [*command, "contest:create_app()"]


def wait_until_healthy(base_url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    pytest.fail(
        f"gunicorn did not answer /healthz in {SERVER_START_TIMEOUT:.0f} s:\n{log_path.read_text()}"
    )


@contextlib.contextmanager
def running_server(database_url: str, workdir: Path):
    """gunicorn serving `database_url` until the block ends; yields (base URL, log path)."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(32),
        "RATELIMIT_STORAGE_URI": "memory://",
        "PYTHONUNBUFFERED": "1",
    }
    log_path = workdir / "gunicorn.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            gunicorn_command(port),
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_healthy(base_url, process, log_path)
        yield base_url, log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("e2e")
    database_url = f"sqlite:///{workdir / 'e2e.db'}"
    databases.migrate(database_url, workdir)
    app = create_app(databases.base_config(database_url, workdir))
    seeded = seed(app)
    try:
        with running_server(database_url, workdir) as (base_url, log_path):
            yield Site(
                base_url=base_url,
                database_url=database_url,
                app=app,
                main_round_id=seeded["main_round_id"],
                short_round_id=seeded["short_round_id"],
                agencies=seeded["agencies"],
                log_path=log_path,
            )
    finally:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        reason = f"e2e tests need Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason + "; CI must run them", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=10_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser, site):
    """Opens browser contexts (phone-sized unless told otherwise) and closes them afterwards.

    Every page of every context runs under the app's Content-Security-Policy: a console message
    about a violation (an inline script, style or handler the policy refused) fails the test.
    """
    opened = []
    violations: list[str] = []

    def watch(page):
        page.on(
            "console",
            lambda message: (
                violations.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )

    def open_context(device=support.PHONE, **options):
        context = browser.new_context(
            base_url=site.base_url,
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
            **device,
            **options,
        )
        context.set_default_timeout(10_000)
        context.on("page", watch)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()
    assert not violations, "CSP violations:\n" + "\n".join(violations)


@pytest.fixture
def phone_page(new_context):
    return new_context().new_page()


@pytest.fixture(autouse=True)
def no_server_errors(browser, site):
    """Any exception the server logged during a test fails that test, even if the page coped."""
    start = site.log_path.stat().st_size
    yield
    with open(site.log_path, "rb") as log:
        log.seek(start)
        logged = log.read().decode("utf-8", errors="replace")
    assert "Traceback" not in logged, f"the server logged an exception:\n{logged}"


@pytest.fixture(scope="session")
def screenshots_dir(pytestconfig) -> Path:
    path = Path(__file__).resolve().parent / "screenshots"
    path.mkdir(exist_ok=True)
    pytestconfig.stash[SCREENSHOTS_KEY] = path
    return path


def pytest_terminal_summary(terminalreporter, config):
    path = config.stash.get(SCREENSHOTS_KEY, None)
    if path is not None:
        terminalreporter.write_line(f"e2e screenshots: {path}")

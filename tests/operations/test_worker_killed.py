"""Durability under faults: gunicorn with 2 workers on a file SQLite database, participants
saving answers at once, one worker killed with SIGKILL in the middle. Every save answered 200
is in the database (or a later save of the same question, sent before the kill and not
answered, replaced it), and every participant resumes: the quiz page loads with the saved
choices checked. Runs in well under a minute."""

import contextlib
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import insert, select
from werkzeug.security import generate_password_hash

from contest import create_app
from contest.extensions import db
from contest.models import AttemptItem, User
from tests import databases
from tests.factories import PASSWORD, make_questions, make_round

PROJECT_ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
PARTICIPANTS = 6
QUESTIONS = 10
SAVES_EACH = 36
KILL_AFTER_ACKS = 60  # acknowledged saves in all before the worker is killed
# One iteration of the hash: logging in six people must not cost seconds of the test.
QUICK_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed(database_url: str, workdir: Path) -> tuple[int, list[str]]:
    databases.migrate(database_url, workdir)
    app = create_app(databases.base_config(database_url, workdir))
    phones = [f"09130000{n:02d}" for n in range(PARTICIPANTS)]
    with app.app_context():
        make_questions(30, topic_names=("Một cửa", "Dịch vụ công"))
        round_id = make_round(question_count=QUESTIONS, time_limit=3600, attempts_allowed=1).id
        db.session.execute(
            insert(User),
            [
                {
                    "full_name": f"Thí sinh {n}",
                    "phone": phone,
                    "role": "participant",
                    "participant_group": "nhan_dan",
                    "password_hash": QUICK_HASH,
                }
                for n, phone in enumerate(phones)
            ],
        )
        db.session.commit()
        db.engine.dispose()
    return round_id, phones


def worker_pids(master: int) -> set[int]:
    """The master's children, read from /proc."""
    children = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            children.add(int(entry.name))
    return children


def sockets_of(pid: int) -> int:
    fds = Path("/proc") / str(pid) / "fd"
    count = 0
    for fd in fds.iterdir():
        with contextlib.suppress(OSError):
            count += os.readlink(fd).startswith("socket:")
    return count


def kill_mid_request(master: int, within: float = 5.0) -> tuple[int, bool]:
    """SIGKILL a worker caught inside a request: stopped (SIGSTOP) while it holds a client's
    connection besides the listening socket. Returns the pid and whether it was caught so."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        for pid in sorted(worker_pids(master)):
            os.kill(pid, signal.SIGSTOP)
            try:
                if sockets_of(pid) >= 2:
                    os.kill(pid, signal.SIGKILL)
                    return pid, True
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGCONT)
        time.sleep(0.001)
    pid = sorted(worker_pids(master))[0]
    os.kill(pid, signal.SIGKILL)
    return pid, False


@contextlib.contextmanager
def gunicorn(database_url: str, workdir: Path):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(32),
        "RATELIMIT_STORAGE_URI": "memory://",
        "REQUEST_LOG": "0",
        "PYTHONUNBUFFERED": "1",
    }
    command = [GUNICORN, "-w", "2", "-b", f"127.0.0.1:{port}", "--timeout", "30"]
    command += ["--no-control-socket", "contest:create_app()"]
    log_path = workdir / "gunicorn.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log_path.read_text()
            with contextlib.suppress(httpx.HTTPError):
                healthy = httpx.get(base + "/healthz", timeout=1).status_code == 200
                if healthy and len(worker_pids(process.pid)) == 2:
                    break
            assert time.monotonic() < deadline, "gunicorn did not start:\n" + log_path.read_text()
            time.sleep(0.2)
        yield base, process, log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


class Participant:
    """One person's browser: logs in, starts the round, saves answers one after another."""

    def __init__(self, base: str, phone: str, round_id: int, seed: int):
        self.http = httpx.Client(base_url=base, timeout=10)
        self.phone, self.round_id = phone, round_id
        self.rng = random.Random(seed)
        # position -> what the server last acknowledged, and what was sent after it unanswered
        self.acked: dict[int, list[int]] = {}
        self.unanswered: dict[int, list[list[int]]] = {}
        self.refused = 0
        self.disconnected = 0

    def token(self, path: str) -> str:
        return CSRF.search(self.http.get(path, follow_redirects=True).text).group(1)

    def begin(self) -> None:
        token = self.token("/dang-nhap")
        form = {"identifier": self.phone, "password": PASSWORD, "csrf_token": token}
        assert self.http.post("/dang-nhap", data=form).status_code == 302
        self.csrf = self.token("/")
        started = self.http.post(f"/vong/{self.round_id}/bat-dau", data={"csrf_token": self.csrf})
        assert started.status_code == 302, started.text
        self.attempt_id = int(re.search(r"/bai-thi/(\d+)", started.headers["Location"]).group(1))

    def save_once(self) -> bool:
        position = self.rng.randint(1, QUESTIONS)
        chosen = [self.rng.randint(0, 3)]
        try:
            response = self.http.post(
                f"/bai-thi/{self.attempt_id}/luu",
                json={"position": position, "chosen": chosen},
                headers={"X-CSRFToken": self.csrf},
            )
        except httpx.HTTPError:
            # The worker died with the request: it may or may not have been stored.
            self.unanswered.setdefault(position, []).append(chosen)
            self.disconnected += 1
            return False
        if response.status_code == 200 and response.json().get("ok"):
            self.acked[position] = chosen
            self.unanswered.pop(position, None)
            return True
        self.unanswered.setdefault(position, []).append(chosen)
        self.refused += 1
        return False


def test_a_killed_worker_loses_no_acknowledged_save_and_everyone_resumes(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'contest.db'}"
    round_id, phones = seed(database_url, tmp_path)
    started = time.monotonic()
    with gunicorn(database_url, tmp_path) as (base, master, log_path):
        people = [Participant(base, phone, round_id, n) for n, phone in enumerate(phones)]
        for person in people:
            person.begin()
        acks = [0]
        lock = threading.Lock()

        def run(person: Participant) -> None:
            for _ in range(SAVES_EACH):
                if person.save_once():
                    with lock:
                        acks[0] += 1

        threads = [threading.Thread(target=run, args=(p,)) for p in people]
        for thread in threads:
            thread.start()
        while acks[0] < KILL_AFTER_ACKS and any(t.is_alive() for t in threads):
            time.sleep(0.005)
        victim, mid_request = kill_mid_request(master.pid)
        assert mid_request, "no worker was caught inside a request to be killed"
        acks_at_kill = acks[0]
        for thread in threads:
            thread.join(timeout=60)
        assert not any(t.is_alive() for t in threads)
        total_acks = acks[0]
        assert total_acks > acks_at_kill, "no save went through after the kill"
        deadline = time.monotonic() + 15
        while not (len(worker_pids(master.pid)) == 2 and victim not in worker_pids(master.pid)):
            assert time.monotonic() < deadline, "the master did not replace the killed worker"
            time.sleep(0.1)
        assert "Traceback" not in log_path.read_text()

        # Everyone resumes: the quiz page (served by either worker) shows the saved choices.
        app = create_app(databases.base_config(database_url, tmp_path))
        with app.app_context():
            for person in people:
                stored = {
                    item.position: item.chosen
                    for item in db.session.execute(
                        select(AttemptItem).where(AttemptItem.attempt_id == person.attempt_id)
                    ).scalars()
                }
                for position, chosen in person.acked.items():
                    possible = [chosen, *person.unanswered.get(position, [])]
                    assert stored[position] in possible, (person.phone, position)
                page = person.http.get(f"/bai-thi/{person.attempt_id}")
                assert page.status_code == 200
                checked = {
                    (int(q), int(v))
                    for q, v in re.findall(r'name="q(\d+)" value="(\d+)" checked', page.text)
                }
                shown = {(p, c) for p, values in stored.items() if values for c in values}
                assert checked == shown, person.phone
                assert len(checked) >= len(person.acked)
            db.engine.dispose()
    assert sum(len(p.acked) for p in people) >= PARTICIPANTS
    # The request the worker died in was answered to nobody (seen by its participant).
    assert sum(p.disconnected for p in people) >= 1
    assert time.monotonic() - started < 60, "the test must stay under a minute"


@pytest.fixture(autouse=True)
def _needs_gunicorn():
    if not Path(GUNICORN).exists():
        pytest.skip("gunicorn is not installed in this environment")

"""Load: N participants through the whole journey under gunicorn, beside a bare Flask ceiling.

    .venv/bin/python bench/load.py [--participants 50] [--seconds 60] [--backend sqlite|postgresql]
                                   [--phase-seconds 10] [--slices 5] [--client raw|httpx]
                                   [--workers N]

Set-up (not timed): a fresh database (a temp SQLite file, or a bench_* PostgreSQL database),
migrated; an open contest whose round has 20 questions drawn from --questions active ones,
unlimited attempts and a prediction question; N participant accounts inserted directly with a
cheap password hash (pbkdf2:sha256:1000, so that the bench measures the app, not scrypt).

Servers: `gunicorn --config gunicorn.conf.py 'contest:create_app()'` exactly as `make serve`
(workers from WEB_CONCURRENCY, by default one per core on SQLite and one more on PostgreSQL;
DATABASE_URL and SECRET_KEY from the environment; the app's rate limits on), and `bench/bare_app.py` under the same settings for the
ceiling, each on a free 127.0.0.1 port, in their own process group. Both run from the start;
only one is loaded at a time.

Every participant logs in once, over HTTP, during set-up and keeps its cookies. Each simulated
participant connects from its own loopback address (127.0.x.y), as participants use their own
devices: the login limit (30 per 15 minutes per address) is then never approached. Answer
saves stay limited to 600 per 10 minutes per account (per worker: the limiter's storage is
memory://); 429 answers are counted and reported.

Phases, each with N concurrent clients and no think time (but see --think-seconds):
  ceiling   bare GET /hello and bare POST /write (one INSERT + commit)
  isolated  the quiz page alone (GET /bai-thi/<id>), the answer save alone, and start alone
            (each participant starts each of --start-rounds spare rounds once: every start
            draws and stores a new attempt; the phase ends early when they are all used)
  The ceiling and the isolated phases take turns: --slices turns, each giving every one of
  them --phase-seconds / --slices seconds, every other turn in reverse order. A change in the
  VM's speed during the run (20% between minutes has been seen) then weighs on the ceiling and
  on the app alike, and their ratio stays put.
  journey   open home, start, load the quiz page, save 20 answers (+ 2 changed) and the
            prediction, submit, see the result; repeat; for --seconds

Then every answer that got a 200 is checked against the database: attempt_item.chosen must be
what was sent last for each (attempt, position); the predictions and submissions too.

The client runs in this one process (asyncio) on the same 2 cores as the server: its CPU share
is printed, and it lowers every figure, the ceiling most (measured: this client reaches about
0.6-0.7x of what wrk reaches on the bare routes; httpx cost ~10x more CPU per request than the
default raw client, so --client httpx is only a cross-check). Hence a second ratio beside each
rate ratio: gunicorn CPU per request of the ceiling over that of the endpoint, which neither the
client nor other processes on the machine change much.

With no think time, latency is concurrency / throughput (Little's law): p99 < 100 ms with 50
participants needs well over 500 answered requests per second.

--think-seconds T gives the journey a participant's pace: before each request after the first,
a participant waits a uniform 0.5-1.5 T, and participants arrive at random moments over one
journey's length (28 requests x T): a steady stream of starts, as in a deadline rush.
Then the ceiling and the isolated phases run with the first 50 participants only (still no
think time), and the journey phase shows latency and throughput at that many participants
reading and answering, e.g. --participants 2000 --think-seconds 5 --seconds 300 (the first
28 x T seconds are the ramp-up).
"""

import argparse
import asyncio
import gzip
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

ROOT = common.ROOT
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
CSRF_META = re.compile(rb'name="csrf-token" content="([^"]+)"')
PASSWORD = "bench-mat-khau-1"
QUESTIONS_PER_ROUND = 20
# home, start, quiz page, 20 answers and 2 changed, the prediction, submit, result
REQUESTS_PER_JOURNEY = 3 + QUESTIONS_PER_ROUND + 2 + 3
REQUEST_TIMEOUT = 30.0


# --------------------------------------------------------------------------- HTTP clients


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes

    @property
    def location(self) -> str:
        return urlsplit(self.headers.get("location", "")).path


class RawSession:
    """A minimal HTTP/1.1 client over asyncio streams: cookies, gzip, Content-Length or chunked.

    A few tens of microseconds per request, against hundreds for a full-featured client: the
    load generator shares the machine with the server under test.
    """

    def __init__(self, port: int, local_ip: str):
        self.port = port
        self.local_ip = local_ip
        self.cookies: dict[str, str] = {}
        self.reader = None
        self.writer = None

    async def _connect(self):
        self.reader, self.writer = await asyncio.open_connection(
            "127.0.0.1", self.port, local_addr=(self.local_ip, 0)
        )

    def _close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method, path, *, form=None, json_body=None, headers=()):
        body = b""
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: 127.0.0.1:{self.port}",
            "User-Agent: bench-load",
            "Accept-Encoding: gzip",
        ]
        if form is not None:
            body = urlencode(form).encode()
            lines.append("Content-Type: application/x-www-form-urlencoded")
        elif json_body is not None:
            body = json.dumps(json_body).encode()
            lines.append("Content-Type: application/json")
        if method != "GET":
            lines.append(f"Content-Length: {len(body)}")
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        lines.extend(headers)
        payload = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        reused = self.writer is not None
        try:
            return await self._exchange(payload)
        except (ConnectionError, asyncio.IncompleteReadError):
            self._close()
            if not reused:
                raise
            return await self._exchange(payload)  # a kept-alive connection the server closed

    async def _exchange(self, payload: bytes) -> Response:
        if self.writer is None:
            await self._connect()
        self.writer.write(payload)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers: dict[str, str] = {}
        for line in header_lines:
            if not line:
                continue
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                self._store_cookie(value)
            headers[name] = value
        if "content-length" in headers:
            data = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            data = await self._chunked()
        else:
            data = await self.reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close" or status_line.startswith("HTTP/1.0"):
            self._close()
        if headers.get("content-encoding") == "gzip":
            data = gzip.decompress(data)
        return Response(status, headers, data)

    async def _chunked(self) -> bytes:
        parts = []
        while True:
            size = int((await self.reader.readline()).split(b";")[0].strip(), 16)
            if size == 0:
                await self.reader.readline()
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readline()

    def _store_cookie(self, value: str) -> None:
        pair, _, attributes = value.partition(";")
        name, _, cookie = pair.partition("=")
        attributes = attributes.lower()
        if not cookie or "max-age=0" in attributes or "expires=thu, 01 jan 1970" in attributes:
            self.cookies.pop(name.strip(), None)
        else:
            self.cookies[name.strip()] = cookie.strip()

    async def aclose(self):
        self._close()


class HttpxSession:
    """The same interface over httpx.AsyncClient (heavier per request)."""

    def __init__(self, port: int, local_ip: str):
        import httpx

        self.client = httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}",
            transport=httpx.AsyncHTTPTransport(local_address=local_ip),
            follow_redirects=False,
            headers={"Accept-Encoding": "gzip", "User-Agent": "bench-load"},
            timeout=REQUEST_TIMEOUT,
        )

    async def request(self, method, path, *, form=None, json_body=None, headers=()):
        extra = dict(line.split(": ", 1) for line in headers)
        response = await self.client.request(method, path, data=form, json=json_body, headers=extra)
        return Response(response.status_code, dict(response.headers), response.content)

    async def aclose(self):
        await self.client.aclose()


def local_ip(index: int) -> str:
    """A loopback address per simulated participant: 127.0.1.2, 127.0.1.3, …"""
    return f"127.0.{1 + index // 250}.{2 + index % 250}"


# --------------------------------------------------------------------------- statistics


@dataclass
class Endpoint:
    latencies: list = field(default_factory=list)  # seconds, successful requests in the window
    ok: int = 0
    errors: dict = field(default_factory=lambda: defaultdict(int))
    late: int = 0  # finished after the window closed (not counted in the rates)


class Recorder:
    def __init__(self):
        self.endpoints: dict[str, Endpoint] = defaultdict(Endpoint)
        self.journeys = 0
        self.window_end = float("inf")
        self.examples: dict[str, str] = {}

    def add(self, name: str, started: float, ok: bool, error: str | None = None):
        now = time.perf_counter()
        endpoint = self.endpoints[name]
        if now > self.window_end:
            endpoint.late += 1
            if not ok:
                endpoint.errors[error] += 1
            return
        if ok:
            endpoint.ok += 1
            endpoint.latencies.append(now - started)
        else:
            endpoint.errors[error] += 1


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


# --------------------------------------------------------------------------- CPU accounting


def process_cpu(pid: int, children: bool = False) -> float:
    """utime + stime (and reaped children's) of one process, in seconds."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def server_cpu(master_pid: int) -> float:
    """The gunicorn master, its reaped workers and its live workers."""
    total = process_cpu(master_pid, children=True)
    try:
        with open(f"/proc/{master_pid}/task/{master_pid}/children") as handle:
            workers = [int(p) for p in handle.read().split()]
    except OSError:
        workers = []
    return total + sum(process_cpu(pid) for pid in workers)


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far."""
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + values[4]
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(values) - idle) / tick, sum(values) / tick


# --------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with the project's gunicorn.conf.py, in its own process group."""

    def __init__(self, app_spec: str, env: dict, log_path: Path, pythonpath: str | None = None):
        self.port = free_port()
        # --no-control-socket: gunicorn 27 otherwise binds ~/.gunicorn/gunicorn.ctl, shared
        # with any other gunicorn on the host (a test run, a dev server); not a speed setting.
        command = [GUNICORN, "--config", str(ROOT / "gunicorn.conf.py"), "--no-control-socket"]
        if pythonpath:
            command += ["--pythonpath", pythonpath]
        command.append(app_spec)
        environment = {
            key: value
            for key, value in os.environ.items()
            if key not in ("DATABASE_URL", "SECRET_KEY", "BIND", "PORT")
        }
        environment.update(env)
        environment["BIND"] = f"127.0.0.1:{self.port}"
        self.log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, path: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(
                        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
                    )
                    if sock.recv(16).startswith(b"HTTP/1.1 200 "):
                        # Let every worker finish booting before any figure is taken.
                        time.sleep(1.0)
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer in time")

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
            except ProcessLookupError:
                pass
        self.log.close()


# --------------------------------------------------------------------------- set-up


def prepare_database(
    database, workdir: Path, participants: int, questions: int, start_rounds: int
) -> tuple[int, list[int]]:
    """Questions, accounts, the open contest and its round (the journey's), and an earlier
    open contest with `start_rounds` rounds for the start phase (so that every start there
    draws a new attempt); returns (journey round id, start-phase round ids)."""
    from sqlalchemy import insert, text
    from werkzeug.security import generate_password_hash

    from contest.bank.service import text_key
    from contest.domain.clock import utcnow
    from contest.extensions import db
    from contest.models import Agency, Contest, Question, Round, Topic, User
    from contest.text import fold

    app = common.make_app(database.url, workdir)
    with app.app_context():
        now = utcnow()
        topics = [Topic(name=f"Chủ đề {i}") for i in range(1, 5)]
        agency = Agency(code="SNV", name="Sở Nội vụ", kind="Sở, ban, ngành", headcount=100)
        db.session.add_all([*topics, agency])
        db.session.flush()
        rows = []
        for i in range(questions):
            body = (
                f"Câu hỏi số {i + 1}: thời hạn giải quyết thủ tục hành chính loại {i} là bao lâu?"
            )
            options = [f"Phương án {letter} của câu {i + 1}" for letter in "ABCD"]
            rows.append(
                dict(
                    topic_id=topics[i % 4].id,
                    text=body,
                    text_key=text_key(body),
                    search_text=fold(body),
                    options=options,
                    correct=[i % 4],
                    difficulty=1 + i % 3,
                    active=True,
                    version=1,
                    created_at=now,
                    updated_at=now,
                )
            )
        db.session.execute(insert(Question), rows)
        # Created first: the home page shows the open contest with the highest id, the other.
        spare = Contest(slug="bench-start", title="Các vòng cho pha bắt đầu", status="open")
        spare_rounds = [
            Round(
                contest=spare,
                number=number,
                title=f"Vòng {number}",
                opens_at=now - timedelta(days=1),
                closes_at=now + timedelta(days=2),
                question_count=QUESTIONS_PER_ROUND,
                time_limit_seconds=3600,
                attempts_allowed=None,
            )
            for number in range(1, start_rounds + 1)
        ]
        db.session.add(spare)
        db.session.flush()
        contest = Contest(
            slug="bench-load",
            title="Cuộc thi tìm hiểu kiểm soát thủ tục hành chính (bench)",
            rules_intro="Thể lệ.",
            status="open",
        )
        round_ = Round(
            contest=contest,
            number=1,
            title="Tuần thi thứ nhất",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=2),
            question_count=QUESTIONS_PER_ROUND,
            time_limit_seconds=3600,
            attempts_allowed=None,
            prediction_enabled=True,
            prediction_prompt="Có bao nhiêu người tham gia tuần thi?",
        )
        db.session.add(contest)
        db.session.flush()
        password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        db.session.execute(
            insert(User),
            [
                dict(
                    full_name=f"Người dự thi {i}",
                    phone=f"09{i:08d}",
                    email=f"bench{i}@example.vn",
                    agency_id=agency.id,
                    participant_group="can_bo" if i % 3 else "nhan_dan",
                    role="participant",
                    password_hash=password_hash,
                    prize_eligible=True,
                    created_at=now,
                )
                for i in range(participants)
            ],
        )
        db.session.execute(
            text(
                "CREATE TABLE bench_bare_write (id INTEGER PRIMARY KEY "
                + (
                    "AUTOINCREMENT"
                    if database.backend == "sqlite"
                    else "GENERATED ALWAYS AS IDENTITY"
                )
                + ", worker INTEGER NOT NULL, n INTEGER NOT NULL)"
            )
        )
        db.session.commit()
        round_id = round_.id
        spare_ids = [r.id for r in spare_rounds]
        db.session.remove()
        db.engine.dispose()
    return round_id, spare_ids


# --------------------------------------------------------------------------- participants


class Participant:
    def __init__(self, index: int, session, round_id: int, recorder: Recorder, rng):
        self.index = index
        self.session = session
        self.round_id = round_id
        self.recorder = recorder
        self.rng = rng
        self.csrf = ""
        self.attempt_id: int | None = None
        self.position = 0
        self.next_start_round = 0  # index into the spare rounds of the start phase

    async def call(self, name, method, path, expect, **kwargs) -> Response | None:
        """One timed request; None (and an error recorded) unless the status is `expect`."""
        started = time.perf_counter()
        try:
            response = await asyncio.wait_for(
                self.session.request(method, path, **kwargs), REQUEST_TIMEOUT
            )
        except Exception as error:  # noqa: BLE001 - every failure is a figure
            self.recorder.add(name, started, False, type(error).__name__)
            return None
        if response.status != expect:
            self.recorder.add(name, started, False, f"HTTP {response.status}")
            self.recorder.examples.setdefault(
                f"{name} {response.status}", response.body[:300].decode("utf-8", "replace")
            )
            return None
        self.recorder.add(name, started, True)
        return response

    async def login(self, phone: str) -> None:
        page = await self.session.request("GET", "/dang-nhap")
        token = CSRF_META.search(page.body).group(1).decode()
        response = await self.session.request(
            "POST",
            "/dang-nhap",
            form={"identifier": phone, "password": PASSWORD, "csrf_token": token},
        )
        if response.status != 302 or "dang-nhap" in response.location:
            raise RuntimeError(f"login of {phone} failed: HTTP {response.status}")
        home = await self.session.request("GET", "/")
        self.csrf = CSRF_META.search(home.body).group(1).decode()

    async def start(self, name="start", round_id=None) -> bool:
        response = await self.call(
            name,
            "POST",
            f"/vong/{round_id or self.round_id}/bat-dau",
            302,
            form={"csrf_token": self.csrf},
        )
        if response is None:
            return False
        match = re.fullmatch(r"/bai-thi/(\d+)", response.location)
        if match is None:
            self.recorder.add(name, time.perf_counter(), False, f"redirect to {response.location}")
            return False
        self.attempt_id = int(match.group(1))
        return True

    async def quiz_page(self, name="quiz page") -> bool:
        response = await self.call(name, "GET", f"/bai-thi/{self.attempt_id}", 200)
        return response is not None and b'data-position="20"' in response.body

    async def save(self, position: int, choice: int, acked: dict, name="save answer") -> bool:
        response = await self.call(
            name,
            "POST",
            f"/bai-thi/{self.attempt_id}/luu",
            200,
            json_body={"position": position, "chosen": [choice]},
            headers=(f"X-CSRFToken: {self.csrf}", "Accept: application/json"),
        )
        if response is not None:
            acked[(self.attempt_id, position)] = [choice]
        return response is not None

    async def save_prediction(self, value: int, predictions: dict) -> bool:
        response = await self.call(
            "save prediction",
            "POST",
            f"/bai-thi/{self.attempt_id}/luu",
            200,
            json_body={"prediction": value},
            headers=(f"X-CSRFToken: {self.csrf}", "Accept: application/json"),
        )
        if response is not None:
            predictions[self.attempt_id] = value
        return response is not None

    async def submit(self, submitted: set, name="submit") -> bool:
        response = await self.call(
            name,
            "POST",
            f"/bai-thi/{self.attempt_id}/nop-bai",
            302,
            form={"csrf_token": self.csrf, "answers_included": "", "confirm": "1"},
        )
        if response is not None:
            submitted.add(self.attempt_id)
        return response is not None

    async def result(self) -> bool:
        response = await self.call("result", "GET", f"/bai-thi/{self.attempt_id}/ket-qua", 200)
        return response is not None


@dataclass
class Acks:
    answers: dict = field(default_factory=dict)  # (attempt, position) → chosen list
    predictions: dict = field(default_factory=dict)  # attempt → value
    submitted: set = field(default_factory=set)


async def journey_loop(
    p: Participant, deadline: float, acks: Acks, max_journeys: int, think: float = 0.0
) -> None:
    class TimeUp(Exception):
        pass

    async def pause() -> None:
        if think:
            await asyncio.sleep(p.rng.uniform(0.5, 1.5) * think)
            if time.perf_counter() >= deadline:
                raise TimeUp  # a journey at a human pace may not end with the phase: drop it

    try:
        if think:
            # Arrivals spread over one journey's length: a steady stream, as in a deadline
            # rush, with participants at every stage of their attempt (not all starting at once).
            await asyncio.sleep(p.rng.uniform(0, REQUESTS_PER_JOURNEY * think))
        for _ in range(max_journeys):
            if time.perf_counter() >= deadline:
                return
            await journey(p, acks, pause)
    except TimeUp:
        return


async def journey(p: Participant, acks: Acks, pause) -> None:
    await p.call("home", "GET", "/", 200)
    await pause()
    if not await p.start():
        await asyncio.sleep(0.05)
        return
    await p.quiz_page()
    positions = list(range(1, QUESTIONS_PER_ROUND + 1))
    positions += p.rng.sample(positions, 2)  # second thoughts on two answers
    for position in positions:
        await pause()
        await p.save(position, p.rng.randrange(4), acks.answers)
    await pause()
    await p.save_prediction(p.rng.randint(500, 1500), acks.predictions)
    await pause()
    completed = await p.submit(acks.submitted) and await p.result()
    if completed and time.perf_counter() <= p.recorder.window_end:
        p.recorder.journeys += 1


async def quiz_page_loop(p: Participant, deadline: float, limit: int) -> None:
    for _ in range(limit):
        if time.perf_counter() >= deadline:
            return
        await p.quiz_page()


async def save_loop(p: Participant, deadline: float, acks: Acks, limit: int) -> None:
    for _ in range(limit):
        if time.perf_counter() >= deadline:
            return
        p.position = p.position % QUESTIONS_PER_ROUND + 1
        await p.save(p.position, p.rng.randrange(4), acks.answers)


async def start_loop(p: Participant, deadline: float, round_ids: list[int]) -> None:
    """One start in each spare round, carrying on where the previous turn stopped: every one
    draws and stores a new attempt. The participant's own attempt stays the one it had."""
    own_attempt = p.attempt_id
    try:
        while p.next_start_round < len(round_ids):
            if time.perf_counter() >= deadline:
                return
            round_id = round_ids[p.next_start_round]
            p.next_start_round += 1
            await p.start(round_id=round_id)
    finally:
        p.attempt_id = own_attempt


async def bare_loop(session, index, recorder, deadline, limit, write: bool) -> None:
    for n in range(limit):
        if time.perf_counter() >= deadline:
            return
        started = time.perf_counter()
        name = "bare write" if write else "bare hello"
        try:
            if write:
                response = await asyncio.wait_for(
                    session.request("POST", "/write", json_body={"n": n}), REQUEST_TIMEOUT
                )
            else:
                response = await asyncio.wait_for(session.request("GET", "/hello"), REQUEST_TIMEOUT)
        except Exception as error:  # noqa: BLE001
            recorder.add(name, started, False, type(error).__name__)
            continue
        recorder.add(name, started, response.status == 200, f"HTTP {response.status}")


@dataclass
class Phase:
    name: str
    seconds: float
    recorder: Recorder
    client_cpu: float
    server_cpu: float
    machine_busy: float
    machine_total: float
    cpu_wall: float  # the wall time the CPU figures cover (the window and the stragglers)


async def run_phase(name, seconds, make_tasks, master_pid) -> Phase:
    """Run the coroutines made by make_tasks(recorder, deadline) for `seconds`; measure CPU."""
    recorder = Recorder()
    start = time.perf_counter()
    deadline = start + seconds
    recorder.window_end = deadline
    cpu0, srv0, (busy0, total0) = time.process_time(), server_cpu(master_pid), machine_busy()
    tasks = [asyncio.ensure_future(c) for c in make_tasks(recorder, deadline)]
    done, pending = await asyncio.wait(tasks, timeout=seconds + REQUEST_TIMEOUT + 5)
    finished = time.perf_counter() - start
    if finished < seconds:  # every loop ran out of work (count-bounded) before the deadline
        seconds = finished
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending, timeout=5)
    for task in done:
        if task.exception() is not None:
            recorder.endpoints["(client)"].errors[repr(task.exception())] += 1
    busy1, total1 = machine_busy()
    cpu_wall = time.perf_counter() - start
    return Phase(
        name,
        seconds,
        recorder,
        time.process_time() - cpu0,
        server_cpu(master_pid) - srv0,
        busy1 - busy0,
        total1 - total0,
        cpu_wall,
    )


# --------------------------------------------------------------------------- checks


def check_database(database, acks: Acks, bare_writes: int) -> list[tuple[str, int, int]]:
    """(what, acknowledged, found as sent) for answers, predictions, submissions, bare writes."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database.url)
    try:
        with engine.connect() as conn:
            stored = {}
            for attempt_id, position, chosen in conn.execute(
                text(
                    "SELECT attempt_id, position, chosen FROM attempt_item WHERE chosen IS NOT NULL"
                )
            ):
                stored[(attempt_id, position)] = (
                    json.loads(chosen) if isinstance(chosen, str) else chosen
                )
            answers_ok = sum(1 for key, sent in acks.answers.items() if stored.get(key) == sent)
            predictions = dict(
                conn.execute(
                    text("SELECT id, prediction FROM attempt WHERE prediction IS NOT NULL")
                ).all()
            )
            predictions_ok = sum(
                1 for key, sent in acks.predictions.items() if predictions.get(key) == sent
            )
            closed = {
                row[0]
                for row in conn.execute(text("SELECT id FROM attempt WHERE status = 'submitted'"))
            }
            submitted_ok = len(acks.submitted & closed)
            writes = conn.execute(text("SELECT count(*) FROM bench_bare_write")).scalar_one()
    finally:
        engine.dispose()
    return [
        (
            "answers (attempt, position): last 200-acked choice stored",
            len(acks.answers),
            answers_ok,
        ),
        ("predictions: last 200-acked value stored", len(acks.predictions), predictions_ok),
        ("submissions acked with 302: attempt status submitted", len(acks.submitted), submitted_ok),
        ("bare writes acked with 200: rows in bench_bare_write", bare_writes, writes),
    ]


# --------------------------------------------------------------------------- report


GET_ENDPOINTS = ("home", "quiz page", "result", "bare hello")


def endpoint_rows(phase: Phase, hello: float, write: float) -> list[list]:
    """One line per endpoint; '÷ ceiling' is its rate over bare hello (GET) or bare write (POST).
    In the journey the endpoints share the server, so there the ratios are shares, not limits."""
    rows = []
    items = list(phase.recorder.endpoints.items())
    if phase.name == "journey":
        total = Endpoint()
        for _name, endpoint in items:
            total.ok += endpoint.ok
            total.latencies.extend(endpoint.latencies)
            for kind, count in endpoint.errors.items():
                total.errors[kind] += count
        items.append(("(all requests)", total))
    for name, endpoint in items:
        values = sorted(endpoint.latencies)
        errors = sum(endpoint.errors.values())
        per_second = endpoint.ok / phase.seconds
        ceiling = hello if name in GET_ENDPOINTS else write
        rows.append(
            [
                phase.name,
                name,
                endpoint.ok,
                f"{per_second:,.1f}",
                "" if name.startswith(("bare", "(all")) else f"{per_second / ceiling:.2f}",
                f"{percentile(values, 0.5) * 1000:.1f}",
                f"{percentile(values, 0.95) * 1000:.1f}",
                f"{percentile(values, 0.99) * 1000:.1f}",
                errors,
                ", ".join(f"{k}×{v}" for k, v in endpoint.errors.items()),
            ]
        )
    return rows


def rate(phases: list[Phase], endpoint: str) -> float:
    ok = sum(p.recorder.endpoints[endpoint].ok for p in phases if endpoint in p.recorder.endpoints)
    seconds = sum(p.seconds for p in phases if endpoint in p.recorder.endpoints)
    return ok / seconds if seconds else float("nan")


def cpu_per_request(phases: list[Phase]) -> float:
    """gunicorn CPU seconds per request answered: a ratio of these does not depend on how much
    of the machine other processes took during the run."""
    requests = sum(
        e.ok + e.late + sum(e.errors.values())
        for p in phases
        for e in p.recorder.endpoints.values()
    )
    return sum(p.server_cpu for p in phases) / requests if requests else float("nan")


def p99(phase: Phase, endpoint: str) -> float:
    return percentile(sorted(phase.recorder.endpoints[endpoint].latencies), 0.99)


def cpu_rows(phases: list[Phase]) -> list[list]:
    cores = os.cpu_count() or 1
    rows = []
    for phase in phases:
        other = phase.machine_busy - phase.client_cpu - phase.server_cpu
        wall = phase.cpu_wall
        rows.append(
            [
                phase.name,
                f"{phase.client_cpu / wall:.2f}",
                f"{phase.server_cpu / wall:.2f}",
                f"{max(other, 0) / wall:.2f}",
                f"{phase.machine_busy / phase.machine_total * cores:.2f} of {cores}",
            ]
        )
    return rows


# --------------------------------------------------------------------------- main


async def main_async(args, workdir: Path, database, round_id: int, start_round_ids) -> int:
    session_class = RawSession if args.client == "raw" else HttpxSession
    env = {"DATABASE_URL": database.url, "SECRET_KEY": os.urandom(16).hex()}
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    n = args.participants
    # With think time the journey is about many participants at a human pace; the ceiling and
    # the isolated phases keep 50 busy clients, which is what their ratios are about.
    busy = min(n, 50) if args.think_seconds else n
    limit = 1_000_000  # every loop is also bounded by count
    rng = random.Random(42)

    # Both servers run side by side; only one is loaded at a time. The ceiling and the app's
    # isolated phases take turns in short slices, so that a change in the VM's speed during
    # the run (20% between minutes was seen) falls on both sides of every ratio alike.
    bare = Server("bare_app:app", env, workdir / "bare.log", pythonpath=str(ROOT / "bench"))
    server = Server("contest:create_app()", env, workdir / "app.log")
    acks = Acks()
    participants: list[Participant] = []
    bare_sessions = []
    try:
        bare.wait_ready("/hello")
        server.wait_ready("/healthz")
        setup_recorder = Recorder()
        for i in range(n):
            session = session_class(server.port, local_ip(i))
            participants.append(
                Participant(i, session, round_id, setup_recorder, random.Random(rng.random()))
            )
        started = time.perf_counter()
        for group in range(0, n, 10):
            await asyncio.gather(
                *(p.login(f"09{p.index:08d}") for p in participants[group : group + 10])
            )
        print(
            f"logged in {n} participants over HTTP in {time.perf_counter() - started:.1f} s (set-up)"
        )
        # Each participant opens one attempt for the isolated quiz-page and save phases.
        await asyncio.gather(*(p.start("setup start") for p in participants[:busy]))
        if any(p.attempt_id is None for p in participants[:busy]):
            raise RuntimeError(f"set-up start failed: {dict(setup_recorder.endpoints)}")
        bare_sessions = [session_class(bare.port, local_ip(i)) for i in range(busy)]

        def with_recorder(recorder):
            for p in participants:
                p.recorder = recorder

        def isolated(loop, *extra, everyone=False):
            def make(recorder, deadline):
                with_recorder(recorder)
                taking_part = participants if everyone else participants[:busy]
                return [loop(p, deadline, *extra) for p in taking_part]

            return make

        def ceiling(write: bool):
            def make(recorder, deadline):
                return [
                    bare_loop(s, i, recorder, deadline, limit, write)
                    for i, s in enumerate(bare_sessions)
                ]

            return make

        kinds = [
            ("bare hello", ceiling(False), bare),
            ("bare write", ceiling(True), bare),
            ("quiz page alone", isolated(quiz_page_loop, limit), server),
            ("save alone", isolated(save_loop, acks, limit), server),
            ("start alone", isolated(start_loop, start_round_ids), server),
        ]
        slices: dict[str, list[Phase]] = defaultdict(list)
        slice_seconds = args.phase_seconds / args.slices
        print(
            f"ceiling and isolated phases: {args.slices} turns of {slice_seconds:g} s each "
            f"({args.phase_seconds:g} s in all per phase)"
        )
        for turn in range(args.slices):
            # Every other turn runs backwards, so that no phase always follows the same one.
            for name, make, target in kinds if turn % 2 == 0 else kinds[::-1]:
                phase = await run_phase(name, slice_seconds, make, target.process.pid)
                slices[name].append(phase)
        phases = [merge_phases(name, slices[name]) for name, _make, _target in kinds]
        for phase in phases:
            ok = sum(e.ok for e in phase.recorder.endpoints.values())
            print(f"  {phase.name}: {ok / phase.seconds:,.0f} req/s")
        # Starts in the spare rounds leave the journey round's attempts as they were.
        phase = await run_phase(
            "journey",
            args.seconds,
            isolated(journey_loop, acks, limit, args.think_seconds, everyone=True),
            server.process.pid,
        )
        phases.append(phase)
        print(f"  journey: {phase.recorder.journeys} journeys")
    finally:
        for p in participants:
            await p.session.aclose()
        for s in bare_sessions:
            await s.aclose()
        server.stop()
        bare.stop()
    return report(args, phases, database, acks)


def merge_phases(name: str, parts: list[Phase]) -> Phase:
    """One phase from the turns it took: counts, latencies, seconds and CPU added up."""
    recorder = Recorder()
    for part in parts:
        for endpoint_name, endpoint in part.recorder.endpoints.items():
            total = recorder.endpoints[endpoint_name]
            total.ok += endpoint.ok
            total.late += endpoint.late
            total.latencies.extend(endpoint.latencies)
            for kind, count in endpoint.errors.items():
                total.errors[kind] += count
        recorder.examples.update(part.recorder.examples)
    return Phase(
        name,
        sum(p.seconds for p in parts),
        recorder,
        sum(p.client_cpu for p in parts),
        sum(p.server_cpu for p in parts),
        sum(p.machine_busy for p in parts),
        sum(p.machine_total for p in parts),
        sum(p.cpu_wall for p in parts),
    )


def report(args, phases: list[Phase], database, acks: Acks) -> int:
    by_name = {p.name: p for p in phases}
    bare_hello = rate([p for p in phases if p.name.startswith("bare hello")], "bare hello")
    bare_write = rate([p for p in phases if p.name.startswith("bare write")], "bare write")
    bare_writes_acked = sum(
        p.recorder.endpoints["bare write"].ok + p.recorder.endpoints["bare write"].late
        for p in phases
        if p.name.startswith("bare write")
    )
    print()
    headers = [
        "phase",
        "endpoint",
        "ok",
        "req/s",
        "÷ ceiling",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "errors",
        "kinds",
    ]
    rows = []
    for phase in phases:
        rows.extend(endpoint_rows(phase, bare_hello, bare_write))
    print(common.table(headers, rows, title="Per endpoint (rates over each phase's window)"))

    journey = by_name["journey"]
    print()
    print(
        f"journeys: {journey.recorder.journeys} in {journey.seconds:.0f} s = "
        f"{journey.recorder.journeys / journey.seconds:.2f} journeys/s "
        f"({args.participants} participants, {REQUESTS_PER_JOURNEY} requests per journey, "
        f"{f'think time {args.think_seconds:g} s' if args.think_seconds else 'no think time'})"
    )
    print()
    print(
        common.table(
            ["phase", "client cores", "gunicorn cores", "other cores", "machine busy"],
            cpu_rows(phases),
            title="CPU (the client shares the machine: every figure, the ceiling too, is lowered by it)",
        )
    )

    save_alone = by_name["save alone"]
    hello_phases = [p for p in phases if p.name.startswith("bare hello")]
    write_phases = [p for p in phases if p.name.startswith("bare write")]
    hello_cpu, write_cpu = cpu_per_request(hello_phases), cpu_per_request(write_phases)
    goals = [
        ("answer save alone ÷ bare write", "save answer", save_alone, bare_write, write_cpu, 0.60),
        ("start alone ÷ bare write", "start", by_name["start alone"], bare_write, write_cpu, 0.25),
        (
            "quiz page alone ÷ bare hello",
            "quiz page",
            by_name["quiz page alone"],
            bare_hello,
            hello_cpu,
            0.25,
        ),
    ]
    rows = [
        ["bare hello (ceiling)", f"{bare_hello:,.0f} req/s", f"{hello_cpu * 1000:.2f} ms", "", ""],
        ["bare write (ceiling)", f"{bare_write:,.0f} req/s", f"{write_cpu * 1000:.2f} ms", "", ""],
    ]
    for label, endpoint, phase, ceiling, ceiling_cpu, goal in goals:
        ratio = rate([phase], endpoint) / ceiling
        cpu = cpu_per_request([phase])
        rows.append(
            [
                label,
                f"{ratio:.2f}×",
                f"{cpu * 1000:.2f} ms → {ceiling_cpu / cpu:.2f}×",
                f"≥ {goal:.2f}×",
                "met" if ratio >= goal else "NOT met",
            ]
        )
    for label, phase in (("alone", save_alone), ("in journey", journey)):
        value = p99(phase, "save answer") * 1000
        verdict = "met" if value < 100 else "NOT met"
        rows.append([f"answer save p99 {label}", f"{value:.0f} ms", "", "< 100 ms", verdict])
    errors = sum(sum(e.errors.values()) for p in phases for e in p.recorder.endpoints.values())
    rows.append(["errors (all phases)", str(errors), "", "0", "met" if errors == 0 else "NOT met"])
    print()
    print(
        common.table(
            ["figure", "value", "server CPU per request → ratio", "goal", ""],
            rows,
            title=f"Against the ceiling ({args.participants} participants, {args.backend})",
        )
    )

    checks = check_database(database, acks, bare_writes_acked)
    print()
    print(
        common.table(
            ["check", "acknowledged", "found", ""],
            [[w, a, f, "ok" if a == f else "LOST"] for w, a, f in checks],
            title="Nothing acknowledged is lost",
        )
    )
    limited = sum(
        e.errors.get("HTTP 429", 0) for p in phases for e in p.recorder.endpoints.values()
    )
    if limited:
        print(
            f"\n{limited} answers were HTTP 429: the app limits saves to 600 per 10 minutes per "
            "account (per worker with memory:// storage). Use more --participants or fewer "
            "--seconds: each participant here saves far faster than a person does."
        )
    examples = {}
    for phase in phases:
        examples.update(phase.recorder.examples)
    for key, body in list(examples.items())[:5]:
        print(f"example of {key}: {body[:200]!r}")
    lost = sum(a - f for _w, a, f in checks)
    return 1 if lost or errors else 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60, help="the journey phase")
    parser.add_argument(
        "--phase-seconds",
        type=float,
        default=10,
        help="each isolated phase and each ceiling, in all (at most 60: the answer save "
        "allows 100 saves per question and attempt)",
    )
    parser.add_argument(
        "--slices", type=int, default=5, help="turns the ceiling and isolated phases take"
    )
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw")
    parser.add_argument("--questions", type=int, default=240, help="active questions in the bank")
    parser.add_argument(
        "--start-rounds",
        type=int,
        default=80,
        help="spare rounds for the start phase: each participant starts each once",
    )
    parser.add_argument(
        "--think-seconds",
        type=float,
        default=0.0,
        help="journey only: a participant's mean pause between requests (0: none)",
    )
    parser.add_argument("--workers", type=int, help="WEB_CONCURRENCY (default: gunicorn.conf.py's)")
    parser.add_argument("--max-seconds", type=float, default=900, help="wall-clock budget")
    args = parser.parse_args()
    if args.participants > 60_000:
        raise SystemExit("at most 60,000 participants (loopback addresses)")
    if not 0 < args.phase_seconds <= 60 or args.slices < 1:
        raise SystemExit("--phase-seconds must be within (0, 60] and --slices at least 1")
    print(f"# bench/load.py — {common.machine_line()}")
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"{args.participants} participants, {args.backend}, client {args.client} "
        f"(one asyncio process on the same machine), workers "
        f"{args.workers or os.environ.get('WEB_CONCURRENCY') or 'gunicorn.conf.py default'}"
    )
    if args.think_seconds:
        print(
            f"journey think time {args.think_seconds:g} s (uniform 0.5-1.5x between requests); "
            "ceiling and isolated phases with 50 busy participants"
        )
    code = 1
    with common.temp_dir("bench_load_") as workdir:
        database = common.TempDatabase(args.backend, workdir)
        try:
            round_id, start_round_ids = prepare_database(
                database, workdir, args.participants, args.questions, args.start_rounds
            )
            code = asyncio.run(
                asyncio.wait_for(
                    main_async(args, workdir, database, round_id, start_round_ids),
                    args.max_seconds,
                )
            )
        finally:
            database.drop()
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    sys.exit(code)


if __name__ == "__main__":
    main()

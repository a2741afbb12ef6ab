"""The request log: one JSON line per request with its route, status, duration and account,
and nothing personal: a scenario of registration, log-in, an attempt with saves, searches with
personal values in the query string, a 404 and a log-out leaves no name, phone, e-mail, CCCD,
query string, cookie, CSRF token or password anywhere in the log."""

import json
import logging
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from contest import create_app
from contest.extensions import db
from contest.web import request_log
from tests import databases
from tests.attempts.test_quiz import attempt_id_from, items, right_choice, save, start
from tests.factories import PASSWORD, csrf_token, login, make_questions, make_round, make_user

FIELDS = {
    "time",
    "method",
    "route",
    "endpoint",
    "status",
    "duration_ms",
    "account",
    "request_id",
}
PEOPLE = [
    # full name, phone, e-mail, CCCD
    ("Nguyễn Thị Hằng Nga", "0912583746", "hang.nga@example.vn", "040190012345"),
    ("Trần Văn Đức", "0987120034", "duc.tran@example.vn", "038091054321"),
]
REGISTERED = ("Phạm Quốc Việt", "0934567812", "quoc.viet@example.vn", "001203098765")
REGISTERED_PASSWORD = "tre-xanh-len-doc"
ORGANIZER = ("Lê Tổ Chức", "0912999001", "to.chuc@example.vn", "001080000111")


class Collected(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.records: list[str] = []

    def emit(self, record):
        self.records.append(record.getMessage())


@pytest.fixture
def collected(app):
    app_with_log = app
    handler = Collected()
    logger = logging.getLogger(request_log.LOGGER_NAME)
    logger.addHandler(handler)
    yield app_with_log, handler
    logger.removeHandler(handler)


@pytest.fixture
def app(templates, tmp_path):
    """An app with the request log on from the start, as under gunicorn (off by default in
    tests): its clock starts before every other hook."""
    template = templates("sqlite")
    url = template.new_database()
    application = create_app({**databases.base_config(url, tmp_path), "REQUEST_LOG": True})
    assert request_log.enabled(application)
    yield application
    with application.app_context():
        db.engine.dispose()
    template.drop(url)


def secrets_of(person) -> list[str]:
    name, phone, email, national_id = person
    return [name, *name.split()[-2:], phone, phone[1:], email, email.split("@")[0], national_id]


def logout(client):
    token = csrf_token(client)
    assert client.post("/dang-xuat", data={"csrf_token": token}).status_code == 302


def scenario(app) -> dict:
    """Every kind of request a participant and an organizer send; returns what the log may
    and may not show."""
    with app.app_context():
        make_questions(30, topic_names=("Một cửa", "Dịch vụ công"))
        round_id = make_round().id
        ids = {}
        for name, phone, email, national_id in (*PEOPLE, ORGANIZER):
            role = "organizer" if phone == ORGANIZER[1] else "participant"
            ids[phone] = make_user(
                phone=phone, full_name=name, email=email, national_id=national_id, role=role
            ).id
    secrets = [PASSWORD, REGISTERED_PASSWORD]
    browser = app.test_client()
    # Registration: every personal field travels in the body.
    name, phone, email, national_id = REGISTERED
    form = {
        "full_name": name,
        "date_of_birth": "17/05/1990",
        "gender": "nam",
        "phone": phone,
        "email": email,
        "national_id": national_id,
        "address": "Số 7 đường Hùng Vương",
        "participant_group": "nhan_dan",
        "agency_id": "0",
        "password": REGISTERED_PASSWORD,
        "confirm": REGISTERED_PASSWORD,
        "consent": "y",
        "csrf_token": csrf_token(browser, "/dang-ky"),
    }
    assert browser.post("/dang-ky", data=form).status_code == 302
    secrets.append("Số 7 đường Hùng Vương")
    logout(browser)

    participant = app.test_client()
    assert login(participant, PEOPLE[0][1]).status_code == 302
    attempt_id = attempt_id_from(start(participant, round_id))
    token = csrf_token(participant)
    secrets.append(token)
    for item in items(app, attempt_id)[:4]:
        answer = {"position": item.position, "chosen": right_choice(item)}
        assert save(participant, attempt_id, answer, token).status_code == 200
    assert (
        participant.get(f"/bai-thi/{attempt_id}?ten={PEOPLE[1][0]}&sdt={PEOPLE[1][1]}").status_code
        == 200
    )
    assert participant.get(f"/bai-thi/{attempt_id + 999}").status_code == 404
    assert participant.get(f"/khong-co/{PEOPLE[0][2]}").status_code == 404

    organizer = app.test_client()
    assert login(organizer, ORGANIZER[1]).status_code == 302
    organizer.get(
        f"/to-chuc/ngan-hang/?q={PEOPLE[0][0]}&trang=1", headers={"X-Request-ID": "abc-123"}
    )
    organizer.get(f"/to-chuc/nguoi/?q={PEOPLE[1][3]}", headers={"X-Request-ID": "x y;<script>"})
    for client in (participant, organizer):
        for cookie in ("session", "remember_token"):
            value = client.get_cookie(cookie)
            if value is not None:
                secrets.append(value.value)
    logout(participant)
    for person in (*PEOPLE, REGISTERED, ORGANIZER):
        secrets += secrets_of(person)
    return {
        "participant": ids[PEOPLE[0][1]],
        "organizer": ids[ORGANIZER[1]],
        "attempt": attempt_id,
        "secrets": secrets,
    }


def test_each_request_is_one_line_with_its_route_and_nothing_personal(collected):
    app, handler = collected
    before = datetime.now(UTC)
    seen = scenario(app)
    after = datetime.now(UTC)
    lines = [json.loads(text) for text in handler.records]
    assert len(lines) >= 20

    for entry in lines:
        assert set(entry) == FIELDS, entry
        moment = datetime.fromisoformat(entry["time"].replace("Z", "+00:00"))
        assert entry["time"].endswith("Z") and before - timedelta(seconds=1) <= moment <= after
        assert entry["method"] in ("GET", "POST")
        assert isinstance(entry["status"], int) and 200 <= entry["status"] < 600
        assert isinstance(entry["duration_ms"], float) and 0 <= entry["duration_ms"] < 60_000
        assert entry["account"] is None or isinstance(entry["account"], int)
        assert re.fullmatch(r"[0-9a-f]{32}|abc-123", entry["request_id"]), entry
        route = entry["route"]
        # The rule, never the URL: no id of an attempt, no query string.
        assert route is None or (route.startswith("/") and "?" not in route), entry
        assert route is None or str(seen["attempt"]) not in route

    saves = [e for e in lines if e["endpoint"] == "quiz.save"]
    assert len(saves) == 4
    assert {e["route"] for e in saves} == {"/bai-thi/<int:attempt_id>/luu"}
    assert {(e["method"], e["status"], e["account"]) for e in saves} == {
        ("POST", 200, seen["participant"])
    }
    pages = [e for e in lines if e["endpoint"] == "quiz.take"]
    assert [e["status"] for e in pages] == [200, 404]
    assert {e["route"] for e in pages} == {"/bai-thi/<int:attempt_id>"}
    unknown = [e for e in lines if e["endpoint"] is None]
    assert [(e["route"], e["status"], e["account"]) for e in unknown] == [
        (None, 404, seen["participant"])
    ]
    bank = [e for e in lines if e["request_id"] == "abc-123"]
    assert [(e["route"], e["account"]) for e in bank] == [
        ("/to-chuc/ngan-hang/", seen["organizer"])
    ]
    registration = [e for e in lines if e["endpoint"] == "auth.register" and e["method"] == "POST"]
    assert [e["status"] for e in registration] == [302]
    # Logged out: the line of the log-out itself names nobody any more.
    logouts = [e for e in lines if e["endpoint"] == "auth.logout"]
    assert logouts and all(e["account"] is None for e in logouts)
    assert all(
        e["account"] is None
        for e in lines
        if e["endpoint"] == "auth.login" and e["method"] == "GET"
    )

    text = "\n".join(handler.records)
    decoded = json.dumps(lines, ensure_ascii=False)
    for secret in seen["secrets"]:
        assert secret not in text and secret not in decoded, secret


def test_the_line_is_answered_with_the_request_id_and_a_forged_one_is_replaced(collected):
    app, handler = collected
    client = app.test_client()
    response = client.get("/dang-nhap", headers={"X-Request-ID": "req-42"})
    assert response.headers["X-Request-ID"] == "req-42"
    response = client.get("/dang-nhap", headers={"X-Request-ID": "a" * 65})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])
    assert [json.loads(t)["request_id"] for t in handler.records] == [
        "req-42",
        response.headers["X-Request-ID"],
    ]


def test_the_setting_turns_it_off(app, monkeypatch):
    # Another test of the run may have imported gunicorn: it is not serving this app.
    monkeypatch.delitem(sys.modules, "gunicorn", raising=False)
    monkeypatch.delenv("REQUEST_LOG", raising=False)
    assert not request_log.enabled(create_app(databases.base_config("sqlite://", Path("/tmp"))))
    app.config["REQUEST_LOG"] = False
    assert not request_log.enabled(app)
    app.config["REQUEST_LOG"] = None
    monkeypatch.setenv("REQUEST_LOG", "1")
    assert request_log.enabled(app)
    monkeypatch.setenv("REQUEST_LOG", "0")
    assert not request_log.enabled(app)
    monkeypatch.delenv("REQUEST_LOG")
    monkeypatch.setitem(sys.modules, "gunicorn", object())
    assert request_log.enabled(app)

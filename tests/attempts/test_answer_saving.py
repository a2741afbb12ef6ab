"""The answer save: one UPDATE that carries its own checks, and its race with a hand-in."""

import threading
import time
from datetime import timedelta

from sqlalchemy import event, text

from contest.attempts import answers
from contest.attempts.service import finalize
from contest.extensions import db
from contest.models import Attempt, AttemptStatus
from tests.attempts.test_quiz import attempt_id_from, items, right_choice, save, setup_round, start
from tests.factories import csrf_token, login

GRACE = timedelta(seconds=10)


class BlockedStatement:
    """Follows the statement another thread sends (the first whose SQL starts with `start`):
    `wait_until_blocked` returns once it waits on a lock, and `returned_at` says when it came
    back. A race test commits only then, so it cannot pass without the race it is about."""

    def __init__(self, app, start: str):
        self.app, self.start = app, start
        self.sent = threading.Event()
        self.returned_at: float | None = None
        with app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)

    def _ours(self, statement: str) -> bool:
        return (
            threading.current_thread() is not threading.main_thread()
            and statement.lstrip().upper().startswith(self.start)
        )

    def _before(self, _conn, _cursor, statement, *_args):
        if self._ours(statement):
            self.sent.set()

    def _after(self, _conn, _cursor, statement, *_args):
        if self._ours(statement) and self.returned_at is None:
            self.returned_at = time.monotonic()

    def wait_until_blocked(self) -> float:
        """Wait for the statement to be sent and, on PostgreSQL, for its backend to wait on a
        lock (SQLite shows no such state: there the statement has been sent, and
        `returned_at` later than the commit shows it was held). Returns the moment."""
        assert self.sent.wait(timeout=30), "the other thread never sent its statement"
        if self.app.config["BACKEND"] == "postgresql":
            with self.engine.connect() as watcher:
                for _ in range(3000):
                    waiting = watcher.execute(
                        text("SELECT count(*) FROM pg_locks WHERE NOT granted")
                    ).scalar_one()
                    if waiting:
                        break
                    watcher.rollback()
                    time.sleep(0.01)
                else:
                    raise AssertionError("the statement never waited on a lock")
        return time.monotonic()

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)


def started(app, client):
    round_id = setup_round(app)
    login(client, "0912000001")
    return attempt_id_from(start(client, round_id))


def racing_attempt(app, client):
    """A started attempt, its first item, its owner and a moment 30 s into it."""
    attempt_id = started(app, client)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        moment = attempt.started_at + timedelta(seconds=30)
        owner = attempt.user_id
    return attempt_id, items(app, attempt_id)[0], owner, moment


def test_a_save_without_a_session_gets_401_json_not_the_login_page(app, client):
    attempt_id = started(app, client)
    token = csrf_token(client)
    client.post("/dang-xuat", data={"csrf_token": token})
    response = save(client, attempt_id, {"position": 1, "chosen": [0]}, token)
    # The page's script must not take a redirect to the login page for "saved".
    assert response.status_code == 401
    assert response.json["code"] == "login_required"
    assert "đăng nhập" in response.json["message"]
    assert items(app, attempt_id)[0].chosen is None


def test_answered_at_moves_only_when_the_choice_changes(app, client):
    attempt_id = started(app, client)
    token = csrf_token(client)
    with app.app_context():
        start_time = db.session.get(Attempt, attempt_id).started_at
    moments = iter(start_time + timedelta(seconds=s) for s in (10, 20, 30, 40, 50))
    app.config["CLOCK"] = lambda: next(moments)
    item = items(app, attempt_id)[0]

    def answered_at(chosen):
        assert save(client, attempt_id, {"position": 1, "chosen": chosen}, token).json["ok"]
        return items(app, attempt_id)[0].answered_at

    first = answered_at(right_choice(item))
    assert answered_at(right_choice(item)) == first
    cleared = answered_at([])
    assert cleared > first
    assert answered_at([]) == cleared
    assert items(app, attempt_id)[0].chosen is None
    assert answered_at(right_choice(item)) > cleared


def test_a_save_reports_the_deadline_the_page_counts_down_to(app, client):
    attempt_id = started(app, client)
    with app.app_context():
        deadline = db.session.get(Attempt, attempt_id).deadline
    app.config["CLOCK"] = lambda: deadline - timedelta(seconds=90)
    reply = save(client, attempt_id, {"position": 2, "chosen": [1]})
    assert reply.json == {"ok": True, "seconds_left": 90}


def test_a_save_running_when_the_attempt_is_handed_in_is_counted(app, client):
    """The hand-in waits for a save that is under way, then scores it; never saved-but-uncounted."""
    attempt_id, item, user_id, now = racing_attempt(app, client)
    with app.app_context():
        update = answers.choice_update(user_id, attempt_id, 1, right_choice(item), now, GRACE, 0)
        saving = db.engine.connect()
        saving_tx = saving.begin()
        assert saving.execute(*update).one_or_none() is not None

    outcome = {}

    def hand_in():
        with app.app_context():
            handed_in = db.session.get(Attempt, attempt_id)
            outcome["won"] = finalize(handed_in, now, AttemptStatus.SUBMITTED)
            outcome["correct"] = handed_in.correct_count

    claim = BlockedStatement(app, "UPDATE ATTEMPT ")
    handing_in = threading.Thread(target=hand_in)
    handing_in.start()
    try:
        claim.wait_until_blocked()  # the hand-in waits for the lock the save holds
        committed_at = time.monotonic()
        saving_tx.commit()
        saving.close()
        handing_in.join(timeout=30)
    finally:
        claim.close()
    assert claim.returned_at is not None and claim.returned_at > committed_at
    assert outcome == {"won": True, "correct": 1}


def test_a_save_after_the_hand_in_is_refused_and_changes_nothing(app, client):
    attempt_id = started(app, client)
    token = csrf_token(client)
    client.post(f"/bai-thi/{attempt_id}/nop-bai", data={"csrf_token": token, "confirm": "1"})
    late = save(client, attempt_id, {"position": 1, "chosen": [0]}, token)
    assert late.status_code == 409
    assert late.json["code"] == "attempt_closed"
    assert items(app, attempt_id)[0].chosen is None


def test_a_save_with_a_token_from_an_ended_session_says_so_and_saves_nothing(app, client):
    attempt_id = started(app, client)
    response = save(client, attempt_id, {"position": 1, "chosen": [0]}, token="stale-token")
    # The page keeps the answer for later on this code, rather than dropping it as invalid.
    assert response.status_code == 400
    assert response.json["code"] == "session_expired"
    assert items(app, attempt_id)[0].chosen is None


def test_a_save_arriving_while_the_hand_in_runs_is_refused_not_lost_silently(app, client):
    """The other order: the hand-in holds the attempt; the save waits, then finds it closed."""
    attempt_id, item, user_id, now = racing_attempt(app, client)
    with app.app_context():
        handing_in = db.engine.connect()
        hand_in_tx = handing_in.begin()
        handing_in.execute(
            Attempt.__table__.update()
            .where(Attempt.__table__.c.id == attempt_id)
            .values(status=AttemptStatus.SUBMITTED.value, submitted_at=now)
        )

    outcome = {}

    def save_in_time():
        with app.app_context():
            try:
                answers.save_choice(
                    user_id, attempt_id, 1, right_choice(item), now, GRACE, session_version=0
                )
                outcome["saved"] = True
            except answers.AttemptRefused as refusal:
                outcome["refused"] = refusal.code

    held = BlockedStatement(app, "UPDATE ATTEMPT_ITEM")
    saving = threading.Thread(target=save_in_time)
    saving.start()
    try:
        held.wait_until_blocked()  # the save waits for the lock the hand-in holds
        committed_at = time.monotonic()
        hand_in_tx.commit()
        handing_in.close()
        saving.join(timeout=30)
    finally:
        held.close()
    assert held.returned_at is not None and held.returned_at > committed_at
    assert outcome == {"refused": "attempt_closed"}
    assert items(app, attempt_id)[0].chosen is None


def test_a_question_saved_too_often_is_refused_and_keeps_its_last_answer(app, client):
    """The save's rate limit is a cap per question, counted by the UPDATE in the row itself."""
    attempt_id = started(app, client)
    token = csrf_token(client)
    for n in range(answers.MAX_SAVES_PER_QUESTION):
        reply = save(client, attempt_id, {"position": 3, "chosen": [n % 2]}, token)
        assert reply.status_code == 200, n
    last = [(answers.MAX_SAVES_PER_QUESTION - 1) % 2]
    refused = save(client, attempt_id, {"position": 3, "chosen": [2]}, token)
    assert refused.status_code == 429
    assert refused.json["code"] == "too_many_saves"
    assert "đã được lưu 100 lần" in refused.json["message"]
    item = items(app, attempt_id)[2]
    assert (item.chosen, item.saves) == (last, answers.MAX_SAVES_PER_QUESTION)
    # Other questions of the attempt are not affected.
    assert save(client, attempt_id, {"position": 4, "chosen": [1]}, token).status_code == 200

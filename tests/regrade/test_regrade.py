"""Regrade after a complaint, on a round ranked by hand: the key of question 1 corrected from A
to B moves every rank and both prizes; the preview changes nothing; the regrade is audited and
sends the round back to draft; an attempt that showed other options is left alone."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from contest.audit.service import Actor
from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import Attempt, AttemptItem, AuditEvent, Question, Round, RoundEntry
from contest.regrade import service
from contest.results.entries import record_entry
from contest.results.ranking import Scope, iter_ranking
from contest.results.service import compute_prizes
from tests.factories import csrf_token, login, make_questions, make_round, make_user

JUDGE = Actor(user_id=None, address="127.0.0.1")


def item(attempt, position, question, order, chosen):
    shown = [question.options[stored] for stored in order]
    correct = [pos for pos, stored in enumerate(order) if stored in question.correct]
    right = sorted(chosen) == sorted(correct)
    return AttemptItem(
        attempt_id=attempt.id,
        position=position,
        question_id=question.id,
        question_version=question.version,
        text=question.text,
        options=shown,
        option_order=order,
        correct=correct,
        chosen=chosen,
        answered_at=attempt.started_at + timedelta(seconds=5),
        is_correct=right,
    ), right


def entry_of(round_, user, seconds, answers):
    """answers: (question, option order, chosen shown positions) per position."""
    started = round_.opens_at + timedelta(hours=2)
    attempt = Attempt(
        round_id=round_.id,
        user_id=user.id,
        number=1,
        started_at=started,
        deadline=started + timedelta(minutes=20),
        submitted_at=started + timedelta(seconds=seconds),
        status="submitted",
        question_count=len(answers),
        correct_count=0,
        duration_ms=seconds * 1000,
    )
    db.session.add(attempt)
    db.session.flush()
    for position, (question, order, chosen) in enumerate(answers, start=1):
        row, right = item(attempt, position, question, order, chosen)
        db.session.add(row)
        attempt.correct_count += right
    db.session.flush()
    record_entry(attempt)
    db.session.commit()
    return attempt


@pytest.fixture
def world(app):
    """P1: Q1 A, Q2 right (2/2, 100 s); P2: Q1 B shown shuffled, Q2 right (1/2, 50 s); P3: Q1
    B, Q2 wrong (0/2, 10 s); P4 saw Q1 with other wording (1/2, 200 s). Ranks 1 P1, 2 P2, 2 P4?
    No: P2 50 s before P4 200 s, so P1 1, P2 2, P4 3, P3 4; prizes Nhất P1, Nhì P2."""
    with app.app_context():
        q1, q2 = make_questions(2)
        assert q1.correct == [0]
        now = utcnow()
        round_ = make_round(
            opens_at=now - timedelta(days=8),
            closes_at=now - timedelta(days=1),
            question_count=2,
            prize_counts={"nhat": 1, "nhi": 1, "ba": 0, "kk": 0},
        )
        people = {}
        plan = {
            "P1": (100, [(q1, [0, 1, 2, 3], [0]), (q2, [0, 1, 2, 3], [1])]),
            "P2": (50, [(q1, [1, 0, 2, 3], [0]), (q2, [0, 1, 2, 3], [1])]),
            "P3": (10, [(q1, [0, 1, 2, 3], [1]), (q2, [0, 1, 2, 3], [3])]),
        }
        for number, (name, (seconds, answers)) in enumerate(plan.items()):
            user = make_user(phone=f"09170000{number:02d}", full_name=f"Người {name}")
            entry_of(round_, user, seconds, answers)
            people[name] = user.id
        other = make_user(phone="0917000099", full_name="Người P4")
        attempt = entry_of(round_, other, 200, [(q1, [0, 1, 2, 3], [1]), (q2, [0, 1, 2, 3], [1])])
        odd = db.session.get(AttemptItem, (attempt.id, 1))
        odd.options = ["Một phương án cũ", *odd.options[1:]]
        db.session.commit()
        people["P4"] = other.id
        # The complaint upheld: the answer to question 1 is B. A new version in the bank.
        q1.correct, q1.version = [1], 2
        db.session.commit()
        return {"round": round_.id, "question": q1.id, **people}


def standing(world):
    names = {world[name]: name for name in ("P1", "P2", "P3", "P4")}
    round_ = db.session.get(Round, world["round"])
    ranks = [
        (row.rank, names[row.user_id], row.correct_count) for row in iter_ranking(Scope(round_))
    ]
    prizes = {names[user]: level for user, level in compute_prizes(round_).items()}
    return ranks, prizes


BEFORE = (
    [(1, "P1", 2), (2, "P2", 1), (3, "P4", 1), (4, "P3", 0)],
    {"P1": "nhat", "P2": "nhi"},
)
# Q1 is now B: P1 1/2 (100 s), P2 2/2 (50 s), P3 1/2 (10 s); P4 keeps 1/2 (not regraded).
AFTER = (
    [(1, "P2", 2), (2, "P3", 1), (3, "P1", 1), (4, "P4", 1)],
    {"P2": "nhat", "P3": "nhi"},
)


def test_preview_then_regrade(app, world):
    with app.app_context():
        assert standing(world) == BEFORE
        plan = service.preview(world["question"])
        assert (plan.items, plan.unmatched) == (3, 1)
        [impact] = plan.rounds
        changed = {
            line.full_name: (line.rank_before, line.rank_after, line.prize_before, line.prize_after)
            for line in impact.changes
        }
        assert changed == {
            "Người P1": (1, 3, "nhat", None),
            "Người P2": (2, 1, "nhi", "nhat"),
            "Người P3": (4, 2, None, "nhi"),
            "Người P4": (3, 4, None, None),
        }
        assert standing(world) == BEFORE  # the preview changed nothing
        round_ = db.session.get(Round, world["round"])
        round_.results_status = "reviewed"
        db.session.commit()

        done = service.apply(world["question"], "Khiếu nại số 12 được chấp nhận", JUDGE)
        assert done.items == 3
        db.session.expire_all()
        assert standing(world) == AFTER
        assert db.session.get(Round, world["round"]).results_status == "draft"
        entry = db.session.execute(
            select(RoundEntry).where(RoundEntry.user_id == world["P2"])
        ).scalar_one()
        assert (entry.correct_count, entry.perfect_count) == (2, 1)
        line = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == service.REGRADED)
        ).scalar_one()
        assert line.details["reason"] == "Khiếu nại số 12 được chấp nhận"
        assert line.details["rounds"][0]["status_before"] == "reviewed"
        assert line.details["unmatched"] == 1

        with pytest.raises(service.RegradeRefused, match="Không có bài thi nào"):
            service.apply(world["question"], "Lần nữa", JUDGE)
        with pytest.raises(service.RegradeRefused, match="lý do"):
            service.apply(world["question"], "   ", JUDGE)
        assert service.candidates() == [] or all(
            q.id != world["question"] or n == 1 for q, n in service.candidates()
        )


def test_the_pages(app, client, world):
    with app.app_context():
        make_user(phone="0917999001", role="judge", full_name="Phạm Giám Khảo")
    assert login(client, "0917999001").status_code == 302
    listed = client.get("/giam-khao/cham-lai/").get_data(as_text=True)
    assert f"/giam-khao/cham-lai/cau-hoi/{world['question']}" in listed
    page = f"/giam-khao/cham-lai/cau-hoi/{world['question']}"
    html = client.get(page).get_data(as_text=True)
    assert "Người P3" in html and "Giải Nhì" in html and "không thể chấm lại tự động" in html
    token = csrf_token(client, page)
    assert client.post(page, data={"csrf_token": token, "reason": ""}).status_code == 400
    assert client.post(page, data={"reason": "x"}).status_code == 400  # no CSRF token
    done = client.post(page, data={"csrf_token": token, "reason": "Khiếu nại được chấp nhận"})
    assert done.status_code == 302
    assert client.post(page, data={"csrf_token": token, "reason": "Lần nữa"}).status_code == 409
    assert client.get("/giam-khao/cham-lai/cau-hoi/" + "9" * 12).status_code == 404
    with app.app_context():
        assert db.session.get(Question, world["question"]).version == 2

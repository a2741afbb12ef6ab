"""Fair play: a scripted perfect paper handed in after 34 ms is ranked but wins nothing until a
judge clears it; the prize it would have taken passes down the ranking, computed by hand; a
clearance holds for that attempt only; the review queue, its refusals and the audit."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from contest.audit.service import Actor
from contest.domain import fair_play
from contest.domain.clock import utcnow
from contest.extensions import db
from contest.integrity import service as integrity
from contest.models import Attempt, AttemptItem, AuditEvent, Round, RoundEntry, User
from contest.results import fair_play as round_fair_play
from contest.results import service as results
from contest.results.entries import record_entry
from contest.results.ranking import Scope, iter_ranking
from tests.factories import csrf_token, login, make_questions, make_round, make_user

ONE_EACH = {"nhat": 1, "nhi": 1, "ba": 1, "kk": 0}
JUDGE = Actor(user_id=None, address="127.0.0.1")
QUESTIONS = 20  # at 2 s a question, the minimum is 40 s


@pytest.mark.parametrize(
    ("duration_ms", "last_answer_ms", "seconds", "expected"),
    [
        (39_999, 30_000, 2, fair_play.Flag.TOO_FAST),
        (40_000, 30_000, 2, None),  # exactly the minimum is a person's pace
        (34, 20, 0, None),  # 0: no check
        (60_000, 499, 2, fair_play.Flag.ANSWERS_AT_ONCE),
        (60_000, 500, 2, None),
        (60_000, None, 2, None),  # no answer saved: nothing to win
        (34, None, 2, fair_play.Flag.TOO_FAST),
    ],
)
def test_the_flag_at_its_limits(duration_ms, last_answer_ms, seconds, expected):
    flag = fair_play.flag(
        duration_ms=duration_ms,
        question_count=QUESTIONS,
        last_answer_ms=last_answer_ms,
        seconds_per_question=seconds,
    )
    assert flag == expected


def test_a_clearance_is_for_one_attempt():
    assert fair_play.held(fair_play.Flag.TOO_FAST, 7, None)
    assert not fair_play.held(fair_play.Flag.TOO_FAST, 7, 7)
    assert fair_play.held(fair_play.Flag.TOO_FAST, 8, 7)
    assert not fair_play.held(None, 8, None)


def timed_entry(round_, user, correct, duration_ms, answers_after_ms=None, number=1):
    """A handed-in attempt of QUESTIONS questions taking `duration_ms`, whose answers (when
    given) were all saved `answers_after_ms` after it began."""
    started = round_.opens_at + timedelta(hours=1)
    attempt = Attempt(
        round_id=round_.id,
        user_id=user.id,
        number=number,
        started_at=started,
        deadline=started + timedelta(minutes=20),
        submitted_at=started + timedelta(milliseconds=duration_ms),
        status="submitted",
        question_count=QUESTIONS,
        correct_count=correct,
        duration_ms=duration_ms,
    )
    db.session.add(attempt)
    db.session.flush()
    if answers_after_ms is not None:
        question = make_questions(1, topic_names=(f"Chủ đề {user.id}-{number}",))[0]
        db.session.add(
            AttemptItem(
                attempt_id=attempt.id,
                position=1,
                question_id=question.id,
                question_version=1,
                text=question.text,
                options=question.options,
                option_order=[0, 1, 2, 3],
                correct=question.correct,
                chosen=question.correct,
                answered_at=started + timedelta(milliseconds=answers_after_ms),
            )
        )
        db.session.flush()
    record_entry(attempt)
    db.session.commit()
    return attempt


def bot_round(app, seconds=2):
    """Bot 20/20 in 34 ms; A 20/20 in 300 s; B 20/20 in 400 s; C 19/20 in 100 s; Robot 20/20
    in 500 s whose every answer was saved 120 ms after the page was served. Ranked by correct
    answers then time: Bot 1, A 2, B 3, Robot 4, C 5. With one prize of each level and the
    check on, Bot and Robot wait for a judge: Nhất A, Nhì B, Ba C."""
    with app.app_context():
        now = utcnow()
        round_ = make_round(
            opens_at=now - timedelta(days=8),
            closes_at=now - timedelta(days=1),
            prize_counts=ONE_EACH,
            question_count=QUESTIONS,
            attempts_allowed=3,
            minimum_seconds_per_question=seconds,
        )
        ids = {}
        for i, (name, correct, ms, answers) in enumerate(
            [
                ("Bot", 20, 34, None),
                ("A", 20, 300_000, 250_000),
                ("B", 20, 400_000, None),
                ("C", 19, 100_000, 90_000),
                ("Robot", 20, 500_000, 120),
            ]
        ):
            user = make_user(phone=f"09190000{i:02d}", full_name=f"Người {name}")
            timed_entry(round_, user, correct, ms, answers)
            ids[name] = user.id
        return round_.id, ids


def named(ids, mapping):
    names = {v: k for k, v in ids.items()}
    return {names[user]: value for user, value in mapping.items()}


def ranking(round_id, ids):
    names = {v: k for k, v in ids.items()}
    round_ = db.session.get(Round, round_id)
    return [(row.rank, names[row.user_id]) for row in iter_ranking(Scope(round_))]


def test_a_scripted_perfect_paper_is_ranked_but_wins_nothing_until_cleared(app):
    round_id, ids = bot_round(app)
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        assert ranking(round_id, ids) == [(1, "Bot"), (2, "A"), (3, "B"), (4, "Robot"), (5, "C")]
        assert named(ids, results.compute_prizes(round_)) == {"A": "nhat", "B": "nhi", "C": "ba"}
        queue = round_fair_play.flagged_entries(round_)
        assert [(line.user_id, line.flag, line.held) for line in queue] == [
            (ids["Bot"], fair_play.Flag.TOO_FAST, True),
            (ids["Robot"], fair_play.Flag.ANSWERS_AT_ONCE, True),
        ]

        integrity.clear_entry(round_id, ids["Robot"], "Đã gọi điện xác minh", JUDGE)
        expected = {"A": "nhat", "B": "nhi", "Robot": "ba"}
        assert named(ids, results.compute_prizes(round_)) == expected
        integrity.void_entry(round_id, ids["Bot"], "Phần mềm tự động", JUDGE)
        assert [line.user_id for line in round_fair_play.flagged_entries(round_)] == [ids["Robot"]]
        assert named(ids, results.compute_prizes(round_)) == expected
        line = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == integrity.CLEARED)
        ).scalar_one()
        assert line.details["flag"] == "answers_at_once" and line.details["user"] == ids["Robot"]


def test_a_clearance_does_not_cover_a_later_counted_attempt(app):
    round_id, ids = bot_round(app)
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        integrity.clear_entry(round_id, ids["Bot"], "Thí sinh thuộc mọi đáp án", JUDGE)
        assert named(ids, results.compute_prizes(round_))["Bot"] == "nhat"
        user = db.session.get(User, ids["Bot"])
        timed_entry(round_, user, 20, 20, None, number=2)  # faster still: now counted
        entry = db.session.execute(
            select(RoundEntry).where(RoundEntry.user_id == ids["Bot"])
        ).scalar_one()
        assert entry.attempt_id != entry.cleared_attempt_id
        assert "Bot" not in named(ids, results.compute_prizes(round_))


def test_without_the_check_time_decides_as_before(app):
    round_id, ids = bot_round(app, seconds=0)
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        assert named(ids, results.compute_prizes(round_)) == {"Bot": "nhat", "A": "nhi", "B": "ba"}
        assert round_fair_play.flagged_entries(round_) == []
        with pytest.raises(integrity.IntegrityRefused, match="không bị đánh dấu"):
            integrity.clear_entry(round_id, ids["Bot"], "x", JUDGE)


def test_the_review_queue_pages(app, client):
    round_id, ids = bot_round(app)
    with app.app_context():
        make_user(phone="0919999001", role="judge", full_name="Phạm Giám Khảo")
    assert login(client, "0919999001").status_code == 302
    page = f"/giam-khao/kiem-tra/vong/{round_id}/toc-do"
    html = client.get(page).get_data(as_text=True)
    assert "Người Bot" in html and "Người Robot" in html and "Người A" not in html
    assert "Chờ xem xét" in html and "<strong>2 giây" in html
    listed = client.get("/giam-khao/kiem-tra/").get_data(as_text=True)
    assert "2 bài thi chờ xem xét" in listed
    clear = f"/giam-khao/kiem-tra/vong/{round_id}/nguoi/{ids['Bot']}/hop-le"
    token = csrf_token(client, page)
    assert client.post(clear, data={"csrf_token": token, "reason": "  "}).status_code == 400
    done = client.post(clear, data={"csrf_token": token, "reason": "Đã xác minh"})
    assert done.status_code == 302 and done.headers["Location"].endswith(page)
    again = client.post(clear, data={"csrf_token": token, "reason": "Đã xác minh"})
    assert again.status_code == 409
    cleared_a = f"/giam-khao/kiem-tra/vong/{round_id}/nguoi/{ids['A']}/hop-le"
    assert client.post(cleared_a, data={"csrf_token": token, "reason": "x"}).status_code == 409
    void = f"/giam-khao/kiem-tra/vong/{round_id}/nguoi/{ids['Robot']}/huy"
    data = {"csrf_token": token, "reason": "Tự động", "hang_cho": round_id}
    voided = client.post(void, data=data)
    assert voided.status_code == 302 and voided.headers["Location"].endswith(page)
    assert client.get(f"/giam-khao/kiem-tra/vong/{2**31}/toc-do").status_code == 404

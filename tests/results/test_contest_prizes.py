"""The contest's prize decision over every round, through the service, on rounds ranked by hand."""

from datetime import timedelta

from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import Contest, User
from contest.results.contest_prizes import decide
from tests.factories import login, make_contest, make_entry, make_round, make_user

ONE_EACH = {"nhat": 1, "nhi": 1, "ba": 1, "kk": 0}


def two_rounds(app):
    """Round 1: X 20, Y 19, P 18, Q 17; round 2: P 20, R 19, S 18; one prize each level."""
    with app.app_context():
        contest = make_contest()
        contest.several_prizes_per_person = False
        now = utcnow()
        rounds = [
            make_round(
                contest,
                number=n,
                title=f"Tuần thi thứ {n}",
                opens_at=now - timedelta(days=20 - 7 * n),
                closes_at=now - timedelta(days=14 - 7 * n),
                prize_counts=ONE_EACH,
            )
            for n in (1, 2)
        ]
        for i, name in enumerate("XYPQRS"):
            db.session.add(User(full_name=f"Người {name}", phone=f"0917{i:06d}", password_hash="!"))
        db.session.commit()
        people = {
            u.full_name[-1]: u for u in db.session.query(User).filter(User.phone.like("0917%"))
        }
        for name, correct in zip("XYPQ", (20, 19, 18, 17), strict=True):
            make_entry(rounds[0], people[name], correct)
        for name, correct in zip("PRS", (20, 19, 18), strict=True):
            make_entry(rounds[1], people[name], correct)
        return contest.id


def test_judges_see_the_decision_with_the_prizes_passed_on(app, client):
    contest_id = two_rounds(app)
    with app.app_context():
        make_user(phone="0912000001", role="judge")
    login(client, "0912000001")
    response = client.get(f"/giam-khao/cuoc-thi/{contest_id}/giai")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    round_1, round_2 = html.split("Tuần thi thứ 2</h2>")
    assert "Người Q" in round_1 and "Giải Ba (" in round_1
    assert "của Người P: giữ giải ở Tuần thi thứ 2" in round_1
    assert "Người P" in round_2 and "Người S" in round_2
    assert "Mỗi người chỉ nhận một giải cá nhân trong toàn cuộc thi" in html
    assert client.get("/giam-khao/cuoc-thi/999/giai").status_code == 404


def test_participants_cannot_see_the_decision(app, client):
    contest_id = two_rounds(app)
    with app.app_context():
        make_user(phone="0912000001")
    login(client, "0912000001")
    assert client.get(f"/giam-khao/cuoc-thi/{contest_id}/giai").status_code == 403


def test_a_person_keeps_the_higher_prize_and_the_other_passes_down(app):
    """Round 1: X 20, Y 19, P 18, Q 17 → Nhất X, Nhì Y, Ba P. Round 2: P 20, R 19, S 18 →
    Nhất P. P keeps Nhất in round 2; round 1's Ba passes to Q."""
    contest_id = two_rounds(app)
    with app.app_context():
        users = db.session.query(User).filter(User.phone.like("0917%"))
        ids = {u.id: u.full_name[-1] for u in users}
        first, second = decide(contest_id)
        assert {ids[u]: p for u, p in first.settled.items()} == {"X": "nhat", "Y": "nhi", "Q": "ba"}
        assert {ids[u]: p for u, p in first.given_up.items()} == {"P": "ba"}
        assert {ids[u]: p for u, p in second.settled.items()} == {
            "P": "nhat",
            "R": "nhi",
            "S": "ba",
        }
        assert second.given_up == {}

        db.session.get(Contest, contest_id).several_prizes_per_person = True
        db.session.commit()
        first, _second = decide(contest_id)
        assert {ids[u]: p for u, p in first.settled.items()} == {"X": "nhat", "Y": "nhi", "P": "ba"}

"""A contest that keeps results back (results_visible off) shows participants their own score
and rank only once it is over; a refused start leads back to the round's contest page."""

import re
from datetime import timedelta

from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import Contest
from tests.factories import csrf_token, login, make_contest, make_questions, make_round, make_user

KEPT_BACK = "Ban Tổ chức sẽ công bố kết quả sau khi cuộc thi kết thúc"
NOW = utcnow().replace(microsecond=0)


def contest_of(slug: str, results_visible: bool = False, status: str = "open", **round_settings):
    """A contest with two weekly rounds, the first open at NOW; returns its id and round ids."""
    contest = make_contest(status=status)
    contest.slug = slug
    contest.results_visible = results_visible
    db.session.commit()
    ids = [
        make_round(
            contest,
            title=f"Tuần thi thứ {n}",
            opens_at=NOW - timedelta(days=1) + timedelta(days=7 * (n - 1)),
            closes_at=NOW + timedelta(days=6) + timedelta(days=7 * (n - 1)),
            **round_settings,
        ).id
        for n in (1, 2)
    ]
    return contest.id, ids


def participant(app):
    app.config["CLOCK"] = lambda: NOW
    client = app.test_client()
    login(client, "0912000001")
    return client


def take_and_hand_in(client, round_id) -> int:
    token = csrf_token(client)
    started = client.post(f"/vong/{round_id}/bat-dau", data={"csrf_token": token})
    attempt_id = int(re.search(r"/bai-thi/(\d+)", started.headers["Location"]).group(1))
    client.post(f"/bai-thi/{attempt_id}/nop-bai", data={"csrf_token": token, "confirm": "1"})
    return attempt_id


def pages(client, attempt_id) -> tuple[str, str]:
    result = client.get(f"/bai-thi/{attempt_id}/ket-qua")
    mine = client.get("/bai-thi-cua-toi")
    assert result.status_code == 200 and mine.status_code == 200
    return result.get_data(as_text=True), mine.get_data(as_text=True)


def shown(result: str, mine: str) -> bool:
    """Whether the score and rank are on the pages (and the notice is not)."""
    score = 'id="correct-count"' in result and "0/10 câu đúng" in mine
    rank = "trong nhóm đối tượng của bạn" in result
    notice = KEPT_BACK in result or KEPT_BACK in mine
    assert score == rank == (not notice)
    return score


def test_score_and_rank_kept_back_until_every_round_has_closed(app):
    with app.app_context():
        make_questions(20)
        contest_id, (first, _second) = contest_of("giu-ket-qua")
        make_user(phone="0912000001")
    client = participant(app)
    attempt_id = take_and_hand_in(client, first)
    result, mine = pages(client, attempt_id)
    assert not shown(result, mine)
    assert f"{KEPT_BACK}." in result and "0/10" not in result and "0/10" not in mine
    assert "Thời gian làm bài" in result and "Xem bài thi" in mine

    # The first round closed, the second is open: the contest is not over.
    app.config["CLOCK"] = lambda: NOW + timedelta(days=8)
    assert not shown(*pages(client, attempt_id))
    public = "Kết quả sẽ được công bố sau khi cuộc thi kết thúc"
    assert public in client.get("/cuoc-thi/giu-ket-qua/ket-qua").get_data(as_text=True)
    # Every round closed: the contest is over, whatever its status says (the public results
    # page reads the same rule).
    app.config["CLOCK"] = lambda: NOW + timedelta(days=13, minutes=1)
    assert shown(*pages(client, attempt_id))
    assert public not in client.get("/cuoc-thi/giu-ket-qua/ket-qua").get_data(as_text=True)

    # Closed by the organizers before the last round ends: over too.
    app.config["CLOCK"] = lambda: NOW
    with app.app_context():
        db.session.get(Contest, contest_id).status = "closed"
        db.session.commit()
    assert shown(*pages(client, attempt_id))
    with app.app_context():
        db.session.get(Contest, contest_id).status = "open"
        db.session.get(Contest, contest_id).results_visible = True
        db.session.commit()
    assert shown(*pages(client, attempt_id))


def test_each_contest_keeps_back_its_own_and_answers_follow_the_rounds_rule(app):
    with app.app_context():
        make_questions(20)
        _hidden, (kept_round, _) = contest_of("giu-ket-qua", reveal_answers="after_submit")
        _shown, (open_round, _) = contest_of("cong-khai", results_visible=True)
        make_user(phone="0912000001")
    client = participant(app)
    kept = take_and_hand_in(client, kept_round)
    public = take_and_hand_in(client, open_round)
    result, mine = pages(client, kept)
    # The round shows answers right after handing in: that rule applies as it is.
    assert KEPT_BACK in result and "✓" in result
    assert mine.count(KEPT_BACK) == 1 and mine.count("0/10 câu đúng") == 1
    result, _mine = pages(client, public)
    assert KEPT_BACK not in result and 'id="correct-count"' in result


def test_a_refused_start_leads_back_to_the_rounds_contest(app):
    with app.app_context():
        make_questions(20)
        contest_of("cuoc-thi-mot")
        _id, (_first, upcoming) = contest_of("cuoc-thi-hai")
        _draft, (draft_round, _) = contest_of("ban-nhap", status="draft")
        make_user(phone="0912000001")
    client = participant(app)
    token = csrf_token(client)
    refused = client.post(f"/vong/{upcoming}/bat-dau", data={"csrf_token": token})
    assert refused.status_code == 302
    assert refused.headers["Location"] == "/cuoc-thi/cuoc-thi-hai/"
    page = client.get(refused.headers["Location"])
    assert page.status_code == 200 and "Vòng thi chưa mở." in page.get_data(as_text=True)

    # A contest the public cannot see: the list of contests, with the reason.
    refused = client.post(f"/vong/{draft_round}/bat-dau", data={"csrf_token": token})
    assert refused.headers["Location"] == "/"
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Cuộc thi chưa mở hoặc đã kết thúc." in page

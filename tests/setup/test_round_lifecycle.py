"""Running rounds: a live change is confirmed and applies to new attempts only; closing early,
cancelling (only without attempts) and reordering, each audited."""

import random
import re
from datetime import datetime, timedelta

from sqlalchemy import select

from contest.attempts import service
from contest.domain.clock import to_vietnam
from contest.domain.vn_dates import format_vn_datetime
from contest.extensions import db
from contest.models import Attempt, AuditEvent, Contest, Round, User
from tests.factories import (
    GRACE,
    POOL_SECONDS,
    csrf_token,
    login,
    make_contest,
    make_questions,
    make_round,
    make_user,
)

NOW = datetime(2026, 12, 3, 2, 0)  # 09:00 in Vietnam


def organizer(app, rounds=1, **settings):
    """An organizer's client, a contest with `rounds` rounds open around NOW, and their ids."""
    with app.app_context():
        make_questions(30, topic_names=("Một cửa", "Điện tử"))
        contest = make_contest()
        round_ids = [
            make_round(
                contest,
                title=f"Tuần thi thứ {n}",
                opens_at=NOW - timedelta(days=1) + timedelta(days=7 * (n - 1)),
                closes_at=NOW + timedelta(days=6) + timedelta(days=7 * (n - 1)),
                **settings,
            ).id
            for n in range(1, rounds + 1)
        ]
        organizer_id = make_user(phone="0900000009", role="organizer").id
        contest_id = contest.id
    app.config["CLOCK"] = lambda: NOW
    client = app.test_client()
    login(client, "0900000009")
    return client, contest_id, round_ids, organizer_id


def form_of(round_: Round, **changes) -> dict:
    """The round form as the page would post it unchanged, with `changes`."""
    data = {
        "title": round_.title,
        "opens_at": format_vn_datetime(to_vietnam(round_.opens_at)),
        "closes_at": format_vn_datetime(to_vietnam(round_.closes_at)),
        "question_count": str(round_.question_count),
        "time_limit_minutes": str(round_.time_limit_seconds // 60),
        "attempts_allowed": str(round_.attempts_allowed or 0),
        "minimum_wait_minutes": str(round_.minimum_wait_minutes),
        "counted_attempt": round_.counted_attempt,
        "reveal_answers": round_.reveal_answers,
        "prediction_target": round_.prediction_target,
        "prediction_prompt": round_.prediction_prompt or "",
        "prize_nhat": "1",
        "prize_nhi": "2",
        "prize_ba": "3",
        "prize_kk": "10",
    }
    if round_.shuffle_options:
        data["shuffle_options"] = "y"
    if round_.prediction_enabled:
        data["prediction_enabled"] = "y"
    for index, step in enumerate(round_.ranking_chain, start=1):
        data[f"chain_{index}"] = step
    data.update(changes)
    return data


def start(app, phone: str, round_id: int, now: datetime) -> int:
    with app.app_context():
        user = db.session.execute(select(User).filter_by(phone=phone)).scalar_one_or_none()
        user = user or make_user(phone=phone)
        attempt = service.start_attempt(
            user,
            db.session.get(Round, round_id),
            now,
            random.Random(phone),
            grace=GRACE,
            pool_seconds=POOL_SECONDS,
        )
        return attempt.id


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_a_live_change_is_confirmed_and_applies_to_new_attempts_only(app):
    client, _contest_id, (round_id,), organizer_id = organizer(
        app, time_limit=1200, question_count=10, attempts_allowed=None
    )
    before = start(app, "0912000001", round_id, NOW - timedelta(minutes=5))
    with app.app_context():
        data = form_of(db.session.get(Round, round_id), time_limit_minutes="1", question_count="5")
    data["csrf_token"] = csrf_token(client)

    page = client.post(f"/to-chuc/vong/{round_id}/sua", data=data)
    assert page.status_code == 200
    shown = text_of(page.get_data(as_text=True))
    assert "Thời gian làm bài: 20 phút → 1 phút (áp dụng cho lượt thi mới)" in shown
    assert "Số câu hỏi mỗi lượt: 10 câu → 5 câu (áp dụng cho lượt thi mới)" in shown
    assert "Tên vòng thi" not in shown.split("Những gì sẽ thay đổi")[1]  # only what differs
    assert "Xác nhận lưu" in shown
    with app.app_context():
        assert db.session.get(Round, round_id).time_limit_seconds == 1200  # nothing saved yet
        assert (
            db.session.execute(select(AuditEvent).filter_by(action="round.changed")).first() is None
        )

    # "Quay lại sửa" shows the form again with the values typed, still unsaved.
    marker = re.search(r'name="confirmed" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    back = client.post(f"/to-chuc/vong/{round_id}/sua", data={**data, "back": "1"})
    assert back.status_code == 200 and 'name="time_limit_minutes"' in back.get_data(as_text=True)

    # The confirmation carries every posted value as it was typed.
    hidden = dict(
        re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.get_data(as_text=True)
        )
    )
    assert hidden["time_limit_minutes"] == "1" and hidden["question_count"] == "5"
    saved = client.post(f"/to-chuc/vong/{round_id}/sua", data={**data, "confirmed": marker})
    assert saved.status_code == 302

    after = start(app, "0912000002", round_id, NOW)
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        assert (round_.time_limit_seconds, round_.question_count) == (60, 5)
        old, new = db.session.get(Attempt, before), db.session.get(Attempt, after)
        # Started before: its own deadline (20 minutes) and 10 questions.
        assert old.deadline == old.started_at + timedelta(minutes=20)
        assert (old.question_count, len(old.items)) == (10, 10)
        # Started after: 1 minute and 5 questions.
        assert new.deadline == new.started_at + timedelta(minutes=1)
        assert (new.question_count, len(new.items)) == (5, 5)
        event = db.session.execute(
            select(AuditEvent).filter_by(action="round.changed")
        ).scalar_one()
        assert (event.actor_id, event.object_type, event.object_id) == (
            organizer_id,
            "round",
            round_id,
        )
        assert event.details["before"] == {"question_count": 10, "time_limit_minutes": 20}
        assert event.details["after"] == {"question_count": 5, "time_limit_minutes": 1}
        assert event.details["confirmed"] is True and event.details["attempts"] == 1
    # The participant who started before still resumes the same attempt.
    assert start(app, "0912000001", round_id, NOW) == before


def test_a_stale_confirmation_is_refused(app):
    client, _contest_id, (round_id,), _organizer_id = organizer(app, time_limit=1200)
    start(app, "0912000001", round_id, NOW)
    with app.app_context():
        data = form_of(db.session.get(Round, round_id), time_limit_minutes="15")
    data["csrf_token"] = csrf_token(client)
    page = client.post(f"/to-chuc/vong/{round_id}/sua", data=data).get_data(as_text=True)
    marker = re.search(r'name="confirmed" value="([^"]+)"', page).group(1)
    # Another organizer saves a different change in between (confirmed against fresh settings).
    with app.app_context():
        other = form_of(db.session.get(Round, round_id), time_limit_minutes="30")
    other["csrf_token"] = data["csrf_token"]
    other_page = client.post(f"/to-chuc/vong/{round_id}/sua", data=other).get_data(as_text=True)
    other_marker = re.search(r'name="confirmed" value="([^"]+)"', other_page).group(1)
    assert other_marker == marker  # both saw the same settings
    assert (
        client.post(
            f"/to-chuc/vong/{round_id}/sua", data={**other, "confirmed": other_marker}
        ).status_code
        == 302
    )
    stale = client.post(f"/to-chuc/vong/{round_id}/sua", data={**data, "confirmed": marker})
    assert stale.status_code == 409
    assert "vừa được thay đổi sau khi bạn xem trang xác nhận" in stale.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Round, round_id).time_limit_seconds == 1800
    forged = client.post(f"/to-chuc/vong/{round_id}/sua", data={**data, "confirmed": "x" * 5000})
    assert forged.status_code == 409


def test_without_attempts_a_change_is_saved_directly_and_audited(app):
    client, contest_id, (round_id,), organizer_id = organizer(app, time_limit=1200)
    with app.app_context():
        data = form_of(db.session.get(Round, round_id), time_limit_minutes="25")
    data["csrf_token"] = csrf_token(client)
    response = client.post(f"/to-chuc/vong/{round_id}/sua", data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/to-chuc/cuoc-thi/{contest_id}/vong-thi")
    with app.app_context():
        assert db.session.get(Round, round_id).time_limit_seconds == 1500
        event = db.session.execute(
            select(AuditEvent).filter_by(action="round.changed")
        ).scalar_one()
        assert event.actor_id == organizer_id and event.details["confirmed"] is False


def test_round_wide_settings_say_they_apply_to_every_entry(app):
    client, _contest_id, (round_id,), _organizer_id = organizer(app)
    start(app, "0912000001", round_id, NOW)
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        first, second = round_.ranking_chain[:2]
        data = form_of(round_, counted_attempt="last", chain_1=second, chain_2=first)
    data["csrf_token"] = csrf_token(client)
    shown = text_of(client.post(f"/to-chuc/vong/{round_id}/sua", data=data).get_data(as_text=True))
    assert (
        "Lượt được tính: Lượt có kết quả cao nhất → Lượt cuối cùng (áp dụng cho mọi lượt thi "
        "của vòng, kể cả lượt đã thi: kết quả của mọi người được tính lại)"
    ) in shown
    assert "Thứ tự xếp hạng:" in shown


def test_closing_early_stops_new_starts_and_keeps_the_running_attempt(app):
    client, contest_id, (round_id,), organizer_id = organizer(app, time_limit=1200)
    running = start(app, "0912000001", round_id, NOW - timedelta(minutes=2))
    token = csrf_token(client)
    ask = client.post(f"/to-chuc/vong/{round_id}/dong-som", data={"csrf_token": token})
    assert ask.status_code == 200 and "Đóng sớm vòng thi" in ask.get_data(as_text=True)
    done = client.post(
        f"/to-chuc/vong/{round_id}/dong-som", data={"csrf_token": token, "confirm": "1"}
    )
    assert done.status_code == 303
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        assert round_.closes_at == NOW
        attempt = db.session.get(Attempt, running)
        assert attempt.deadline == attempt.started_at + timedelta(minutes=20)
        event = db.session.execute(
            select(AuditEvent).filter_by(action="round.closed_early")
        ).scalar_one()
        assert event.actor_id == organizer_id
    try:
        start(app, "0912000002", round_id, NOW + timedelta(minutes=1))
    except service.AttemptRefused as refusal:
        assert refusal.code == "round_closed"
    else:
        raise AssertionError("a closed round let someone start")
    # Closing a round that is not open is refused with a message.
    again = client.post(
        f"/to-chuc/vong/{round_id}/dong-som", data={"csrf_token": token, "confirm": "1"}
    )
    listing = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "Chỉ đóng sớm được vòng thi đang mở." in listing


def test_a_round_with_attempts_cannot_be_cancelled(app):
    client, contest_id, (round_id,), _organizer_id = organizer(app)
    start(app, "0912000001", round_id, NOW)
    token = csrf_token(client)
    response = client.post(
        f"/to-chuc/vong/{round_id}/huy", data={"csrf_token": token, "confirm": "1"}
    )
    assert response.status_code == 303
    listing = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Vòng thi đã có lượt thi: không hủy được." in listing
    with app.app_context():
        assert db.session.get(Round, round_id) is not None
        assert (
            db.session.execute(select(AuditEvent).filter_by(action="round.cancelled")).first()
            is None
        )


def test_a_round_without_attempts_is_cancelled_after_asking(app):
    client, contest_id, (first, second), organizer_id = organizer(app, rounds=2)
    token = csrf_token(client)
    ask = client.post(f"/to-chuc/vong/{second}/huy", data={"csrf_token": token})
    assert ask.status_code == 200 and "Hủy vòng thi" in ask.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Round, second) is not None
    done = client.post(f"/to-chuc/vong/{second}/huy", data={"csrf_token": token, "confirm": "1"})
    assert done.status_code == 303
    with app.app_context():
        assert db.session.get(Round, second) is None
        event = db.session.execute(
            select(AuditEvent).filter_by(action="round.cancelled")
        ).scalar_one()
        assert (event.actor_id, event.object_id) == (organizer_id, second)
        assert event.details["settings"]["title"] == "Tuần thi thứ 2"
    assert client.post(f"/to-chuc/vong/{second}/huy", data={"csrf_token": token}).status_code == 404


def test_rounds_are_reordered_by_swapping_numbers(app):
    client, contest_id, (first, second, third), organizer_id = organizer(app, rounds=3)
    token = csrf_token(client)

    def numbers():
        with app.app_context():
            return {r.id: r.number for r in db.session.execute(select(Round)).scalars()}

    response = client.post(f"/to-chuc/vong/{third}/di-chuyen/len", data={"csrf_token": token})
    assert response.status_code == 303
    assert numbers() == {first: 1, second: 3, third: 2}
    client.post(f"/to-chuc/vong/{third}/di-chuyen/len", data={"csrf_token": token})
    assert numbers() == {first: 2, second: 3, third: 1}
    refused = client.post(f"/to-chuc/vong/{third}/di-chuyen/len", data={"csrf_token": token})
    assert "Vòng thi đã ở đầu danh sách." in client.get(refused.headers["Location"]).get_data(
        as_text=True
    )
    client.post(f"/to-chuc/vong/{third}/di-chuyen/xuong", data={"csrf_token": token})
    assert numbers() == {first: 1, second: 3, third: 2}
    assert (
        client.post(
            f"/to-chuc/vong/{third}/di-chuyen/ngang", data={"csrf_token": token}
        ).status_code
        == 404
    )
    # Without the CSRF token nothing moves.
    assert client.post(f"/to-chuc/vong/{third}/di-chuyen/len").status_code == 400
    assert numbers() == {first: 1, second: 3, third: 2}
    with app.app_context():
        moves = (
            db.session.execute(select(AuditEvent).filter_by(action="round.moved")).scalars().all()
        )
        assert len(moves) == 3 and {m.actor_id for m in moves} == {organizer_id}
    listing = client.get(f"/to-chuc/cuoc-thi/{contest_id}/vong-thi").get_data(as_text=True)
    titles = re.findall(r"<td[^>]*>(Tuần thi thứ \d)</td>", listing)
    assert titles == ["Tuần thi thứ 1", "Tuần thi thứ 3", "Tuần thi thứ 2"]


def test_a_new_round_is_numbered_when_saved(app):
    client, contest_id, (first,), _organizer_id = organizer(app)
    form_page = client.get(f"/to-chuc/cuoc-thi/{contest_id}/vong-moi")
    assert form_page.status_code == 200
    with app.app_context():
        # Someone else adds round 2 while this form is open.
        make_round(db.session.get(Contest, contest_id), number=2, title="Tuần thi khác")
        data = form_of(db.session.get(Round, first), title="Tuần thi mới")
    data["csrf_token"] = csrf_token(client)
    assert client.post(f"/to-chuc/cuoc-thi/{contest_id}/vong-moi", data=data).status_code == 302
    with app.app_context():
        created = db.session.execute(select(Round).filter_by(title="Tuần thi mới")).scalar_one()
        assert created.number == 3
        assert db.session.execute(select(AuditEvent).filter_by(action="round.created")).scalar_one()


def test_pages_of_a_missing_round_are_404(app):
    client, contest_id, _rounds, _organizer_id = organizer(app)
    token = csrf_token(client)
    for path in (
        "/to-chuc/vong/999/dong-som",
        "/to-chuc/vong/999/huy",
        "/to-chuc/vong/999/di-chuyen/len",
    ):
        assert client.post(path, data={"csrf_token": token}).status_code == 404
    assert client.get("/to-chuc/cuoc-thi/999/vong-thi").status_code == 404


def test_participants_cannot_run_rounds(app):
    _client, contest_id, (round_id,), _organizer_id = organizer(app)
    with app.app_context():
        make_user(phone="0912000009")
    participant = app.test_client()
    login(participant, "0912000009")
    token = csrf_token(participant)
    response = participant.post(
        f"/to-chuc/vong/{round_id}/huy", data={"csrf_token": token, "confirm": "1"}
    )
    assert response.status_code in (403, 404)
    with app.app_context():
        assert db.session.get(Round, round_id) is not None

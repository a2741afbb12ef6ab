"""The round form's prize rules: counts per participant group, a minimum of correct answers,
both listed as round-wide changes of a live round; the counted attempt chosen again when the
ranking chain changes."""

import re

from sqlalchemy import select

from contest.extensions import db
from contest.models import AuditEvent, Contest, Round, RoundEntry
from contest.models.user import GROUP_LABELS
from contest.setup import rounds as round_service
from tests.factories import (
    csrf_token,
    make_contest,
    make_entry,
    make_questions,
    make_round,
    make_user,
)
from tests.setup.test_round_settings import FORM, organizer

GROUP_ROW = {
    "prize_can_bo_nhat": "1",
    "prize_can_bo_nhi": "1",
    "prize_can_bo_ba": "2",
    "prize_can_bo_kk": "5",
}


def post_new(client, contest_id, **fields):
    data = {**FORM, "csrf_token": csrf_token(client), **fields}
    return client.post(f"/to-chuc/cuoc-thi/{contest_id}/vong-moi", data=data)


def visible(html: str) -> str:
    """The page's text without its tags."""
    return re.sub(r"<[^>]+>", "", html)


def test_group_counts_and_minimum_saved_shown_again_and_copied_to_the_next_round(app):
    client, contest_id = organizer(app)
    form_page = client.get(f"/to-chuc/cuoc-thi/{contest_id}/vong-moi").get_data(as_text=True)
    assert "Số câu đúng tối thiểu để đạt giải" in form_page
    assert 'name="minimum_correct_for_prize"' in form_page and 'value="0"' in form_page
    assert 'name="prize_nhan_dan_kk"' in form_page and "dùng số giải chung" in form_page

    response = post_new(client, contest_id, **GROUP_ROW, minimum_correct_for_prize="7")
    assert response.status_code == 302
    with app.app_context():
        round_ = db.session.execute(select(Round)).scalar_one()
        assert round_.prize_counts == {"nhat": 1, "nhi": 1, "ba": 2, "kk": 5}
        assert round_.group_prize_counts == {"can_bo": {"nhat": 1, "nhi": 1, "ba": 2, "kk": 5}}
        assert round_.prize_counts_for("nhan_dan") == round_.prize_counts  # blank row
        assert round_.minimum_correct_for_prize == 7
        round_id = round_.id

    page = client.get(f"/to-chuc/vong/{round_id}/sua").get_data(as_text=True)
    assert re.search(r'name="prize_can_bo_kk"[^>]*value="5"', page)
    assert re.search(r'name="prize_nhan_dan_nhat"[^>]*value=""', page)  # blank: the round's
    assert re.search(r'name="minimum_correct_for_prize"[^>]*value="7"', page)

    # A new round starts from the previous one's prize rules.
    page = client.get(f"/to-chuc/cuoc-thi/{contest_id}/vong-moi").get_data(as_text=True)
    assert re.search(r'name="minimum_correct_for_prize"[^>]*value="7"', page)
    assert re.search(r'name="prize_can_bo_ba"[^>]*value="2"', page)

    rules = client.get("/the-le", follow_redirects=True).get_data(as_text=True)
    assert "Chỉ xét giải cho bài thi có từ 07 câu trả lời đúng trở lên." in rules
    assert "05 Giải Khuyến khích" in rules


def test_a_fresh_contests_first_round_has_no_minimum(app):
    with app.app_context():
        contest = make_contest()
        round_ = round_service.new_round(contest)
        assert round_.minimum_correct_for_prize == 0 and round_.group_prize_counts == {}


def test_the_minimum_time_per_question_is_set_refused_and_printed(app):
    client, contest_id = organizer(app)
    form_page = client.get(f"/to-chuc/cuoc-thi/{contest_id}/vong-moi").get_data(as_text=True)
    # A fresh contest's first round checks fair play: 2 s a question.
    assert re.search(r'name="minimum_seconds_per_question"[^>]*value="2"', form_page)
    for bad in ("601", "-1", "1.5", "2" * 30):
        html = post_new(client, contest_id, minimum_seconds_per_question=bad).get_data(as_text=True)
        assert "Nhập số nguyên từ 0 đến 600." in html, bad
    with app.app_context():
        assert db.session.execute(select(Round)).first() is None
    assert post_new(client, contest_id, minimum_seconds_per_question="3").status_code == 302
    with app.app_context():
        assert db.session.execute(select(Round)).scalar_one().minimum_seconds_per_question == 3
    rules = visible(client.get("/the-le", follow_redirects=True).get_data(as_text=True))
    assert "trung bình dưới 03 giây mỗi câu" in rules
    assert "chỉ được xét giải sau khi Ban Giám khảo xem xét" in rules


def test_prize_rules_that_cannot_work_are_refused_in_vietnamese(app):
    client, contest_id = organizer(app)
    html = post_new(
        client,
        contest_id,
        prize_kk="1001",
        prize_can_bo_nhat="2",
        prize_can_bo_nhi="",
        prize_can_bo_ba="1",
        prize_can_bo_kk="0",
        prize_nhan_dan_ba="-1",
        minimum_correct_for_prize="11",
    ).get_data(as_text=True)
    assert "Nhập một số nguyên từ 0 đến 1000." in html
    assert "Nhập số giải (0 nếu không trao), hoặc để trống cả hàng để dùng số giải chung." in html
    assert "Nhập số nguyên từ 0 đến 1000." in html  # the group row's "-1"
    assert (
        "Số câu đúng tối thiểu để đạt giải không được lớn hơn số câu hỏi mỗi lượt (10 câu)." in html
    )
    with app.app_context():
        assert db.session.execute(select(Round)).first() is None

    # The minimum may equal the number of questions.
    assert post_new(client, contest_id, minimum_correct_for_prize="10").status_code == 302


def test_the_service_refuses_what_the_form_would(app):
    with app.app_context():
        make_questions(20)
        contest = make_contest()
        settings = round_service.settings_of(round_service.new_round(contest))
        settings.question_count = 10
        settings.minimum_correct_for_prize = 11
        problems = round_service.prize_problems(settings)
        assert problems == [
            (
                "minimum_correct_for_prize",
                "Số câu đúng tối thiểu để đạt giải (11) không được lớn hơn số câu hỏi mỗi lượt "
                "(10 câu).",
            )
        ]
        settings.minimum_correct_for_prize = 0
        settings.group_prize_counts = {"khach": {"nhat": 1}, "can_bo": {"nhat": 1001}}
        fields = [name for name, _message in round_service.prize_problems(settings)]
        assert fields == ["prize_nhat", "prize_can_bo_nhat"]


def live_round(app, client, contest_id, **settings):
    """A round with one participant's two attempts: 18 correct in 300 s, then 17 in 100 s."""
    with app.app_context():
        round_ = make_round(db.session.get(Contest, contest_id), **settings)
        user = make_user(phone="0912000001")
        first = make_entry(round_, user, 18, seconds=300, number=1)
        second = make_entry(round_, user, 17, seconds=100, minute=30, number=2)
        return round_.id, first.id, second.id


def confirm(client, round_id, data) -> str:
    """Post the form, read the confirmation page, confirm; returns the confirmation page."""
    page = client.post(f"/to-chuc/vong/{round_id}/sua", data=data).get_data(as_text=True)
    marker = re.search(r'name="confirmed" value="([^"]+)"', page).group(1)
    saved = client.post(f"/to-chuc/vong/{round_id}/sua", data={**data, "confirmed": marker})
    assert saved.status_code == 302
    return visible(page)


def test_group_counts_and_minimum_listed_as_round_wide_changes(app):
    client, contest_id = organizer(app)
    round_id, _first, _second = live_round(app, client, contest_id, counted_attempt="best")
    data = {
        **FORM,
        "csrf_token": csrf_token(client),
        "chain_1": "correct",
        "chain_2": "duration",
        "chain_3": "submitted",
        **GROUP_ROW,
        "minimum_correct_for_prize": "8",
    }
    page = confirm(client, round_id, data)
    everyone = round_service.FOR_ALL
    civil_servants = f"Số giải riêng của nhóm «{GROUP_LABELS['can_bo']}»"
    assert (
        f"{civil_servants}: theo số giải chung → Giải Nhất 1, "
        f"Giải Nhì 1, Giải Ba 2, Giải Khuyến khích 5 ({everyone})" in page
    )
    assert f"Số câu đúng tối thiểu để đạt giải: không đặt → 8 câu ({everyone})" in page
    assert "Số giải riêng của nhóm «Nhân dân" not in page
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        assert round_.minimum_correct_for_prize == 8
        assert round_.group_prize_counts["can_bo"]["kk"] == 5
        event = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "round.changed")
        ).scalar_one()
        assert event.details["after"]["minimum_correct_for_prize"] == 8
        assert event.details["after"]["group_prize_counts"] == {
            "can_bo": {"nhat": 1, "nhi": 1, "ba": 2, "kk": 5}
        }

    # Back to the round's counts: the blank row is listed too.
    blank = {name: "" for name in GROUP_ROW}
    page = confirm(client, round_id, {**data, **blank})
    assert f"{civil_servants}: Giải Nhất 1" in page
    assert "→ theo số giải chung" in page
    with app.app_context():
        assert db.session.get(Round, round_id).group_prize_counts == {}


def test_reordering_the_chain_moves_the_counted_attempt(app):
    client, contest_id = organizer(app)
    round_id, first, second = live_round(
        app, client, contest_id, counted_attempt="best", ranking_chain=["correct", "duration"]
    )
    with app.app_context():
        entry = db.session.execute(select(RoundEntry)).scalar_one()
        assert (entry.attempt_id, entry.correct_count, entry.counted_reason) == (
            first,
            18,
            "correct",
        )
        group = entry.participant_group
    data = {**FORM, "csrf_token": csrf_token(client), "chain_1": "duration", "chain_2": "correct"}
    page = confirm(client, round_id, data)
    assert "Thứ tự xếp hạng:" in page and "lượt được tính của mọi người được chọn lại" in page
    with app.app_context():
        entry = db.session.execute(select(RoundEntry)).scalar_one()
        assert (entry.attempt_id, entry.correct_count, entry.duration_ms) == (second, 17, 100_000)
        assert entry.counted_reason == "duration" and entry.attempts_count == 2
        assert entry.participant_group == group  # the entry itself is kept, not rebuilt

    # And back: the first attempt counts again.
    confirm(client, round_id, {**data, "chain_1": "correct", "chain_2": "duration"})
    with app.app_context():
        entry = db.session.execute(select(RoundEntry)).scalar_one()
        assert (entry.attempt_id, entry.counted_reason) == (first, "correct")

"""The round form: a question set of its own per participant group, checked against the bank
like the quotas, listed on the live-change confirmation, named on the rules page."""

import re
from datetime import datetime

from sqlalchemy import select

from contest.domain import rules_outline
from contest.extensions import db
from contest.models import Contest, Question, Round
from tests.factories import csrf_token, make_entry, make_round, make_user
from tests.setup.test_round_quotas_and_dates import no_round_saved, organizer, post_new
from tests.setup.test_round_settings import FORM


def text_of(response) -> str:
    return re.sub(r"<[^>]+>", "", response.get_data(as_text=True))


def saved_round(app) -> Round:
    with app.app_context():
        round_ = db.session.execute(select(Round)).scalar_one()
        db.session.expunge(round_)
        return round_


def test_the_sets_round_trip_through_the_form(app):
    client, contest_id = organizer(app)
    response = post_new(
        client,
        contest_id,
        set_nhan_dan_topic=["1"],
        set_nhan_dan_difficulty_1="y",
        set_nhan_dan_difficulty_2="y",
        set_nhan_dan_sources="  Luật   Đất đai \n\nNghị định 61",
        set_nhan_dan_question_ids="2, 4 6;4",
        # No question has a source: the set is the three hand-picked ones.
        question_count="3",
        minimum_correct_for_prize="0",
    )
    assert response.status_code == 302, text_of(response)
    round_ = saved_round(app)
    assert round_.question_sets == {
        "nhan_dan": {
            "topics": [1],
            "difficulties": [1, 2],
            "sources": ["Luật Đất đai", "Nghị định 61"],
            "question_ids": [2, 4, 6],
        }
    }
    assert round_.question_set_for("can_bo") is None
    html = client.get(f"/to-chuc/vong/{round_.id}/sua").get_data(as_text=True)
    assert "Bộ câu hỏi riêng cho Nhân dân" in html
    assert 'name="set_nhan_dan_topic" value="1"\n          checked' in html
    assert 'name="set_can_bo_topic" value="1"\n          >' in html
    assert 'value="2, 4, 6"' in html and "Luật Đất đai\nNghị định 61</textarea>" in html
    assert re.search(r'<input checked id="set_nhan_dan_difficulty_2"', html)
    assert re.search(r'<input id="set_nhan_dan_difficulty_3"', html)


def test_blank_sets_are_the_whole_bank(app):
    client, contest_id = organizer(app)
    assert post_new(client, contest_id, set_can_bo_sources="\n  \n").status_code == 302
    assert saved_round(app).question_sets == {}


def test_a_set_too_small_for_the_round_is_refused_naming_the_group(app):
    client, contest_id = organizer(app)
    # "Một cửa" has 10 questions: enough for the whole bank's 15, not for the citizens' set.
    response = post_new(client, contest_id, question_count="15", set_nhan_dan_topic=["1"])
    assert response.status_code == 200
    assert (
        "Bộ câu hỏi riêng cho nhóm «Nhân dân (học sinh, sinh viên, người lao động doanh "
        "nghiệp, …)» chỉ có 10 câu hỏi đang dùng, mỗi lượt thi cần 15 (thiếu 5)."
    ) in text_of(response)
    assert no_round_saved(app)


def test_a_set_that_cannot_fill_the_quotas_is_refused(app):
    client, contest_id = organizer(app)
    response = post_new(
        client, contest_id, question_count="10", quota_2="3", set_can_bo_topic=["1"]
    )
    assert response.status_code == 200
    assert "Bộ câu hỏi riêng cho nhóm «Cán bộ" in text_of(response)
    assert "chủ đề «Điện tử» đang dùng, vòng thi cần 3 (thiếu 3)" in text_of(response)
    assert no_round_saved(app)


def test_unknown_hand_picked_ids_are_named(app):
    client, contest_id = organizer(app)
    response = post_new(client, contest_id, set_can_bo_question_ids="3 99999, 123456")
    assert response.status_code == 200
    assert "không có câu hỏi mang mã 99999, 123456 trong ngân hàng" in text_of(response)
    assert no_round_saved(app)


def test_hand_picked_ids_that_are_not_ids_are_refused(app):
    client, contest_id = organizer(app)
    for typed in ("abc", "0", "2147483648", "1.5", "-3", "１２"):
        response = post_new(client, contest_id, set_can_bo_question_ids=typed)
        assert response.status_code == 200
        assert "Nhập mã câu hỏi là các số nguyên từ 1 đến 2147483647" in text_of(response)
    assert no_round_saved(app)


def test_a_hand_picked_set_with_too_few_active_questions_is_refused(app):
    client, contest_id = organizer(app)
    with app.app_context():
        db.session.get(Question, 3).active = False
        db.session.commit()
    response = post_new(client, contest_id, question_count="3", set_nhan_dan_question_ids="1, 2, 3")
    assert "chỉ có 2 câu hỏi đang dùng, mỗi lượt thi cần 3 (thiếu 1)" in text_of(response)
    assert (
        post_new(
            client, contest_id, question_count="2", set_nhan_dan_question_ids="1, 2, 3"
        ).status_code
        == 302
    )


def test_a_changed_set_applies_to_new_attempts_only(app):
    client, contest_id = organizer(app)
    with app.app_context():
        round_ = make_round(db.session.get(Contest, contest_id))
        make_entry(round_, make_user(phone="0912000001"), 8)
        round_id = round_.id
    data = {**FORM, "csrf_token": csrf_token(client), "set_nhan_dan_topic": ["1"]}
    data["set_nhan_dan_question_ids"] = "2, 4"
    page = client.post(f"/to-chuc/vong/{round_id}/sua", data=data)
    text = text_of(page)
    assert (
        "Bộ câu hỏi riêng cho nhóm «Nhân dân (học sinh, sinh viên, người lao động doanh "
        "nghiệp, …)»: toàn bộ ngân hàng → chủ đề Một cửa; 2 câu chọn sẵn "
        "(áp dụng cho lượt thi mới)"
    ) in text
    marker = re.search(r'name="confirmed" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    saved = client.post(f"/to-chuc/vong/{round_id}/sua", data={**data, "confirmed": marker})
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.get(Round, round_id).question_set_for("nhan_dan") == {
            "topics": [1],
            "difficulties": [],
            "sources": [],
            "question_ids": [2, 4],
        }


def test_the_rules_say_which_group_has_its_own_set():
    def round_(number, sets):
        return rules_outline.RoundRules(
            number=number,
            title=f"Tuần {number}",
            opens_at=datetime(2026, 12, number),
            closes_at=datetime(2026, 12, number + 6),
            question_count=20,
            time_limit_seconds=1200,
            attempts_allowed=1,
            own_question_sets=sets,
        )

    def lines(rounds):
        sections = rules_outline.outline(rules_outline.ContestRules(rounds=rounds))
        found = []
        for section in sections:
            for line in section.lines:
                found += [line.text, *line.items]
        return found

    same = lines((round_(1, ("Nhân dân",)), round_(8, ("Nhân dân",))))
    assert (
        "Câu hỏi của đối tượng «Nhân dân» được rút từ bộ câu hỏi riêng của đối tượng đó "
        "do Ban Tổ chức chọn trong ngân hàng câu hỏi."
    ) in same
    differing = lines((round_(1, ("Nhân dân",)), round_(8, ())))
    assert "Bộ câu hỏi riêng theo đối tượng dự thi:" in differing
    assert "Tuần 8: mọi đối tượng chung ngân hàng" in differing
    assert not any("bộ câu hỏi riêng" in line for line in lines((round_(1, ()),)))


def test_the_rules_page_names_the_group_with_its_own_set(app, client):
    from tests.main.test_rules_page import demo_rounds, load_demo, rules_html

    load_demo(app)
    assert "bộ câu hỏi riêng" not in rules_html(client)
    with app.app_context():
        for round_ in demo_rounds():
            round_.question_sets = {"can_bo": {"topics": [1]}, "nhan_dan": {"topics": []}}
        db.session.commit()
    html = rules_html(client)
    assert "Câu hỏi của đối tượng «Cán bộ, công chức" in html
    assert "bộ câu hỏi riêng của đối tượng đó" in html and "«Nhân dân" not in html

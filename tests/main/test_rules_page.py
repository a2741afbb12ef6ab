"""The rules page is generated from the settings: it changes when they change, and the
organizers' Markdown around it is rendered harmless."""

import re
from datetime import datetime, timedelta

from contest.domain import rules_outline
from contest.domain.prizes import ONE_PRIZE_PER_PERSON_RULE
from contest.domain.rules_outline import ContestRules, RoundRules, outline
from contest.extensions import db
from contest.models import Contest, Round, Topic
from contest.web.markdown import render_markdown

DEMO_RULES = "/cuoc-thi/kiem-soat-tthc/the-le"


def load_demo(app):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output


def rules_html(client, path=DEMO_RULES) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True).split("<main")[1].split("</main>")[0]


def demo_rounds():
    return db.session.query(Round).order_by(Round.number).all()


def test_demo_rules_say_what_the_settings_say(app, client):
    load_demo(app)
    html = rules_html(client)
    assert "Cuộc thi gồm 04 tuần thi" in html
    assert "Mỗi lượt thi gồm 20 câu hỏi." in html
    assert "Thời gian làm bài mỗi lượt thi: 20 phút" in html
    assert "tối đa 03 lượt thi trong mỗi tuần thi" in html
    assert "câu hỏi dự đoán số người dự thi của tuần thi" in html
    assert "01 Giải Nhất, 02 Giải Nhì, 03 Giải Ba, 10 Giải Khuyến khích" in html
    # The free sections, in Markdown, around the generated parts.
    assert "<strong>Nhóm 1:</strong>" in html and "Mọi khiếu nại gửi Ban Tổ chức" in html
    with app.app_context():
        first = demo_rounds()[0]
        from contest.domain.clock import to_vietnam

        opens = to_vietnam(first.opens_at).strftime("%d/%m/%Y %H:%M")
    assert f"Tuần thi thứ 1: từ {opens} đến" in html


def test_rules_follow_a_fifth_round_and_changed_settings(app, client):
    load_demo(app)
    with app.app_context():
        rounds = demo_rounds()
        last = rounds[-1]
        db.session.add(
            Round(
                contest_id=last.contest_id,
                number=5,
                title="Tuần thi thứ 5",
                opens_at=last.closes_at,
                closes_at=last.closes_at + timedelta(days=7),
                question_count=20,
                time_limit_seconds=25 * 60,
                attempts_allowed=3,
                prediction_enabled=True,
                prediction_prompt=last.prediction_prompt,
            )
        )
        db.session.commit()
    html = rules_html(client)
    assert "04 tuần" not in html and "Cuộc thi gồm 05 tuần thi" in html
    # Five rounds of which one lasts 25 minutes: said per round, never "20 phút" for all.
    assert "Thời gian làm bài mỗi lượt thi: 20 phút" not in html
    assert "Tuần thi thứ 5: 25 phút" in html and "Tuần thi thứ 1: 20 phút" in html

    with app.app_context():
        for round_ in demo_rounds():
            round_.question_count = 30
            round_.time_limit_seconds = 15 * 60
            round_.attempts_allowed = None
            round_.counted_attempt = "last"
            round_.one_attempt_per_day = True
            round_.minimum_wait_minutes = 90
        demo_rounds()[1].question_count = 25
        db.session.commit()
    html = rules_html(client)
    assert "Mỗi lượt thi gồm 20 câu hỏi" not in html and "Số câu hỏi mỗi lượt thi:" in html
    assert "Tuần thi thứ 2: 25 câu hỏi" in html and "Tuần thi thứ 3: 30 câu hỏi" in html
    assert "Thời gian làm bài mỗi lượt thi: 15 phút" in html
    assert "không giới hạn số lượt thi trong mỗi tuần thi; lượt thi cuối cùng được tính" in html
    assert "Mỗi ngày chỉ được thi 01 lượt" in html
    assert "cách nhau ít nhất 1 phút 30 giây" not in html and "ít nhất 90 phút" in html


def test_rules_name_quotas_chain_prizes_and_groups(app, client):
    load_demo(app)
    with app.app_context():
        topic = db.session.query(Topic).order_by(Topic.id).first()
        contest = db.session.query(Contest).one()
        contest.eligible_groups = ["can_bo"]
        contest.several_prizes_per_person = True
        contest.collective_measure = "average_score"
        for round_ in demo_rounds():
            round_.topic_quotas = {str(topic.id): 5}
            round_.difficulty_quotas = {"3": 4}
            round_.ranking_chain = ["correct", "duration"]
            round_.prize_counts = {"nhat": 1, "nhi": 0, "ba": 2, "kk": 0}
            round_.prediction_enabled = False
        db.session.commit()
        topic_name = topic.name
    html = rules_html(client)
    assert f"Số câu theo chủ đề: {topic_name} 05 câu." in html
    assert "Số câu theo mức độ: Khó 04 câu." in html
    assert "2. nếu bằng nhau thì thời gian làm bài ngắn hơn xếp trên" in html
    assert "dự đoán gần đúng nhất" not in html and "câu hỏi dự đoán" not in html
    assert "Giải cá nhân mỗi tuần thi: 01 Giải Nhất, 02 Giải Ba." in html
    assert "Giải Nhì" not in html.split("Giải thưởng")[1].split("</section>")[0]
    assert "Một người có thể đạt giải ở nhiều tuần thi." in html
    assert "điểm trung bình" in html
    assert "Cán bộ, công chức, viên chức" in html


def test_empty_free_sections_are_left_out_and_markdown_is_harmless(app, client):
    load_demo(app)
    with app.app_context():
        contest = db.session.query(Contest).one()
        contest.rules_intro = (
            "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)> "
            "[y](data:text/html,<b>z</b>) [đúng](https://example.vn/the-le)"
        )
        contest.rules_participants = ""
        contest.rules_prizes = "   "
        contest.rules_complaints = ""
        db.session.commit()
    html = rules_html(client)
    assert "<script" not in html and "<img" not in html
    assert re.search(r"<[^>]*onerror", html) is None and "&lt;script&gt;" in html
    assert 'href="javascript:' not in html and 'href="data:' not in html
    assert 'href="https://example.vn/the-le"' in html
    assert "Công bố kết quả và khiếu nại" not in html
    assert '<div class="markdown"></div>' not in html and html.count('class="markdown"') == 1


def test_markdown_renders_only_what_is_harmless():
    for dangerous in (
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "<img src=x onerror=alert(1)>",
        "![x](https://example.vn/a.png)",
        "[x](data:text/html,<script>alert(1)</script>)",
        "<javascript:alert(1)>",
        "[x]: javascript:alert(1)\n\n[x]",
        '<a href="https://example.vn" onclick="alert(1)">x</a>',
    ):
        html = str(render_markdown(dangerous))
        assert "<script" not in html and "<img" not in html and '<a href="java' not in html
        assert 'href="data:' not in html and 'href="javascript:' not in html.lower()
        assert re.search(r"<[^>]*(onclick|onerror)", html) is None
    assert str(render_markdown("www.example.vn")) == "<p>www.example.vn</p>\n"  # no linkify
    link = str(render_markdown("[thư](mailto:btc@example.vn) **đậm**"))
    assert 'href="mailto:btc@example.vn"' in link and "<strong>đậm</strong>" in link
    assert str(render_markdown("")) == "" and str(render_markdown(None)) == ""


def plain_round(number, **changes) -> RoundRules:
    settings = {
        "number": number,
        "title": f"Đợt thi thứ {number}",
        "opens_at": datetime(2026, 12, 7, 1, 0) + timedelta(days=7 * (number - 1)),
        "closes_at": datetime(2026, 12, 14, 1, 0) + timedelta(days=7 * (number - 1)),
        "question_count": 20,
        "time_limit_seconds": 1200,
        "attempts_allowed": 1,
        "ranking_chain": ("correct", "duration", "submitted"),
        "prize_counts": (("nhat", 1), ("nhi", 2), ("ba", 3), ("kk", 10)),
    }
    settings.update(changes)
    return RoundRules(**settings)


def lines_of(sections, key):
    section = next(s for s in sections if s.key == key)
    return [line.text for line in section.lines] + [i for line in section.lines for i in line.items]


def test_the_outline_says_once_what_rounds_share_and_per_round_what_differs():
    sections = outline(ContestRules(rounds=(plain_round(2), plain_round(1))))
    schedule = lines_of(sections, "schedule")
    assert "Cuộc thi gồm 02 đợt thi:" in schedule
    assert schedule.index("Đợt thi thứ 1: từ 07/12/2026 08:00 đến 14/12/2026 08:00") < (
        schedule.index("Đợt thi thứ 2: từ 14/12/2026 08:00 đến 21/12/2026 08:00")
    )
    form = lines_of(sections, "format")
    assert "Mỗi lượt thi gồm 20 câu hỏi." in form
    assert "Mỗi người được thi 01 lượt thi trong mỗi đợt thi." in form
    assert not any("dự đoán" in line for line in form)
    assert "Mọi người đều có thể đăng ký tài khoản và tham gia dự thi." in lines_of(
        sections, "participants"
    )

    sections = outline(
        ContestRules(
            rounds=(
                plain_round(1, time_limit_seconds=90, attempts_allowed=2, counted_attempt="first"),
                plain_round(2, prediction_enabled=True, prediction_target="perfect"),
            ),
            eligible_groups=("Nhân dân",),
        )
    )
    form = lines_of(sections, "format")
    assert "Đợt thi thứ 1: 1 phút 30 giây" in form and "Đợt thi thứ 2: 20 phút" in form
    assert (
        "Đợt thi thứ 1: tối đa 02 lượt thi trong mỗi đợt thi; chỉ lượt thi đầu tiên được tính"
        in (form)
    )
    assert "Đợt thi thứ 1: không có câu hỏi dự đoán" in form
    assert any("số người trả lời đúng tất cả các câu hỏi" in line for line in form)
    prizes = lines_of(sections, "prizes")
    assert prizes[0] == (
        "Giải cá nhân mỗi đợt thi: 01 Giải Nhất, 02 Giải Nhì, 03 Giải Ba, 10 Giải Khuyến khích."
    )
    assert ONE_PRIZE_PER_PERSON_RULE in prizes


def test_the_outline_prints_each_groups_own_prizes_and_a_minimum():
    group_prizes = (
        ("Cán bộ", (("nhat", 1), ("nhi", 1), ("ba", 0), ("kk", 0))),
        ("Nhân dân", (("nhat", 2), ("nhi", 0), ("ba", 0), ("kk", 5))),
    )
    sections = outline(
        ContestRules(
            rounds=(
                plain_round(1, group_prizes=group_prizes, minimum_correct_for_prize=10),
                plain_round(2, group_prizes=group_prizes, minimum_correct_for_prize=10),
            )
        )
    )
    prizes = lines_of(sections, "prizes")
    assert "Giải cá nhân mỗi đợt thi:" in prizes
    assert "Cán bộ: 01 Giải Nhất, 01 Giải Nhì" in prizes
    assert "Nhân dân: 02 Giải Nhất, 05 Giải Khuyến khích" in prizes
    assert "Chỉ xét giải cho bài thi có từ 10 câu trả lời đúng trở lên." in prizes


def test_the_prediction_step_is_printed_only_where_there_is_a_prediction_question():
    chain = ("correct", "prediction", "duration", "submitted")
    sections = outline(
        ContestRules(
            rounds=(
                plain_round(1, ranking_chain=chain),
                plain_round(2, ranking_chain=chain, prediction_enabled=True),
            )
        )
    )
    section = next(s for s in sections if s.key == "ranking")
    items = {line.text: line.items for line in section.lines}
    first, second = items["Đợt thi thứ 1:"], items["Đợt thi thứ 2:"]
    assert not any("dự đoán" in line for line in first)
    assert "2. nếu bằng nhau thì thời gian làm bài ngắn hơn xếp trên" in first
    assert any("dự đoán gần đúng nhất" in line for line in second)


def test_the_outline_never_fails_on_odd_settings():
    sections = outline(ContestRules(rounds=()))
    assert "Lịch thi sẽ được Ban Tổ chức thông báo sau." in lines_of(sections, "schedule")
    odd = plain_round(1, ranking_chain=("correct", "unknown", "correct"), counted_attempt="?")
    assert lines_of(outline(ContestRules(rounds=(odd,))), "ranking")[1] == (
        "1. nhiều câu trả lời đúng hơn xếp trên"
    )
    assert rules_outline.count(4) == "04" and rules_outline.count(120) == "120"
    assert rules_outline.round_noun(["Vòng 1", "Tuần thi thứ 2"]) == "vòng thi"


def test_the_outline_prints_the_one_prize_rule_word_for_word_or_not_at_all():
    one_round = (plain_round(1),)
    prizes = lines_of(outline(ContestRules(rounds=one_round)), "prizes")
    assert ONE_PRIZE_PER_PERSON_RULE in prizes  # the contest's rule, whatever its rounds
    several = ContestRules(rounds=(plain_round(1), plain_round(2)), several_prizes_per_person=True)
    prizes = lines_of(outline(several), "prizes")
    assert ONE_PRIZE_PER_PERSON_RULE not in prizes
    assert "Một người có thể đạt giải ở nhiều đợt thi." in prizes
    one = ContestRules(rounds=one_round, several_prizes_per_person=True)
    assert lines_of(outline(one), "prizes") == [
        "Giải cá nhân mỗi đợt thi cho mỗi đối tượng dự thi: 01 Giải Nhất, 02 Giải Nhì, "
        "03 Giải Ba, 10 Giải Khuyến khích."
    ]


def test_rules_page_prints_each_groups_prizes_the_minimum_the_waits_and_the_one_prize_rule(
    app, client
):
    load_demo(app)
    with app.app_context():
        contest = db.session.query(Contest).one()
        contest.several_prizes_per_person = False
        for round_ in demo_rounds():
            round_.prize_counts = {"nhat": 1, "nhi": 2, "ba": 3, "kk": 10}
            round_.group_prize_counts = {"can_bo": {"nhat": 1, "nhi": 1, "ba": 2, "kk": 5}}
            round_.minimum_correct_for_prize = 12
            round_.one_attempt_per_day = True
            round_.minimum_wait_minutes = 45
        db.session.commit()
    html = rules_html(client)
    prizes = html.split('id="prizes"')[1].split("</section>")[0]
    assert "Giải cá nhân mỗi tuần thi:" in prizes
    assert (
        "Cán bộ, công chức, viên chức, người lao động, lực lượng vũ trang: 01 Giải Nhất, "
        "01 Giải Nhì, 02 Giải Ba, 05 Giải Khuyến khích" in prizes
    )
    # The group without its own counts has the round's.
    assert "01 Giải Nhất, 02 Giải Nhì, 03 Giải Ba, 10 Giải Khuyến khích" in prizes
    assert "Chỉ xét giải cho bài thi có từ 12 câu trả lời đúng trở lên." in prizes
    assert ONE_PRIZE_PER_PERSON_RULE in prizes
    assert "Mỗi ngày chỉ được thi 01 lượt (ngày tính theo giờ Việt Nam)." in html
    assert "Hai lượt thi liên tiếp của một người cách nhau ít nhất 45 phút." in html

    with app.app_context():
        contest = db.session.query(Contest).one()
        contest.several_prizes_per_person = True
        demo_rounds()[0].minimum_correct_for_prize = 0
        demo_rounds()[1].group_prize_counts = {}
        db.session.commit()
    html = rules_html(client)
    prizes = html.split('id="prizes"')[1].split("</section>")[0]
    assert ONE_PRIZE_PER_PERSON_RULE not in prizes
    assert "Số câu trả lời đúng tối thiểu để được xét giải:" in prizes
    assert "Tuần thi thứ 1: không quy định" in prizes and "Tuần thi thứ 2: 12 câu" in prizes
    # Rounds now differ: each says its own prizes.
    assert "Tuần thi thứ 2: 01 Giải Nhất, 02 Giải Nhì, 03 Giải Ba, 10 Giải Khuyến khích" in prizes

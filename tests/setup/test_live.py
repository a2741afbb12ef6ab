"""The organizers' live page per contest: figures counted by hand, the Vietnam midnight, the
48-hour window's edges, the agencies below the participation target, and the pages."""

import re
from datetime import datetime, timedelta

from sqlalchemy import event

from contest.extensions import db
from contest.models import Attempt, Contest, Round, User
from contest.results.entries import record_entry
from contest.setup import live
from contest.setup.live import Counts
from tests.factories import (
    login,
    make_agency,
    make_contest,
    make_entry,
    make_round,
    make_user,
)

# 00:30 on 11/03/2026 in Vietnam: the Vietnam day began half an hour ago, at 17:00 UTC.
NOW = datetime(2026, 3, 10, 17, 30)
VN_MIDNIGHT = datetime(2026, 3, 10, 17, 0)


def attempt(round_, user, number=1, submitted=None, deadline=None):
    """A finished attempt (when `submitted`) folded into its entry, or an open one."""
    started = (submitted or deadline) - timedelta(minutes=5)
    row = Attempt(
        round_id=round_.id,
        user_id=user.id,
        number=number,
        started_at=started,
        deadline=deadline or submitted + timedelta(minutes=10),
        submitted_at=submitted,
        status="submitted" if submitted else "open",
        question_count=10,
        correct_count=5 if submitted else None,
        duration_ms=300_000 if submitted else None,
    )
    db.session.add(row)
    db.session.flush()
    if submitted:
        record_entry(row)
    db.session.commit()
    return row


def two_rounds(target=None):
    contest = make_contest()
    contest.participation_target = target
    first = make_round(
        contest,
        number=1,
        title="Tuần thi thứ nhất",
        opens_at=datetime(2026, 3, 2, 1, 0),
        closes_at=datetime(2026, 3, 16, 1, 0),
    )
    second = make_round(
        contest,
        number=2,
        title="Tuần thi thứ hai",
        opens_at=datetime(2026, 3, 9, 1, 0),
        closes_at=datetime(2026, 3, 16, 1, 0),
    )
    return contest, first, second


def people(count, **fields):
    return [make_user(phone=f"09130000{n:02d}", **fields) for n in range(count)]


# --- counts -------------------------------------------------------------------------------


def test_counts_today_and_per_round_by_hand(app):
    with app.app_context():
        contest, first, second = two_rounds()
        u1, u2, u3, u4, u5, u6 = people(6)
        # Round 1: u1 just after Vietnam midnight and one second before it, u2 a minute ago.
        attempt(first, u1, 1, submitted=VN_MIDNIGHT - timedelta(seconds=1))
        attempt(first, u1, 2, submitted=VN_MIDNIGHT)
        attempt(first, u2, 1, submitted=NOW - timedelta(minutes=1))
        # In progress: only u4 (u5's deadline is now, u6's passed a second ago).
        attempt(first, u4, deadline=NOW + timedelta(minutes=5))
        attempt(first, u5, deadline=NOW)
        attempt(second, u6, deadline=NOW - timedelta(seconds=1))
        # Round 2: u3 yesterday (Vietnam time), u2 today.
        attempt(second, u3, 1, submitted=VN_MIDNIGHT - timedelta(hours=1))
        attempt(second, u2, 1, submitted=VN_MIDNIGHT + timedelta(minutes=10))
        # Another contest's attempts count nowhere here.
        other = make_round(make_contest(), opens_at=first.opens_at, closes_at=first.closes_at)
        attempt(other, u6, 1, submitted=NOW - timedelta(minutes=2))
        attempt(other, u5, deadline=NOW + timedelta(minutes=3))

        per_round = live.round_counts(contest.id, NOW)
        assert per_round[first.id] == Counts(
            in_progress=1, entries_today=2, participants_today=2, entries=3, participants=2
        )
        assert per_round[second.id] == Counts(
            in_progress=0, entries_today=1, participants_today=1, entries=2, participants=2
        )
        # u2 took part in both rounds today: one participant, not two.
        assert live.contest_counts(contest.id, NOW) == Counts(
            in_progress=1, entries_today=3, participants_today=2, entries=5, participants=3
        )
        figures = live.live_figures(contest, NOW)
        assert figures.day.isoformat() == "2026-03-11"
        assert [line.round.id for line in figures.rounds] == [first.id, second.id]


def test_the_vietnam_day_turns_at_17_utc(app):
    with app.app_context():
        contest, first, _second = two_rounds()
        before, after = people(2)
        attempt(first, before, submitted=VN_MIDNIGHT - timedelta(seconds=1))  # 23:59:59 on 10/03
        attempt(first, after, submitted=VN_MIDNIGHT)  # 00:00:00 on 11/03
        at_midnight = live.contest_counts(contest.id, VN_MIDNIGHT)
        assert (at_midnight.entries_today, at_midnight.participants_today) == (1, 1)
        last_second = live.contest_counts(contest.id, VN_MIDNIGHT - timedelta(seconds=1))
        # On 10/03 the 00:00 entry has not happened yet: only the 23:59:59 one is today's.
        assert (last_second.entries_today, last_second.participants_today) == (1, 1)
        day, start, end = live.vietnam_day(VN_MIDNIGHT - timedelta(seconds=1))
        assert (day.isoformat(), start, end) == (
            "2026-03-10",
            datetime(2026, 3, 9, 17, 0),
            VN_MIDNIGHT,
        )
        # Seven hours later it is still 11/03 in Vietnam: both are counted in all, one today.
        later = live.contest_counts(contest.id, VN_MIDNIGHT + timedelta(hours=7))
        assert (later.entries_today, later.entries, later.participants) == (1, 2, 2)


def test_entries_per_hour_over_the_last_48_hours_and_its_edges(app):
    with app.app_context():
        contest, first, second = two_rounds()
        users = people(7)
        start = datetime(2026, 3, 8, 18, 0)  # 48 whole hours before 18:00, the current hour's end
        attempt(first, users[0], submitted=start - timedelta(microseconds=1))  # just outside
        attempt(first, users[1], submitted=start)  # first hour
        attempt(first, users[2], submitted=start + timedelta(minutes=59, seconds=59))  # first
        attempt(second, users[3], submitted=datetime(2026, 3, 10, 16, 59, 59))  # hour 46
        attempt(first, users[4], submitted=datetime(2026, 3, 10, 17, 0))  # hour 47, the current
        attempt(second, users[5], submitted=NOW)  # hour 47
        attempt(first, users[6], deadline=NOW + timedelta(minutes=5))  # open: never a bar
        hours = live.entries_per_hour(contest.id, NOW)
        assert len(hours) == 48
        assert hours[0].start == start and hours[-1].start == datetime(2026, 3, 10, 17, 0)
        counts = [bar.entries for bar in hours]
        assert counts[0] == 2 and counts[46] == 1 and counts[47] == 2
        assert sum(counts) == 5
        assert live.hour_window(datetime(2026, 3, 10, 17, 0)) == (
            datetime(2026, 3, 8, 18, 0),
            datetime(2026, 3, 10, 18, 0),
        )


# --- the participation target -------------------------------------------------------------


def agencies_with_entries(round_):
    """Hand-made figures, target 50%: who is below and by how much."""
    sizes = {"A": 10, "B": 10, "C": 3, "D": None, "E": 4, "G": 20}
    agencies = {
        code: make_agency(code, f"Cơ quan {code}", headcount=size) for code, size in sizes.items()
    }
    agencies["F"] = make_agency("F", "Xã F", parent=agencies["E"], headcount=6)
    joined = {"A": 5, "B": 4, "C": 1, "D": 2, "F": 3}
    number = 0
    for code, count in joined.items():
        for _ in range(count):
            user = make_user(phone=f"0914{number:06d}", agency_id=agencies[code].id)
            make_entry(round_, user, 5)
            number += 1
    return agencies


def test_agencies_below_the_target_lowest_first_and_none_exactly_at_it(app):
    with app.app_context():
        contest, first, second = two_rounds(target=50)
        agencies = agencies_with_entries(second)
        # Entries of the first round are not the watched round's: they change nothing.
        make_entry(first, make_user(phone="0915000001", agency_id=agencies["G"].id), 5)
        report = live.target_report(contest, NOW)
        assert report.round.id == second.id  # both run; the second opened last
        lines = [
            (s.name, s.participants, s.headcount, s.missing(50), round(s.percent, 1))
            for s in report.shortfalls
        ]
        # A (5/10) and F (3/6) are exactly at 50%: not below. D has no headcount. E counts F.
        assert lines == [
            ("Cơ quan G", 0, 20, 10, 0.0),
            ("Cơ quan E", 3, 10, 2, 30.0),
            ("Cơ quan C", 1, 3, 1, 33.3),
            ("Cơ quan B", 4, 10, 1, 40.0),
        ]
        assert (report.below, report.measured) == (4, 6)
        short = live.target_report(contest, NOW, limit=2)
        assert [s.name for s in short.shortfalls] == ["Cơ quan G", "Cơ quan E"]
        assert short.below == 4


def test_the_watched_round_and_a_contest_without_target(app):
    with app.app_context():
        contest, first, second = two_rounds()
        assert live.target_report(contest, NOW).target is None
        assert live.target_report(contest, NOW).shortfalls == []
        assert live.watched_round(contest, datetime(2026, 3, 1)) is None
        assert live.watched_round(contest, datetime(2026, 3, 5)).id == first.id
        assert live.watched_round(contest, datetime(2026, 3, 10)).id == second.id
        # After both closed, the last one to open.
        assert live.watched_round(contest, datetime(2026, 4, 1)).id == second.id


# --- pages --------------------------------------------------------------------------------


def organizer_client(app):
    with app.app_context():
        make_user(phone="0900000009", role="organizer")
    client = app.test_client()
    login(client, "0900000009")
    return client


def test_the_dashboard_lists_contests_or_goes_to_the_only_one(app):
    client = organizer_client(app)
    page = client.get("/to-chuc/")
    assert page.status_code == 200 and "Chưa có cuộc thi nào." in page.get_data(as_text=True)
    with app.app_context():
        first_id = make_contest().id
    response = client.get("/to-chuc/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/to-chuc/cuoc-thi/{first_id}/theo-doi")
    with app.app_context():
        second = make_contest(status="draft")
        second.title = "Cuộc thi tìm hiểu chuyển đổi số"
        db.session.commit()
        second_id = second.id
    html = client.get("/to-chuc/").get_data(as_text=True)
    assert "Cuộc thi tìm hiểu chuyển đổi số" in html and "Bản nháp" in html
    assert f"/to-chuc/cuoc-thi/{first_id}/theo-doi" in html
    assert f"/to-chuc/cuoc-thi/{second_id}/theo-doi" in html


def test_the_live_page_shows_the_figures_and_refreshes_without_inline_script(app):
    client = organizer_client(app)
    app.config["CLOCK"] = lambda: NOW
    with app.app_context():
        contest, first, second = two_rounds(target=50)
        agencies_with_entries(second)
        u1, u2 = people(2)
        attempt(first, u1, submitted=NOW - timedelta(minutes=3))
        attempt(first, u2, deadline=NOW + timedelta(minutes=5))
        contest_id = contest.id
    response = client.get(f"/to-chuc/cuoc-thi/{contest_id}/theo-doi")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<main class="wide">' in html
    assert 'id="live-stats"' in html and f"/to-chuc/cuoc-thi/{contest_id}/theo-doi/so-lieu" in html
    assert re.search(r'<script src="[^"]*/static/live\.js\?v=\w+" defer></script>', html)
    assert "<script>" not in html and " style=" not in html
    assert "Làm mới" in html and "Cách xét giải" in html and "Thêm vòng thi" in html
    assert "00:30:00 11/03/2026" in html
    assert '<svg class="chart columns" role="img" aria-label="Lượt nộp bài theo giờ' in html
    assert "Tổng cộng 16 lượt nộp" in html  # 15 entries of the second round, 1 of the first
    assert "Cơ quan G" in html and "Cơ quan A" not in html.split('id="live-stats"')[1]
    assert "33,3%" in html
    fragment = client.get(f"/to-chuc/cuoc-thi/{contest_id}/theo-doi/so-lieu")
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200
    assert body.lstrip().startswith('<section id="live-stats"') and "<html" not in body
    with app.app_context():
        db.session.get(Contest, contest_id).participation_target = None
        db.session.commit()
    body = client.get(f"/to-chuc/cuoc-thi/{contest_id}/theo-doi/so-lieu").get_data(as_text=True)
    assert "Cuộc thi chưa đặt chỉ tiêu tỷ lệ tham gia" in body


def test_live_pages_of_an_unknown_contest_are_404_and_participants_get_403(app):
    client = organizer_client(app)
    for path in ("/to-chuc/cuoc-thi/999/theo-doi", "/to-chuc/cuoc-thi/999/theo-doi/so-lieu"):
        assert client.get(path).status_code == 404
    with app.app_context():
        contest_id = make_contest().id
        make_user(phone="0900000010")
    participant = app.test_client()
    login(participant, "0900000010")
    for path in (f"/to-chuc/cuoc-thi/{contest_id}/theo-doi", "/to-chuc/"):
        assert participant.get(path).status_code == 403
    html = participant.get("/tai-khoan/ho-so").get_data(as_text=True)
    assert "<main>" in html  # participants' pages: as before


def test_the_figures_cost_the_same_statements_whatever_the_number_of_attempts(app):
    client = organizer_client(app)
    app.config["CLOCK"] = lambda: NOW
    with app.app_context():
        contest, first, _second = two_rounds(target=40)
        contest_id, first_id = contest.id, first.id
        user_ids = [user.id for user in people(2)]
    path = f"/to-chuc/cuoc-thi/{contest_id}/theo-doi/so-lieu"

    def statements():
        seen = []
        with app.app_context():
            engine = db.engine

            def record(_conn, _cursor, statement, *_args):
                seen.append(statement)

            event.listen(engine, "before_cursor_execute", record)
            try:
                assert client.get(path).status_code == 200
            finally:
                event.remove(engine, "before_cursor_execute", record)
        return seen

    few = statements()
    with app.app_context():
        round_ = db.session.get(Round, first_id)
        users = [db.session.get(User, user_id) for user_id in user_ids]
        for number in range(1, 41):
            attempt(round_, users[number % 2], number, submitted=NOW - timedelta(minutes=number))
    many = statements()
    assert len(many) == len(few)
    assert not any(re.search(r"SELECT attempt\.id", s) for s in many)

"""Announcements: typed in Vietnam time, stored in UTC, shown inside their window, audited."""

from datetime import datetime

import pytest
from sqlalchemy import select

from contest.audit.service import Actor
from contest.extensions import db
from contest.models import Announcement, AuditEvent
from contest.setup.announcements import (
    add_announcement,
    announcement_state,
    announcements_of,
    current_announcements,
    delete_announcement,
    edit_announcement,
)
from contest.setup.contest_editing import ContestRefused
from tests.factories import make_contest, make_user


def setup_contest():
    contest = make_contest(status="open")
    user = make_user(phone="0900000009", role="organizer")
    return contest.id, Actor(user.id, "198.51.100.7")


def lines(action):
    return list(
        db.session.execute(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).scalars()
    )


def test_times_are_typed_in_vietnam_time_and_stored_in_utc(app):
    with app.app_context():
        contest_id, actor = setup_contest()
        notice = add_announcement(
            contest_id,
            "  Vòng 2 mở lúc 08:00 thứ Hai.  ",
            datetime(2026, 12, 7, 8, 0),
            datetime(2026, 12, 14, 0, 0),
            actor,
        )
        stored = db.session.get(Announcement, notice.id)
        assert stored.text == "Vòng 2 mở lúc 08:00 thứ Hai."
        assert stored.starts_at == datetime(2026, 12, 7, 1, 0)
        assert stored.ends_at == datetime(2026, 12, 13, 17, 0)
        assert stored.created_by_id == actor.user_id
        [line] = lines("announcement.created")
        assert line.details["contest_id"] == contest_id
        assert line.details["after"]["starts_at"] == "2026-12-07T01:00:00"
        assert (line.actor_id, line.address) == (actor.user_id, "198.51.100.7")


def test_current_announcements_are_those_inside_their_window(app):
    with app.app_context():
        contest_id, actor = setup_contest()
        other_id = make_contest().id
        # Vietnam times; stored 7 hours earlier.
        past = add_announcement(
            contest_id, "Đã hết", datetime(2026, 12, 1, 8), datetime(2026, 12, 2, 8), actor
        )
        open_ended = add_announcement(
            contest_id, "Không hẹn ngày hết", datetime(2026, 12, 3, 8), None, actor
        )
        window = add_announcement(
            contest_id, "Trong tuần", datetime(2026, 12, 5, 8), datetime(2026, 12, 12, 8), actor
        )
        add_announcement(contest_id, "Sắp tới", datetime(2026, 12, 20, 8), None, actor)
        add_announcement(other_id, "Cuộc thi khác", datetime(2026, 12, 1, 8), None, actor)

        now = datetime(2026, 12, 6, 0, 0)  # UTC
        shown = current_announcements(contest_id, now)
        assert [a.id for a in shown] == [window.id, open_ended.id]
        # The start is included, the end is not (both in UTC: 08:00 Vietnam is 01:00).
        assert window.id in {
            a.id for a in current_announcements(contest_id, datetime(2026, 12, 5, 1))
        }
        assert window.id not in {
            a.id for a in current_announcements(contest_id, datetime(2026, 12, 12, 1))
        }
        assert announcement_state(past, now) == "ended"
        assert announcement_state(window, now) == "current"
        assert announcement_state(announcements_of(contest_id)[0], now) == "upcoming"
        assert len(announcements_of(contest_id)) == 4


@pytest.mark.parametrize(
    "text, starts_at, ends_at, field, words",
    [
        ("   ", datetime(2026, 12, 1, 8), None, "text", "nhập nội dung"),
        ("x" * 1001, datetime(2026, 12, 1, 8), None, "text", "tối đa 1000"),
        ("Thông báo", None, None, "starts_at", "thời điểm bắt đầu"),
        (
            "Thông báo",
            datetime(2026, 12, 1, 8),
            datetime(2026, 12, 1, 8),
            "ends_at",
            "(01/12/2026 08:00) phải sau thời điểm bắt đầu (01/12/2026 08:00)",
        ),
        ("Thông báo", datetime(2026, 12, 2, 8), datetime(2026, 12, 1, 8), "ends_at", "phải sau"),
    ],
)
def test_bad_announcements_are_refused(app, text, starts_at, ends_at, field, words):
    with app.app_context():
        contest_id, actor = setup_contest()
        with pytest.raises(ContestRefused) as refused:
            add_announcement(contest_id, text, starts_at, ends_at, actor)
        assert refused.value.field == field and words in refused.value.message
        assert announcements_of(contest_id) == []
        assert lines("announcement.created") == []


def test_editing_records_what_changed_and_deleting_keeps_the_text_in_the_log(app):
    with app.app_context():
        contest_id, actor = setup_contest()
        notice = add_announcement(contest_id, "Bản cũ", datetime(2026, 12, 1, 8), None, actor)
        edit_announcement(
            notice.id, "Bản mới", datetime(2026, 12, 1, 8), datetime(2026, 12, 2, 8), actor
        )
        [line] = lines("announcement.changed")
        assert line.details["before"] == {"text": "Bản cũ", "ends_at": None}
        assert line.details["after"] == {"text": "Bản mới", "ends_at": "2026-12-02T01:00:00"}
        with pytest.raises(ContestRefused, match="phải sau"):
            edit_announcement(
                notice.id, "Bản lỗi", datetime(2026, 12, 3, 8), datetime(2026, 12, 2, 8), actor
            )
        assert db.session.get(Announcement, notice.id).text == "Bản mới"

        assert delete_announcement(notice.id, actor) == contest_id
        assert announcements_of(contest_id) == []
        [line] = lines("announcement.deleted")
        assert line.details["before"]["text"] == "Bản mới"
        with pytest.raises(ContestRefused, match="Không tìm thấy thông báo"):
            delete_announcement(notice.id, actor)

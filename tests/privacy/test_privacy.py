"""Personal data: the export, erasure (published rankings still verify), retention purge."""

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from contest.audit.service import COMMAND_LINE
from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import (
    Agency,
    AuditEvent,
    Contest,
    ProfileChange,
    RosterMember,
    Round,
    User,
)
from contest.privacy import service
from contest.results import service as results
from tests.factories import csrf_token, login, make_contest, make_entry, make_round, make_user

GRACE = timedelta(seconds=10)
NAME, PHONE, EMAIL, CCCD = "Nguyễn Văn Riêng", "0912000041", "rieng@example.vn", "001099000041"


def closed_round(prize_counts=None, contest=None):
    now = utcnow()
    return make_round(
        contest,
        opens_at=now - timedelta(days=8),
        closes_at=now - timedelta(days=1),
        prize_counts=prize_counts or {"nhat": 1, "nhi": 0, "ba": 0, "kk": 0},
    )


def person():
    user = make_user(
        phone=PHONE,
        email=EMAIL,
        national_id=CCCD,
        full_name=NAME,
        address="12 Lê Lợi, Vinh",
        gender="nam",
        date_of_birth=date(1990, 5, 1),
    )
    db.session.add(
        ProfileChange(user_id=user.id, field="full_name", old_value="Nguyễn Văn Cũ", new_value=NAME)
    )
    db.session.commit()
    return user


def test_export_has_every_field_and_answer(app):
    with app.app_context():
        user = person()
        round_ = closed_round()
        make_entry(round_, user, 15)
        data = service.export_person(user.id, COMMAND_LINE)
        book = load_workbook(io.BytesIO(data))
        assert book.sheetnames == ["Hồ sơ", "Bài thi", "Câu trả lời", "Lịch sử sửa hồ sơ"]
        profile = " ".join(str(c.value) for row in book["Hồ sơ"].iter_rows() for c in row)
        for value in (NAME, PHONE, EMAIL, CCCD, "12 Lê Lợi, Vinh", "01/05/1990", "Nam"):
            assert value in profile
        assert book["Bài thi"].max_row == 2
        assert "Nguyễn Văn Cũ" in str(
            [c.value for r in book["Lịch sử sửa hồ sơ"].iter_rows() for c in r]
        )
        action = db.session.execute(select(AuditEvent.action)).scalar_one()
        assert action == "personal_data_exported"


def test_erasure_keeps_published_sha256(app):
    with app.app_context():
        user = person()
        other = make_user(phone="0912000042")
        round_ = closed_round()
        make_entry(round_, user, 10)
        make_entry(round_, other, 20)
        round_.results_status = "reviewed"
        db.session.commit()
        publication = results.publish(round_, utcnow(), GRACE, None, None)
        service.erase_person(user.id, COMMAND_LINE, "Đơn yêu cầu", grace=GRACE)
        db.session.expire_all()
        erased = db.session.get(User, user.id)
        assert erased.full_name == f"Người tham gia #{user.id} (đã xoá)"
        assert erased.erased_at and erased.disabled_at and not erased.check_password("mat-khau-8")
        scanned = str([getattr(erased, c.name) for c in User.__table__.columns])
        changes = str(
            db.session.execute(select(ProfileChange.old_value, ProfileChange.new_value)).all()
        )
        audit = str(db.session.execute(select(AuditEvent.details)).scalars().all())
        for value in (NAME, "Nguyễn Văn Cũ", PHONE, EMAIL, CCCD, "Lê Lợi"):
            assert value not in scanned + changes + audit
        assert results.verify(publication)


def test_erasure_removes_the_persons_roster_lines_only(app):
    with app.app_context():
        user = person()
        agency = Agency(code="RS01", name="UBND xã Riêng")
        db.session.add(agency)
        db.session.flush()
        db.session.add_all(
            [
                RosterMember(agency_id=agency.id, full_name=NAME, phone=PHONE),
                RosterMember(agency_id=agency.id, full_name="Nguyễn Văn Riêng", email=EMAIL),
                # Same name, another person: stays.
                RosterMember(agency_id=agency.id, full_name=NAME, phone="0912000043"),
            ]
        )
        db.session.commit()
        service.erase_person(user.id, COMMAND_LINE, "Đơn yêu cầu", grace=GRACE)
        left = db.session.execute(select(RosterMember.phone, RosterMember.email)).all()
        assert left == [("0912000043", None)]
        details = db.session.execute(
            select(AuditEvent.details).where(AuditEvent.action == "personal_data_erased")
        ).scalar_one()
        assert details["roster_lines"] == 2


def test_erasure_refused_while_holding_unpublished_prize(app, client):
    with app.app_context():
        user = person()
        round_ = closed_round()
        make_entry(round_, user, 20)
        with pytest.raises(service.PrivacyRefused, match="Tuần thi thứ nhất"):
            service.erase_person(user.id, COMMAND_LINE, "Đơn", grace=GRACE)
        assert db.session.get(User, user.id).phone == PHONE
        user_id = user.id
        make_user(phone="0912000099", role="organizer")
    login(client, "0912000099")
    token = csrf_token(client, "/quyen-rieng-tu")
    r = client.post(
        f"/to-chuc/du-lieu-ca-nhan/{user_id}/xoa", data={"csrf_token": token, "reason": "Đơn"}
    )
    assert r.status_code == 422 and "Giải Nhất" in r.get_data(as_text=True)
    r = client.get(f"/to-chuc/du-lieu-ca-nhan/{user_id}/tai-ve")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    assert "no-store" in r.headers["Cache-Control"]
    assert client.get("/to-chuc/du-lieu-ca-nhan/" + "9" * 30 + "/tai-ve").status_code == 404
    assert client.get("/quyen-rieng-tu").status_code == 200


def test_purge_with_dry_run(app, runner):
    with app.app_context():
        old = make_contest(status="closed")
        old.ends_on, old.retention_days = date.today() - timedelta(days=40), 30
        newer = make_contest(status="open")
        db.session.commit()
        old_round = closed_round({"nhat": 0}, old)
        new_round = make_round(newer)
        gone = make_user(phone="0912000051")
        kept = make_user(phone="0912000052")
        make_entry(old_round, gone, 5)
        make_entry(old_round, kept, 5)
        make_entry(new_round, kept, 5)
        ids, old_id, old_round_id = (gone.id, kept.id), old.id, old_round.id
    result = runner.invoke(args=["people", "purge", "--dry-run"])
    assert "Sẽ xoá dữ liệu cá nhân của 1 người" in result.output, result.output
    with app.app_context():
        assert db.session.get(User, ids[0]).erased_at is None
    result = runner.invoke(args=["people", "purge"])
    assert "Đã xoá dữ liệu cá nhân của 1 người" in result.output
    with app.app_context():
        assert db.session.get(User, ids[0]).erased_at is not None
        assert db.session.get(User, ids[1]).erased_at is None
        assert db.session.get(Contest, old_id).personal_data_purged_at is not None
        assert db.session.get(Round, old_round_id) is not None

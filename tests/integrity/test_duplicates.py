"""The report of likely duplicate accounts, and the judges' pages that void and restore."""

import unicodedata
from datetime import date, timedelta

from sqlalchemy import select

from contest.domain.clock import utcnow
from contest.extensions import db
from contest.integrity.service import likely_duplicates, name_form
from contest.models import AuditEvent, RoundEntry
from tests.factories import csrf_token, login, make_agency, make_entry, make_round, make_user

BORN = date(1990, 5, 17)
# Other actions (log-ins) are audited too: only voids and restores are looked at here.
ENTRY_ACTIONS = AuditEvent.action.like("entry_%")


def closed_round(contest=None):
    now = utcnow()
    return make_round(contest, opens_at=now - timedelta(days=8), closes_at=now - timedelta(days=1))


def entrant(round_, phone, name="Người dự thi", correct=10, **fields):
    user = make_user(phone=phone, full_name=name, **fields)
    make_entry(round_, user, correct)
    return user


def grouped(contest_id=None) -> list[set[int]]:
    return [{p.user_id for p in g.people} for g in likely_duplicates(contest_id).groups]


def test_names_match_across_nfd_nfc_spacing_and_case_but_not_diacritics(app):
    with app.app_context():
        agency = make_agency()
        round_ = closed_round()
        same = {"date_of_birth": BORN, "agency_id": agency.id}
        nfc = entrant(round_, "0918000001", "Nguyễn Văn An", **same)
        nfd = entrant(round_, "0918000002", unicodedata.normalize("NFD", "Nguyễn Văn An"), **same)
        spaced = entrant(round_, "0918000003", "Nguyễn  Văn   An ", **same)
        upper = entrant(round_, "0918000004", "NGUYỄN VĂN AN", **same)
        # Not the same person: another birth date, another agency, another name («Lệ»).
        entrant(round_, "0918000005", "Nguyễn Văn An", date_of_birth=date(1991, 5, 17),
                agency_id=agency.id)  # fmt: skip
        other_agency = make_agency(code="STP", name="Sở Tư pháp")
        entrant(round_, "0918000006", "Nguyễn Văn An", date_of_birth=BORN,
                agency_id=other_agency.id)  # fmt: skip
        le = entrant(round_, "0918000007", "Lê Thị Hoa", **same)
        le_dot = entrant(round_, "0918000008", "Lệ Thị Hoa", **same)
        # The same name, birth date and agency but no entry: nothing to judge.
        make_user(phone="0918000009", full_name="Nguyễn Văn An", **same)

        assert name_form("Lê Thị Hoa") != name_form("Lệ Thị Hoa")
        assert grouped() == [{nfc.id, nfd.id, spaced.id, upper.id}]
        [group] = likely_duplicates().groups
        assert group.reasons == ["Trùng họ tên, ngày sinh và cơ quan, đơn vị"]
        assert {le.id, le_dot.id}.isdisjoint(p.user_id for p in group.people)
        assert [len(p.entries) for p in group.people] == [1, 1, 1, 1]


def test_phones_national_ids_and_email_local_parts_that_differ_by_formatting(app):
    with app.app_context():
        round_ = closed_round()
        a = entrant(round_, "0912345678", "Người A", email="an.nguyen@gmail.com")
        b = entrant(round_, "+84 912 345 678", "Người B", email="b@example.vn")
        c = entrant(round_, "0913000001", "Người C", national_id="001090000123")
        # The leading zeros a spreadsheet drops.
        d = entrant(round_, "0913000002", "Người D", national_id="1090000123")
        e = entrant(round_, "0913000003", "Người E", email="AnNguyen+thi@yahoo.com")
        f = entrant(round_, "0913000004", "Người F", email="x@example.vn")
        g = entrant(round_, "0913000005", "Người G", email="x@gmail.com")  # too short to say
        groups = {frozenset(p.user_id for p in gr.people): gr.reasons
                  for gr in likely_duplicates().groups}  # fmt: skip
        assert groups == {
            frozenset({a.id, b.id, e.id}): [
                "Trùng số điện thoại",
                "Trùng phần trước @ của thư điện tử",
            ],
            frozenset({c.id, d.id}): ["Trùng số CCCD"],
        }
        assert f.id and g.id


def test_the_report_is_limited_to_a_contest_when_asked(app):
    with app.app_context():
        first, second = closed_round(), closed_round()
        a = entrant(first, "0912345678", "Người A")
        b = entrant(second, "+84912345678", "Người B")
        assert grouped() == [{a.id, b.id}]
        assert grouped(first.contest_id) == []
        make_entry(first, b, 5)
        assert grouped(first.contest_id) == [{a.id, b.id}]
        [group] = likely_duplicates(first.contest_id).groups
        assert [len(p.entries) for p in group.people] == [1, 1]


def duplicates_site(app):
    with app.app_context():
        round_ = closed_round()
        a = entrant(round_, "0912345678", "Người A", correct=20)
        b = entrant(round_, "+84912345678", "Người B")
        make_user(phone="0911000000", role="judge")
        return round_.id, round_.contest_id, a.id, b.id


def test_judges_see_the_groups_and_void_and_restore(app, client):
    round_id, contest_id, a, b = duplicates_site(app)
    login(client, "0911000000")
    page = client.get(f"/giam-khao/kiem-tra/?cuoc_thi={contest_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Trùng số điện thoại" in html and "Người A" in html and "Người B" in html
    assert "Huỷ kết quả bài thi này" in html
    dashboard = client.get("/giam-khao/").get_data(as_text=True)
    assert "/giam-khao/kiem-tra/" in dashboard

    token = csrf_token(client, "/giam-khao/kiem-tra/")
    voided = client.post(
        f"/giam-khao/kiem-tra/vong/{round_id}/nguoi/{a}/huy",
        data={"csrf_token": token, "reason": "Trùng với tài khoản B", "cuoc_thi": contest_id},
    )
    assert voided.status_code == 302
    assert voided.headers["Location"].endswith(f"/giam-khao/kiem-tra/?cuoc_thi={contest_id}")
    html = client.get(voided.headers["Location"]).get_data(as_text=True)
    assert "Đã huỷ kết quả" in html and "Trùng với tài khoản B" in html
    with app.app_context():
        entry = db.session.execute(select(RoundEntry).where(RoundEntry.user_id == a)).scalar_one()
        assert entry.voided_at is not None and entry.voided_by_id is not None
        [event] = db.session.execute(select(AuditEvent).where(AuditEvent.action == "entry_voided")).scalars()  # fmt: skip
        assert event.actor_id == entry.voided_by_id

    restored = client.post(
        f"/giam-khao/kiem-tra/vong/{round_id}/nguoi/{a}/khoi-phuc", data={"csrf_token": token}
    )
    assert restored.status_code == 302
    person = client.post(
        f"/giam-khao/kiem-tra/nguoi/{b}/huy", data={"csrf_token": token, "reason": "Trùng"}
    )
    assert person.status_code == 302
    with app.app_context():
        states = dict(db.session.execute(select(RoundEntry.user_id, RoundEntry.voided_at)).all())
        assert states[a] is None and states[b] is not None
        actions = db.session.execute(
            select(AuditEvent.action).where(ENTRY_ACTIONS).order_by(AuditEvent.id)
        ).scalars()
        assert list(actions) == ["entry_voided", "entry_restored", "entry_voided"]


def test_bad_input_is_a_4xx_in_vietnamese(app, client):
    round_id, _contest_id, a, _b = duplicates_site(app)
    login(client, "0911000000")
    token = csrf_token(client, "/giam-khao/kiem-tra/")
    missing = client.post(
        f"/giam-khao/kiem-tra/vong/{round_id}/nguoi/{a}/huy", data={"csrf_token": token}
    )
    assert missing.status_code == 400
    assert "Vui lòng ghi rõ lý do huỷ kết quả." in missing.get_data(as_text=True)
    blank = client.post(
        f"/giam-khao/kiem-tra/nguoi/{a}/huy", data={"csrf_token": token, "reason": "   "}
    )
    assert blank.status_code == 400
    long = client.post(
        f"/giam-khao/kiem-tra/nguoi/{a}/huy", data={"csrf_token": token, "reason": "x" * 501}
    )
    assert long.status_code == 400
    assert "không quá 500 ký tự" in long.get_data(as_text=True)
    huge = "1" * 30
    for path in (
        f"/giam-khao/kiem-tra/vong/{huge}/nguoi/{a}/huy",
        f"/giam-khao/kiem-tra/vong/{round_id}/nguoi/{huge}/khoi-phuc",
        f"/giam-khao/kiem-tra/nguoi/{huge}/huy",
    ):
        response = client.post(path, data={"csrf_token": token, "reason": "Trùng"})
        assert response.status_code == 404
    nobody = client.post(
        f"/giam-khao/kiem-tra/vong/{round_id}/nguoi/{2**31 - 1}/huy",
        data={"csrf_token": token, "reason": "Trùng"},
    )
    assert nobody.status_code == 404
    assert "Không tìm thấy bài thi" in nobody.get_data(as_text=True)
    not_voided = client.post(
        f"/giam-khao/kiem-tra/vong/{round_id}/nguoi/{a}/khoi-phuc", data={"csrf_token": token}
    )
    assert not_voided.status_code == 409
    assert "chưa bị huỷ kết quả" in not_voided.get_data(as_text=True)
    for query in ("?cuoc_thi=" + huge, "?cuoc_thi=abc", "?cuoc_thi=-1"):
        assert client.get("/giam-khao/kiem-tra/" + query).status_code == 200
    bad_back = client.post(
        f"/giam-khao/kiem-tra/vong/{round_id}/nguoi/{a}/huy",
        data={"csrf_token": token, "reason": "Trùng", "cuoc_thi": "//evil.example"},
    )
    assert bad_back.headers["Location"].endswith("/giam-khao/kiem-tra/")
    with app.app_context():
        actions = list(db.session.execute(select(AuditEvent.action).where(ENTRY_ACTIONS)).scalars())
        assert actions == ["entry_voided"]


def test_participants_may_not_void(app, client):
    round_id, _contest_id, a, _b = duplicates_site(app)
    login(client, "0912345678")
    token = csrf_token(client)
    response = client.post(
        f"/giam-khao/kiem-tra/vong/{round_id}/nguoi/{a}/huy",
        data={"csrf_token": token, "reason": "Tự huỷ"},
    )
    assert response.status_code == 403
    assert client.get("/giam-khao/kiem-tra/").status_code == 403

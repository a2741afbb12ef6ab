"""Agency focal points: a district's focal point sees its own district and communes, never the
sibling district; figures hand-computed; the export; the roster import and its missing people."""

import io
from datetime import datetime, timedelta

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from contest.audit.service import COMMAND_LINE
from contest.extensions import db
from contest.focal_points import service
from contest.focal_points.roster import import_roster
from contest.models import Agency, Attempt, AuditEvent, RosterMember, RoundEntry
from contest.results.entries import record_entry
from tests.factories import csrf_token, login, make_agency, make_contest, make_round, make_user

OPENS = datetime(2026, 12, 1, 0, 0)  # naive UTC
# 17:00 UTC is midnight in Vietnam (UTC+7).
BEFORE_MIDNIGHT = datetime(2026, 12, 3, 16, 59)  # 23:59 on 03/12 in Vietnam
AFTER_MIDNIGHT = datetime(2026, 12, 3, 17, 1)  # 00:01 on 04/12 in Vietnam
LATER = datetime(2026, 12, 4, 10, 0)  # 17:00 on 04/12 in Vietnam
NOW = datetime(2026, 12, 5, 3, 0)


def finish(round_, user, submitted_at, correct=7, number=1, total=10):
    """A finished attempt of `user`, handed in at `submitted_at`, folded into the entry."""
    attempt = Attempt(
        round_id=round_.id,
        user_id=user.id,
        number=number,
        started_at=submitted_at - timedelta(minutes=5),
        deadline=submitted_at + timedelta(minutes=5),
        submitted_at=submitted_at,
        status="submitted",
        question_count=total,
        correct_count=correct,
        duration_ms=300_000,
    )
    db.session.add(attempt)
    db.session.flush()
    record_entry(attempt)
    db.session.commit()
    return attempt


@pytest.fixture
def tree(app):
    """Province → district D1 (communes C1, C2) and a sibling district D2; people in each."""
    app.config["CLOCK"] = lambda: NOW
    with app.app_context():
        province = make_agency("TINH", "UBND tỉnh Nghệ An", headcount=100)
        d1 = make_agency("HUYEN-1", "UBND huyện Nam Đàn", parent=province, headcount=20)
        c1 = make_agency("XA-1", "UBND xã Kim Liên", parent=d1, headcount=10)
        c2 = make_agency("XA-2", "UBND xã Nam Giang", parent=d1, headcount=None)
        d2 = make_agency("HUYEN-2", "UBND huyện Hưng Nguyên", parent=province, headcount=30)
        contest = make_contest()
        round_ = make_round(contest, opens_at=OPENS, closes_at=OPENS + timedelta(days=20))
        practice = make_round(
            contest, opens_at=OPENS, closes_at=OPENS + timedelta(days=20), is_practice=True
        )

        def person(phone, name, agency, **fields):
            return make_user(phone=phone, full_name=name, agency_id=agency.id, **fields)

        people = {
            "u1": person("0911000001", "Lê Văn Một", d1),
            "u2": person("0911000002", "Lê Văn Hai", d1),
            "u3": person("0911000003", "Phạm Thị Ba", c1),
            "u4": person("0911000004", "Phạm Thị Bốn", c1),
            "u5": person("0911000005", '=HYPERLINK("http://x")', c2),
            "s1": person("0922000001", "Hoàng Văn Bên Cạnh", d2),
            "s2": person("0922000002", "Hoàng Văn Hàng Xóm", d2),
            "p1": person("0933000001", "Đặng Văn Tỉnh", province),
        }
        make_user(phone="0944000001", role="focal_point", agency_id=d1.id, full_name="Đầu mối 1")
        make_user(phone="0944000002", role="focal_point", agency_id=d2.id, full_name="Đầu mối 2")
        make_user(phone="0955000001", role="organizer", full_name="Ban Tổ chức")
        make_user(phone="0955000002", role="judge", full_name="Giám khảo")

        finish(round_, people["u3"], BEFORE_MIDNIGHT)
        finish(round_, people["u4"], BEFORE_MIDNIGHT)
        finish(round_, people["u5"], AFTER_MIDNIGHT, correct=5)
        finish(round_, people["u5"], LATER, correct=9, number=2)
        finish(round_, people["s1"], LATER)
        finish(round_, people["p1"], LATER)
        finish(practice, people["u1"], LATER)  # a practice round counts nowhere
        voided = db.session.execute(
            select(RoundEntry).where(RoundEntry.user_id == people["u4"].id)
        ).scalar_one()
        voided.voided_at = NOW
        db.session.commit()
        return {
            "province": province.id,
            "d1": d1.id,
            "c1": c1.id,
            "c2": c2.id,
            "d2": d2.id,
            "contest": contest.id,
            "round": round_.id,
            "practice": practice.id,
            "people": {key: (user.id, user.full_name) for key, user in people.items()},
        }


def logged_in(app, phone):
    client = app.test_client()
    assert login(client, phone).status_code == 302
    return client


OWN = ("u1", "u2", "u3", "u4", "u5")
OTHERS = ("s1", "s2", "p1")


def names(tree, keys):
    return [tree["people"][key][1] for key in keys]


def test_figures_of_a_district_are_its_own_and_its_communes(app, tree):
    with app.app_context():
        round_ = db.session.get(service.Round, tree["round"])
        figures = service.figures(tree["d1"], round_)
        assert figures.agencies == 3
        assert figures.headcount == 30  # 20 + 10; the commune without a headcount adds none
        assert figures.people == 5  # the focal point is not one of the people
        assert figures.participants == 2  # u3 and u5; u4's entry was voided
        assert figures.participation_rate == pytest.approx(2 / 30)
        assert figures.entries == 3  # u3 once, u5 twice
        assert [
            (line.day.isoformat(), line.participants, line.entries) for line in figures.days
        ] == [
            ("2026-12-03", 1, 1),
            ("2026-12-04", 1, 2),
        ]
        sibling = service.figures(tree["d2"], round_)
        assert (sibling.people, sibling.participants, sibling.headcount) == (2, 1, 30)
        whole = service.figures(tree["province"], round_)
        assert (whole.agencies, whole.people, whole.participants, whole.entries) == (5, 8, 4, 5)
        assert whole.headcount == 160


def test_the_subtree_is_a_recursive_query_that_survives_a_cycle(app, tree):
    with app.app_context():
        ids = set(db.session.scalars(service.subtree_ids_select(tree["d1"])))
        assert ids == {tree["d1"], tree["c1"], tree["c2"]}
        c1 = db.session.get(Agency, tree["c1"])
        d1 = db.session.get(Agency, tree["d1"])
        d1.parent_id = c1.id  # a cycle saved by other means
        db.session.commit()
        assert set(db.session.scalars(service.subtree_ids_select(tree["c1"]))) == ids
        assert not service.in_subtree(tree["d1"], tree["d2"])


def test_a_focal_point_sees_exactly_its_district_and_communes(app, tree):
    client = logged_in(app, "0944000001")
    home = client.get("/don-vi/")
    assert home.status_code == 302 and home.headers["Location"].endswith(f"/don-vi/{tree['d1']}")
    page = client.get(f"/don-vi/{tree['d1']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for name in ("Lê Văn Một", "Lê Văn Hai", "Phạm Thị Ba", "Phạm Thị Bốn"):
        assert name in html
    for name in names(tree, OTHERS):
        assert name not in html
    assert "Đơn vị của tôi" in html  # the header's link
    assert "Người đăng ký (5)" in html
    assert "6,7%" in html  # 2 of a headcount of 30
    assert "03/12/2026" in html and "04/12/2026" in html
    # A commune of its own district may be opened; it shows only that commune's people.
    commune = client.get(f"/don-vi/{tree['c1']}").get_data(as_text=True)
    assert "Phạm Thị Ba" in commune and "Lê Văn Một" not in commune


@pytest.mark.parametrize("which", ["d2", "province", "missing"])
def test_a_focal_point_is_refused_any_other_agency(app, tree, which):
    client = logged_in(app, "0944000001")
    agency_id = 999_999 if which == "missing" else tree[which]
    assert client.get(f"/don-vi/{agency_id}").status_code == 403
    assert client.get(f"/don-vi/{agency_id}/xuat.xlsx").status_code == 403
    assert client.get("/don-vi/danh-sach-can-bo").status_code == 403


def test_organizers_open_any_agency_and_others_are_refused(app, tree):
    organizer = logged_in(app, "0955000001")
    html = organizer.get(f"/don-vi/{tree['d2']}").get_data(as_text=True)
    assert "Hoàng Văn Bên Cạnh" in html and "Lê Văn Một" not in html
    picker = organizer.get("/don-vi/?q=nam dan").get_data(as_text=True)
    assert "UBND huyện Nam Đàn" in picker and "Hưng Nguyên" not in picker
    top = organizer.get("/don-vi/").get_data(as_text=True)
    assert "UBND tỉnh Nghệ An" in top
    assert organizer.get("/don-vi/999999").status_code == 404
    for phone in ("0955000002", "0911000001"):  # a judge, a participant
        other = logged_in(app, phone)
        assert other.get("/don-vi/").status_code == 403
        assert other.get(f"/don-vi/{tree['d1']}").status_code == 403
        assert other.get(f"/don-vi/{tree['d1']}/xuat.xlsx").status_code == 403


def download(client, url):
    """(status, headers, body) of a download, its file closed."""
    with client.get(url) as response:
        return response.status_code, response.headers, response.get_data()


def sheet_rows(data: bytes, title: str, header_row: int = 6) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(data))[title]
    rows = list(sheet.iter_rows(min_row=header_row, values_only=True))
    return rows


def test_the_export_lists_the_subtree_people_safely(app, tree):
    client = logged_in(app, "0944000001")
    status, headers, data = download(client, f"/don-vi/{tree['d1']}/xuat.xlsx?vong={tree['round']}")
    assert status == 200
    assert headers["Content-Disposition"].startswith("attachment;")
    assert "don-vi-huyen-1-vong-1" in headers["Content-Disposition"]
    assert "no-store" in headers["Cache-Control"]
    rows = sheet_rows(data, "Người đăng ký")
    header, lines = rows[0], rows[1:]
    assert header[:2] == ("STT", "Họ và tên")
    assert sorted(line[1] for line in lines) == sorted(names(tree, OWN))
    by_name = {line[1]: line for line in lines}
    assert by_name["Phạm Thị Ba"][6] == "Có" and by_name["Phạm Thị Ba"][7] == 7
    assert by_name["Phạm Thị Bốn"][6] == "Không"  # voided
    assert by_name["Lê Văn Một"][6] == "Không"  # practice rounds do not count
    assert by_name["Phạm Thị Ba"][4] == "0911***003"  # masked
    # The name that looks like a formula stays text.
    sheet = load_workbook(io.BytesIO(data))["Người đăng ký"]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == names(tree, ["u5"])[0])
    assert cell.data_type == "s" and cell.quotePrefix
    days = sheet_rows(data, "Theo ngày")[1:]
    assert days == [("03/12/2026", 1, 1), ("04/12/2026", 1, 2)]
    with app.app_context():
        line = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "export_downloaded")
        ).scalar_one()
        assert (line.object_type, line.object_id) == ("agency", tree["d1"])
        assert line.details["kind"] == "focal_people"
        assert line.details["rows"] == len(lines)


ROSTER_HEADER = ["Họ và tên", "Số điện thoại", "Email", "Mã cơ quan"]


def roster_file(rows, header=ROSTER_HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH CÁN BỘ"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, data, name="can-bo.xlsx", check_only=False):
    form = {
        "csrf_token": csrf_token(client, "/don-vi/danh-sach-can-bo"),
        "file": (io.BytesIO(data), name),
    }
    if check_only:
        form["check_only"] = "y"
    return client.post("/don-vi/danh-sach-can-bo", data=form, content_type="multipart/form-data")


def test_a_roster_with_row_errors_saves_nothing(app, tree):
    with app.app_context():
        db.session.add(RosterMember(agency_id=tree["c1"], full_name="Cũ", phone="0999999999"))
        db.session.commit()
    organizer = logged_in(app, "0955000001")
    bad = roster_file(
        [
            ["Người Đúng", "0912 345 678", None, "xa-1"],
            ["Không Rõ Đơn Vị", "0912345679", None, "KHONG-CO"],
            ["Không Liên Lạc", None, None, "XA-1"],
            ["Sai Số", "12345", None, "XA-1"],
            ["Trùng Số", "+84912345678", None, "XA-2"],
            ["Sai Email", None, "khong-phai-email", "XA-2"],
        ]
    )
    response = upload(organizer, bad)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "chưa lưu người nào" in html
    assert "KHONG-CO" in html and "Cần có số điện thoại hoặc email" in html
    assert "12345" in html and "trùng với dòng 3" in html and "khong-phai-email" in html
    with app.app_context():
        assert db.session.scalars(select(RosterMember.full_name)).all() == ["Cũ"]
        assert (
            db.session.scalar(select(AuditEvent).where(AuditEvent.action == "roster_imported"))
            is None
        )


def test_a_valid_roster_replaces_the_agencies_in_it_and_shows_who_is_missing(app, tree):
    with app.app_context():
        db.session.add_all(
            [
                RosterMember(agency_id=tree["c1"], full_name="Người Cũ Xã 1", phone="0999999999"),
                RosterMember(
                    agency_id=tree["d2"], full_name="Người Cũ Huyện 2", phone="0999999998"
                ),
            ]
        )
        db.session.commit()
    organizer = logged_in(app, "0955000001")
    rows = [
        ["Phạm Thị Ba", "0911.000.003", None, "XA-1"],  # took part
        ["Phạm Thị Bốn", None, None, "XA-1"],  # filled below: email only
        ["Người Chưa Có Tài Khoản", "0988000001", None, "XA-1"],
        ["Lê Văn Một", None, "0911000001@EXAMPLE.VN", "HUYEN-1"],  # account, no entry
    ]
    rows[1][2] = "0911000004@example.vn"  # voided entry: not taken part
    data = roster_file(rows)
    checked = upload(organizer, data, check_only=True)
    assert checked.status_code == 200 and "Tệp hợp lệ" in checked.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(RosterMember)) == 2
    saved = upload(organizer, data)
    assert saved.status_code == 302
    with app.app_context():
        kept = db.session.scalars(select(RosterMember.full_name).order_by(RosterMember.id)).all()
        assert "Người Cũ Xã 1" not in kept and "Người Cũ Huyện 2" in kept and len(kept) == 5
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "roster_imported"))
        assert event.details == {"rows": 4, "agencies": 2} and event.object_type == "agency"
        round_ = db.session.get(service.Round, tree["round"])
        figures = service.figures(tree["d1"], round_)
        assert (figures.roster, figures.roster_missing) == (4, 3)
        missing = service.missing_page(tree["d1"], tree["round"], 1)
        assert {(line.full_name, bool(line.has_account)) for line in missing.items} == {
            ("Phạm Thị Bốn", True),
            ("Người Chưa Có Tài Khoản", False),
            ("Lê Văn Một", True),
        }
    focal = logged_in(app, "0944000001")
    html = focal.get(f"/don-vi/{tree['d1']}").get_data(as_text=True)
    assert "Người Chưa Có Tài Khoản" in html and "Người Cũ Huyện 2" not in html
    export = download(focal, f"/don-vi/{tree['d1']}/xuat.xlsx")[2]
    missing_rows = sheet_rows(export, "Chưa thi")[1:]
    assert sorted(row[1] for row in missing_rows) == [
        "Lê Văn Một",
        "Người Chưa Có Tài Khoản",
        "Phạm Thị Bốn",
    ]
    # The sibling's focal point sees only its own roster.
    sibling = logged_in(app, "0944000002")
    html = sibling.get(f"/don-vi/{tree['d2']}").get_data(as_text=True)
    assert "Người Cũ Huyện 2" in html and "Người Chưa Có Tài Khoản" not in html


def test_a_csv_roster_is_read_too(app, tree):
    text = "Họ và tên;Số điện thoại;Email;Mã cơ quan\nNguyễn Văn Csv;0977000001;;XA-2\n"
    with app.app_context():
        report = import_roster(text.encode("utf-8-sig"), "can-bo.csv", COMMAND_LINE, dry_run=False)
        assert report.ok and report.saved == 1
        member = db.session.scalar(select(RosterMember))
        assert (member.full_name, member.phone, member.agency_id) == (
            "Nguyễn Văn Csv",
            "0977000001",
            tree["c2"],
        )
        garbage = import_roster(b"\x00\x01binary", "x.bin", COMMAND_LINE, dry_run=False)
        assert not garbage.ok
        no_contact = import_roster(
            "Họ và tên,Mã cơ quan\nA,XA-2\n".encode(), "a.csv", COMMAND_LINE, dry_run=False
        )
        assert [issue.kind for issue in no_contact.result.errors] == ["no_header"]


def test_many_people_with_blank_optional_fields_are_paged_and_exported(app, tree):
    with app.app_context():
        for number in range(120):
            make_user(
                phone=None, email=None, full_name=f"Người Số {number:03d}", agency_id=tree["c2"]
            )
    client = logged_in(app, "0944000001")
    first = client.get(f"/don-vi/{tree['d1']}").get_data(as_text=True)
    assert "Người đăng ký (125)" in first and "Trang 1/3" in first
    last = client.get(f"/don-vi/{tree['d1']}?trang=3").get_data(as_text=True)
    assert "Trang 3/3" in last
    export = download(client, f"/don-vi/{tree['d1']}/xuat.xlsx")[2]
    lines = sheet_rows(export, "Người đăng ký")[1:]
    assert len(lines) == 125
    blank = next(line for line in lines if line[1] == "Người Số 000")
    assert blank[4] is None and blank[5] is None


def test_contests_and_rounds_are_chosen_safely(app, tree):
    with app.app_context():
        draft = make_contest(status="draft").id
        closed = make_contest(status="closed")
        make_round(
            closed, opens_at=OPENS - timedelta(days=60), closes_at=OPENS - timedelta(days=30)
        )
        closed_id = closed.id
    client = logged_in(app, "0944000001")
    base = f"/don-vi/{tree['d1']}"
    assert "Phạm Thị Ba" in client.get(base).get_data(as_text=True)  # the open contest by default
    assert client.get(f"{base}?cuoc_thi={closed_id}").status_code == 200
    for query in (
        f"cuoc_thi={draft}",
        "cuoc_thi=999999",
        f"vong={tree['practice']}",
        "vong=999999",
    ):
        assert client.get(f"{base}?{query}").status_code == 404, query
        assert client.get(f"{base}/xuat.xlsx?{query}").status_code == 404, query
    for query in ("cuoc_thi=" + "9" * 30, "vong=abc", "trang=" + "9" * 30, "trang_ds=-1"):
        assert client.get(f"{base}?{query}").status_code == 200, query
    assert client.get("/don-vi/" + "9" * 30).status_code == 404
    assert client.get("/don-vi/" + "9" * 30 + "/xuat.xlsx").status_code == 404
    organizer = logged_in(app, "0955000001")
    assert upload(organizer, b"not a spreadsheet at all", "x.xlsx").status_code == 422
    assert upload(organizer, b"", "x.csv").status_code == 422


def test_a_phone_typed_as_a_number_keeps_its_leading_zero(app, tree):
    data = roster_file(
        [["Số Kiểu Số", 912345670, None, "XA-1"], ["Có Email", None, " A@B.VN ", "XA-1"]]
    )
    with app.app_context():
        report = import_roster(data, "can-bo.xlsx", COMMAND_LINE, dry_run=True)
        assert report.ok, report.result.errors
        assert [(m.phone, m.email) for m in report.result.members] == [
            ("0912345670", None),
            (None, "a@b.vn"),
        ]
        assert db.session.scalar(select(db.func.count()).select_from(RosterMember)) == 0


def test_the_district_is_broken_down_by_commune(app, tree):
    with app.app_context():
        lines = service.child_figures(tree["province"], tree["round"])
        assert [(line.name, line.headcount, line.people, line.participants) for line in lines] == [
            ("UBND huyện Hưng Nguyên", 30, 2, 1),
            ("UBND huyện Nam Đàn", 30, 5, 2),
        ]
        communes = service.child_figures(tree["d1"], tree["round"])
        assert [
            (line.code, line.headcount, line.people, line.participants) for line in communes
        ] == [
            ("XA-1", 10, 2, 1),
            ("XA-2", None, 1, 1),
        ]
    html = logged_in(app, "0944000001").get(f"/don-vi/{tree['d1']}").get_data(as_text=True)
    assert "Theo đơn vị trực thuộc" in html and "10,0%" in html

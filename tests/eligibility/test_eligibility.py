"""Marking people not eligible for prizes: one at a time, from a list (all or nothing)."""

import io
from datetime import timedelta

from openpyxl import Workbook
from sqlalchemy import select

from contest.audit.service import COMMAND_LINE
from contest.domain.clock import utcnow
from contest.eligibility import service
from contest.extensions import db
from contest.models import AuditEvent, Round, User
from contest.results.service import compute_prizes
from tests.factories import csrf_token, login, make_entry, make_round, make_user


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="Danh sách">{rows}'
    "</table:table></office:spreadsheet></office:body></office:document-content>"
)
ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def ods(rows) -> bytes:
    import zipfile

    cells = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
            for v in row
        )
        + "</table:table-row>"
        for row in rows
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("content.xml", ODS_CONTENT.format(rows=cells))
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)
    return out.getvalue()


def people(app):
    with app.app_context():
        a = make_user(phone="0912000011", national_id="001099000011", full_name="An")
        b = make_user(phone="0912000012", national_id="001099000012", full_name="Bình")
        c = make_user(phone="0912000013", full_name="Cường", email="cuong@example.vn")
        organizer = make_user(phone="0912000099", role="organizer", prize_eligible=False)
        return a.id, b.id, c.id, organizer


def test_mark_and_unmark_one(app):
    a, *_ = people(app)
    with app.app_context():
        service.mark_ineligible(a, "Thành viên Tổ biên soạn", COMMAND_LINE)
        user = db.session.get(User, a)
        assert not user.prize_eligible and user.ineligible_reason == "Thành viên Tổ biên soạn"
        service.mark_eligible(a, COMMAND_LINE)
        assert db.session.get(User, a).prize_eligible
        actions = (
            db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()
        )
        assert actions == ["ineligible_marked", "eligible_marked"]
        for bad in ("", "x" * 501):
            try:
                service.mark_ineligible(a, bad, COMMAND_LINE)
            except service.EligibilityRefused:
                pass
            else:
                raise AssertionError(bad)


def test_bulk_mix_all_or_nothing(app):
    a, b, c, _ = people(app)
    good = [
        ["Số điện thoại / CCCD / Email", "Lý do"],
        ["+84 912 000 011", "Ban Tổ chức"],
        ["001099000012", ""],
        ["CUONG@example.vn", "Thư ký"],
    ]
    with app.app_context():
        bad = service.import_ineligible(
            xlsx([*good, ["0999999999", "x"], ["0912000011", "lặp"], ["", "trống"]]),
            "ds.xlsx",
            "Lý do chung",
            COMMAND_LINE,
        )
        assert not bad.ok and {e.row for e in bad.errors} == {5, 6, 7}
        assert all(db.session.get(User, i).prize_eligible for i in (a, b, c))
        report = service.import_ineligible(xlsx(good), "ds.xlsx", "Lý do chung", COMMAND_LINE)
        assert report.ok and report.saved == 3
        assert db.session.get(User, b).ineligible_reason == "Lý do chung"
        assert not db.session.get(User, c).prize_eligible
        events = db.session.execute(select(AuditEvent)).scalars().all()
        assert [e.action for e in events] == ["ineligible_imported"]
        assert events[0].details["count"] == 3
        assert "0912000011" not in str(events[0].details)


def test_bulk_csv_and_ods(app, tmp_path):
    a, b, _c, _ = people(app)
    csv_data = "Số điện thoại;Lý do\n0912000011;Giám khảo\n".encode()
    with app.app_context():
        assert service.import_ineligible(csv_data, "ds.csv", None, COMMAND_LINE).saved == 1
        # An .ods as LibreOffice writes it: a zip whose first entry is the stored mimetype.
        path = tmp_path / "ds.ods"
        path.write_bytes(ods([["CCCD", "Lý do"], ["001099000012", "Thư ký"]]))
        report = service.import_ineligible(path.read_bytes(), "ds.ods", None, COMMAND_LINE)
        assert report.ok, report.errors
        assert not db.session.get(User, b).prize_eligible


def test_ineligible_get_no_prize(app):
    with app.app_context():
        now = utcnow()
        round_ = make_round(
            opens_at=now - timedelta(days=8),
            closes_at=now - timedelta(days=1),
            prize_counts={"nhat": 1, "nhi": 1, "ba": 0, "kk": 0},
        )
        best = make_user(phone="0912000021")
        second = make_user(phone="0912000022")
        third = make_user(phone="0912000023")
        for user, correct in ((best, 20), (second, 18), (third, 15)):
            make_entry(round_, user, correct)
        service.mark_ineligible(best.id, "Ban Tổ chức", COMMAND_LINE)
        prizes = compute_prizes(db.session.get(Round, round_.id))
        assert prizes == {second.id: "nhat", third.id: "nhi"}


def test_pages_refuse_bad_input(app, client):
    people(app)
    assert login(client, "0912000099").status_code == 302
    token = csrf_token(client, "/to-chuc/xet-giai/")
    assert client.get("/to-chuc/xet-giai/").status_code == 200
    assert client.get("/to-chuc/xet-giai/mau.xlsx").status_code == 200
    assert client.get("/to-chuc/xet-giai/nguoi/" + "9" * 30).status_code == 404
    r = client.post(
        "/to-chuc/xet-giai/danh-dau", data={"csrf_token": token, "identifier": "abc", "reason": "x"}
    )
    assert r.status_code == 422
    for data, name in ((b"", "a.xlsx"), (b"\x89PNG\r\n\x1a\n\0\0", "a.png"), (b"junk", "a.xlsx")):
        r = client.post(
            "/to-chuc/xet-giai/nhap",
            data={"csrf_token": token, "reason": "x", "file": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )
        assert r.status_code == 422, name

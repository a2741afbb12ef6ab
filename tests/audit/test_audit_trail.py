"""Issue 14's check, through the pages: every action of the organizers and judges is a line of
the audit log, with who, what, on which object and from which address; the viewer shows and
filters it; its export holds the same; and no line holds a password, a token, a full phone or
a full CCCD."""

import io
import json
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from contest.audit.service import ACTION_LABELS
from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import AuditEvent
from tests.factories import (
    PASSWORD,
    csrf_token,
    make_agency,
    make_entry,
    make_round,
    make_user,
)
from tests.people.conftest import temporary_password

ORGANIZER, JUDGE = "0912999101", "0912999102"
OFFICE = "203.0.113.9"
PARTICIPANTS = {
    # phone: (CCCD, email); the first two are one person with two accounts (same name, birth
    # date and agency).
    "0912000601": ("001099000601", "an.nguyen@example.vn"),
    "0912000602": (None, None),
    "0912000603": ("001099000603", "ba@example.vn"),
    "0912000604": (None, "bon@example.vn"),
}
NEW_STAFF_PHONES = ("0987000111", "0987000112")


@pytest.fixture
def world(app):
    with app.app_context():
        agency = make_agency(code="XL01", name="UBND xã Xuân Lâm")
        make_user(phone=ORGANIZER, role="organizer", group="can_bo", full_name="Lê Tổ Chức")
        make_user(phone=JUDGE, role="judge", group="can_bo", full_name="Phạm Giám Khảo")
        now = utcnow()
        round_ = make_round(
            opens_at=now - timedelta(days=8),
            closes_at=now - timedelta(days=1),
            prize_counts={"nhat": 1, "nhi": 1, "ba": 0, "kk": 0},
        )
        people = {}
        for number, (phone, (national_id, email)) in enumerate(PARTICIPANTS.items()):
            user = make_user(
                phone=phone,
                national_id=national_id,
                email=email,
                full_name="Nguyễn Văn An" if number < 2 else f"Người Thi {number}",
                date_of_birth=date(1990, 5, 1),
                agency_id=agency.id,
            )
            make_entry(round_, user, 20 - number)
            people[phone] = user.id
        return {"round": round_.id, "agency": agency.id, "people": people}


def client_of(app, phone):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = OFFICE
    token = csrf_token(client, "/dang-nhap")
    response = client.post(
        "/dang-nhap", data={"identifier": phone, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    return client


def post(client, path, page, data=None, **extra):
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client, page)}, **extra)


def downloaded(client, path):
    """A file response read whole and closed (its temporary file goes with it)."""
    response = client.get(path)
    response.get_data()
    response.close()
    return response


def ineligible_list() -> bytes:
    return "Số điện thoại / CCCD / Email,Lý do\n0912000603,Thành viên Ban Tổ chức\n".encode()


def test_every_action_is_in_the_log_and_no_line_holds_a_secret(app, world):
    people, round_id = world["people"], world["round"]
    organizer = client_of(app, ORGANIZER)
    create = "/to-chuc/nguoi/can-bo/moi"
    secrets = [PASSWORD]
    made = post(
        organizer,
        create,
        create,
        {"role": "judge", "full_name": "Đỗ Thẩm Định", "phone": NEW_STAFF_PHONES[0]},
    )
    secrets.append(temporary_password(made))
    made = post(
        organizer,
        create,
        create,
        {
            "role": "focal_point",
            "full_name": "Vũ Đầu Mối",
            "phone": NEW_STAFF_PHONES[1],
            "agency_id": str(world["agency"]),
        },
    )
    secrets.append(temporary_password(made))
    first = f"/to-chuc/nguoi/{people['0912000601']}"
    secrets.append(temporary_password(post(organizer, f"{first}/dat-lai-mat-khau", first)))
    fourth = f"/to-chuc/nguoi/{people['0912000604']}"
    assert post(organizer, f"{fourth}/khoa", fourth, {"reason": "Thử khóa"}).status_code == 302
    uploaded = post(
        organizer,
        "/to-chuc/xet-giai/nhap",
        "/to-chuc/xet-giai/nhap",
        {"reason": "Ban Tổ chức", "file": (io.BytesIO(ineligible_list()), "btc.csv")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code in (200, 302), uploaded.get_data(as_text=True)
    data = f"/to-chuc/du-lieu-ca-nhan/{people['0912000604']}"
    assert downloaded(organizer, f"{data}/tai-ve").status_code == 200
    erased = post(organizer, f"{data}/xoa", f"{data}/xoa", {"reason": "Đơn đề nghị"})
    assert erased.status_code == 302, erased.get_data(as_text=True)

    judge = client_of(app, JUDGE)
    duplicates = judge.get("/giam-khao/kiem-tra/").get_data(as_text=True)
    assert duplicates.count("Nguyễn Văn An") >= 2
    void = f"/giam-khao/kiem-tra/vong/{round_id}/nguoi/{people['0912000602']}/huy"
    voided = post(judge, void, "/giam-khao/kiem-tra/", {"reason": "Tài khoản thứ hai"})
    assert voided.status_code == 302
    assert downloaded(judge, f"/giam-khao/vong/{round_id}/xuat/ranking.xlsx").status_code == 200
    public = f"/giam-khao/vong/{round_id}/xuat/entries.xlsx?cong_khai=1"
    assert downloaded(judge, public).status_code == 200
    for client in (organizer, judge):
        secrets.append(client.get_cookie("session").value)

    with app.app_context():
        events = db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
        actions = [event.action for event in events]
        lines = [json.dumps([event.details, event.address], ensure_ascii=False) for event in events]
        addresses = {event.address for event in events}
    expected = {
        "login",
        "user.created",
        "user.password_reset",
        "user.disabled",
        "ineligible_imported",
        "personal_data_exported",
        "personal_data_erased",
        "entry_voided",
        "export_downloaded",
    }
    assert expected <= set(actions), actions
    assert actions.count("login") == 2 and actions.count("user.created") == 2
    assert set(actions) <= set(ACTION_LABELS), set(actions) - set(ACTION_LABELS)
    assert addresses == {OFFICE}
    exports = [json.loads(line)[0] for line, action in zip(lines, actions, strict=True)]
    copies = [
        details.get("copy")
        for details, action in zip(exports, actions, strict=True)
        if action == "export_downloaded"
    ]
    assert copies == ["judges", "public"]

    page = organizer.get("/to-chuc/nhat-ky/").get_data(as_text=True)
    for action in expected:
        assert ACTION_LABELS[action] in page, action
    only = organizer.get("/to-chuc/nhat-ky/?hanh_dong=user.created").get_data(as_text=True)
    assert "2 dòng" in only
    bad = organizer.get("/to-chuc/nhat-ky/?tu_ngay=31/02/2026&ma=99999999999999")
    assert bad.status_code == 200 and "Bộ lọc này chưa được áp dụng" in bad.get_data(as_text=True)
    export = downloaded(organizer, "/to-chuc/nhat-ky/xuat.xlsx")
    assert export.status_code == 200 and "attachment" in export.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(export.data), read_only=True)
    cells = " ".join(
        str(value) for sheet in book for row in sheet.iter_rows(values_only=True) for value in row
    )
    assert ACTION_LABELS["entry_voided"] in cells

    phones = [*PARTICIPANTS, *NEW_STAFF_PHONES, ORGANIZER, JUDGE]
    national_ids = {national_id for national_id, _ in PARTICIPANTS.values() if national_id}
    everything = "\n".join(lines) + "\n" + cells
    for secret in [*secrets, *phones, *national_ids]:
        assert secret not in everything, secret

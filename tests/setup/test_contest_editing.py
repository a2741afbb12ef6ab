"""The contest service: a contest from nothing, every refusal, status moves, the emblem, audit."""

from datetime import date

import pytest
from sqlalchemy import select

from contest.audit.service import COMMAND_LINE, Actor
from contest.extensions import db
from contest.models import AuditEvent, Contest
from contest.setup.contest_editing import (
    EMBLEM_LIMIT,
    ContestRefused,
    ContestSettings,
    create_contest,
    emblem_type,
    find_contest,
    list_contests,
    remove_emblem,
    set_emblem,
    set_status,
    settings_of,
    slug_from_title,
    update_contest,
)
from tests.factories import make_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40
GIF = b"GIF89a" + b"\x00" * 40
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 40


def settings(**changes) -> ContestSettings:
    values = {
        "title": "Cuộc thi tìm hiểu cải cách hành chính năm 2026",
        "slug": "cai-cach-hanh-chinh-2026",
        "organizer_name": "Sở Nội vụ tỉnh Hà Tĩnh",
        "contact_phone": "+84 912 345 678",
        "contact_email": "bantochuc@sonoivu.gov.vn",
        "hotline": "Đường dây nóng 0912 345 678",
        "starts_on": date(2026, 12, 1),
        "ends_on": date(2026, 12, 31),
        "rules_intro": "Giới thiệu\r\n\r\n- mục một",
        "required_fields": ["phone", "national_id"],
        "minimum_age": 16,
        "access_code": "HT-2026",
        "results_visible": False,
        "participation_target": 60,
        "eligible_groups": ["nhan_dan", "can_bo"],
    }
    values.update(changes)
    return ContestSettings(**values)


def audit_lines(action=None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.execute(query).scalars())


def organizer_actor() -> Actor:
    return Actor(make_user(phone="0900000009", role="organizer").id, "203.0.113.5")


def test_a_contest_from_nothing_is_a_normalised_draft_and_audited(app):
    with app.app_context():
        actor = organizer_actor()
        decomposed = "Cuo\u0323\u0302c thi"  # "Cuộc" typed with combining marks
        contest = create_contest(settings(title=f"  {decomposed}   số 1 "), actor)
        stored = db.session.get(Contest, contest.id)
        assert stored.status == "draft"
        assert stored.title == "Cuộc thi số 1"
        assert stored.contact_phone == "0912345678"
        assert stored.rules_intro == "Giới thiệu\n\n- mục một"
        # Kept in the order of the list of fields, whatever the order ticked.
        assert stored.required_fields == ["national_id", "phone"]
        assert stored.eligible_groups == ["can_bo", "nhan_dan"]
        assert stored.access_code == "HT-2026"
        [line] = audit_lines("contest.created")
        assert (line.actor_id, line.address, line.object_id) == (actor.user_id, "203.0.113.5", 1)
        assert line.details["after"]["title"] == "Cuộc thi số 1"
        assert line.details["after"]["starts_on"] == "2026-12-01"
        assert line.details["after"]["access_code"] == "set"
        assert "HT-2026" not in str(line.details)


def test_a_blank_slug_comes_from_the_title(app):
    assert slug_from_title("Cuộc thi Đổi mới, sáng tạo 2026!") == "cuoc-thi-doi-moi-sang-tao-2026"
    assert len(slug_from_title("Dài " * 60)) <= 80
    with app.app_context():
        contest = create_contest(settings(slug="", title="Chuyển đổi số Hà Tĩnh"), COMMAND_LINE)
        assert contest.slug == "chuyen-doi-so-ha-tinh"
        assert find_contest("chuyen-doi-so-ha-tinh").id == contest.id
        assert find_contest(str(contest.id)).id == contest.id
        with pytest.raises(ContestRefused, match="Không tìm thấy"):
            find_contest("khong-co")


@pytest.mark.parametrize(
    "changes, field, words",
    [
        ({"title": "  "}, "title", "nhập tên cuộc thi"),
        ({"title": "x" * 301}, "title", "tối đa 300"),
        ({"slug": "Có Dấu"}, "slug", "chữ thường không dấu"),
        ({"slug": "hai--gach"}, "slug", "chữ thường không dấu"),
        ({"slug": "-dau-gach"}, "slug", "chữ thường không dấu"),
        ({"slug": "ab"}, "slug", "từ 3 đến 80"),
        ({"slug": "a" * 81}, "slug", "từ 3 đến 80"),
        ({"slug": "to-chuc"}, "slug", "trùng với một trang"),
        ({"slug": "the-le"}, "slug", "trùng với một trang"),
        ({"summary": "x" * 501}, "summary", "tối đa 500"),
        ({"contact_phone": "12345"}, "contact_phone", "không hợp lệ"),
        ({"contact_email": "bantochuc@"}, "contact_email", "không hợp lệ"),
        ({"starts_on": date(2026, 12, 31), "ends_on": date(2026, 12, 1)}, "ends_on", "sau ngày"),
        ({"minimum_age": 0}, "minimum_age", "từ 1 đến 120"),
        ({"minimum_age": 121}, "minimum_age", "từ 1 đến 120"),
        ({"participation_target": 0}, "participation_target", "từ 1 đến 100"),
        ({"participation_target": 101}, "participation_target", "từ 1 đến 100"),
        ({"required_fields": ["phone", "password"]}, "required_fields", "password"),
        ({"eligible_groups": ["hoc_sinh"]}, "eligible_groups", "hoc_sinh"),
        ({"access_code": "abc"}, "access_code", "từ 4 đến 64"),
        ({"access_code": "x" * 65}, "access_code", "từ 4 đến 64"),
        ({"collective_measure": "luck"}, "collective_measure", "không có"),
        ({"rules_prizes": "x" * 20_001}, "rules_prizes", "tối đa"),
    ],
)
def test_every_refusal_names_its_field_and_saves_nothing(app, changes, field, words):
    with app.app_context():
        with pytest.raises(ContestRefused) as refused:
            create_contest(settings(**changes), COMMAND_LINE)
        assert refused.value.field == field
        assert words in refused.value.message
        assert db.session.execute(select(Contest)).first() is None
        assert audit_lines() == []


def test_all_problems_are_listed_at_once(app):
    with app.app_context():
        with pytest.raises(ContestRefused) as refused:
            create_contest(settings(title="", minimum_age=500, access_code="ab"), COMMAND_LINE)
        assert [name for name, _ in refused.value.problems] == [
            "title",
            "minimum_age",
            "access_code",
        ]


def test_blank_optional_fields_are_none_and_a_landline_is_taken(app):
    with app.app_context():
        contest = create_contest(
            settings(
                access_code="  ",
                contact_phone="0238 3123 456",
                contact_email="",
                minimum_age=None,
                participation_target=None,
            ),
            COMMAND_LINE,
        )
        assert contest.access_code is None
        assert contest.contact_phone == "02383123456"
        assert contest.contact_email is None
        assert contest.minimum_age is None


def test_a_slug_in_use_is_refused_with_the_other_contest_named(app):
    with app.app_context():
        first = create_contest(settings(), COMMAND_LINE)
        with pytest.raises(ContestRefused) as refused:
            create_contest(
                settings(title="Cuộc thi khác", slug="Cai-Cach-Hanh-Chinh-2026"), COMMAND_LINE
            )
        assert refused.value.field == "slug"
        assert "đã được cuộc thi «Cuộc thi tìm hiểu cải cách hành chính năm 2026» dùng" in (
            refused.value.message
        )
        second = create_contest(settings(title="Cuộc thi khác", slug="chuyen-doi-so"), COMMAND_LINE)
        with pytest.raises(ContestRefused, match="đã được cuộc thi"):
            update_contest(second.id, settings(slug="cai-cach-hanh-chinh-2026"), COMMAND_LINE)
        # Its own slug is no clash.
        update_contest(first.id, settings(title="Tên mới"), COMMAND_LINE)
        assert db.session.get(Contest, first.id).title == "Tên mới"


def test_an_update_records_only_the_fields_changed(app):
    with app.app_context():
        actor = organizer_actor()
        contest = create_contest(settings(), actor)
        changed = settings_of(contest)
        changed.title = "Cuộc thi tìm hiểu cải cách hành chính"
        changed.minimum_age = 18
        changed.access_code = "MA-MOI-2026"
        changed.ends_on = date(2027, 1, 15)
        changes = update_contest(contest.id, changed, actor)
        assert changes["before"] == {
            "title": "Cuộc thi tìm hiểu cải cách hành chính năm 2026",
            "ends_on": "2026-12-31",
            "minimum_age": 16,
            "access_code": "set",
        }
        assert changes["after"] == {
            "title": "Cuộc thi tìm hiểu cải cách hành chính",
            "ends_on": "2027-01-15",
            "minimum_age": 18,
            "access_code": "changed",
        }
        [line] = audit_lines("contest.changed")
        assert line.details == changes
        assert line.actor_id == actor.user_id
        assert "MA-MOI-2026" not in str(line.details) and "HT-2026" not in str(line.details)
        assert db.session.get(Contest, contest.id).access_code == "MA-MOI-2026"

        # Saving the same settings again changes nothing and writes no line.
        assert update_contest(contest.id, changed, actor) == {"before": {}, "after": {}}
        assert len(audit_lines("contest.changed")) == 1


def test_removing_the_access_code_is_recorded_without_it(app):
    with app.app_context():
        contest = create_contest(settings(), COMMAND_LINE)
        update_contest(contest.id, settings(access_code=""), COMMAND_LINE)
        [line] = audit_lines("contest.changed")
        assert line.details == {"before": {"access_code": "set"}, "after": {"access_code": None}}
        assert db.session.get(Contest, contest.id).access_code is None


@pytest.mark.parametrize(
    "path", [["open", "closed", "open", "closed", "archived"], ["archived"]], ids=str
)
def test_status_moves_along_the_allowed_paths(app, path):
    with app.app_context():
        contest = create_contest(settings(), COMMAND_LINE)
        for status in path:
            set_status(contest.id, status, COMMAND_LINE)
            assert db.session.get(Contest, contest.id).status == status
        lines = audit_lines("contest.status_changed")
        assert [line.details["after"]["status"] for line in lines] == path
        assert [line.details["before"]["status"] for line in lines] == ["draft", *path[:-1]]


@pytest.mark.parametrize(
    "start, target, words",
    [
        ([], "closed", "từ «Bản nháp» sang «Đã đóng»"),
        (["open"], "archived", "Từ trạng thái này chỉ chuyển được sang «Đã đóng»"),
        (["open"], "draft", "sang «Bản nháp»"),
        (["archived"], "open", "từ «Đã lưu trữ» sang «Đang mở»"),
        (["open"], "open", "đã ở trạng thái «Đang mở»"),
        ([], "deleted", "Không có trạng thái"),
    ],
)
def test_other_status_moves_are_refused(app, start, target, words):
    with app.app_context():
        contest = create_contest(settings(), COMMAND_LINE)
        for status in start:
            set_status(contest.id, status, COMMAND_LINE)
        with pytest.raises(ContestRefused) as refused:
            set_status(contest.id, target, COMMAND_LINE)
        assert words in refused.value.message
        assert refused.value.field == "status"
        assert len(audit_lines("contest.status_changed")) == len(start)


def test_emblems_are_known_by_their_first_bytes():
    assert emblem_type(PNG) == "image/png"
    assert emblem_type(JPEG) == "image/jpeg"
    assert emblem_type(GIF) == "image/gif"
    assert emblem_type(b"GIF87a" + b"\x00" * 8) == "image/gif"
    assert emblem_type(WEBP) == "image/webp"
    assert emblem_type(b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>') is None
    assert emblem_type(b"RIFF\x00\x00\x00\x00WAVEfmt ") is None
    assert emblem_type(b"") is None


def test_an_emblem_is_stored_with_its_type_and_audited_without_its_bytes(app):
    with app.app_context():
        contest = create_contest(settings(), COMMAND_LINE)
        set_emblem(contest.id, WEBP, COMMAND_LINE)
        stored = db.session.get(Contest, contest.id)
        assert (stored.emblem, stored.emblem_type) == (WEBP, "image/webp")
        set_emblem(contest.id, PNG, COMMAND_LINE)
        lines = audit_lines("contest.emblem_set")
        assert lines[1].details == {
            "before": {"emblem": "set", "emblem_type": "image/webp"},
            "after": {"emblem": "changed", "emblem_type": "image/png", "size": len(PNG)},
        }
        assert remove_emblem(contest.id, COMMAND_LINE) is True
        assert db.session.get(Contest, contest.id).emblem is None
        assert remove_emblem(contest.id, COMMAND_LINE) is False
        assert len(audit_lines("contest.emblem_removed")) == 1


@pytest.mark.parametrize(
    "data, words",
    [
        (b"", "trống"),
        (b"<svg><script>alert(1)</script></svg>", "không phải ảnh"),
        (b"%PDF-1.7" + b"\x00" * 100, "không phải ảnh"),
        (PNG + b"\x00" * EMBLEM_LIMIT, "tối đa 512 KB"),
    ],
)
def test_an_emblem_that_is_not_a_small_image_is_refused(app, data, words):
    with app.app_context():
        contest = create_contest(settings(), COMMAND_LINE)
        with pytest.raises(ContestRefused) as refused:
            set_emblem(contest.id, data, COMMAND_LINE)
        assert refused.value.field == "emblem" and words in refused.value.message
        assert db.session.get(Contest, contest.id).emblem is None
        assert audit_lines("contest.emblem_set") == []


def test_an_emblem_of_exactly_the_limit_is_taken(app):
    with app.app_context():
        contest = create_contest(settings(), COMMAND_LINE)
        data = JPEG + b"\x00" * (EMBLEM_LIMIT - len(JPEG))
        set_emblem(contest.id, data, COMMAND_LINE)
        assert len(db.session.get(Contest, contest.id).emblem) == EMBLEM_LIMIT


def test_the_list_holds_every_contest_newest_first(app):
    with app.app_context():
        create_contest(settings(), COMMAND_LINE)
        create_contest(settings(title="Chuyển đổi số", slug="chuyen-doi-so"), COMMAND_LINE)
        assert [c.slug for c in list_contests()] == ["chuyen-doi-so", "cai-cach-hanh-chinh-2026"]


def test_a_missing_contest_is_refused(app):
    with app.app_context():
        with pytest.raises(ContestRefused, match="Không tìm thấy cuộc thi số 99"):
            set_status(99, "open", COMMAND_LINE)
        with pytest.raises(ContestRefused, match="Không tìm thấy cuộc thi số 99"):
            update_contest(99, settings(), COMMAND_LINE)

"""Several contests at once on the public side: the list, each contest's pages, the old
addresses, drafts, contact, link previews and results kept back."""

import re
from datetime import timedelta

import pytest

from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import Announcement, Contest, Round
from tests.factories import login, make_round, make_user


def contest_with(app, slug, title, status="open", **fields):
    with app.app_context():
        contest = Contest(slug=slug, title=title, status=status, **fields)
        db.session.add(contest)
        db.session.commit()
        return contest.id


def add_round(app, contest_id, **settings):
    with app.app_context():
        return make_round(db.session.get(Contest, contest_id), **settings).id


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


@pytest.fixture
def two_contests(app):
    cai_cach = contest_with(
        app,
        "cai-cach-hanh-chinh",
        "Cuộc thi tìm hiểu cải cách hành chính",
        summary="Thi trắc nghiệm về cải cách hành chính năm 2026.",
        organizer_name="Sở Nội vụ tỉnh",
        contact_phone="0239 3855 555",
        contact_email="bantochuc@snv.example.vn",
        hotline="Đường dây nóng hỗ trợ: 0912 345 678",
    )
    chuyen_doi = contest_with(
        app,
        "chuyen-doi-so",
        "Cuộc thi tìm hiểu chuyển đổi số",
        summary="Chuyển đổi số cho mọi người dân.",
        organizer_name="Sở Thông tin và Truyền thông",
        contact_phone="0239 3666 666",
        contact_email="lienhe@stttt.example.vn",
    )
    add_round(app, cai_cach, title="Tuần thi thứ nhất về cải cách")
    add_round(app, chuyen_doi, title="Đợt thi chuyển đổi số")
    return cai_cach, chuyen_doi


def test_two_contests_are_listed_each_with_its_own_pages_and_rounds(app, client, two_contests):
    home = page(client, "/")
    assert "Cuộc thi tìm hiểu cải cách hành chính" in home
    assert "Cuộc thi tìm hiểu chuyển đổi số" in home
    assert "Sở Nội vụ tỉnh" in home and "Chuyển đổi số cho mọi người dân." in home
    assert 'href="/cuoc-thi/cai-cach-hanh-chinh/"' in home
    assert 'href="/cuoc-thi/chuyen-doi-so/"' in home

    first = page(client, "/cuoc-thi/cai-cach-hanh-chinh/")
    assert "Tuần thi thứ nhất về cải cách" in first and "Đợt thi chuyển đổi số" not in first
    second = page(client, "/cuoc-thi/chuyen-doi-so/")
    assert "Đợt thi chuyển đổi số" in second and "Tuần thi thứ nhất về cải cách" not in second
    assert 'href="/cuoc-thi/chuyen-doi-so/the-le"' in second
    assert 'href="/cuoc-thi/chuyen-doi-so/ket-qua"' in second

    rules = page(client, "/cuoc-thi/chuyen-doi-so/the-le")
    assert "Đợt thi chuyển đổi số" in rules and "cải cách" not in rules.split("<main")[1]
    assert "Cuộc thi gồm 01 đợt thi" in rules


def test_home_goes_straight_to_the_only_contest(app, client):
    contest_with(app, "mot-cuoc-thi", "Cuộc thi duy nhất")
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/cuoc-thi/mot-cuoc-thi/"


def test_closed_contests_are_listed_below_and_drafts_or_archived_never(app, client):
    contest_with(app, "dang-mo", "Cuộc thi đang mở")
    contest_with(app, "da-dong", "Cuộc thi đã đóng", status="closed")
    contest_with(app, "nhap", "Cuộc thi bản nháp", status="draft")
    contest_with(app, "luu-tru", "Cuộc thi lưu trữ", status="archived")
    home = page(client, "/")
    assert home.index("Cuộc thi đang mở") < home.index("Các cuộc thi đã kết thúc")
    assert home.index("Các cuộc thi đã kết thúc") < home.index("Cuộc thi đã đóng")
    assert "bản nháp" not in home and "lưu trữ" not in home


def test_drafts_and_archived_contests_are_not_found_by_the_public(app, client):
    contest_with(app, "nhap", "Cuộc thi bản nháp", status="draft")
    contest_with(app, "luu-tru", "Cuộc thi lưu trữ", status="archived")
    for slug in ("nhap", "luu-tru", "khong-co"):
        for tail in ("", "the-le", "ket-qua"):
            assert client.get(f"/cuoc-thi/{slug}/{tail}").status_code == 404
    # Participants and judges see them no more than anyone.
    with app.app_context():
        make_user(phone="0900000001", role="judge")
    login(client, "0900000001")
    assert client.get("/cuoc-thi/nhap/").status_code == 404


def test_organizers_preview_a_draft(app, client):
    contest_id = contest_with(app, "nhap", "Cuộc thi bản nháp", status="draft")
    add_round(app, contest_id, title="Tuần thi thử")
    with app.app_context():
        make_user(phone="0900000009", role="organizer")
    login(client, "0900000009")
    contest_with(app, "luu-tru", "Cuộc thi lưu trữ", status="archived")
    for tail in ("", "the-le", "ket-qua"):
        html = page(client, f"/cuoc-thi/nhap/{tail}")
        assert "Bản xem trước: cuộc thi chưa được công bố" in html
        html = page(client, f"/cuoc-thi/luu-tru/{tail}")
        assert "Bản xem trước: cuộc thi đã được lưu trữ" in html
    assert "Bắt đầu thi" not in page(client, "/cuoc-thi/nhap/")


def test_odd_addresses_are_not_found_not_errors(client, two_contests):
    for path in (
        "/cuoc-thi/%00/",
        "/cuoc-thi/" + "a" * 300 + "/",
        "/cuoc-thi/c%C3%A1i/the-le",
        "/cuoc-thi/'%20OR%201=1--/ket-qua",
    ):
        assert client.get(path).status_code == 404, path


def test_old_addresses_lead_to_the_only_contest_or_to_the_list(app, client):
    first = contest_with(app, "thu-nhat", "Cuộc thi thứ nhất")
    assert client.get("/the-le").headers["Location"] == "/cuoc-thi/thu-nhat/the-le"
    assert client.get("/ket-qua").headers["Location"] == "/cuoc-thi/thu-nhat/ket-qua"
    assert client.get("/the-le").status_code == 302
    contest_with(app, "thu-hai", "Cuộc thi thứ hai")
    for old in ("/the-le", "/ket-qua"):
        response = client.get(old)
        assert response.status_code == 302 and response.headers["Location"] == "/"
    # Without any contest listed, the list says so.
    with app.app_context():
        for contest in db.session.query(Contest).all():
            contest.status = "draft"
        db.session.commit()
    assert client.get("/the-le").headers["Location"] == "/"
    assert "Chưa có cuộc thi nào đang diễn ra" in page(client, "/")
    assert first


def test_contact_is_shown_on_every_page_of_a_contest(client, two_contests):
    for tail in ("", "the-le", "ket-qua"):
        html = page(client, f"/cuoc-thi/cai-cach-hanh-chinh/{tail}")
        footer = html.split('<footer class="site">')[1]
        assert "Sở Nội vụ tỉnh" in footer
        assert 'href="tel:02393855555"' in footer and "0239 3855 555" in footer
        assert 'href="mailto:bantochuc@snv.example.vn"' in footer
        assert "Đường dây nóng hỗ trợ: 0912 345 678" in footer
        other = page(client, f"/cuoc-thi/chuyen-doi-so/{tail}").split('<footer class="site">')[1]
        assert "Sở Thông tin và Truyền thông" in other and "Sở Nội vụ tỉnh" not in other


def meta(html, prop):
    found = re.search(rf'<meta (?:property|name)="{prop}" content="([^"]*)"', html)
    return found.group(1) if found else None


def test_pages_of_a_contest_carry_link_previews(client, two_contests):
    for tail in ("", "the-le", "ket-qua"):
        html = page(client, f"/cuoc-thi/cai-cach-hanh-chinh/{tail}")
        assert meta(html, "og:title") == "Cuộc thi tìm hiểu cải cách hành chính"
        assert meta(html, "og:description") == "Thi trắc nghiệm về cải cách hành chính năm 2026."
        assert meta(html, "description") == "Thi trắc nghiệm về cải cách hành chính năm 2026."
        assert meta(html, "og:type") == "website"
        assert meta(html, "og:url") == f"http://localhost/cuoc-thi/cai-cach-hanh-chinh/{tail}"
        # No emblem uploaded: no image rather than a broken one.
        assert meta(html, "og:image") is None


def test_the_emblem_is_an_absolute_link_once_something_serves_it(app, client):
    """The emblem's route belongs to the contests' public blueprint; the link and the preview
    image follow it as soon as it exists (a stand-in here)."""
    from flask import Blueprint

    contest_id = contest_with(
        app, "co-bieu-trung", "Cuộc thi có biểu trưng", emblem=b"\x89PNG", emblem_type="image/png"
    )
    contest_with(app, "khac", "Cuộc thi khác")
    if "contests_public.emblem" not in app.view_functions:
        stand_in = Blueprint("contests_public", __name__)
        stand_in.add_url_rule(
            "/cuoc-thi/bieu-trung/<int:contest_id>", "emblem", lambda contest_id: ""
        )
        app.register_blueprint(stand_in)
    html = page(client, "/cuoc-thi/co-bieu-trung/")
    image = meta(html, "og:image")
    assert image is not None and image.startswith("http://localhost/")
    assert str(contest_id) in image
    assert 'class="emblem"' in html
    assert 'class="emblem"' in page(client, "/")
    served = client.get(image.removeprefix("http://localhost"))
    assert served.status_code == 200 and served.data in (b"\x89PNG", b"")


def test_current_announcements_only(app, client, two_contests):
    cai_cach, chuyen_doi = two_contests
    now = utcnow()
    with app.app_context():
        db.session.add_all(
            [
                Announcement(
                    contest_id=cai_cach,
                    text="Đang hiện",
                    starts_at=now - timedelta(hours=1),
                    ends_at=now + timedelta(hours=1),
                ),
                Announcement(
                    contest_id=cai_cach, text="Không hạn", starts_at=now - timedelta(days=1)
                ),
                Announcement(
                    contest_id=cai_cach,
                    text="Đã hết hạn",
                    starts_at=now - timedelta(days=2),
                    ends_at=now - timedelta(days=1),
                ),
                Announcement(
                    contest_id=cai_cach, text="Chưa tới", starts_at=now + timedelta(days=1)
                ),
                Announcement(
                    contest_id=chuyen_doi,
                    text="Của cuộc thi khác",
                    starts_at=now - timedelta(hours=1),
                ),
                Announcement(
                    contest_id=cai_cach,
                    text="<script>alert(1)</script>",
                    starts_at=now - timedelta(hours=2),
                ),
            ]
        )
        db.session.commit()
    html = page(client, "/cuoc-thi/cai-cach-hanh-chinh/")
    assert "Đang hiện" in html and "Không hạn" in html
    assert "Đã hết hạn" not in html and "Chưa tới" not in html and "Của cuộc thi khác" not in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_results_kept_back_until_the_contest_closes(app, client, two_contests):
    cai_cach, _ = two_contests
    with app.app_context():
        db.session.get(Contest, cai_cach).results_visible = False
        db.session.commit()
    waiting = "Kết quả sẽ được công bố sau khi cuộc thi kết thúc"
    assert waiting in page(client, "/cuoc-thi/cai-cach-hanh-chinh/ket-qua")
    assert waiting not in page(client, "/cuoc-thi/chuyen-doi-so/ket-qua")
    with app.app_context():
        db.session.get(Contest, cai_cach).status = "closed"
        db.session.commit()
    html = page(client, "/cuoc-thi/cai-cach-hanh-chinh/ket-qua")
    assert waiting not in html and "Chưa có tuần thi nào được công bố" in html


def test_start_buttons_belong_to_their_contest(app, client, two_contests):
    with app.app_context():
        make_user(phone="0900000002")
        rounds = {r.contest.slug: r.id for r in db.session.query(Round).all()}
    login(client, "0900000002")
    html = page(client, "/cuoc-thi/chuyen-doi-so/")
    # The button leads to the round's start page, which starts it after a second press.
    assert f'href="/vong/{rounds["chuyen-doi-so"]}/"' in html
    assert f'href="/vong/{rounds["cai-cach-hanh-chinh"]}/"' not in html


def test_judges_see_every_contest_but_drafts_grouped(app, client, two_contests):
    cai_cach, chuyen_doi = two_contests
    draft = contest_with(app, "nhap", "Cuộc thi bản nháp", status="draft")
    add_round(app, draft, title="Vòng nháp")
    with app.app_context():
        make_user(phone="0900000003", role="judge")
    login(client, "0900000003")
    html = page(client, "/giam-khao/")
    assert "Cuộc thi tìm hiểu cải cách hành chính" in html
    assert "Cuộc thi tìm hiểu chuyển đổi số" in html
    assert "Cuộc thi bản nháp" not in html and "Vòng nháp" not in html
    sections = html.split('<section class="judged-contest">')[1:]
    assert len(sections) == 2
    by_title = {("cải cách" in s): s for s in sections}
    assert "Tuần thi thứ nhất về cải cách" in by_title[True]
    assert "Đợt thi chuyển đổi số" in by_title[False]
    assert "Tuần thi thứ nhất về cải cách" not in by_title[False]
    # One contest on its own, and numbers that are no contest fall back to all of them.
    one = page(client, f"/giam-khao/?cuoc_thi={chuyen_doi}")
    assert "Đợt thi chuyển đổi số" in one and "cải cách" not in one.split("<main")[1]
    for odd in (draft, 0, -1, 10**30, "abc"):
        assert page(client, f"/giam-khao/?cuoc_thi={odd}").count("judged-contest") == 2
    assert cai_cach

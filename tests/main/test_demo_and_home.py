"""The demo contest `make run` loads, and the public pages that show it."""

import json

import pytest
from sqlalchemy import func, select

from contest.extensions import db
from contest.models import Agency, Contest, Question, Round, User
from contest.web.timekeeping import app_now
from tests.factories import login


def load(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return result.output


def counts():
    return [
        db.session.execute(select(func.count()).select_from(model)).scalar_one()
        for model in (Contest, Round, Question, Agency, User)
    ]


def test_demo_loads_once_and_running_it_again_changes_nothing(app, tmp_path):
    assert "Demo data loaded." in load(app, tmp_path)
    with app.app_context():
        first = counts()
    assert "nothing changed" in load(app, tmp_path)
    with app.app_context():
        assert counts() == first
        contest_count, round_count, question_count, agency_count, user_count = first
        assert (contest_count, round_count, user_count) == (1, 4, 3)
        assert question_count >= 60
        assert agency_count >= 30
        # A round is open now, and every question carries its legal source.
        now = app_now()
        assert any(
            r.opens_at <= now < r.closes_at for r in db.session.execute(select(Round)).scalars()
        )
        assert all(q.source for q in db.session.execute(select(Question)).scalars())


def test_demo_passwords_are_fresh_and_work(app, tmp_path):
    load(app, tmp_path)
    accounts = json.loads((tmp_path / "demo_accounts.json").read_text())
    assert set(accounts) == {"organizer", "judge", "participant"}
    assert len({a["password"] for a in accounts.values()}) == 3
    client = app.test_client()
    response = login(client, accounts["organizer"]["phone"], accounts["organizer"]["password"])
    assert response.status_code == 302
    # The organizers' dashboard (it may lead straight to the only contest's page).
    assert client.get("/to-chuc/", follow_redirects=True).status_code == 200


def test_home_page_shows_contest_rounds_and_countdown(app, tmp_path):
    load(app, tmp_path)
    client = app.test_client()
    # The only contest listed: the home page goes straight to it.
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"] == "/cuoc-thi/kiem-soat-tthc/"
    html = client.get(home.headers["Location"]).get_data(as_text=True)
    assert "Cuộc thi trực tuyến tìm hiểu hoạt động kiểm soát thủ tục hành chính" in html
    assert "Tuần thi thứ 1" in html and "Đang mở" in html and "Sắp mở" in html
    assert "data-countdown=" in html and "đóng lúc" in html
    assert "Giờ hiển thị là giờ Việt Nam (UTC+7)" in html
    assert 'lang="vi"' in html


def test_rules_page(app, tmp_path):
    load(app, tmp_path)
    html = app.test_client().get("/the-le", follow_redirects=True).get_data(as_text=True)
    assert "Thể lệ" in html and "dự đoán" in html
    assert "Tuần thi thứ 4" in html
    # The ranking chain is printed from the rounds' settings, word for word as judges see it.
    from contest.domain.ranking import describe_chain

    for line in describe_chain(["correct", "prediction", "duration", "submitted"]):
        assert line in html


def test_home_without_contest(client):
    assert "Chưa có cuộc thi nào đang diễn ra" in client.get("/").get_data(as_text=True)


def test_static_files_carry_a_content_hash_and_long_cache(client):
    html = client.get("/").get_data(as_text=True)
    assert "/static/style.css?v=" in html
    response = client.get("/static/style.css")
    assert "max-age=31536000" in response.headers["Cache-Control"]
    response.close()


def test_links_follow_the_path_the_app_is_mounted_at_though_remembered(client):
    """The layout's links are remembered per mount path: one app behind two prefixes."""
    for _ in range(2):
        plain = client.get("/").get_data(as_text=True)
        mounted = client.get("/", environ_overrides={"SCRIPT_NAME": "/thi"}).get_data(as_text=True)
        assert 'href="/dang-nhap"' in plain and 'href="/thi/dang-nhap"' not in plain
        assert 'href="/thi/dang-nhap"' in mounted and 'href="/dang-nhap"' not in mounted
        assert '"/thi/static/style.css?v=' in mounted
    # Links with values of their own are built for each value; anchors every time.
    url_for = client.application.jinja_env.globals["url_for"]
    with client.application.test_request_context("/"):
        assert url_for("quiz.take", attempt_id=1) == "/bai-thi/1"
        assert url_for("quiz.take", attempt_id=2) == "/bai-thi/2"
        assert url_for("auth.login", next="/bai-thi/2") == "/dang-nhap?next=/bai-thi/2"
        assert url_for("main.home", _anchor="vong") == "/#vong"
        assert url_for("main.home", _external=True) == "http://localhost/"


def test_pages_are_compressed_for_slow_networks(app, tmp_path):
    load(app, tmp_path)
    response = app.test_client().get(
        "/cuoc-thi/kiem-soat-tthc/the-le", headers={"Accept-Encoding": "gzip"}
    )
    assert response.headers.get("Content-Encoding") == "gzip"
    assert int(response.headers["Content-Length"]) < 4000


def test_what_the_remembered_links_assume_still_holds(app):
    """Template links are remembered by endpoint, values and mount path (web/templating.py):
    true only while no URL defaults or value preprocessors can change a link, and while the
    URL map is fixed once the app has served (Flask refuses new routes then)."""
    assert not any(app.url_default_functions.values())
    assert not any(app.url_value_preprocessors.values())
    for blueprint in app.blueprints.values():
        assert not any(blueprint.url_default_functions.values()), blueprint.name
        assert not any(blueprint.url_value_preprocessors.values()), blueprint.name
    app.test_client().get("/")
    with pytest.raises(AssertionError, match="can no longer be called"):
        app.add_url_rule("/moi", "moi", lambda: "")
    # Links that carry a query string are keyed by it: two pages, two links.
    with app.test_request_context("/"):
        remembered = app.jinja_env.globals["url_for"]
        assert remembered("bank.index", page=2) != remembered("bank.index", page=3)
        assert remembered("bank.index", page=2) == remembered("bank.index", page=2)

"""Every response carries the headers that stop framing, sniffing and injected script, and
nothing personal is kept by a browser or proxy."""

import pytest

from tests.factories import login, make_user

FIXED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def assert_fixed_headers(response):
    for name, value in FIXED.items():
        assert response.headers.get(name) == value, name
    policy = dict(
        part.strip().split(" ", 1)
        for part in response.headers["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"


@pytest.mark.parametrize("path", ["/", "/dang-nhap", "/dang-ky", "/khong-co-trang-nay", "/healthz"])
def test_public_answers_carry_the_headers(client, path):
    response = client.get(path, follow_redirects=False)
    assert_fixed_headers(response)


def test_static_files_carry_the_headers_and_stay_cacheable(client):
    with client.get("/static/style.css") as response:
        assert response.status_code == 200
        assert_fixed_headers(response)
        assert "no-store" not in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("organizer", "/to-chuc/"),
        ("organizer", "/to-chuc/ngan-hang/"),
        ("judge", "/giam-khao/"),
        ("participant", "/tai-khoan/ho-so"),
        ("participant", "/bai-thi-cua-toi"),
    ],
)
def test_pages_of_a_logged_in_person_are_never_stored(app, client, role, path):
    with app.app_context():
        make_user(role=role)
    login(client, "0912000001")
    response = client.get(path)
    assert response.status_code in (200, 302), path
    assert_fixed_headers(response)
    assert "no-store" in response.headers["Cache-Control"]


def test_a_json_answer_carries_the_headers(app, client):
    with app.app_context():
        make_user()
    login(client, "0912000001")
    response = client.post("/bai-thi/1/luu", json={})
    assert response.status_code >= 400
    assert_fixed_headers(response)

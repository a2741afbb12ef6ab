"""The organizer and judge areas are guarded for the whole blueprint."""

import pytest

from tests.factories import login, make_user


@pytest.mark.parametrize("path", ["/to-chuc/", "/giam-khao/"])
def test_anonymous_is_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/dang-nhap" in response.headers["Location"]


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        ("participant", "/to-chuc/", 403),
        ("participant", "/giam-khao/", 403),
        ("judge", "/to-chuc/", 403),
        ("judge", "/giam-khao/", 200),
        ("organizer", "/to-chuc/", 200),
        ("organizer", "/giam-khao/", 200),
    ],
)
def test_roles(app, client, role, path, status):
    with app.app_context():
        make_user(role=role)
    login(client, "0912000001")
    response = client.get(path)
    assert response.status_code == status
    if status == 403:
        assert "Bạn không có quyền truy cập trang này." in response.get_data(as_text=True)

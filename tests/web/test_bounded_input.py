"""Integers in URLs are bounded where they are read: no id or page number typed into a URL can
overflow a database column (OverflowError on SQLite, NumericValueOutOfRange on PostgreSQL)."""

import pytest

from contest.extensions import db
from tests.factories import login, make_round, make_user

OUT_OF_RANGE = ["0", str(2**31), "9" * 26, "-1"]


def int_rules(app):
    rules = []
    for rule in app.url_map.iter_rules():
        int_args = [
            name for name, conv in rule._converters.items() if type(conv).__name__ == "IdConverter"
        ]
        if int_args:
            rules.append((rule, int_args))
    return rules


def test_every_id_in_a_path_is_bounded(app, client):
    """Every route with an id answers 404 for ids outside 1..2**31-1, whatever the method and
    whoever asks (routing refuses before any guard or query runs)."""
    rules = int_rules(app)
    assert len(rules) >= 20
    with app.app_context():
        make_user(role="organizer")
    login(client, "0912000001")
    for rule, int_args in rules:
        for bad in OUT_OF_RANGE:
            path = rule.rule
            for name in rule.arguments:
                value = bad if name in int_args else "x"
                path = path.replace(f"<int:{name}>", value).replace(f"<{name}>", value)
                path = path.replace(f"<string:{name}>", value)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = client.open(path, method=method)
                assert response.status_code == 404, (method, path, response.status_code)


@pytest.mark.parametrize("bad", ["9" * 26, "-5", "1.5", "abc", str(2**63), ""])
def test_query_string_numbers_out_of_range_fall_back(app, client, bad):
    with app.app_context():
        make_user(role="organizer")
        round_id = make_round().id
        db.session.commit()
    login(client, "0912000001")
    for path in (
        f"/giam-khao/vong/{round_id}?trang={bad}&co_quan={bad}",
        f"/giam-khao/?cuoc_thi={bad}",
        f"/to-chuc/ngan-hang/?page={bad}",
        f"/giam-khao/thay-doi-ho-so/?trang={bad}",
    ):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

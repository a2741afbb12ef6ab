"""What the browser sends is bounded where it is read: whole numbers within range, small and
shallow JSON; anything else is a Vietnamese refusal, never an exception."""

import json

import pytest

from contest.attempts.payloads import (
    MAX_PREDICTION,
    MAX_SAVE_BYTES,
    BadPayload,
    parse_prediction,
    parse_save,
    read_save_body,
)


@pytest.mark.parametrize(
    ("typed", "value"),
    [("12345", 12345), ("12.345", 12345), ("12,345,678", 12345678), ("1 234", 1234),
     (" 7 ", 7), (0, 0), (MAX_PREDICTION, MAX_PREDICTION), ("", None), (None, None)],
)  # fmt: skip
def test_predictions_as_people_type_them(typed, value):
    assert parse_prediction(typed) == value


@pytest.mark.parametrize(
    "typed",
    [
        "1.5",
        1.5,
        "1,23",
        "-3",
        -3,
        2**63,
        MAX_PREDICTION + 1,
        "١٢",
        True,
        "1e5",
        [],
        {},
        "12.34.567",
    ],
)
def test_predictions_that_are_not_whole_counts_are_refused(typed):
    with pytest.raises(BadPayload):
        parse_prediction(typed)


@pytest.mark.parametrize(
    "body",
    [
        {"position": 2**63, "chosen": [0]},
        {"position": 0, "chosen": [0]},
        {"position": -1, "chosen": [0]},
        {"position": 1.0, "chosen": [0]},
        {"position": "1", "chosen": [2**31]},
        {"position": 1, "chosen": [-1]},
        {"position": 1, "chosen": [0.5]},
        {"position": 1, "chosen": "0"},
        {"position": True, "chosen": [0]},
        [1, 2],
        "x",
        None,
    ],
)
def test_saves_out_of_bounds_are_refused(body):
    with pytest.raises(BadPayload):
        parse_save(body)


def test_a_normal_save_parses():
    change = parse_save({"position": 3, "chosen": [0, 2]})
    assert (change.position, change.chosen) == (3, (0, 2))


@pytest.mark.parametrize(
    "raw",
    [b"[" * 100_000, b"[" * 4000, b"{" * 50_000, b"not json", b"\xff\xfe", b'{"position": 1,', b""],
)
def test_malformed_or_deeply_nested_bodies_are_refused(raw):
    with pytest.raises(BadPayload):
        read_save_body(raw)


def test_a_body_larger_than_a_save_is_refused_before_parsing():
    big = json.dumps({"position": 1, "chosen": [0], "pad": "x" * MAX_SAVE_BYTES}).encode()
    with pytest.raises(BadPayload, match="quá lớn"):
        read_save_body(big)
    assert read_save_body(b'{"position": 1, "chosen": [0]}') == {"position": 1, "chosen": [0]}


def test_the_save_route_refuses_hostile_bodies_with_a_4xx(app, client):
    """Through the route: 5 MB, 100,000 nested brackets, not JSON, a float prediction."""
    from tests.attempts.test_quiz import attempt_id_from, setup_round, start
    from tests.factories import csrf_token, login

    round_id = setup_round(app)
    login(client, "0912000001")
    attempt_id = attempt_id_from(start(client, round_id))
    headers = {"X-CSRFToken": csrf_token(client), "Content-Type": "application/json"}
    path = f"/bai-thi/{attempt_id}/luu"
    cases = [
        (b'{"position": 1, "chosen": [0], "x": "' + b"y" * 5_000_000 + b'"}', 413),
        (b"[" * 100_000, 413),
        (b"[" * 3000, 400),
        (b"not json", 400),
        (b'{"prediction": 1.5}', 400),
        (b'{"position": 9223372036854775808, "chosen": [0]}', 400),
    ]
    for body, status in cases:
        response = client.post(path, data=body, headers=headers)
        assert response.status_code == status, (body[:20], response.status_code)
        assert response.get_json()["ok"] is False
    saved = client.post(path, data=b'{"position": 1, "chosen": [0]}', headers=headers)
    assert saved.status_code == 200

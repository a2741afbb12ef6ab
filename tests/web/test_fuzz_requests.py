"""Hostile requests never give a 500: random JSON (any shape, huge and negative numbers,
strings, nesting, unicode, invalid JSON) against the answer save, and random query strings
against the judges' ranking and the question bank. Derandomized and bounded: the same fixed
examples every run, a few seconds each."""

import json
import re
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.attempts.test_quiz import attempt_id_from, setup_round, start
from tests.factories import csrf_token, login, make_user

FUZZ = settings(
    max_examples=120,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
QUERY_FUZZ = settings(FUZZ, max_examples=60)

HUGE = st.sampled_from([2**31, 2**31 - 1, 2**63, 2**63 - 1, -(2**63) - 1, 10**30, -1, 0])
numbers = st.one_of(
    st.integers(-(2**70), 2**70),
    HUGE,
    st.floats(allow_nan=True, allow_infinity=True),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=30))
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(st.text(max_size=12), children, max_size=5),
    ),
    max_leaves=25,
)
# Shaped like a save, with anything in each field.
save_like = st.fixed_dictionaries(
    {},
    optional={
        "position": json_values | HUGE,
        "chosen": st.lists(numbers | scalars, max_size=6) | json_values,
        "prediction": json_values | st.text(alphabet="0123456789.,  -e+", max_size=30),
        "attempt_id": json_values,
    },
)
bodies = st.one_of(
    save_like.map(lambda v: json.dumps(v, ensure_ascii=False, allow_nan=True)),
    json_values.map(lambda v: json.dumps(v, ensure_ascii=False, allow_nan=True)),
    st.text(max_size=200),  # anything, mostly not JSON
    st.integers(1, 5000).map(lambda depth: "[" * depth + "]" * depth),
    st.binary(max_size=300).map(lambda b: b.decode("latin-1")),
)
query_text = st.one_of(
    st.text(max_size=30),
    st.integers(-(2**70), 2**70).map(str),
    HUGE.map(str),
    st.sampled_from(["", "1e9", "0x10", "NaN", "-0", "1.5", " 7 ", "１２", "\x00", "%", "٣"]),
)


@pytest.fixture
def participant(app):
    round_id = setup_round(app)
    client = app.test_client()
    login(client, "0912000001")
    attempt_id = attempt_id_from(start(client, round_id))
    return client, attempt_id, csrf_token(client)


@FUZZ
@given(body=bodies)
@example(body='{"position": 9223372036854775808, "chosen": [0]}')
@example(body='{"position": 1, "chosen": [1e400]}')
@example(body='{"prediction": 1.5}')
@example(body='{"prediction": "99999999999999999999999"}')
@example(body="[" * 100_000)
def test_random_save_bodies_never_give_a_500(participant, body):
    client, attempt_id, token = participant
    response = client.post(
        f"/bai-thi/{attempt_id}/luu",
        data=body.encode("utf-8", "surrogatepass"),
        headers={"X-CSRFToken": token, "Content-Type": "application/json"},
    )
    assert response.status_code < 500, (body[:200], response.status_code)
    if response.status_code >= 400:
        assert response.is_json and response.json.get("ok") is False, body[:200]


@pytest.fixture
def organizer(app, participant):
    """An organizer's client beside a round with an attempt (its ranking has a row)."""
    with app.app_context():
        make_user(phone="0912999001", role="organizer", group="can_bo")
    client = app.test_client()
    assert login(client, "0912999001").status_code == 302
    page = client.get("/to-chuc/").get_data(as_text=True)
    found = re.search(r"/giam-khao/vong/(\d+)", page)
    round_id = int(found.group(1)) if found else 1
    return client, round_id


RANKING_KEYS = ["doi_tuong", "co_quan", "trang", "huyen", "page", "q"]
BANK_KEYS = ["q", "topic", "difficulty", "source", "status", "page", "tat_ca", "trang"]


def queries(keys):
    return st.lists(st.tuples(st.sampled_from(keys) | st.text(max_size=8), query_text), max_size=6)


@QUERY_FUZZ
@given(ranking=queries(RANKING_KEYS), bank=queries(BANK_KEYS))
@example(ranking=[("co_quan", str(2**63)), ("trang", "-1")], bank=[("page", str(10**30))])
@example(ranking=[("trang", "1e9")], bank=[("topic", str(2**31)), ("difficulty", "NaN")])
def test_random_query_strings_on_the_ranking_and_the_bank_never_give_a_500(
    organizer, ranking, bank
):
    client, round_id = organizer
    for path, pairs in ((f"/giam-khao/vong/{round_id}", ranking), ("/to-chuc/ngan-hang/", bank)):
        query = urlencode(
            [
                (k.encode("utf-8", "surrogatepass"), v.encode("utf-8", "surrogatepass"))
                for k, v in pairs
            ]
        )
        response = client.get(f"{path}?{query}")
        assert response.status_code < 500, (path, query, response.status_code)

"""A participant group's own question set: a filter over the bank (no app)."""

import random

from contest.domain.drawing import Candidate, draw_questions
from contest.domain.question_sets import filter_pool, is_empty, normalized, parse, parse_all
from contest.text import fold

POOL = [
    Candidate(1, 1, 1, fold("Luật Đất đai 2024, Điều 5")),
    Candidate(2, 1, 2, fold("Nghị định 61/2018/NĐ-CP")),
    Candidate(3, 2, 1, fold("Luật Đất đai 2024, Điều 9")),
    Candidate(4, 2, 3, ""),
    Candidate(5, 3, 2, fold("Luật Cư trú")),
]


def ids(qset) -> list[int]:
    return [c.question_id for c in filter_pool(POOL, qset)]


def test_an_empty_set_is_the_whole_bank():
    assert ids(parse({}, fold)) == [1, 2, 3, 4, 5]
    assert ids(None) == [1, 2, 3, 4, 5]
    assert is_empty({"topics": [], "sources": ["  "]})
    assert parse_all({"nhan_dan": {"topics": []}}, fold) == {}


def test_filters_are_an_intersection():
    assert ids(parse({"topics": [1, 2]}, fold)) == [1, 2, 3, 4]
    assert ids(parse({"topics": [1, 2], "difficulties": [1]}, fold)) == [1, 3]
    assert ids(parse({"difficulties": [2]}, fold)) == [2, 5]


def test_sources_match_without_case_or_diacritics():
    assert ids(parse({"sources": ["luat dat dai"]}, fold)) == [1, 3]
    assert ids(parse({"sources": ["LUẬT ĐẤT ĐAI", "cư trú"]}, fold)) == [1, 3, 5]
    assert ids(parse({"sources": ["Luật Đất đai"], "topics": [2]}, fold)) == [3]


def test_hand_picked_ids_alone_or_beside_the_filters():
    assert ids(parse({"question_ids": [4, 2, 99]}, fold)) == [2, 4]
    assert ids(parse({"question_ids": [4], "topics": [1]}, fold)) == [1, 2, 4]


def test_normalized_cleans_what_is_stored():
    assert normalized(
        {"topics": ["2", 1, 1, "x"], "difficulties": [5, 3], "sources": [" a  b ", ""]}
    ) == {"topics": [1, 2], "difficulties": [3], "sources": ["a b"], "question_ids": []}


def test_quotas_are_drawn_from_the_set():
    pool = [Candidate(i, 1 + i % 3, 1 + i % 2) for i in range(1, 61)]
    qset = parse({"topics": [1, 2]}, fold)
    members = filter_pool(pool, qset)
    for seed in range(30):
        drawn = draw_questions(members, 10, {1: 4}, random.Random(seed), {2: 3})
        topics = [pool[i - 1].topic_id for i in drawn]
        assert set(topics) <= {1, 2} and topics.count(1) >= 4

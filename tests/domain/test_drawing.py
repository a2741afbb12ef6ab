import random

import pytest

from contest.domain.drawing import (
    Candidate,
    NotEnoughQuestions,
    draw_questions,
    option_order,
    shown_correct,
)


def pool(per_topic: dict[int | None, int]) -> list[Candidate]:
    candidates, next_id = [], 1
    for topic, count in per_topic.items():
        for _ in range(count):
            candidates.append(Candidate(next_id, topic))
            next_id += 1
    return candidates


def test_draws_the_requested_number_without_repeats():
    drawn = draw_questions(pool({1: 30, 2: 30}), 25, None, random.Random(1))
    assert len(drawn) == 25
    assert len(set(drawn)) == 25


def test_quotas_are_met_exactly_and_the_rest_comes_from_anywhere():
    candidates = pool({1: 10, 2: 10, 3: 10})
    topic_of = {c.question_id: c.topic_id for c in candidates}
    for seed in range(50):
        drawn = draw_questions(candidates, 12, {1: 5, 2: 3}, random.Random(seed))
        topics = [topic_of[q] for q in drawn]
        assert len(set(drawn)) == 12
        assert topics.count(1) >= 5 and topics.count(2) >= 3


def test_every_question_outside_the_quotas_is_equally_likely():
    """Quota {1: 2} of 4 from topics 1 and 2 (5 each): the other 2 come from the 8 left, each
    with probability 2/8; a topic-1 question is drawn with 2/5 + 3/5 x 2/8 = 0.55."""
    candidates = pool({1: 5, 2: 5})
    draws = 4000
    counts = dict.fromkeys(range(1, 11), 0)
    for seed in range(draws):
        for question_id in draw_questions(candidates, 4, {1: 2}, random.Random(seed)):
            counts[question_id] += 1
    for question_id, expected in [(q, 0.55) for q in range(1, 6)] + [
        (q, 0.25) for q in range(6, 11)
    ]:
        assert abs(counts[question_id] / draws - expected) < 0.03, (question_id, counts)


def test_without_quotas_every_question_is_equally_likely():
    candidates = pool({None: 12})
    draws = 3000
    counts = dict.fromkeys(range(1, 13), 0)
    for seed in range(draws):
        for question_id in draw_questions(candidates, 3, None, random.Random(seed)):
            counts[question_id] += 1
    assert all(abs(n / draws - 0.25) < 0.03 for n in counts.values()), counts


def test_quota_topics_are_not_grouped_at_the_start():
    candidates = pool({1: 50, 2: 50})
    topic_of = {c.question_id: c.topic_id for c in candidates}
    firsts = {
        topic_of[draw_questions(candidates, 10, {1: 5}, random.Random(s))[0]] for s in range(40)
    }
    assert firsts == {1, 2}


def test_whole_bank_can_be_drawn_when_the_round_asks_for_all_of_it():
    candidates = pool({None: 9})
    assert sorted(draw_questions(candidates, 9, None, random.Random(3))) == list(range(1, 10))


@pytest.mark.parametrize(
    ("per_topic", "count", "quotas"),
    [({1: 5}, 6, None), ({1: 3, 2: 10}, 5, {1: 4}), ({1: 10}, 3, {1: 2, 2: 2})],
)
def test_not_enough_questions_is_refused(per_topic, count, quotas):
    with pytest.raises(NotEnoughQuestions):
        draw_questions(pool(per_topic), count, quotas, random.Random(0))


def test_zero_quotas_are_ignored():
    assert len(draw_questions(pool({1: 4}), 4, {2: 0}, random.Random(0))) == 4


def test_option_order_is_a_permutation_and_identity_without_shuffle():
    order = option_order(4, True, random.Random(5))
    assert sorted(order) == [0, 1, 2, 3]
    assert option_order(4, False, random.Random(5)) == [0, 1, 2, 3]


def test_shown_correct_follows_the_shuffle():
    # Stored options A B C D with B and D right, shown as D A C B.
    assert shown_correct([1, 3], [3, 0, 2, 1]) == [0, 3]

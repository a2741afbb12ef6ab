"""Topic and difficulty quotas together, checked on many random banks (plain randomized loops).

Each draw must meet every quota, give distinct ids and the right count; a refusal must be right
too, which a brute force over every subset of a small bank decides independently.
"""

import random
from collections import Counter
from itertools import combinations

import pytest

from contest.domain.drawing import (
    Candidate,
    NotEnoughQuestions,
    Shortfall,
    count_cells,
    draw_questions,
    plan_quotas,
    shortfalls,
    smallest_core,
)

TOPICS = (1, 2, 3, None)
DIFFICULTIES = (1, 2, 3, None)


def random_bank(rng: random.Random, size: int) -> list[Candidate]:
    return [
        Candidate(
            question_id=i + 1, topic_id=rng.choice(TOPICS), difficulty=rng.choice(DIFFICULTIES)
        )
        for i in range(size)
    ]


def random_quotas(rng: random.Random, keys, high: int) -> dict[int, int]:
    return {key: rng.randint(0, high) for key in keys if rng.random() < 0.6}


def meets(ids, bank, topic_quotas, difficulty_quotas) -> bool:
    by_id = {c.question_id: c for c in bank}
    topics = Counter(by_id[i].topic_id for i in ids)
    difficulties = Counter(by_id[i].difficulty for i in ids)
    return all(topics[t] >= n for t, n in topic_quotas.items()) and all(
        difficulties[d] >= n for d, n in difficulty_quotas.items()
    )


def brute_force_possible(bank, count, topic_quotas, difficulty_quotas) -> bool:
    ids = [c.question_id for c in bank]
    return any(
        meets(subset, bank, topic_quotas, difficulty_quotas) for subset in combinations(ids, count)
    )


def cells_of(bank):
    return Counter((c.topic_id, c.difficulty) for c in bank)


def test_random_banks_draws_meet_every_quota_and_refusals_are_right():
    rng = random.Random(2026)
    drawn_cases = refused_cases = 0
    for case in range(400):
        bank = random_bank(rng, rng.randint(4, 13))
        count = rng.randint(1, 8)
        topic_quotas = random_quotas(rng, (1, 2, 3), 2)
        difficulty_quotas = random_quotas(rng, (1, 2, 3), 2)
        possible = brute_force_possible(bank, count, topic_quotas, difficulty_quotas)
        cells = {(t, d, n) for (t, d), n in cells_of(bank).items()}
        reasons = shortfalls(
            count_cells(cells, topic_quotas, difficulty_quotas),
            count,
            topic_quotas,
            difficulty_quotas,
        )
        assert (reasons == []) == possible, (case, bank, count, topic_quotas, difficulty_quotas)
        if not possible:
            refused_cases += 1
            with pytest.raises(NotEnoughQuestions):
                draw_questions(bank, count, topic_quotas, random.Random(case), difficulty_quotas)
            continue
        drawn_cases += 1
        for seed in range(5):
            drawn = draw_questions(
                bank, count, topic_quotas, random.Random(seed), difficulty_quotas
            )
            assert len(drawn) == count
            assert len(set(drawn)) == count
            assert set(drawn) <= {c.question_id for c in bank}
            assert meets(drawn, bank, topic_quotas, difficulty_quotas), (case, seed, drawn)
    # The loop saw both kinds of case in numbers.
    assert drawn_cases > 80 and refused_cases > 80, (drawn_cases, refused_cases)


def test_larger_random_banks_meet_both_families_of_quotas():
    rng = random.Random(7)
    for case in range(200):
        bank = random_bank(rng, rng.randint(30, 120))
        count = rng.randint(10, 30)
        topic_quotas = random_quotas(rng, (1, 2, 3), 6)
        difficulty_quotas = random_quotas(rng, (1, 2, 3), 6)
        try:
            drawn = draw_questions(
                bank, count, topic_quotas, random.Random(case), difficulty_quotas
            )
        except NotEnoughQuestions:
            cells = {(t, d, n) for (t, d), n in cells_of(bank).items()}
            assert shortfalls(
                count_cells(cells, topic_quotas, difficulty_quotas),
                count,
                topic_quotas,
                difficulty_quotas,
            )
            continue
        assert len(drawn) == len(set(drawn)) == count
        assert meets(drawn, bank, topic_quotas, difficulty_quotas)


def test_the_tight_case_the_plain_way_misses_is_still_met():
    """Topic 1 has 3 questions, 2 of them hard; topic 2 has 3 easy ones. 3 questions, at least 2
    of topic 1, 2 hard and 1 easy: only {both hard of topic 1, one easy} works."""
    bank = [
        Candidate(1, 1, 3),
        Candidate(2, 1, 3),
        Candidate(3, 1, 1),
        Candidate(4, 2, 1),
        Candidate(5, 2, 1),
        Candidate(6, 2, 1),
    ]
    for seed in range(50):
        drawn = draw_questions(bank, 3, {1: 2}, random.Random(seed), {3: 2, 1: 1})
        assert {1, 2} <= set(drawn) and len(drawn) == 3


def test_one_question_counts_toward_both_quotas():
    # 4 hard questions of topic 1 and plenty of easy topic-2 ones: 4 questions can meet
    # "4 of topic 1" and "4 hard" at once.
    bank = [Candidate(i, 1, 3) for i in range(1, 5)] + [Candidate(i, 2, 1) for i in range(5, 30)]
    cells = {(t, d, n) for (t, d), n in cells_of(bank).items()}
    assert smallest_core(count_cells(cells, {1: 4}, {3: 4}), {1: 4}, {3: 4}, 10) == 4
    assert sorted(draw_questions(bank, 4, {1: 4}, random.Random(1), {3: 4})) == [1, 2, 3, 4]


def test_shortfalls_name_what_is_missing():
    bank = [Candidate(i, 1, 3) for i in range(1, 4)] + [Candidate(i, 2, 1) for i in range(4, 10)]
    cells = {(t, d, n) for (t, d), n in cells_of(bank).items()}
    found = shortfalls(count_cells(cells, {1: 2}, {3: 5}), 6, {1: 2}, {3: 5})
    assert found == [Shortfall("difficulty", 3, 3, 5)]
    assert found[0].missing == 2
    found = shortfalls(count_cells(cells, {2: 4}, {1: 3, 3: 3}), 5, {2: 4}, {1: 3, 3: 3})
    assert found == [Shortfall("difficulty_total", None, 5, 6)]
    assert shortfalls(count_cells(cells, {}, {}), 12, {}, {}) == [Shortfall("total", None, 9, 12)]
    # Each alone can be met; together they need 3 hard (topic 1) + 4 of topic 2 = 7 questions.
    found = shortfalls(count_cells(cells, {2: 4}, {3: 3}), 6, {2: 4}, {3: 3})
    assert found == [Shortfall("combined", None, 6, 7)]


def test_plans_vary_with_the_random_generator():
    """Two topics and two difficulties with every bucket full: the plan for "2 of topic 1 and 2
    hard" in 2 questions is forced (2 hard of topic 1), in 4 it is not forced but the core is
    still as small as possible."""
    cells = {(1, 3): 5, (1, None): 5, (None, 3): 5, (None, None): 5}
    assert plan_quotas(cells, {1: 2}, {3: 2}, 2, random.Random(1)) == {(1, 3): 2}
    for seed in range(20):
        plan = plan_quotas(cells, {1: 2}, {3: 2}, 4, random.Random(seed))
        assert sum(plan.values()) == 2


def test_single_family_quotas_keep_the_uniform_rest():
    """Difficulty quota {3: 2} of 4 from 5 hard and 5 easy: a hard question is drawn with
    2/5 + 3/5 x 2/8 = 0.55, an easy one with 0.25, as for topic quotas."""
    bank = [Candidate(i, None, 3) for i in range(1, 6)] + [
        Candidate(i, None, 1) for i in range(6, 11)
    ]
    draws = 4000
    counts = Counter()
    for seed in range(draws):
        counts.update(draw_questions(bank, 4, None, random.Random(seed), {3: 2}))
    for question_id in range(1, 11):
        expected = 0.55 if question_id <= 5 else 0.25
        assert abs(counts[question_id] / draws - expected) < 0.03, counts

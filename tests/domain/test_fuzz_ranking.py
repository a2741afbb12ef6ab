"""The ranking does not depend on the order entries arrive in: any permutation of a list of
entries gets the same ranks, and each rank is one more than the number of entries strictly
better on the whole chain (checked by brute force). Derandomized, bounded: a fixed, fast run."""

from datetime import datetime, timedelta
from itertools import permutations

from hypothesis import given, settings
from hypothesis import strategies as st

from contest.domain.ranking import STEPS, Entry, rank_entries, sort_key

FUZZ = settings(max_examples=150, derandomize=True, deadline=None)
START = datetime(2026, 3, 1, 8, 0)
# Few distinct values, so that ties on one step or on the whole chain are common.
entry_values = st.tuples(
    st.integers(0, 3),  # correct
    st.one_of(st.none(), st.integers(0, 4)),  # prediction
    st.integers(1, 3),  # duration, seconds
    st.integers(0, 2),  # submitted, minutes after the start
)
chains = st.sampled_from([list(p) for n in range(1, 5) for p in permutations(STEPS, n)])


def entries_from(values) -> list[Entry]:
    return [
        Entry(
            user_id=1000 + i,
            correct=correct,
            prediction=prediction,
            duration_ms=seconds * 1000,
            submitted_at=START + timedelta(minutes=minutes),
        )
        for i, (correct, prediction, seconds, minutes) in enumerate(values)
    ]


def ranks(ranked) -> dict[int, tuple[int, int | None]]:
    return {r.entry.user_id: (r.rank, r.prediction_error) for r in ranked}


@FUZZ
@given(
    values=st.lists(entry_values, max_size=25),
    chain=chains,
    actual=st.one_of(st.none(), st.integers(0, 4)),
    data=st.data(),
)
def test_a_permuted_list_of_entries_gets_the_same_ranking(values, chain, actual, data):
    entries = entries_from(values)
    shuffled = data.draw(st.permutations(entries))
    first, second = rank_entries(entries, chain, actual), rank_entries(shuffled, chain, actual)
    assert ranks(first) == ranks(second)
    # The same order too (ties by user id, only for a stable list).
    assert [r.entry.user_id for r in first] == [r.entry.user_id for r in second]

    keys = {e.user_id: sort_key(e, chain, actual) for e in entries}
    for ranked in first:
        better = sum(1 for other in keys.values() if other < keys[ranked.entry.user_id])
        assert ranked.rank == better + 1
    if first:
        assert first[0].rank == 1
        assert [r.rank for r in first] == sorted(r.rank for r in first)

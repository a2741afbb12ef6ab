"""One registry of tie-break steps drives the domain, the SQL, the index and the form."""

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from contest.domain import ranking
from contest.models.results import RANKING_COLUMNS, RoundEntry
from contest.results.ranking import ORDER
from contest.setup.forms import RoundForm


def compiled(expression, dialect) -> str:
    return str(expression.compile(dialect=dialect)).replace('"', "")


def ranking_index(name: str):
    return next(index for index in RoundEntry.__table__.indexes if index.name == name)


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=["sqlite", "pg"])
@pytest.mark.parametrize(
    ("index_name", "prefix"),
    [("ix_round_entry_ranking", 1), ("ix_round_entry_group_ranking", 2)],
)
def test_the_ranking_indexes_follow_the_default_chain_order_by(dialect, index_name, prefix):
    """If the index drifted from the ORDER BY, ranking would fall back to full scans."""
    index = ranking_index(index_name)
    in_index = [compiled(expression, dialect) for expression in index.expressions[prefix:]]
    ordered = [compiled(ORDER[step], dialect) for step in ranking.DEFAULT_CHAIN]
    # ORDER BY writes ascending columns with an explicit ASC, which is their default in an index.
    assert in_index == [text.removesuffix(" ASC") for text in ordered]


def test_every_step_has_a_column_a_wording_and_a_criterion_in_the_round_form():
    assert set(RANKING_COLUMNS) == set(ranking.STEPS) == set(ranking.STEP_WORDING)
    assert ranking.DEFAULT_CHAIN == ranking.STEPS
    assert len(RoundForm.CHAIN_FIELDS) == len(ranking.STEPS)
    for name in RoundForm.CHAIN_FIELDS:
        choices = [choice.value for choice in getattr(RoundForm, name).kwargs["choices"]]
        assert [c for c in choices if c] == list(ranking.STEPS), name


def test_the_order_by_goes_the_way_the_domain_says_is_better():
    for step in ranking.STEP_REGISTRY:
        text = compiled(ORDER[step.name], sqlite.dialect())
        assert text.endswith(" DESC") == step.higher_is_better, step.name

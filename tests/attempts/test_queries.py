"""The prebuilt statements bind exactly the parameters their builders give, by name."""

from datetime import datetime, timedelta

import pytest

from contest.attempts import queries
from contest.web import account_loader

NOW = datetime(2026, 12, 3, 8, 0)
BUILDERS = {
    "OWN_ATTEMPT": lambda: queries.own_attempt_params(1, 2),
    "START_RULES": lambda: queries.start_rules_params(1, 2),
    "ATTEMPTS_SO_FAR": lambda: queries.attempts_so_far_params(1, 2),
    "DRAWN_QUESTIONS": lambda: queries.drawn_questions_params([1, 2]),
    "CHOICE_UPDATE": lambda: queries.choice_update_params(1, 0, 2, 3, [0], NOW, timedelta(0)),
    "ATTEMPT_PAGE": lambda: queries.attempt_page_params(1, 2),
    "ATTEMPT_ITEMS": lambda: queries.attempt_items_params(1),
}


def bound_names(statement) -> set[str]:
    """The named parameters a caller must give; literals compile to anonymous ones."""
    binds = statement.compile().binds
    return {name for name, bind in binds.items() if not bind.unique}


@pytest.mark.parametrize("name", sorted(queries.PARAMETERS))
def test_each_statement_binds_the_parameters_listed_and_its_builder_gives_them(name):
    statement = getattr(queries, name)
    assert bound_names(statement) == queries.PARAMETERS[name]
    assert set(BUILDERS[name]()) == queries.PARAMETERS[name]


def test_every_prebuilt_read_and_update_has_a_listed_parameter_set():
    built = {
        name
        for name, value in vars(queries).items()
        if name.isupper() and hasattr(value, "compile") and not name.startswith("INSERT")
    }
    assert built == set(queries.PARAMETERS) == set(BUILDERS)


def test_the_account_loader_binds_the_account_id():
    assert bound_names(account_loader.ACCOUNT_BY_ID) == {"user"}

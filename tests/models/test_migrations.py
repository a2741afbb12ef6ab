"""Migrations are the only schema path: they go down and up again with data in the tables."""

import random

from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select

from contest import MIGRATIONS_DIR
from contest.attempts import service
from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import Attempt
from tests.factories import GRACE, POOL_SECONDS, make_questions, make_round, make_user


def test_down_and_up_again_with_data(app):
    with app.app_context():
        make_questions(12)
        service.start_attempt(
            make_user(),
            make_round(),
            utcnow(),
            random.Random(1),
            grace=GRACE,
            pool_seconds=POOL_SECONDS,
        )
        # As in production, migrations run with no transaction of the app's still open (on
        # PostgreSQL, DROP TABLE would wait for this session's read locks).
        db.session.remove()
        downgrade(directory=MIGRATIONS_DIR, revision="a019959748dd")
        db.session.remove()
        upgrade(directory=MIGRATIONS_DIR)
        assert db.session.execute(select(func.count()).select_from(Attempt)).scalar_one() == 1
        assert "round_entry" in inspect(db.engine).get_table_names()


def test_models_and_migrations_agree(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []

"""Fixtures: an app per test on a fresh database, on SQLite and (when it answers) PostgreSQL."""

import pytest

from contest import create_app
from contest.extensions import db
from tests import databases

PG_URL = databases.postgres_url()
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            PG_URL is None,
            reason="PostgreSQL pass skipped: no server on 127.0.0.1:5432 and no TEST_DATABASE_URL",
        ),
    ),
]


@pytest.fixture(scope="session")
def templates(tmp_path_factory):
    made: dict[str, object] = {}

    def get(backend: str):
        if backend not in made:
            workdir = tmp_path_factory.mktemp(backend)
            made[backend] = (
                databases.SqliteTemplate(workdir)
                if backend == "sqlite"
                else databases.PostgresTemplate(PG_URL, workdir)
            )
        return made[backend]

    yield get
    for template in made.values():
        template.close()


@pytest.fixture(params=BACKENDS)
def app(request, templates, tmp_path):
    template = templates(request.param)
    url = template.new_database()
    application = create_app(databases.base_config(url, tmp_path))
    application.config["BACKEND"] = request.param
    # No app context stays pushed: each request gets its own, as in production (flask-login
    # caches the user on `g`, which a shared context would leak from one client to another).
    yield application
    with application.app_context():
        db.engine.dispose()
    template.drop(url)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()

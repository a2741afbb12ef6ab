"""A PostgreSQL connection dropped under the app (a server restart, a proxy's idle timeout) is
replaced on the next request, not answered with a 500."""

import pytest
from sqlalchemy import text

from contest.extensions import db
from tests.databases import admin_connection


def test_a_dropped_connection_is_replaced(app, client):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL's connections only")
        url = db.engine.url.render_as_string(hide_password=False)
        name = db.engine.url.database
    assert client.get("/healthz").status_code == 200  # a connection now waits in the pool
    with admin_connection(url) as admin:
        ended = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    assert ended  # the pooled connection was there, and is gone
    assert client.get("/healthz").status_code == 200
    with app.app_context():
        assert db.session.execute(text("SELECT 1")).scalar_one() == 1

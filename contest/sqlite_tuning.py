"""Connection settings that make SQLite a good embedded default for many workers."""

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

from contest import collation

_installed = False


def _on_connect(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    # WAL lets readers go on while one writer commits; NORMAL is durable across app crashes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Workers wait for the write lock instead of failing at once under a deadline rush.
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()
    # ORDER BY … COLLATE vi: Vietnamese alphabetical order, as PostgreSQL's "vi-x-icu".
    collation.register_sqlite(dbapi_connection)


def install() -> None:
    global _installed
    if not _installed:
        event.listen(Engine, "connect", _on_connect)
        _installed = True

"""Vietnamese alphabetical order, the same in Python, on PostgreSQL and on SQLite.

Code points put «Đài Phát thanh» after «Văn phòng» and «Ăn» after «Bến». The Vietnamese
alphabet is a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, with the tones a
secondary difference («Hà Giang» < «Hạ Long» < «Hà Nội»). ICU's "vi" collation knows this: in
Python through PyICU, on PostgreSQL through the server's own "vi-x-icu" collation, and on
SQLite through a collation named "vi" that `register_sqlite` adds to each connection from the
same ICU collator. `in_vietnamese(column)` orders a query by it on either engine.
"""

import sqlite3
from functools import cache

import icu
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

# The collation's name in each engine's SQL.
SQLITE_COLLATION = "vi"
POSTGRESQL_COLLATION = "vi-x-icu"


@cache
def _collator() -> icu.Collator:
    # One collator per process; gunicorn's workers are processes, and PyICU's sort keys and
    # comparisons do not change the collator.
    return icu.Collator.createInstance(icu.Locale("vi_VN"))


def sort_key(text: str | None) -> bytes:
    """A key that sorts texts in Vietnamese alphabetical order (None and "" first)."""
    return _collator().getSortKey(text or "")


def compare(left: str, right: str) -> int:
    return _collator().compare(left, right)


def sorted_vietnamese(items, key=lambda item: item):
    """The items in the Vietnamese order of `key(item)`."""
    return sorted(items, key=lambda item: sort_key(key(item)))


def register_sqlite(connection: sqlite3.Connection) -> None:
    connection.create_collation(SQLITE_COLLATION, compare)


class in_vietnamese(ColumnElement):  # noqa: N801 (reads as a function in a query)
    """`column COLLATE <the engine's Vietnamese collation>`, for ORDER BY."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column):
        self.column = column
        self.type = column.type


@compiles(in_vietnamese)
def _sqlite(element, compiler, **kw):
    return compiler.process(element.column.collate(SQLITE_COLLATION), **kw)


@compiles(in_vietnamese, "postgresql")
def _postgresql(element, compiler, **kw):
    return compiler.process(element.column.collate(POSTGRESQL_COLLATION), **kw)

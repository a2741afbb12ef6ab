"""Whole numbers read from URLs, bounded where they are read.

Every integer in a URL path is a row id: the `int` converter is replaced by one that matches
only 1..2**31-1, so that `/bai-thi/<26 digits>` is a 404 instead of an overflow in SQLite or
PostgreSQL. Query-string numbers (`?trang=`, `?co_quan=`, ...) go through `query_int`, which
falls back to the default for anything absent, malformed or out of range.
"""

from flask import Flask, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """Digits only, 1 to 2**31-1 (a PostgreSQL INTEGER); anything else does not match."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def query_int(name: str, default: int | None = None, low: int = 1, high: int = MAX_ID):
    """`request.args[name]` as a whole number within [low, high], else `default`."""
    raw = (request.args.get(name) or "").strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 19:
        return default
    value = int(raw)
    return value if low <= value <= high else default


def register(app: Flask) -> None:
    """Before any blueprint adds its rules: the converters are looked up as rules are added."""
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["id"] = IdConverter

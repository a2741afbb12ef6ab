"""The ceiling for bench/load.py: a bare Flask app served by the same gunicorn settings.

    GET  /hello  → "hello"
    POST /write  → one INSERT + commit into bench_bare_write, on the database in DATABASE_URL

The engine is set up as the app sets up its own: the same driver, the same SQLite pragmas
(contest.sqlite_tuning: WAL, synchronous=NORMAL, busy_timeout) and pool_pre_ping.
"""

import os

from flask import Flask, request
from sqlalchemy import create_engine, text

from contest import sqlite_tuning
from contest.config import database_url_from_env

sqlite_tuning.install()
engine = create_engine(database_url_from_env(), pool_pre_ping=True)
INSERT = text("INSERT INTO bench_bare_write (worker, n) VALUES (:worker, :n)")

app = Flask(__name__)


@app.get("/hello")
def hello():
    return "hello"


@app.post("/write")
def write():
    body = request.get_json(silent=True) or {}
    with engine.begin() as conn:
        conn.execute(INSERT, {"worker": os.getpid(), "n": int(body.get("n", 0))})
    return {"ok": True}

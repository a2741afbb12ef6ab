"""One JSON line per request on the logger `contest.requests`, for the operators' log search.

Each line: time (ISO 8601, UTC), method, route (the URL rule, `/bai-thi/<int:attempt_id>/luu`,
never the URL: no id, token or query string), endpoint, status, duration_ms, account (the id
the session names, or null) and request_id (the proxy's X-Request-ID when it is a plain token,
else one made here; sent back in the response). Nothing else about the request is written: no
name, phone, e-mail, CCCD, query string, cookie, header or body.

The account id comes from the session cookie, as the answer save reads it: logging never loads
the account's row. On under gunicorn unless REQUEST_LOG says otherwise (config or environment:
1/0); off elsewhere, so that tests and the command line stay quiet.
"""

import logging
import os
import re
import sys
import time
from json.encoder import encode_basestring_ascii

from flask import Flask, Response, g, request, session

from contest.auth.tokens import parse_session_token

LOGGER_NAME = "contest.requests"
log = logging.getLogger(LOGGER_NAME)
REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy's request id may look like (nginx's $request_id is 32 hex digits): anything else
# is replaced, so that a client cannot write into the log.
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# json's C quoting of a string (ASCII out): "a\"b" for a"b.
quoted = encode_basestring_ascii


def enabled(app: Flask) -> bool:
    """REQUEST_LOG when set (True/False in config, 1/0/yes/no in the environment); else on
    when gunicorn serves the app."""
    setting = app.config.get("REQUEST_LOG")
    if setting is None:
        setting = os.environ.get("REQUEST_LOG")
    if setting is None or setting == "":
        return "gunicorn" in sys.modules
    if isinstance(setting, str):
        return setting.strip().lower() in ("1", "true", "yes", "on")
    return bool(setting)


def start_clock() -> None:
    g.request_started = time.perf_counter()


def request_id() -> str:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if REQUEST_ID.fullmatch(given) else os.urandom(16).hex()


def account_id() -> int | None:
    parsed = parse_session_token(session.get("_user_id"))
    return None if parsed is None else parsed[0]


def utc_stamp(now: float) -> str:
    """2026-12-07T14:52:26.241Z: a third of datetime's cost, on every request."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z"


def text_or_null(value: str | None) -> str:
    return "null" if value is None else quoted(value)


def line(response: Response, rid: str) -> str:
    """The JSON object, written field by field (strings through json's own C quoting): the
    answer save pays for it, and a dict through json.dumps costs twice as much."""
    started = g.get("request_started")
    duration = "null" if started is None else f"{(time.perf_counter() - started) * 1000:.1f}"
    rule = request.url_rule
    account = account_id()
    return (
        f'{{"time":"{utc_stamp(time.time())}","method":{quoted(request.method)},'
        f'"route":{text_or_null(rule.rule if rule is not None else None)},'
        f'"endpoint":{text_or_null(request.endpoint)},"status":{int(response.status_code)},'
        f'"duration_ms":{duration},"account":{"null" if account is None else account},'
        f'"request_id":"{rid}"}}'
    )


def write_line(response: Response) -> Response:
    rid = request_id()
    response.headers.add(REQUEST_ID_HEADER, rid)  # add: no scan for one to replace
    if log.isEnabledFor(logging.INFO):
        log.handle(record_of(line(response, rid)))
    return response


def record_of(message: str) -> logging.LogRecord:
    """A LogRecord for `message`, copied from one made once: `log.info` would walk the stack
    for a caller's file and line nobody reads here, and build the record's thirty attributes
    again; together that was most of the line's cost on the answer save. Handlers still get a
    whole record (name, level, time, process) for any formatter an operator sets."""
    record = object.__new__(logging.LogRecord)
    record.__dict__.update(RECORD_FIELDS)
    now = time.time()
    record.msg = message
    record.created = now
    record.msecs = int(now % 1 * 1000)
    record.process = os.getpid()  # the prototype may come from a parent process
    return record


RECORD_FIELDS = vars(logging.LogRecord(LOGGER_NAME, logging.INFO, __file__, 0, "", None, None))


class LineHandler(logging.StreamHandler):
    """Writes the message as it is, one line, flushed: no formatter in between."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.stream.write(record.getMessage() + "\n")
            self.stream.flush()
        except Exception:
            self.handleError(record)


def install_handler() -> None:
    """Lines to stderr, as they are (the message is the JSON), unless logging was configured
    for this logger already (by gunicorn's --log-config or the operator)."""
    log.setLevel(logging.INFO)
    if not log.handlers:
        log.addHandler(LineHandler(sys.stderr))
        # The line is written once, here: not again by a handler on the root logger (Alembic's
        # logging set-up adds one wherever migrations ran in the process), in another format.
        log.propagate = False


def register(app: Flask) -> None:
    if not enabled(app):
        return
    install_handler()
    app.before_request(start_clock)
    app.after_request(write_line)

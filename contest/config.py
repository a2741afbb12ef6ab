"""Configuration: defaults in code, `instance/config.py` overrides, then environment variables."""

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path


def json_text(value) -> str:
    """How JSON columns (question options, answers) are written: Vietnamese as UTF-8 text.

    json.dumps's default writes every letter with a diacritic as a \\u escape: six bytes
    instead of two or three, written at every start and decoded on every quiz page. Values
    already stored that way read the same.
    """
    return _JSON_ENCODER.encode(value)


# One encoder for every value: json.dumps with any non-default option builds a new one per call.
_JSON_ENCODER = json.JSONEncoder(ensure_ascii=False)


DEFAULTS = {
    # A pooled connection is checked before use (a server restart or a dropped connection is
    # replaced, not failed) and renewed after half an hour (idle timeouts of proxies between).
    "SQLALCHEMY_ENGINE_OPTIONS": {
        "pool_pre_ping": True,
        "pool_recycle": 1800,
        "json_serializer": json_text,
    },
    # A late submit must never fail on an expired CSRF token: longer than any attempt.
    "WTF_CSRF_TIME_LIMIT": 6 * 3600,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    # "Ghi nhớ đăng nhập" lasts a month at most; organizers and judges never get it.
    "REMEMBER_COOKIE_DURATION": timedelta(days=30),
    # Cookies are Secure whenever the request arrived over HTTPS; True makes them Secure always
    # (production behind TLS), so a mistaken http:// link never carries them in clear.
    "SECURE_COOKIES": False,
    # Reverse proxies in front of the app that set X-Forwarded-For/-Proto: 0 with `make run`,
    # 1 behind the nginx of docs/deployment.md. Rate limits by address depend on it.
    "TRUSTED_PROXY_HOPS": 0,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    # O(1) per hit in memory and in Redis; a moving window keeps and scans every hit.
    "RATELIMIT_STRATEGY": "sliding-window-counter",
    # One JSON line per request on the logger contest.requests (contest/web/request_log.py):
    # None is on under gunicorn, off elsewhere; True/False (or REQUEST_LOG=1/0) decide.
    "REQUEST_LOG": None,
    "ATTEMPT_GRACE_SECONDS": 10,
    # How long a worker may draw from its copy of the active questions (see question_pool.py).
    "QUESTION_POOL_SECONDS": 30,
    "MIN_PARTICIPANT_AGE": 12,
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    # The question-bank import's limits on a question's and an option's length, in characters
    # (situational questions run long); every other text of a bank file is held to 2,000.
    "BANK_MAX_QUESTION_LENGTH": 10_000,
    "BANK_MAX_OPTION_LENGTH": 2_000,
    "SEND_FILE_MAX_AGE_DEFAULT": 365 * 24 * 3600,
    # Pages travel to phones on slow networks: gzip costs far less than it saves. Static files
    # (17 KB in all, cached for a year by their content hash) are left to the proxy in front,
    # which serves them pre-compressed; the app compresses what it renders.
    "COMPRESS_ALGORITHM": ["gzip"],
    # Level 3, not 6: the quiz page (19 KB) gzips to 2.8 KB instead of 2.6 KB, two TCP segments
    # either way, for about a tenth less of the page's CPU (docs/sizing.md).
    "COMPRESS_LEVEL": 3,
    "COMPRESS_MIN_SIZE": 500,
    "COMPRESS_MIMETYPES": ["text/html", "application/json", "image/svg+xml"],
    # Who people turn to when they cannot reset their password by mail (shown on the
    # "Quên mật khẩu" page), e.g. "Ban Tổ chức: 0238 3xxx xxx, bantochuc@sonoivu.gov.vn".
    "ORGANIZER_CONTACT": "Số điện thoại và email của Ban Tổ chức có trong thể lệ cuộc thi.",
    # Password-reset mail (Flask-Mailman). Unset MAIL_SERVER: no mail is sent, and the page
    # says whom to contact instead.
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_DEFAULT_SENDER": None,
    # Seconds before a silent SMTP server is given up on: the page must still answer.
    "MAIL_TIMEOUT": 10,
    # The site's public address (https://thi.example.gov.vn): the base of links in e-mails, so
    # that a forged Host header cannot steer them. Unset: the request's own host.
    "PUBLIC_URL": None,
}

ENVIRONMENT_KEYS = (
    "SECRET_KEY",
    "RATELIMIT_STORAGE_URI",
    "MAIL_SERVER",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_DEFAULT_SENDER",
    "ORGANIZER_CONTACT",
    "PUBLIC_URL",
)
# Settings read from the environment as whole numbers or yes/no.
ENVIRONMENT_INTEGERS = ("TRUSTED_PROXY_HOPS", "MAIL_PORT")
ENVIRONMENT_FLAGS = ("SECURE_COOKIES", "MAIL_USE_TLS", "MAIL_USE_SSL")


def database_url_from_env() -> str | None:
    """DATABASE_URL as given, with the plain postgres:// scheme mapped to the psycopg 3 driver."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return None
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def sqlite_url(instance_path: str) -> str:
    return "sqlite:///" + str(Path(instance_path) / "contest.db")


def instance_secret_key(instance_path: str) -> str:
    """The secret key kept in `instance/secret_key`, generated on first run: none ever ships."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def apply_environment(config: dict) -> None:
    for key in ENVIRONMENT_KEYS:
        if os.environ.get(key):
            config[key] = os.environ[key]
    for key in ENVIRONMENT_INTEGERS:
        if os.environ.get(key):
            config[key] = int(os.environ[key])
    for key in ENVIRONMENT_FLAGS:
        if os.environ.get(key):
            config[key] = os.environ[key].strip().lower() in ("1", "true", "yes", "on")
    url = database_url_from_env()
    if url:
        config["SQLALCHEMY_DATABASE_URI"] = url

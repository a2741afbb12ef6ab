"""Headers on every response, from one hook: what the browser may run, frame and send on.

- The Content-Security-Policy lets pages run only the app's own script and style files (no
  inline script, style or event handler), never be framed (so «Nộp bài» or «Công bố» cannot be
  clicked through another site), load no plugin and keep their base URL.
- Pages for a logged-in person and the staff areas are never kept by the browser or a proxy
  (`no-store`), unless the view chose its own caching (the contest emblem, the static files).
"""

from flask import Flask, Response, request
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # The favicon is a data: URL; emblems and charts are the app's own.
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
FIXED_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    for name, value in FIXED_HEADERS.items():
        response.headers.setdefault(name, value)
    if "Cache-Control" not in response.headers and is_personal(request.endpoint):
        response.headers["Cache-Control"] = "no-store"
    return response


def is_personal(endpoint: str | None) -> bool:
    """True for every response but static files when someone is logged in: staff pages, the
    quiz, the profile, downloads of personal data."""
    if endpoint == "static":
        return False
    return bool(current_user and current_user.is_authenticated)


def register(app: Flask) -> None:
    app.after_request(add_security_headers)

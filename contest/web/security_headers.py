"""Headers on every response, from one hook: what the browser may run, frame and send on.

- The Content-Security-Policy lets pages run only the app's own script and style files (no
  inline script, style or event handler), never be framed (so «Nộp bài» or «Công bố» cannot be
  clicked through another site), load no plugin and keep their base URL.
- Pages for a logged-in person and the staff areas are never kept by the browser or a proxy
  (`no-store`), unless the view chose its own caching (the contest emblem, the static files).
"""

from flask import Flask, Response, current_app, request, session

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
    """Add what the view did not set itself. One pass over the headers: werkzeug's
    `setdefault` costs an exception per missing header, and this runs on every answer save."""
    headers = response.headers
    present = {name.lower() for name, _value in headers.items()}
    for name, value in FIXED_HEADERS.items():
        if name.lower() not in present:
            headers.add(name, value)
    if "cache-control" not in present and is_personal(request.endpoint):
        headers.add("Cache-Control", "no-store")
    return response


def is_personal(endpoint: str | None) -> bool:
    """True for every response but static files when the request carries a log-in (the
    session's account or a remember-me cookie): staff pages, the quiz, the profile, downloads
    of personal data. Read from the cookie, not the account row: the answer save never loads
    the account, and this hook must not make it."""
    if endpoint == "static":
        return False
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return "_user_id" in session or remember in request.cookies


def register(app: Flask) -> None:
    app.after_request(add_security_headers)

"""Where a form may send the browser next: only a path on this site."""

from urllib.parse import urlsplit

from flask import url_for

MAX_TARGET = 2000


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect to another host. A target with a
    control character (a CR/LF would split the Location header) or longer than any of our
    URLs is treated as absent."""
    if not target or len(target) > MAX_TARGET or not target.isprintable():
        return url_for("main.home")
    # Browsers read "/\\host" like "//host", so a backslash anywhere disqualifies the target.
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.netloc and not parts.scheme:
            return target
    return url_for("main.home")

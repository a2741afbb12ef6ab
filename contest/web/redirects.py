"""Where a form may send the browser next: only a path on this site."""

from urllib.parse import urlsplit

from flask import url_for


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect to another host."""
    # Browsers read "/\\host" like "//host", so a backslash anywhere disqualifies the target.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.netloc and not parts.scheme:
            return target
    return url_for("main.home")

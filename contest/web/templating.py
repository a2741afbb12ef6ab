"""Template filters and globals: Vietnam time, durations, labels."""

from datetime import datetime

from flask import Flask, request, url_for

from contest.domain.clock import to_vietnam
from contest.domain.durations import duration_words
from contest.models.user import GENDER_LABELS, GROUP_LABELS
from contest.text import thousands
from contest.web.markdown import render_markdown
from question_bank.models import LETTERS

# Blueprints of the staff areas (organizers, judges): their pages use a desktop's width.
STAFF_BLUEPRINTS = frozenset(
    {
        "admin",
        "judge",
        "bank",
        "agencies",
        "contests",
        "account_history",
        "people",
        "eligibility",
        "privacy",
        "audit",
        "integrity",
        "focal",
        "regrade",
    }
)

WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]


def vn_datetime(moment: datetime | None, with_weekday: bool = False) -> str:
    """ "08:00 ngày 23/11/2026" in Vietnam time (UTC+7)."""
    if moment is None:
        return ""
    local = to_vietnam(moment)
    text = local.strftime("%H:%M ngày %d/%m/%Y")
    return f"{text} ({WEEKDAYS[local.weekday()]})" if with_weekday else text


def vn_datetime_seconds(moment: datetime | None) -> str:
    return to_vietnam(moment).strftime("%H:%M:%S %d/%m/%Y") if moment else ""


def vn_time(moment: datetime | None) -> str:
    """ "14:05:09" in Vietnam time: a moment of today's attempt."""
    return to_vietnam(moment).strftime("%H:%M:%S") if moment else ""


def mm_ss(milliseconds: int | None) -> str:
    """Time taken as phút:giây, with tenths when under an hour matters for ties."""
    if milliseconds is None:
        return ""
    seconds, millis = divmod(int(milliseconds), 1000)
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes:02d}:{seconds:02d},{millis // 100}"


def minutes_text(seconds: int) -> str:
    """A time limit as people say it: "20 phút", "1 phút 30 giây", "20 giây"."""
    minutes, rest = divmod(int(seconds), 60)
    if not minutes:
        return f"{rest} giây"
    return f"{minutes} phút" + (f" {rest} giây" if rest else "")


def register(app: Flask) -> None:
    app.add_template_filter(vn_datetime)
    app.add_template_filter(vn_datetime_seconds)
    app.add_template_filter(mm_ss)
    app.add_template_filter(vn_time)
    app.add_template_filter(duration_words)
    app.add_template_filter(thousands)
    app.add_template_filter(minutes_text)
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_global(GROUP_LABELS, "group_labels")
    app.add_template_global(LETTERS, "option_letters")
    app.add_template_global(GENDER_LABELS, "gender_labels")
    app.add_template_global(STAFF_BLUEPRINTS, "STAFF_BLUEPRINTS")
    remembered_url_for = url_builder()
    app.add_template_global(remembered_url_for, "url_for")
    app.add_template_global(static_url_builder(app, remembered_url_for), "static_url")


# Links built on pages are remembered per app, up to this many; then they start over.
REMEMBERED_URLS = 4096


def url_builder():
    """`url_for` for templates, remembering the links it has built.

    The layout builds the same dozen links on every page, and building one cost about as much
    as reading a row: together about 8% of the quiz page's CPU. A relative link depends only on
    the endpoint, its values and the path the app is mounted at (the URL map does not change once
    the app is set up, and the app registers no URL defaults), so those make the key. External
    links, anchors, other methods and blueprint-relative endpoints are built every time.
    """
    built: dict[tuple, str] = {}

    def remembered_url_for(endpoint: str, **values) -> str:
        if endpoint.startswith(".") or any(name.startswith("_") for name in values):
            return url_for(endpoint, **values)
        key = (request.script_root, endpoint, *sorted(values.items()))
        try:
            return built[key]
        except KeyError:
            pass
        except TypeError:  # a value that cannot be a key (a list): build it every time
            return url_for(endpoint, **values)
        if len(built) >= REMEMBERED_URLS:
            built.clear()
        url = built[key] = url_for(endpoint, **values)
        return url

    return remembered_url_for


def static_url_builder(app: Flask, build_url=url_for):
    """URLs with a content hash (style.css?v=3f2a…), so files can be cached for a year."""
    import hashlib
    from pathlib import Path

    hashes: dict[str, str] = {}

    def static_url(filename: str) -> str:
        if filename not in hashes:
            path = Path(app.static_folder) / filename
            hashes[filename] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        return build_url("static", filename=filename, v=hashes[filename])

    return static_url

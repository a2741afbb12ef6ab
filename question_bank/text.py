"""Turning cell values into the text a person sees, and folding text for matching."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from functools import lru_cache

_ESCAPE_RE = re.compile(r"_x([0-9A-Fa-f]{4})_")
# C0 controls except tab (09) and newline (0A), plus DEL. CR is handled before.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_NFC = unicodedata.normalize
# Invisible format characters: bidirectional controls (a right-to-left override in a name
# reverses a whole title row), marks, zero-width spaces and joiners, word joiners, the BOM and
# the soft hyphen. None belongs in a name, a question or an agency.
_INVISIBLE_RE = re.compile(
    "[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


# Combining marks: every Vietnamese tone and vowel mark decomposes into this range.
_MARKS_RE = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold_text(text: str) -> str:
    """Lower case, no Vietnamese diacritics (đ → d), single spaces, trimmed.

    Used to match header names, sheet names, difficulty words and answers, and to search;
    never to store what people see. One regular expression, not a loop per character:
    importing a bank folds every question.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    bare = _MARKS_RE.sub("", _NFC("NFD", text))
    return " ".join(bare.casefold().split())


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """`fold_text`, cached for the few distinct header and answer words of a file."""
    return fold_text(text)


def _is_escaped_char(code: int) -> bool:
    """Characters Excel writes as ``_xHHHH_``: those XML cannot hold, and "_" itself."""
    return (
        code < 0x20
        or 0x7F <= code <= 0x9F
        or code == 0x5F
        or 0xD800 <= code <= 0xDFFF
        or (code >= 0xFFFE)
    )


def _unescape_match(match: re.Match) -> str:
    code = int(match.group(1), 16)
    return chr(code) if _is_escaped_char(code) else match.group(0)


def decode_xlsx_escapes(text: str) -> str:
    """Decode the ``_xHHHH_`` escapes Excel writes for characters XML cannot hold.

    Only escapes Excel actually writes are decoded, so literal text such as
    ``_x0041_`` stays as typed; ``_x005F_x0041_`` (an escaped underscore)
    becomes ``_x0041_`` because the substitution is a single left-to-right pass.
    """
    if "_x" not in text:
        return text
    decoded = _ESCAPE_RE.sub(_unescape_match, text)
    try:
        decoded.encode("utf-8")
    except UnicodeEncodeError:  # escaped surrogate pairs, or a lone surrogate
        decoded = decoded.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return decoded


def escape_for_xlsx(text: str) -> str:
    """Protect literal ``_xHHHH_`` sequences so Excel shows them as typed."""
    if "_x" not in text:
        return text
    return _ESCAPE_RE.sub(r"_x005F_x\1_", text)


def strip_invisible(text: str) -> str:
    """`text` without invisible format characters (bidirectional controls and the like)."""
    if text.isprintable():
        return text
    return _INVISIBLE_RE.sub("", text)


def strip_controls(text: str) -> tuple[str, int]:
    """Line breaks to ``\\n``; remove other control characters and invisible format
    characters; return (text, removed)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned, removed = _CONTROL_RE.subn("", text)
    cleaned, invisible = _INVISIBLE_RE.subn("", cleaned)
    return cleaned, removed + invisible


def clean_str(text: str) -> str:
    """NFC, trimmed, control characters removed (for text that is not a cell)."""
    if not text.isprintable():
        text = strip_controls(text)[0]
    return _NFC("NFC", text).strip()


def display_text(value: object) -> str:
    """The text a person sees for a non-string cell value (None → "")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, dt.datetime):
        return _date_text(value) + _time_suffix(value)
    if isinstance(value, dt.date):
        return _date_text(value)
    if isinstance(value, dt.time):
        return _time_text(value.hour, value.minute, value.second)
    if isinstance(value, dt.timedelta):
        return _duration_text(value)
    return _NFC("NFC", str(value)).strip()


def _float_text(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


def _date_text(value: dt.date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def _time_suffix(value: dt.datetime) -> str:
    if not (value.hour or value.minute or value.second):
        return ""
    return " " + _time_text(value.hour, value.minute, value.second)


def _time_text(hour: int, minute: int, second: int) -> str:
    text = f"{hour:02d}:{minute:02d}"
    return f"{text}:{second:02d}" if second else text


def _duration_text(value: dt.timedelta) -> str:
    total = int(value.total_seconds())
    sign = "-" if total < 0 else ""
    hours, rest = divmod(abs(total), 3600)
    minutes, seconds = divmod(rest, 60)
    return sign + (f"{hours}:{minutes:02d}:{seconds:02d}" if seconds else f"{hours}:{minutes:02d}")

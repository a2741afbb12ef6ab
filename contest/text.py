"""Text normalisation shared by forms and services: NFC everywhere, phones in one form."""

import re
import unicodedata

from question_bank.text import fold_text, strip_invisible

_SPACES = re.compile(r"\s+")


def nfc(value: str | None) -> str:
    """Unicode NFC, trimmed, inner whitespace collapsed, invisible format characters (such as
    a right-to-left override) removed: what we store for any typed text."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", strip_invisible(value or ""))).strip()


def fold(value: str | None) -> str:
    """Lower case without Vietnamese diacritics (đ becomes d), single spaces: for search.

    The same folding the spreadsheet reader matches headers and answers with."""
    return fold_text(value or "")


def normalize_phone(value: str | None) -> str:
    """Vietnamese mobile numbers as 0xxxxxxxxx: "+84 912.345.678" becomes "0912345678"."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


PHONE_PATTERN = re.compile(r"^0\d{9}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NATIONAL_ID_PATTERN = re.compile(r"^\d{12}$")


def thousands(value: int | None) -> str:
    """Vietnamese digit grouping: 240.000 (pages and spreadsheets alike)."""
    return "" if value is None else f"{value:,}".replace(",", ".")

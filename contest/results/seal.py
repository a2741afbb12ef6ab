"""The results seal, method 2: the canonical text of a published ranking and its SHA-256.

docs/results-seal.md is the reference (a reimplementation fits in a few lines of any language);
this module is the only writer of the canonical text. Plain values in, text and digests out:
no database, no Flask, so that the exports, the verifier and the tests share it.

- The header: one `key=value` line per field of HEADER_KEYS, each ending in LF.
- A line: the FIELDS of one published line, as text, separated by TAB, ending in LF.
- A line's digest: SHA-256 of header + line (lowercase hex). A receipt code is its first
  RECEIPT_LENGTH hex digits.
- The seal: SHA-256 of header + every line digest in published order, each ending in LF.

Labels are this module's own (not imported): the canonical text of a publication must not
move when a page's wording changes.
"""

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from question_bank.text import strip_invisible

METHOD = "TTT-SEAL"
VERSION = 2
# The method of publications sealed before this one: database ids and microseconds, checked
# only against the stored snapshot (contest.results.service.verify_v1).
LEGACY_VERSION = 1
RECEIPT_LENGTH = 12
HEADER_KEYS = (
    "method",
    "contest",
    "round",
    "publication",
    "published_at",
    "prediction_actual",
    "chain",
)
FIELDS = (
    "position",
    "rank",
    "group",
    "group_rank",
    "prize",
    "full_name",
    "birth_year",
    "phone",
    "national_id",
    "agency_code",
    "agency_name",
    "agency_parent_code",
    "prize_eligible",
    "attempt_number",
    "correct",
    "questions",
    "prediction",
    "prediction_error",
    "duration_ms",
    "submitted_at",
)
GROUP_TEXT = {"can_bo": "Cán bộ, công chức, viên chức", "nhan_dan": "Nhân dân"}
PRIZE_TEXT = {"nhat": "Giải Nhất", "nhi": "Giải Nhì", "ba": "Giải Ba", "kk": "Giải Khuyến khích"}
YES_NO_TEXT = {True: "Có", False: "Không"}
# What an export shows in the name cell of a line whose personal data was erased on request.
ERASED_NAME = "(dữ liệu cá nhân đã xoá theo yêu cầu)"
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n"}
_ESCAPE_RE = re.compile(r"[\\\t\n]")
_HEX_RE = re.compile(r"[0-9a-f]+")


@dataclass(frozen=True)
class Header:
    """What identifies a publication in its seal: no database id, times in UTC to the ms."""

    contest: str  # the contest's slug
    round: int  # the round's number in its contest
    publication: int  # 1 for the first publication of the round, 2 for the next…
    published_at: datetime  # naive UTC
    prediction_actual: int | None
    chain: str  # the tie-break steps, comma-separated

    def text(self) -> str:
        values = {
            "method": f"{METHOD}/{VERSION}",
            "contest": self.contest,
            "round": self.round,
            "publication": self.publication,
            "published_at": iso_ms(self.published_at),
            "prediction_actual": self.prediction_actual,
            "chain": self.chain,
        }
        return "".join(f"{key}={field_text(values[key])}\n" for key in HEADER_KEYS)


def clean(text: str | None) -> str | None:
    """Text as a published cell holds it: NFC, no invisible format characters, no control
    characters but LF (CR and CRLF become LF), trimmed; empty text is None (a blank cell)."""
    if text is None:
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = ILLEGAL_CHARACTERS_RE.sub("", strip_invisible(text))
    text = unicodedata.normalize("NFC", text).strip()
    return text or None


def to_ms(moment: datetime) -> datetime:
    """A moment cut to the millisecond (the precision every file and page shows)."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def iso_ms(moment: datetime) -> str:
    """2025-11-16T02:02:40.000Z: naive UTC, to the millisecond (cut, not rounded)."""
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def field_text(value: object) -> str:
    """One field as canonical text: blank for None, decimal integers, NFC text escaped so that
    TAB, LF and backslash cannot be confused with separators."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES_NO_TEXT[value]
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return iso_ms(value)
    text = unicodedata.normalize("NFC", str(value))
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], text)


def line_text(values: Mapping[str, object]) -> str:
    """The canonical text of one published line (`public_values` gives the values)."""
    return "\t".join(field_text(values[name]) for name in FIELDS) + "\n"


def line_digest(header: str, values: Mapping[str, object]) -> str:
    return hashlib.sha256((header + line_text(values)).encode()).hexdigest()


def seal(header: str, digests: Iterable[str]) -> str:
    digest = hashlib.sha256(header.encode())
    for line in digests:
        digest.update((line + "\n").encode())
    return digest.hexdigest()


def receipt(digest: str) -> str:
    """The short receipt code of a line: the first 12 hex digits of its digest."""
    return digest[:RECEIPT_LENGTH]


def receipt_display(code: str) -> str:
    """a1b2c3d4e5f6 → A1B2-C3D4-E5F6, as pages and the file show it."""
    code = code.upper()
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def parse_code(typed: str) -> str | None:
    """A pasted seal (64 hex digits) or receipt code (12), with any case, spaces and hyphens,
    as lowercase hex; None when it is neither."""
    bare = re.sub(r"[\s\-]", "", typed or "").lower()
    if len(bare) in (RECEIPT_LENGTH, 64) and _HEX_RE.fullmatch(bare):
        return bare
    return None


# -- what the public sees of a person --------------------------------------------------------


def masked_phone(phone: str | None) -> str | None:
    """0912345678 → *******678: only the last 3 digits."""
    if not phone:
        return None
    return "*" * max(len(phone) - 3, 0) + phone[-3:]


def masked_national_id(number: str | None) -> str | None:
    """001090000003 → 001******003: the first 3 (the province) and the last 3 digits."""
    if not number:
        return None
    if len(number) <= 6:
        return "*" * len(number)
    return f"{number[:3]}{'*' * (len(number) - 6)}{number[-3:]}"


def public_values(line: Mapping[str, object]) -> dict[str, object]:
    """The canonical values of a snapshot line (its stored fields, by the snapshot's column
    names) as the public copy shows them: codes as words, birth year only, numbers masked."""
    born = line.get("date_of_birth")
    return {
        "position": line["position"],
        "rank": line["rank"],
        "group": GROUP_TEXT.get(line["participant_group"], line["participant_group"]),
        "group_rank": line["group_rank"],
        "prize": PRIZE_TEXT.get(line["prize"]) if line["prize"] else None,
        "full_name": line.get("full_name"),
        "birth_year": born.year if isinstance(born, date) else None,
        "phone": masked_phone(line.get("phone")),
        "national_id": masked_national_id(line.get("national_id")),
        "agency_code": line.get("agency_code"),
        "agency_name": line.get("agency_name"),
        "agency_parent_code": line.get("agency_parent_code"),
        "prize_eligible": bool(line["prize_eligible"]),
        "attempt_number": line["attempt_number"],
        "correct": line["correct_count"],
        "questions": line["question_count"],
        "prediction": line["prediction"],
        "prediction_error": line["prediction_error"],
        "duration_ms": line["duration_ms"],
        "submitted_at": to_ms(line["submitted_at"]),
    }


def duration_text(ms: int | None) -> str:
    """mm:ss.mmm, the precision the ranking compares (minutes past 59 keep counting)."""
    if ms is None:
        return ""
    minutes, rest = divmod(int(ms), 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{minutes:02d}:{seconds:02d}.{millis:03d}"


VIETNAM = timedelta(hours=7)

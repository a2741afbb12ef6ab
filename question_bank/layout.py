"""The template layout shared by the bank export and the blank template."""

from __future__ import annotations

from openpyxl.styles import Alignment, Font, PatternFill

from .cells import set_text
from .models import LETTERS

SHEET_TITLE = "Câu hỏi"
TITLE_ROW = 1
HEADER_ROW = 3
FIRST_DATA_ROW = HEADER_ROW + 1
MIN_OPTION_COLUMNS = 4
TAIL_HEADERS = ("Đáp án đúng", "Chủ đề", "Mức độ", "Giải thích", "Căn cứ")
_WIDTHS = {"STT": 6, "Câu hỏi": 60, "Đáp án đúng": 13, "Chủ đề": 22, "Mức độ": 12}

TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
WRAP = Alignment(wrap_text=True, vertical="top")

__all__ = ["set_text"]  # the shared text writer, re-exported for the bank's writers


def headers(option_count: int) -> list[str]:
    """STT, Câu hỏi, Phương án A.., Đáp án đúng, Chủ đề, Mức độ, Giải thích, Căn cứ."""
    count = max(MIN_OPTION_COLUMNS, option_count)
    return ["STT", "Câu hỏi", *(f"Phương án {LETTERS[i]}" for i in range(count)), *TAIL_HEADERS]


def width(header: str) -> int:
    if header.startswith("Phương án"):
        return 28
    return _WIDTHS.get(header, 36)


def number_value(number: str | None) -> int | str | None:
    """STT "12" is written as the number 12 (it reads back as "12"); other text stays text."""
    if number is None:
        return None
    if number.isdigit() and number.isascii() and len(number) < 15 and not number.startswith("0"):
        return int(number)
    return number

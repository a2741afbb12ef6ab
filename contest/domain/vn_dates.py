"""Dates and times as Vietnamese people type them: 09/12/2026 and 09/12/2026 08:00 (24-hour).

Pure parsing and formatting; no time zones here. A parsed date-time is the naive wall time
the person typed (Vietnam time); converting it to UTC is the caller's job (domain.clock).
Every refusal is a ValueError whose message, in Vietnamese, says what is wrong."""

import re
from datetime import date, datetime

DATE_FORMAT_HINT = "dd/mm/yyyy"
DATETIME_FORMAT_HINT = "dd/mm/yyyy HH:MM"

_DATE = re.compile(r"^([0-9]{1,2})\s*[/.\-]\s*([0-9]{1,2})\s*[/.\-]\s*([0-9]{4})$")
_TIME = re.compile(r"^([0-9]{1,2})\s*[:hH]\s*([0-9]{2})$")


def _clean(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").strip())


def parse_vn_date(text: str | None) -> date:
    """ "09/12/2026" (day first) to date(2026, 12, 9); also accepts 9/12/2026, 09-12-2026, 09.12.2026."""
    value = _clean(text)
    if not value:
        raise ValueError(f"Chưa nhập ngày (dạng {DATE_FORMAT_HINT}).")
    match = _DATE.match(value)
    if not match:
        raise ValueError(f"Ngày «{value}» không đúng dạng {DATE_FORMAT_HINT}, ví dụ 09/12/2026.")
    day, month, year = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        raise ValueError(f"Ngày «{value}»: tháng {month} không có (tháng từ 1 đến 12).")
    if year < 1900 or year > 2999:
        raise ValueError(f"Ngày «{value}»: năm {year} không hợp lệ.")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(
            f"Ngày «{value}» không có trong lịch: tháng {month}/{year} không có ngày {day}."
        ) from None


def parse_vn_datetime(text: str | None) -> datetime:
    """ "09/12/2026 08:00" to datetime(2026, 12, 9, 8, 0), naive, the wall time as typed."""
    value = _clean(text)
    if not value:
        raise ValueError(f"Chưa nhập ngày giờ (dạng {DATETIME_FORMAT_HINT}).")
    parts = value.rsplit(" ", 1)
    if len(parts) != 2 or not _TIME.match(parts[1]):
        raise ValueError(
            f"Ngày giờ «{value}» không đúng dạng {DATETIME_FORMAT_HINT} (giờ 24), "
            "ví dụ 09/12/2026 08:00."
        )
    day = parse_vn_date(parts[0])
    hour, minute = (int(part) for part in _TIME.match(parts[1]).groups())
    if hour > 23:
        raise ValueError(f"Ngày giờ «{value}»: giờ {hour} không có (giờ từ 00 đến 23).")
    if minute > 59:
        raise ValueError(f"Ngày giờ «{value}»: phút {minute} không có (phút từ 00 đến 59).")
    return datetime(day.year, day.month, day.day, hour, minute)


def format_vn_date(value: date | None) -> str:
    """date(2026, 12, 9) to "09/12/2026"; nothing to an empty string."""
    if value is None:
        return ""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def format_vn_datetime(value: datetime | None) -> str:
    """datetime(2026, 12, 9, 8, 0) to "09/12/2026 08:00"; nothing to an empty string."""
    if value is None:
        return ""
    return f"{format_vn_date(value)} {value.hour:02d}:{value.minute:02d}"

from datetime import date, datetime

import pytest

from contest.domain.vn_dates import (
    format_vn_date,
    format_vn_datetime,
    parse_vn_date,
    parse_vn_datetime,
)


def test_parses_day_first():
    assert parse_vn_date("09/12/2026") == date(2026, 12, 9)
    assert parse_vn_date(" 9/1/2026 ") == date(2026, 1, 9)
    assert parse_vn_date("09-12-2026") == date(2026, 12, 9)
    assert parse_vn_date("09.12.2026") == date(2026, 12, 9)


def test_leap_day():
    assert parse_vn_date("29/02/2028") == date(2028, 2, 29)
    with pytest.raises(ValueError, match="không có ngày 29"):
        parse_vn_date("29/02/2027")


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "Chưa nhập ngày"),
        (None, "Chưa nhập ngày"),
        ("31/02/2026", "không có ngày 31"),
        ("31/04/2026", "không có ngày 31"),
        ("00/04/2026", "không có ngày 0"),
        ("12/13/2026", "tháng 13"),
        ("2026-12-09", "không đúng dạng"),
        ("09/12/26", "không đúng dạng"),
        ("ngày mai", "không đúng dạng"),
        ("09/12/0026", "năm"),
        ("٠٩/١٢/٢٠٢٦", "không đúng dạng"),
    ],
)
def test_refuses_bad_dates_in_vietnamese(text, words):
    with pytest.raises(ValueError, match=words):
        parse_vn_date(text)


def test_parses_date_times_24_hour():
    assert parse_vn_datetime("09/12/2026 08:00") == datetime(2026, 12, 9, 8, 0)
    assert parse_vn_datetime("9/12/2026  23:59") == datetime(2026, 12, 9, 23, 59)
    assert parse_vn_datetime("09/12/2026 8:05") == datetime(2026, 12, 9, 8, 5)
    assert parse_vn_datetime("09/12/2026 8h05") == datetime(2026, 12, 9, 8, 5)
    assert parse_vn_datetime("09/12/2026 00:00").tzinfo is None


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "Chưa nhập ngày giờ"),
        ("09/12/2026", "không đúng dạng"),
        ("09/12/2026 24:00", "giờ 24 không có"),
        ("09/12/2026 08:60", "phút 60 không có"),
        ("09/12/2026 8", "không đúng dạng"),
        ("09/12/2026 08:00 PM", "không đúng dạng"),
        ("31/02/2026 08:00", "không có ngày 31"),
    ],
)
def test_refuses_bad_date_times(text, words):
    with pytest.raises(ValueError, match=words):
        parse_vn_datetime(text)


def test_formats_round_trip():
    assert format_vn_date(date(2026, 1, 9)) == "09/01/2026"
    assert format_vn_datetime(datetime(2026, 12, 9, 8, 5)) == "09/12/2026 08:05"
    assert format_vn_date(None) == "" and format_vn_datetime(None) == ""
    moment = datetime(2027, 3, 1, 17, 30)
    assert parse_vn_datetime(format_vn_datetime(moment)) == moment

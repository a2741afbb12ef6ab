"""The focal point's Excel file: the subtree's registered people in one round, and, when the
subtree has a roster, who on it has not taken part yet.

Written with the judges' sheet writer (`contest/results/exports/workbook.py`), so every text
cell is formula-safe and cleaned by the one cell writer the application's files share. Phone
numbers are masked as in the public copies of the judges' exports.
"""

from datetime import datetime
from os import PathLike
from typing import BinaryIO

from contest.domain.clock import to_vietnam
from contest.focal_points import service
from contest.models import Agency, Round
from contest.results.exports.cells import mask_phone
from contest.results.exports.workbook import (
    COUNT,
    DATETIME,
    INTEGER,
    TEXT,
    Column,
    SheetWriter,
    new_workbook,
    save,
)
from contest.text import thousands

YES_NO = {True: "Có", False: "Không"}

PEOPLE_COLUMNS = (
    Column("STT", INTEGER, 7),
    Column("Họ và tên", TEXT, 26),
    Column("Mã cơ quan, đơn vị", TEXT, 12),
    Column("Cơ quan, đơn vị", TEXT, 32),
    Column("Số điện thoại", TEXT, 14),
    Column("Email", TEXT, 26),
    Column("Đã thi vòng này", TEXT, 9),
    Column("Số câu đúng", INTEGER, 8),
    Column("Số câu hỏi", INTEGER, 8),
    Column("Số lượt thi", INTEGER, 8),
    Column("Nộp bài lúc (giờ Việt Nam)", DATETIME, 20),
)
MISSING_COLUMNS = (
    Column("STT", INTEGER, 7),
    Column("Họ và tên", TEXT, 26),
    Column("Mã cơ quan, đơn vị", TEXT, 12),
    Column("Cơ quan, đơn vị", TEXT, 32),
    Column("Số điện thoại", TEXT, 14),
    Column("Email", TEXT, 26),
    Column("Đã có tài khoản", TEXT, 9),
)
DAY_COLUMNS = (
    Column("Ngày (giờ Việt Nam)", TEXT, 14),
    Column("Người dự thi", COUNT, 12),
    Column("Lượt nộp bài", COUNT, 12),
)
SUMMARY_COLUMNS = (Column("Chỉ tiêu", TEXT, 40), Column("Giá trị", TEXT, 20))


def person_row(number: int, line: service.PersonLine) -> list:
    return [
        number,
        line.full_name,
        line.agency_code,
        line.agency_name,
        mask_phone(line.phone),
        line.email,
        YES_NO[line.took_part],
        line.correct_count,
        line.question_count,
        line.attempts,
        to_vietnam(line.submitted_at) if line.submitted_at else None,
    ]


def missing_row(number: int, line: service.RosterLine) -> list:
    return [
        number,
        line.full_name,
        line.agency_code,
        line.agency_name,
        mask_phone(line.phone),
        line.email,
        YES_NO[bool(line.has_account)],
    ]


def title_lines(agency: Agency, round_: Round, now: datetime, what: str) -> list[str]:
    return [
        round_.contest.title,
        f"{what} — Vòng {round_.number}: {round_.title}",
        f"Cơ quan, đơn vị: {agency.name} ({agency.code}), gồm cả các đơn vị trực thuộc",
        f"Xuất lúc {to_vietnam(now):%H:%M:%S ngày %d/%m/%Y} (giờ Việt Nam, UTC+7)",
    ]


def summary_rows(figures: service.Figures) -> list[list]:
    rate = figures.participation_rate
    return [
        ["Số cơ quan, đơn vị (gồm cả đơn vị trực thuộc)", thousands(figures.agencies)],
        ["Biên chế", thousands(figures.headcount) if figures.headcount else "Chưa có"],
        ["Người đã đăng ký tài khoản", thousands(figures.people)],
        ["Người đã thi vòng này", thousands(figures.participants)],
        ["Tỷ lệ tham gia so với biên chế", f"{rate:.2%}".replace(".", ",") if rate else "—"],
        ["Lượt nộp bài", thousands(figures.entries)],
        ["Người trong danh sách cán bộ", thousands(figures.roster)],
        ["Trong danh sách nhưng chưa thi vòng này", thousands(figures.roster_missing)],
    ]


def export_people(
    agency: Agency, round_: Round, out: str | PathLike | BinaryIO, *, now: datetime
) -> int:
    """Write the .xlsx; return how many people it lists (on the first sheet)."""
    figures = service.figures(agency.id, round_)
    book = new_workbook()
    people = SheetWriter(
        book,
        "Người đăng ký",
        PEOPLE_COLUMNS,
        title_lines(agency, round_, now, "Danh sách người đăng ký"),
    )
    for number, line in enumerate(service.iter_people(agency.id, round_.id), start=1):
        people.append(person_row(number, line))
    people.close()
    if figures.roster:
        missing = SheetWriter(
            book,
            "Chưa thi",
            MISSING_COLUMNS,
            title_lines(agency, round_, now, "Trong danh sách cán bộ, chưa thi"),
        )
        for number, line in enumerate(service.iter_missing(agency.id, round_.id), start=1):
            missing.append(missing_row(number, line))
        missing.close()
    days = SheetWriter(
        book, "Theo ngày", DAY_COLUMNS, title_lines(agency, round_, now, "Số liệu theo ngày")
    )
    for line in figures.days:
        days.append([f"{line.day:%d/%m/%Y}", line.participants, line.entries])
    days.close()
    summary = SheetWriter(
        book, "Tổng hợp", SUMMARY_COLUMNS, title_lines(agency, round_, now, "Tổng hợp")
    )
    summary.extend(summary_rows(figures))
    summary.close()
    save(book, out)
    return people.rows


def file_name(agency: Agency, round_: Round, now: datetime) -> str:
    """An ASCII name: don-vi-<code>-vong-<n>-<yyyymmdd-hhmm>.xlsx."""
    code = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in agency.code.lower())
    code = "-".join(part for part in code.split("-") if part) or str(agency.id)
    return f"don-vi-{code}-vong-{round_.number}-{to_vietnam(now):%Y%m%d-%H%M}.xlsx"

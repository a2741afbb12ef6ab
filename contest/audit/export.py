"""The audit log as an Excel file: the lines the organizer's filters keep, newest first.

Written with the judges' exports' sheet writer, so every text is formula-safe and cleaned
(`question_bank/cells.py`): a file name or a reason typed as "=HYPERLINK(…)" stays text.
"""

from datetime import datetime
from os import PathLike
from typing import BinaryIO

from contest.audit.service import (
    ACTION_LABELS,
    OBJECT_LABELS,
    AuditFilters,
    describe_value,
    iter_lines,
)
from contest.domain.clock import to_vietnam
from contest.results.exports.workbook import (
    DATETIME,
    INTEGER,
    TEXT,
    Column,
    SheetWriter,
    new_workbook,
    save,
)

# Beyond any real log; a sheet holds 1,048,576 rows.
MAX_ROWS = 1_000_000
COLUMNS = (
    Column("Thời điểm (giờ Việt Nam)", DATETIME, 20),
    Column("Người thực hiện", TEXT, 28),
    Column("Thao tác", TEXT, 30),
    Column("Loại đối tượng", TEXT, 18),
    Column("Mã đối tượng", INTEGER, 12),
    Column("Chi tiết", TEXT, 80),
    Column("Địa chỉ", TEXT, 18),
    Column("Mã thao tác", TEXT, 22),
)


def filters_line(filters: AuditFilters) -> str:
    given = filters.as_details()
    if not given:
        return "Bộ lọc: tất cả các dòng"
    if "action" in given:
        given["action"] = ACTION_LABELS.get(given["action"], given["action"])
    if "object_type" in given:
        given["object_type"] = OBJECT_LABELS.get(given["object_type"], given["object_type"])
    return "Bộ lọc: " + describe_value(given)


def export_log(filters: AuditFilters, out: str | PathLike | BinaryIO, now: datetime) -> int:
    """Write the filtered lines as .xlsx; return how many were written."""
    book = new_workbook()
    titles = [
        "Nhật ký thao tác",
        filters_line(filters),
        f"Xuất lúc {to_vietnam(now):%H:%M:%S ngày %d/%m/%Y} (giờ Việt Nam, UTC+7)",
    ]
    writer = SheetWriter(book, "Nhật ký", COLUMNS, titles)
    for line in iter_lines(filters, MAX_ROWS):
        event = line.event
        writer.append(
            [
                to_vietnam(event.at),
                line.actor_label,
                line.label,
                line.object_label,
                event.object_id,
                line.details_text,
                event.address,
                event.action,
            ]
        )
    writer.close()
    save(book, out)
    return writer.rows

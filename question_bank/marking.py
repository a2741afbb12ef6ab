"""Returning the organizer's workbook with a "Lỗi" column and the bad cells in red."""

from __future__ import annotations

import datetime as dt
import io
import warnings
from typing import BinaryIO

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter

from . import layout
from .guards import XLSX_KINDS, sniff
from .headers import header_key, header_label, pick_sheet
from .models import Issue, Limits, ParseResult
from .sources import all_sheets_as_grids

ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")
ERROR_COLUMN = "Lỗi"
_NO_LIMITS = Limits(max_file_bytes=2**62, max_uncompressed_bytes=2**62, max_compression_ratio=1e18)


def mark_errors_workbook(data: bytes, filename: str, result: ParseResult, out: BinaryIO | str):
    """Write the workbook back with each row's messages in a "Lỗi" column.

    .xlsx input keeps everything openpyxl keeps (formulas, styles, other sheets);
    .xls / .ods input becomes a new .xlsx with the same cell values. Raises
    ValueError when the file cannot be opened at all (its ParseResult then
    only has a file-level error, which is best shown as text).
    """
    kind, issue = sniff(data, filename, _NO_LIMITS)
    if issue is not None:
        raise ValueError(issue.message)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = _load(data, kind)
    names = book.sheetnames
    name = result.sheet if result.sheet in names else names[pick_sheet(names)]
    _mark_sheet(book[name], result)
    book.save(out)


def _load(data: bytes, kind: str) -> openpyxl.Workbook:
    try:
        if kind in XLSX_KINDS:
            return openpyxl.load_workbook(io.BytesIO(data))
        return _copy_from_calamine(data)
    except Exception as exc:
        raise ValueError("Không mở được tệp để đánh dấu lỗi.") from exc


def _copy_from_calamine(data: bytes) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in all_sheets_as_grids(data):
        sheet = book.create_sheet(name)
        for row_number, cells in rows:
            for column, value in enumerate(cells, start=1):
                if value is not None and value != "":
                    _copy_value(sheet.cell(row=row_number, column=column), value)
    return book


def _copy_value(cell, value) -> None:
    layout.set_text(cell, value)
    if isinstance(value, dt.datetime):
        cell.number_format = "dd/mm/yyyy hh:mm"
    elif isinstance(value, dt.date):
        cell.number_format = "dd/mm/yyyy"


def _mark_sheet(sheet, result: ParseResult) -> None:
    header_row = result.header_row or 1
    keys, labels = _header_columns(sheet, header_row)
    error_column = keys.get(header_key(ERROR_COLUMN)) or sheet.max_column + 1
    _clear_column(sheet, error_column, header_row)
    head = layout.set_text(sheet.cell(row=header_row, column=error_column), ERROR_COLUMN)
    grouped = result.issues_by_row()
    file_level = grouped.pop(None, [])
    if file_level:
        head.comment = Comment("\n".join(i.message for i in file_level), "Thi Trực Tuyến")
        head.fill = ERROR_FILL
    errors = {id(issue) for issue in result.errors}
    for row, issues in grouped.items():
        text = "\n".join(_row_line(row, issue, id(issue) in errors) for issue in issues)
        cell = layout.set_text(sheet.cell(row=row, column=error_column), text)
        cell.alignment = layout.WRAP
        has_error = any(id(issue) in errors for issue in issues)
        cell.fill = ERROR_FILL if has_error else WARNING_FILL
        _fill_bad_cells(sheet, row, issues, labels, errors)
    sheet.column_dimensions[get_column_letter(error_column)].width = 60


def _header_columns(sheet, header_row: int) -> tuple[dict[str, int], dict[str, int]]:
    """(header key → column, header label as written → column), first column wins."""
    keys: dict[str, int] = {}
    labels: dict[str, int] = {}
    for cell in sheet[header_row]:
        if cell.value is not None:
            keys.setdefault(header_key(cell.value), cell.column)
            labels.setdefault(header_label(cell.value), cell.column)
    return keys, labels


def _clear_column(sheet, column: int, header_row: int) -> None:
    """Empty an existing "Lỗi" column (a file that was marked before)."""
    for row in range(header_row + 1, sheet.max_row + 1):
        cell = sheet.cell(row=row, column=column)
        if cell.value is not None:
            cell.value = None
            cell.fill = PatternFill()


def _row_line(row: int, issue: Issue, is_error: bool) -> str:
    text = _without_row_prefix(row, issue.message)
    return text if is_error else f"Cảnh báo: {text}"


def _without_row_prefix(row: int, message: str) -> str:
    """ "Dòng 7, cột “X”: …" → "Cột “X”: …"; "Dòng 7: abc" → "Abc"."""
    prefix = f"Dòng {row}"
    if message.startswith(prefix + ", cột"):
        return "Cột" + message[len(prefix + ", cột") :]
    if message.startswith(prefix + ": "):
        rest = message[len(prefix + ": ") :]
        return rest[:1].upper() + rest[1:]
    return message


def _fill_bad_cells(sheet, row: int, issues: list[Issue], labels: dict, errors: set) -> None:
    """Errors paint their cell red; warnings yellow, unless an error painted it."""
    for issue in sorted(issues, key=lambda i: id(i) in errors):
        column = labels.get(issue.column)
        if column is not None:
            fill = ERROR_FILL if id(issue) in errors else WARNING_FILL
            sheet.cell(row=row, column=column).fill = fill

"""``read_question_file``: the spreadsheet import, from bytes to a ParseResult."""

from __future__ import annotations

import warnings
from collections.abc import Collection
from itertools import chain

from .collect import Collector
from .guards import sniff
from .headers import HEADER_SCAN_ROWS, find_header, missing_parts
from .messages import format_count
from .models import DEFAULT_LIMITS, Limits, ParseResult
from .rows import RowReader
from .sources import Sheet, SourceError, open_sheet


def read_question_file(
    data: bytes,
    filename: str,
    *,
    existing_keys: Collection[str] = (),
    limits: Limits = DEFAULT_LIMITS,
) -> ParseResult:
    """Read and validate a question-bank workbook (.xlsx, .xls, .ods).

    Never raises for a bad file: every problem is an Issue in ``errors``
    (file-level ones have ``row=None``). ``existing_keys`` are the
    ``question_key`` values of questions already in the bank.
    """
    result = ParseResult(filename=filename)
    kind, issue = sniff(data, filename, limits)
    if issue is not None:
        result.errors.append(issue)
        return result
    collector = Collector(result, limits, existing_keys)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions
            with open_sheet(data, kind) as sheet:
                result.sheet = sheet.name
                _read_sheet(sheet, collector)
    except SourceError as exc:
        collector.error(exc.kind, name=filename)
    return result


def _read_sheet(sheet: Sheet, collector: Collector) -> None:
    rows = sheet.rows
    head = []
    for item in rows:
        head.append(item)
        if item[0] >= HEADER_SCAN_ROWS:
            break
    columns, partial = find_header((i for i in head if i[0] <= HEADER_SCAN_ROWS), sheet.xlsx)
    if columns is None:
        _no_header(sheet.name, partial, collector)
        return
    collector.result.header_row = columns.row
    data_rows = chain((item for item in head if item[0] > columns.row), rows)
    count = _read_rows(data_rows, RowReader(columns, collector, sheet.xlsx), collector.limits)
    if count > collector.limits.max_rows:
        collector.error(
            "too_many_rows", sheet=sheet.name, limit=format_count(collector.limits.max_rows)
        )
    elif count == 0 and collector.result.ok:
        collector.error("no_questions", sheet=sheet.name)


def _read_rows(rows, reader: RowReader, limits: Limits) -> int:
    """Feed non-empty rows to the reader; stop after ``max_rows`` + 1; return the count."""
    count = 0
    max_rows = limits.max_rows
    read = reader.read
    for row_number, cells in rows:
        if not any(cells) and all(v is None or v == "" for v in cells):
            continue
        if read(row_number, cells):
            count += 1
            if count > max_rows:
                break
    return count


def _no_header(sheet_name: str, partial, collector: Collector) -> None:
    if partial is None:
        collector.error("no_header", rows=HEADER_SCAN_ROWS, sheet=sheet_name)
    else:
        missing = " và ".join(missing_parts(partial))
        collector.error(
            "no_header_partial", header_row=partial.row, sheet=sheet_name, missing=missing
        )

"""Streaming the rows of the question sheet out of .xlsx, .xls and .ods (calamine), or out
of the .xlsx calamine would show otherwise (openpyxl; see xlsx_extent.py).

Each source yields ``(row_number, cells)`` with 1-based spreadsheet row numbers
and cells indexed from column A (0-based); rows may be ragged or empty.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain

from .headers import pick_sheet

Rows = Iterator[tuple[int, Sequence[object]]]


@dataclass
class Sheet:
    name: str
    rows: Rows
    xlsx: bool  # cells come from OOXML: decode _xHHHH_ escapes


class SourceError(Exception):
    """The workbook could not be opened; ``kind`` is "encrypted" or "damaged"."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


@contextmanager
def open_sheet(data: bytes, kind: str) -> Iterator[Sheet]:
    """Open the question sheet of a workbook whose format ``sniff`` detected: calamine for
    .xls, .ods and the .xlsx it reads as a person sees them (about six times openpyxl's
    speed), openpyxl for the other .xlsx."""
    opener = _open_openpyxl if kind == "xlsx-openpyxl" else _open_calamine
    with opener(data) as sheet:
        yield sheet


@contextmanager
def _open_openpyxl(data: bytes) -> Iterator[Sheet]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken package
        raise SourceError("damaged") from exc
    try:
        sheets = book.worksheets
        if not sheets:
            raise SourceError("damaged")
        visible = [ws.sheet_state == "visible" for ws in sheets]
        sheet = sheets[pick_sheet([ws.title for ws in sheets], visible)]
        sheet.reset_dimensions()  # never trust the stored <dimension>
        rows = enumerate(sheet.iter_rows(values_only=True), start=1)
        yield Sheet(name=sheet.title, rows=_guarded(rows), xlsx=True)
    finally:
        book.close()


@contextmanager
def _open_calamine(data: bytes) -> Iterator[Sheet]:
    import python_calamine as calamine

    book = _calamine_call(lambda: calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)))
    try:
        name, rows = _calamine_call(lambda: _calamine_sheet(book))
        yield Sheet(name=name, rows=_guarded(rows), xlsx=False)
    finally:
        book.close()


def _calamine_call(function):
    """Run a calamine call, turning its failures into SourceError."""
    import python_calamine as calamine

    try:
        return function()
    except calamine.PasswordError as exc:
        raise SourceError("encrypted") from exc
    except SourceError:
        raise
    except Exception as exc:  # CalamineError, XmlError, ZipError, ValueError...
        raise SourceError("damaged") from exc


def _calamine_sheet(book) -> tuple[str, Rows]:
    import python_calamine as calamine

    metas = [m for m in book.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet]
    if not metas:
        raise SourceError("damaged")
    visible = [m.visible == calamine.SheetVisibleEnum.Visible for m in metas]
    name = metas[pick_sheet([m.name for m in metas], visible)].name
    return name, _calamine_rows(book.get_sheet_by_name(name))


def _guarded(rows: Rows) -> Rows:
    """Re-raise any failure of the underlying parser (broken XML...) as "damaged"."""
    while True:
        try:
            item = next(rows)
        except StopIteration:
            return
        except Exception as exc:
            raise SourceError("damaged") from exc
        yield item


def _calamine_rows(sheet) -> Rows:
    """Absolute row numbers and columns for calamine's rows.

    calamine's iterator starts at the first used column, and (in the versions
    tested) at row 1; the offsets are worked out from the first row so that
    either behaviour gives spreadsheet coordinates.
    """
    start, end = sheet.start, sheet.end
    if start is None or end is None:
        return iter(())
    rows = iter(sheet.iter_rows())
    first = next(rows, None)
    if first is None:
        return iter(())
    first_row = 0 if start[0] > 0 and all(v == "" or v is None for v in first) else start[0]
    pad = start[1] if len(first) == end[1] - start[1] + 1 else 0
    all_rows = chain((first,), rows)
    if pad:
        filler = [None] * pad
        all_rows = (filler + row for row in all_rows)
    return enumerate(all_rows, start=first_row + 1)


def all_sheets_as_grids(data: bytes) -> list[tuple[str, Rows]]:
    """Every worksheet of an .xls/.ods file as absolute rows (for re-writing as .xlsx)."""
    import python_calamine as calamine

    book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    names = [m.name for m in book.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet]
    return [(name, _calamine_rows(book.get_sheet_by_name(name))) for name in names]


def csv_rows(data: bytes) -> Rows | None:
    """Rows of a CSV text numbered from 1 (UTF-8 with or without BOM, else Windows-1258, the
    delimiter — comma, semicolon or tab — sniffed from the start), or None when the bytes are
    not text. Lists of people (rosters, ineligibility lists) come as CSV as often as not."""
    if b"\x00" in data[:4096]:
        return None
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return enumerate(csv.reader(io.StringIO(text, newline=""), dialect), start=1)

"""The sheet writer of every export: title rows, a frozen bold header with an autofilter,
column widths and number formats, then rows streamed in constant memory.

Layout of every sheet: the title lines from row 1, one empty row, the header, then the data.

The workbook is xlsxwriter's, in constant-memory mode: it writes the package, the styles,
the sheet set-up (widths, frozen panes, print titles, the autofilter) and the title and header
rows through its public API. The data rows, which are all of an export's time at a million
lines, are turned into sheet XML here, one compiled function per column kind, and appended to
the sheet's own row file (the file xlsxwriter streams its rows to in that mode): the same XML
xlsxwriter writes for those cells, without its per-cell bookkeeping (tests/results compare the
two files cell by cell). Only one sheet of a book is written at a time, as constant-memory
mode requires.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from os import PathLike
from typing import BinaryIO

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from question_bank.cells import clean_text, needs_guard, plain_text

TEXT = "text"
INTEGER = "integer"
COUNT = "count"
DATE = "date"
DATETIME = "datetime"
# Submission times, to the millisecond the ranking compares.
DATETIME_MS = "datetime_ms"
PERCENT = "percent"
DECIMAL = "decimal"
DURATION = "duration"

FORMATS = {
    DATE: "dd/mm/yyyy",
    DATETIME: "dd/mm/yyyy hh:mm:ss",
    DATETIME_MS: "dd/mm/yyyy hh:mm:ss.000",
    PERCENT: "0.00%",
    DECIMAL: "0.00",
    # Elapsed minutes and seconds to the millisecond the ranking compares (a fraction of a day).
    DURATION: "[mm]:ss.000",
    COUNT: "#,##0",
}
MS_PER_DAY = 86_400_000
# Excel's day 0 for dates from 1 March 1900 on (before it, its 1900 leap-year bug shifts a day).
EXCEL_EPOCH = datetime(1899, 12, 30)
FIRST_PLAIN_DAY = datetime(1900, 3, 1)
EARLY_EPOCH = datetime(1899, 12, 31)
# Default column width unit: xlsxwriter stores widths in pixels of a 7-pixel digit.
DIGIT_PIXELS = 7
# Rows are handed to the sheet's file in batches of this many.
FLUSH_ROWS = 2000
XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})

TITLE_STYLE = {"bold": True, "font_size": 14}
HEADER_STYLE = {"bold": True, "bg_color": "#DDEBF7", "pattern": 1, "text_wrap": True}
HEADER_STYLE["valign"] = "vcenter"


@dataclass(frozen=True)
class Column:
    """One column: its Vietnamese header, what its values are, and its width in characters."""

    header: str
    kind: str = TEXT
    width: float = 14


def header_row(title_line_count: int) -> int:
    """The header's row number: after the title lines and one empty row."""
    return title_line_count + 2


class Book:
    """A constant-memory xlsxwriter workbook whose destination is given on `save`.

    Its sheets' row files live in a temporary folder of its own, removed by `save` or
    `discard`, or when the book is dropped unsaved (an export that failed half way).
    """

    def __init__(self):
        self._folder = tempfile.TemporaryDirectory(prefix="xlsx-export-")
        self.workbook = xlsxwriter.Workbook(
            None,
            {
                "constant_memory": True,
                "tmpdir": self._folder.name,
                # Text is text: never a formula, a link or a number, whatever it starts with.
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "remove_timezone": True,
            },
        )
        self._styles: dict[tuple, object] = {}
        self.current: SheetWriter | None = None  # the sheet being written

    def style(self, number_format: str | None = None, *, quote: bool = False, base=None):
        """An xlsxwriter format, made once per combination (None: the default style)."""
        key = (number_format, quote, tuple(sorted((base or {}).items())))
        if key == (None, False, ()):
            return None
        if key not in self._styles:
            properties = dict(base or {})
            if number_format:
                properties["num_format"] = number_format
            if quote:
                properties["quote_prefix"] = True
            self._styles[key] = self.workbook.add_format(properties)
        return self._styles[key]

    def style_index(self, number_format: str | None = None, *, quote: bool = False) -> int:
        """The style number a data cell's XML refers to (0: the default style)."""
        fmt = self.style(number_format, quote=quote)
        return 0 if fmt is None else fmt._get_xf_index()

    def save(self, out: str | PathLike | BinaryIO) -> None:
        if self.current is not None:
            self.current.close()
        self.workbook.filename = out
        try:
            self.workbook.close()
        finally:
            self.discard()

    def discard(self) -> None:
        """Close the sheets' row files and remove them (nothing is written)."""
        for sheet in self.workbook.worksheets():
            row_file = getattr(sheet, "row_data_fh", None)
            if row_file is not None and not row_file.closed:
                row_file.close()
        self._folder.cleanup()


class SheetWriter:
    """One sheet of a book; `append` (or `extend`) rows of plain values, then `close`.

    Sheets are written one after the other (constant-memory mode streams each to its own
    file): making a book's next sheet closes the one before, and `save` closes the last.
    """

    def __init__(
        self, book: Book, name: str, columns: Sequence[Column], title_lines: Sequence[str]
    ):
        if book.current is not None:
            book.current.close()
        self.book = book
        self.closed = False
        self.sheet = book.workbook.add_worksheet(safe_sheet_name(name))
        book.current = self
        self.columns = tuple(columns)
        self.header_row = header_row(len(title_lines))
        self.rows = 0
        self._next_row = self.header_row + 1  # 1-based number of the next data row
        self._buffer: list[str] = []
        self._cells = [
            cell_writer(xl_col_to_name(index), column.kind, book)
            for index, column in enumerate(self.columns)
        ]
        self._set_up_sheet()
        self._write_titles(title_lines)
        self._write_header()
        # Hand xlsxwriter's last pending row (the header) to the row file, so the data rows
        # written here follow it.
        self.sheet._write_single_row(self.header_row)

    def _set_up_sheet(self) -> None:
        sheet = self.sheet
        for index, column in enumerate(self.columns):
            sheet.set_column_pixels(index, index, round(column.width * DIGIT_PIXELS))
        sheet.freeze_panes(self.header_row, 0)
        sheet.repeat_rows(self.header_row - 1)
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)

    def _write_titles(self, lines: Sequence[str]) -> None:
        for number, line in enumerate(lines):
            self._write_text(number, 0, line, TITLE_STYLE if number == 0 else None)

    def _write_header(self) -> None:
        for index, column in enumerate(self.columns):
            self._write_text(self.header_row - 1, index, column.header, HEADER_STYLE)

    def _write_text(self, row: int, col: int, value: object, base: dict | None) -> None:
        """A title or header cell through xlsxwriter, which escapes the text itself."""
        text = plain_text(value)
        style = self.book.style(quote=bool(text) and needs_guard(text), base=base)
        self.sheet.write_string(row, col, text, style)

    def append(self, values: Sequence[object]) -> None:
        """One data row: plain Python values in column order (None for an empty cell).
        Durations are milliseconds; dates and datetimes are written as they are given."""
        if self.closed:
            raise RuntimeError(f"sheet {self.sheet.name!r} is closed: write sheets one by one")
        number = str(self._next_row)
        cells = "".join(
            [
                write(value, number)
                for write, value in zip(self._cells, values, strict=True)
                if value is not None
            ]
        )
        self._buffer.append(f'<row r="{number}">{cells}</row>')
        self._next_row += 1
        self.rows += 1
        if len(self._buffer) >= FLUSH_ROWS:
            self._flush()

    def extend(self, rows: Iterable[Sequence[object]]) -> int:
        for values in rows:
            self.append(values)
        return self.rows

    def _flush(self) -> None:
        if self._buffer:
            # The sheet's row file in constant-memory mode (see the module's docstring).
            self.sheet.fh.write("".join(self._buffer))
            self._buffer.clear()

    def close(self) -> None:
        """Hand the last rows to the sheet, record how far it reaches, set the autofilter over
        the header and every data row written; closing again does nothing."""
        if self.closed:
            return
        self.closed = True
        if self.book.current is self:
            self.book.current = None
        self._flush()
        last_row = self.header_row + max(self.rows, 1) - 1  # 0-based
        last_column = len(self.columns) - 1
        if self.rows:
            self.sheet._check_dimensions(self.header_row + self.rows - 1, last_column)
        # Later writes through xlsxwriter (none are made) would start below the data.
        self.sheet.previous_row = self.header_row + self.rows
        self.sheet.autofilter(self.header_row - 1, 0, last_row, last_column)


# --------------------------------------------------------------------------- cell XML


def cell_writer(letter: str, kind: str, book: Book) -> Callable[[object, str], str]:
    """The function that turns one value of a column into its cell's XML, given the row."""
    if kind == TEXT:
        return text_writer(letter, book)
    if kind == INTEGER:
        return any_writer(letter, book, number_style=0)
    if kind == DURATION:
        style = book.style_index(FORMATS[DURATION])
        plain = any_writer(letter, book, number_style=style)

        def duration(value, row):
            if value.__class__ is int or value.__class__ is float:
                return number_xml(letter, row, style, value / MS_PER_DAY)
            return plain(value, row)

        return duration
    if kind in (DATE, DATETIME, DATETIME_MS):
        return any_writer(letter, book, date_style=book.style_index(FORMATS[kind]))
    if kind in FORMATS:
        return any_writer(letter, book, number_style=book.style_index(FORMATS[kind]))
    raise ValueError(f"unknown column kind: {kind}")


def text_writer(letter: str, book: Book) -> Callable[[object, str], str]:
    guarded = book.style_index(quote=True)

    def text(value, row):
        return text_xml(letter, row, value, guarded)

    return text


def text_xml(letter: str, row: str, value: object, guarded: int) -> str:
    """An inline string cell: cleaned, capped, XML-escaped; with the quote prefix when a
    spreadsheet program could take it for a formula."""
    text = clean_text(value)
    if not text:
        return ""  # an empty text is an empty cell
    style = f' s="{guarded}"' if needs_guard(text) else ""
    escaped = text.translate(XML_ESCAPES) if ("&" in text or "<" in text or ">" in text) else text
    space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
    return f'<c r="{letter}{row}"{style} t="inlineStr"><is><t{space}>{escaped}</t></is></c>'


def number_xml(letter: str, row: str, style: int, number) -> str:
    if number.__class__ is float and not math.isfinite(number):
        return ""  # no value a cell can hold; left empty
    shown = f' s="{style}"' if style else ""
    return f'<c r="{letter}{row}"{shown}><v>{number!r}</v></c>'


def any_writer(
    letter: str, book: Book, *, number_style: int = 0, date_style: int | None = None
) -> Callable[[object, str], str]:
    """Numbers with the column's style; dates as Excel serial days with the column's date
    style (DATETIME's for a datetime in a number column); booleans; anything else as text."""
    datetime_style = book.style_index(FORMATS[DATETIME])
    day_style = date_style if date_style is not None else book.style_index(FORMATS[DATE])
    moment_style = date_style if date_style is not None else datetime_style
    duration_style = book.style_index(FORMATS[DURATION])
    guarded = book.style_index(quote=True)

    def write(value, row):
        kind = value.__class__
        if kind is int or kind is float:
            return number_xml(letter, row, number_style, value)
        if kind is datetime or isinstance(value, datetime):
            return number_xml(letter, row, moment_style, excel_serial(value))
        if kind is date or isinstance(value, date):
            return number_xml(letter, row, day_style, excel_serial(value))
        if kind is bool:
            return f'<c r="{letter}{row}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, timedelta):
            return number_xml(letter, row, duration_style, value / timedelta(days=1))
        if isinstance(value, int):  # int subclasses (IntEnum, ...)
            return number_xml(letter, row, number_style, int(value))
        if isinstance(value, float | Decimal):  # NUMERIC columns read as Decimal
            return number_xml(letter, row, number_style, float(value))
        return text_xml(letter, row, value, guarded)

    return write


def excel_serial(value: date) -> float | int:
    """Excel's serial day of a date or a naive datetime (a timezone, if any, is dropped).

    From 1 March 1900 on, days since 30 December 1899; before it, Excel's calendar holds a
    29 February 1900 that never was, so days count from 31 December 1899.
    """
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    elif value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    delta = value - (EXCEL_EPOCH if value >= FIRST_PLAIN_DAY else EARLY_EPOCH)
    if not (delta.seconds or delta.microseconds):
        return delta.days
    return delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400


def safe_sheet_name(name: str) -> str:
    """Sheet names: at most 31 UTF-16 units, none of []:*?/\\, no apostrophe at either end."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in name).strip(" '") or "Sheet"
    while len(cleaned.encode("utf-16-le")) > 62:
        cleaned = cleaned[:-1]
    return cleaned.rstrip(" '") or "Sheet"


def new_workbook() -> Book:
    return Book()


def save(book: Book, out: str | PathLike | BinaryIO) -> None:
    """Save to a path or a binary file object (a BytesIO, an open file, a response stream)."""
    book.save(out)

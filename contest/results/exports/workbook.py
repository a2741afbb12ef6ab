"""A small writer over openpyxl's write-only mode: title rows, a frozen bold header with an
autofilter, column widths and number formats, then rows streamed in constant memory.

Layout of every sheet: the title lines from row 1, one empty row, the header, then the data.
Write-only sheets are written front to back, so the column widths and frozen panes are set
before the first row; the autofilter is written after the data and is set on `close()`.
"""

from collections.abc import Callable, Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from os import PathLike
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from contest.results.exports.cells import safe_text, text_cell

TEXT = "text"
INTEGER = "integer"
COUNT = "count"
DATE = "date"
DATETIME = "datetime"
PERCENT = "percent"
DECIMAL = "decimal"
DURATION = "duration"

FORMATS = {
    DATE: "dd/mm/yyyy",
    DATETIME: "dd/mm/yyyy hh:mm:ss",
    PERCENT: "0.00%",
    DECIMAL: "0.00",
    # Elapsed minutes and seconds to the millisecond the ranking compares (a fraction of a day).
    DURATION: "[mm]:ss.000",
    COUNT: "#,##0",
}
MS_PER_DAY = 86_400_000

TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")


@dataclass(frozen=True)
class Column:
    """One column: its Vietnamese header, what its values are, and its width in characters."""

    header: str
    kind: str = TEXT
    width: float = 14


def header_row(title_line_count: int) -> int:
    """The header's row number: after the title lines and one empty row."""
    return title_line_count + 2


class SheetWriter:
    """One sheet of a write-only workbook; `append` rows of plain values, then `close`."""

    def __init__(
        self, book: Workbook, name: str, columns: Sequence[Column], title_lines: Sequence[str]
    ):
        self.sheet = book.create_sheet(safe_sheet_name(name))
        self.columns = tuple(columns)
        self.header_row = header_row(len(title_lines))
        self.rows = 0
        self._convert = [self._converter(column.kind) for column in self.columns]
        self._set_up_sheet()
        self._write_titles(title_lines)
        self._write_header()

    def _set_up_sheet(self) -> None:
        sheet = self.sheet
        for index, column in enumerate(self.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = f"A{self.header_row + 1}"
        sheet.print_title_rows = f"{self.header_row}:{self.header_row}"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True

    def _write_titles(self, lines: Sequence[str]) -> None:
        for number, line in enumerate(lines):
            self.sheet.append([text_cell(self.sheet, line, TITLE_FONT if number == 0 else None)])
        self.sheet.append([])

    def _write_header(self) -> None:
        cells = []
        for column in self.columns:
            cell = text_cell(self.sheet, column.header, HEADER_FONT)
            cell.fill, cell.alignment = HEADER_FILL, HEADER_ALIGNMENT
            cells.append(cell)
        self.sheet.append(cells)

    def _converter(self, kind: str) -> Callable[[object], object] | None:
        if kind == TEXT:
            sheet = self.sheet
            return lambda value: safe_text(value, sheet)
        if kind == INTEGER:
            return None  # written as it is
        if kind == DURATION:
            make = styled(self.sheet, FORMATS[DURATION])
            return lambda ms: make(ms / MS_PER_DAY)
        if kind in FORMATS:
            return styled(self.sheet, FORMATS[kind])
        raise ValueError(f"unknown column kind: {kind}")

    def append(self, values: Sequence[object]) -> None:
        """One data row: plain Python values in column order (None for an empty cell).
        Durations are milliseconds; dates and datetimes are written as they are given."""
        self.sheet.append(
            [
                value if convert is None or value is None else convert(value)
                for convert, value in zip(self._convert, values, strict=True)
            ]
        )
        self.rows += 1

    def extend(self, rows: Iterable[Sequence[object]]) -> int:
        for values in rows:
            self.append(values)
        return self.rows

    def close(self) -> None:
        """Set the autofilter over the header and every data row written."""
        last_column = get_column_letter(len(self.columns))
        last_row = self.header_row + max(self.rows, 1)
        self.sheet.auto_filter.ref = f"A{self.header_row}:{last_column}{last_row}"


def styled(sheet, number_format: str) -> Callable[[object], Cell]:
    """A maker of cells with one number format; the style is built once and copied per cell."""
    prototype = WriteOnlyCell(sheet)
    prototype.number_format = number_format
    style = prototype._style

    def make(value: object) -> Cell:
        cell = WriteOnlyCell(sheet)
        cell._style = copy(style)
        cell.value = value
        return cell

    return make


def safe_sheet_name(name: str) -> str:
    """Sheet names: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in name).strip() or "Sheet"
    return cleaned[:31]


def new_workbook() -> Workbook:
    return Workbook(write_only=True)


def save(book: Workbook, out: str | PathLike | BinaryIO) -> None:
    """Save to a path or a binary file object (a BytesIO, an open file, a response stream)."""
    book.save(out)

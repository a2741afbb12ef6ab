"""How far an OpenDocument sheet reaches, counted before any parser expands it.

An .ods stores a run of equal rows (or cells) once with a repeat count: an 838-byte file can
declare one filled row repeated a million times, and a parser that expands the sheet into a
grid (calamine does) then takes gigabytes. LibreOffice itself ends every sheet with an empty
row repeated to the bottom of the sheet, so only rows and cells that hold something count.

``ods_extent`` streams ``content.xml`` with ``iterparse``, clearing each row once counted, so
that the check itself needs memory for one row at a time.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import Element, iterparse

TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TABLE = f"{{{TABLE_NS}}}table"
ROW = f"{{{TABLE_NS}}}table-row"
CELLS = (f"{{{TABLE_NS}}}table-cell", f"{{{TABLE_NS}}}covered-table-cell")
NAME = f"{{{TABLE_NS}}}name"
ROWS_REPEATED = f"{{{TABLE_NS}}}number-rows-repeated"
COLUMNS_REPEATED = f"{{{TABLE_NS}}}number-columns-repeated"
VALUE_TYPE = f"{{{OFFICE_NS}}}value-type"


@dataclass(frozen=True)
class SheetExtent:
    """The last row and column holding something, 1-based, as a grid parser would size it."""

    name: str
    rows: int
    columns: int

    @property
    def cells(self) -> int:
        return self.rows * self.columns


def ods_extent(archive: zipfile.ZipFile) -> Iterator[SheetExtent]:
    """Each sheet's extent, in the order of the workbook; raises the parser's errors
    (``xml.etree.ElementTree.ParseError``, ``KeyError`` without content.xml) to the caller."""
    with archive.open("content.xml") as content:
        name, row_position, last_row, last_column = "", 0, 0, 0
        for event, element in iterparse(content, events=("start", "end")):
            if event == "start":
                if element.tag == TABLE:
                    name, row_position, last_row, last_column = element.get(NAME, ""), 0, 0, 0
                continue
            if element.tag == ROW:
                repeat = _count(element.get(ROWS_REPEATED))
                filled_to = _last_filled_column(element)
                row_position += repeat
                if filled_to:
                    last_row = row_position
                    last_column = max(last_column, filled_to)
                element.clear()
            elif element.tag == TABLE:
                yield SheetExtent(name, last_row, last_column)
                element.clear()


def _last_filled_column(row: Element) -> int:
    """The 1-based column of the row's last cell that holds a value or text, 0 if none."""
    position, last = 0, 0
    for cell in row:
        if cell.tag not in CELLS:
            continue
        position += _count(cell.get(COLUMNS_REPEATED))
        if cell.get(VALUE_TYPE) is not None or len(cell) or (cell.text or "").strip():
            last = position
    return last


def _count(value: str | None) -> int:
    """A repeat count as written; a missing, malformed or non-positive one counts once."""
    try:
        count = int(value) if value is not None else 1
    except ValueError:
        return 1
    return count if count > 0 else 1

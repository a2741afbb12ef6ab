"""How far each sheet of an .xlsx reaches, and whether calamine reads it as a person sees it,
found by streaming the sheet XML before any parser expands it.

calamine builds a grid from the first to the last filled cell: one value at ZZ1000000 makes
it allocate 700 million cells. So the declared ``<dimension ref=…>`` and the reference of every
cell are checked against the limits first (a cell with only a style counts, as it does in the
dimension Excel writes, though calamine itself skips it).

The same pass notes what calamine would show differently from what Excel shows and openpyxl
reads: error cells (calamine gives an empty string for ``#N/A``) and ``_xHHHH_`` sequences
that Excel never writes (calamine decodes ``_x0041_`` to "A"; a person typed it literally).
Such a file, and one whose XML the scan does not follow (cells without an ``r`` reference,
prefixed element names), is read with openpyxl.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import fromstring

from .extent import SheetExtent
from .text import _is_escaped_char

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CHUNK = 1 << 20
# Every cell's column letters and row number: calamine places a cell by its own reference,
# whatever its row element says. A cell with only a style counts, as it does in the
# <dimension> Excel writes.
CELL_RE = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
PREFIXED_RE = re.compile(rb"<[A-Za-z_][\w.-]*:(?:sheetData|row|c)[\s/>]")
ESCAPE_RE = re.compile(rb"_x([0-9A-Fa-f]{4})_")
DIMENSION_RE = re.compile(
    rb'<dimension\s+ref="([A-Z]{1,3})?([0-9]{1,7})?(?::([A-Z]{1,3})([0-9]{1,7}))?"'
)


@dataclass
class XlsxScan:
    """Each worksheet's reach (the larger of the declared and the filled), and whether
    calamine gives the same cells as openpyxl for this file."""

    extents: list[SheetExtent]
    calamine_faithful: bool = True


def column_number(letters: bytes) -> int:
    number = 0
    for byte in letters:
        number = number * 26 + byte - 64
    return number


def scan_xlsx(archive: zipfile.ZipFile) -> XlsxScan:
    """Stream every worksheet; raises KeyError, ParseError or zip errors on a broken package."""
    scan = XlsxScan([])
    for name, path in worksheet_paths(archive):
        extent, faithful = sheet_extent(archive, path, name)
        scan.extents.append(extent)
        scan.calamine_faithful &= faithful
    if "xl/sharedStrings.xml" in archive.namelist():
        with archive.open("xl/sharedStrings.xml") as strings:
            scan.calamine_faithful &= not any(
                foreign_escape(chunk) for chunk in chunks(strings, b"<")
            )
    return scan


def worksheet_paths(archive: zipfile.ZipFile) -> Iterator[tuple[str, str]]:
    """(sheet name, part path) of each worksheet, in the workbook's order."""
    book = fromstring(archive.read("xl/workbook.xml"))
    targets = {}
    if "xl/_rels/workbook.xml.rels" in archive.namelist():
        rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        for rel in rels.iter(f"{{{PACKAGE_REL_NS}}}Relationship"):
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            targets[rel.get("Id")] = posixpath.normpath(path)
    names = set(archive.namelist())
    for sheet in book.iter(f"{{{MAIN_NS}}}sheet"):
        path = targets.get(sheet.get(f"{{{REL_NS}}}id"))
        if path in names and "worksheets/" in path:
            yield sheet.get("name", ""), path


def chunks(stream, boundary: bytes) -> Iterator[bytes]:
    """The stream in pieces of about CHUNK bytes, each cut just before a ``boundary`` byte so
    that no tag (nor an ``_xHHHH_`` sequence) is split between two pieces."""
    rest = b""
    while True:
        block = stream.read(CHUNK)
        if not block:
            if rest:
                yield rest
            return
        data = rest + block
        cut = data.rfind(boundary)
        if cut <= 0:
            rest = data
            continue
        rest = data[cut:]
        yield data[:cut]


def sheet_extent(archive: zipfile.ZipFile, path: str, name: str) -> tuple[SheetExtent, bool]:
    """The sheet's reach, and whether calamine reads it faithfully. Regular expressions over
    each piece, no loop per cell in Python: the scan costs a small part of calamine's read."""
    last_row = last_column = 0
    declared_rows = declared_columns = 0
    faithful = understood = True
    first, found_dimension = True, False
    with archive.open(path) as sheet:
        for chunk in chunks(sheet, b"<"):
            if first:
                understood = PREFIXED_RE.search(chunk) is None
                first = False
            if not found_dimension:
                found_dimension, declared_rows, declared_columns = declared(chunk)
            cells = chunk.count(b"<c ") + chunk.count(b"<c>") + chunk.count(b"<c/>")
            if cells != chunk.count(b'<c r="'):
                understood = False  # cells placed by position (or `r` not first): openpyxl's
            if faithful and (error_cells(chunk) or foreign_escape(chunk)):
                faithful = False
            found = CELL_RE.findall(chunk)
            if found:
                letters, numbers = zip(*found, strict=True)
                last_row = max(last_row, max(map(int, numbers)))
                last_column = max(last_column, max(map(column_number, set(letters))))
    rows, columns = max(last_row, declared_rows), max(last_column, declared_columns)
    return SheetExtent(name, rows, columns), faithful and understood


def declared(chunk: bytes) -> tuple[bool, int, int]:
    """(found, last row, last column) of the ``<dimension ref=…>`` near the top of the sheet."""
    match = DIMENSION_RE.search(chunk)
    if match is None:
        return False, 0, 0
    letters, number = match.group(3) or match.group(1), match.group(4) or match.group(2)
    return True, (int(number) if number else 0), (column_number(letters) if letters else 0)


def error_cells(chunk: bytes) -> bool:
    """True when a cell has the error type (a plain search: a regular expression costs more
    than calamine's whole read)."""
    return b' t="e"' in chunk or b" t='e'" in chunk


def foreign_escape(chunk: bytes) -> bool:
    """True when the text holds an ``_xHHHH_`` sequence Excel would not have written (a
    person typed it); calamine would decode it, openpyxl and this package keep it."""
    return any(not _is_escaped_char(int(match.group(1), 16)) for match in ESCAPE_RE.finditer(chunk))

"""How far each sheet of a legacy .xls (BIFF5/BIFF8) reaches, read from its records before
calamine expands the sheet into a grid.

A BIFF cell record names its row and column in 16 bits each: one LABELSST record at row
65,535, column 65,535 in a 10 KB file would make calamine allocate four billion cells. The
Workbook stream is read out of the compound file with olefile; the globals' BOUNDSHEET
records give each worksheet's name and where its records start; there the DIMENSIONS record
says how far the sheet reaches, and every cell record (which calamine reads whatever
DIMENSIONS says) is looked at for its row and column.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator

import olefile

from .extent import SheetExtent

BOF, EOF, BOUNDSHEET, DIMENSIONS = 0x0809, 0x000A, 0x0085, 0x0200
MULRK, MULBLANK = 0x00BD, 0x00BE
# Records that hold one cell, its row and column first: FORMULA, RSTRING, LABELSST, BLANK,
# NUMBER, LABEL, BOOLERR, RK, and the BIFF2-4 forms calamine also reads.
CELL_RECORDS = frozenset(
    (0x0006, 0x00D6, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x0406, 1, 2, 3, 4, 5)
)
BIFF8 = 0x0600
WORKSHEET = 0x00


class XlsError(Exception):
    """The records cannot be followed: the file is damaged."""


def xls_extent(data: bytes) -> Iterator[SheetExtent]:
    """Each worksheet's reach (the larger of DIMENSIONS and its cells), in workbook order."""
    stream = workbook_stream(data)
    version, sheets = globals_of(stream)
    for name, offset in sheets:
        yield sheet_extent(stream, offset, name, version)


def workbook_stream(data: bytes) -> bytes:
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            for name in ("Workbook", "Book"):
                if ole.exists(name):
                    return ole.openstream(name).read()
    except (OSError, ValueError, IndexError, struct.error, TypeError) as exc:
        raise XlsError(str(exc)) from exc
    raise XlsError("no Workbook stream")


def records(stream: bytes, start: int) -> Iterator[tuple[int, int, int]]:
    """(type, offset of the data, length) of each record from `start` to the stream's end."""
    position, end = start, len(stream)
    while position + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, position)
        if position + 4 + length > end:
            raise XlsError("a record runs past the stream")
        yield kind, position + 4, length
        position += 4 + length


def globals_of(stream: bytes) -> tuple[int, list[tuple[str, int]]]:
    """The BIFF version and each worksheet's (name, offset of its BOF)."""
    version, sheets = 0, []
    for kind, at, length in records(stream, 0):
        if kind == BOF and not version:
            version = struct.unpack_from("<H", stream, at)[0] if length >= 2 else 0
        elif kind == BOUNDSHEET and length >= 8:
            offset, _state, sheet_type = struct.unpack_from("<IBB", stream, at)
            if sheet_type == WORKSHEET:
                sheets.append((sheet_name(stream, at + 6, length - 6, version), offset))
        elif kind == EOF:
            break
    return version, sheets


def sheet_name(stream: bytes, at: int, room: int, version: int) -> str:
    count = stream[at] if room >= 1 else 0
    if version == BIFF8 and room >= 2:
        if stream[at + 1] & 1:
            return stream[at + 2 : at + 2 + 2 * count].decode("utf-16-le", "replace")
        return stream[at + 2 : at + 2 + count].decode("latin-1")
    return stream[at + 1 : at + 1 + count].decode("cp1252", "replace")


def sheet_extent(stream: bytes, offset: int, name: str, version: int) -> SheetExtent:
    """The sheet's last row and column (1-based) from DIMENSIONS and from its cells."""
    if not 0 <= offset < len(stream):
        raise XlsError("a sheet starts outside the stream")
    rows = columns = depth = 0
    for kind, at, length in records(stream, offset):
        if kind in CELL_RECORDS and length >= 4:
            row, column = struct.unpack_from("<HH", stream, at)
            rows, columns = max(rows, row + 1), max(columns, column + 1)
        elif kind in (MULRK, MULBLANK) and length >= 6:
            row = struct.unpack_from("<H", stream, at)[0]
            column = struct.unpack_from("<H", stream, at + length - 2)[0]
            rows, columns = max(rows, row + 1), max(columns, column + 1)
        elif kind == DIMENSIONS:
            declared_rows, declared_columns = dimensions(stream, at, length, version)
            rows, columns = max(rows, declared_rows), max(columns, declared_columns)
        elif kind == BOF:
            depth += 1  # the sheet's own, or an embedded chart's
        elif kind == EOF:
            depth -= 1
            if depth <= 0:
                break
    return SheetExtent(name, rows, columns)


def dimensions(stream: bytes, at: int, length: int, version: int) -> tuple[int, int]:
    """DIMENSIONS' last row and column + 1 (BIFF8: 32-bit rows; before: 16-bit)."""
    if version == BIFF8 and length >= 12:
        _first_row, last_row, _first_col, last_col = struct.unpack_from("<IIHH", stream, at)
        return last_row, last_col
    if length >= 8:
        _first_row, last_row, _first_col, last_col = struct.unpack_from("<HHHH", stream, at)
        return last_row, last_col
    return 0, 0

"""Checks made before any spreadsheet library sees the bytes.

``sniff`` decides the format from the content (not the file name), enforces the
size limits and spots archives built to explode when decompressed.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from xml.etree.ElementTree import ParseError

from .extent import SheetExtent, ods_extent
from .messages import format_count, format_size, make_issue
from .models import Issue, Limits
from .xls_extent import XlsError, xls_extent
from .xlsx_extent import scan_xlsx

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
MAX_ZIP_ENTRIES = 10_000
XLSX = "xlsx"
XLSX_OPENPYXL = "xlsx-openpyxl"
XLSX_KINDS = (XLSX, XLSX_OPENPYXL)
# What reading a member of a broken archive raises: a bad header or CRC, a broken deflate
# stream, an unknown compression method, a member flagged as encrypted (RuntimeError).
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)
# Entries smaller than this are never "bombs", whatever their ratio.
RATIO_FLOOR = 1024 * 1024


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


_ENCRYPTED_STREAMS = (_utf16("EncryptedPackage"), _utf16("EncryptionInfo"))
_BIFF_STREAMS = (_utf16("Workbook"), _utf16("Book"))


def sniff(data: bytes, filename: str, limits: Limits) -> tuple[str | None, Issue | None]:
    """Return ("xlsx" | "xlsx-openpyxl" | "xlsb" | "ods" | "xls", None) or (None, file-level
    issue). "xlsx" is an .xlsx calamine reads as a person sees it; "xlsx-openpyxl" one that
    only openpyxl reads faithfully (see xlsx_extent.py)."""
    if len(data) > limits.max_file_bytes:
        size, limit = format_size(len(data)), format_size(limits.max_file_bytes)
        return None, make_issue("file_too_large", name=filename, size=size, limit=limit)
    if data.startswith(CFB_MAGIC):
        kind, issue = _sniff_cfb(data, filename)
        if kind == "xls":
            return _check_xls_extent(data, filename, limits)
        return kind, issue
    if data.startswith(ZIP_MAGICS):
        return _sniff_zip(data, filename, limits)
    return None, make_issue("not_a_spreadsheet", name=filename)


def _sniff_cfb(data: bytes, filename: str) -> tuple[str | None, Issue | None]:
    """An OLE2 compound file: a legacy .xls, or an encrypted OOXML package."""
    if any(stream in data for stream in _ENCRYPTED_STREAMS):
        return None, make_issue("encrypted", name=filename)
    is_biff = any(stream in data for stream in _BIFF_STREAMS)
    if not is_biff and filename.lower().endswith((".xlsx", ".xlsm")):
        # Excel saves a password-protected .xlsx as a compound file.
        return None, make_issue("encrypted", name=filename)
    return "xls", None


def _sniff_zip(data: bytes, filename: str, limits: Limits) -> tuple[str | None, Issue | None]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            problem = _archive_problem(infos, limits)
            if problem:
                return None, make_issue("suspicious_archive", name=filename, detail=problem)
            names = {info.filename for info in infos}
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except ZIP_ERRORS:
        return None, make_issue("damaged", name=filename)
    if "xl/workbook.bin" in names:
        return "xlsb", None
    if "xl/workbook.xml" in names:
        return _check_xlsx_extent(data, filename, limits)
    if mimetype.startswith(ODS_MIMETYPE) or (not mimetype and "content.xml" in names):
        return _check_ods_extent(data, filename, limits)
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return XLSX_OPENPYXL, None
    return None, make_issue("not_a_spreadsheet", name=filename)


def _archive_problem(infos: list[zipfile.ZipInfo], limits: Limits) -> str | None:
    """Why the archive looks like a decompression bomb, in Vietnamese, or None."""
    if len(infos) > MAX_ZIP_ENTRIES:
        return f"{format_count(len(infos))} tệp con"
    total = sum(info.file_size for info in infos)
    if total > limits.max_uncompressed_bytes:
        size, limit = format_size(total), format_size(limits.max_uncompressed_bytes)
        return f"giải nén ra {size}, vượt giới hạn {limit}"
    for info in infos:
        if info.file_size < RATIO_FLOOR:
            continue
        if info.file_size > limits.max_compression_ratio * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            return f"tỉ lệ nén {format_count(ratio)}:1"
    return None


def _check_ods_extent(
    data: bytes, filename: str, limits: Limits
) -> tuple[str | None, Issue | None]:
    """Refuse an .ods whose sheets reach further than the limits, before calamine expands it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for extent in ods_extent(archive):
                issue = _too_large(extent, filename, limits)
                if issue:
                    return None, issue
    except (ParseError, KeyError, *ZIP_ERRORS):
        return None, make_issue("damaged", name=filename)
    return "ods", None


def _check_xlsx_extent(
    data: bytes, filename: str, limits: Limits
) -> tuple[str | None, Issue | None]:
    """Refuse an .xlsx whose sheets declare or fill more than the limits; say which reader
    gives its cells as a person sees them."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            scan = scan_xlsx(archive)
    except (ParseError, KeyError, *ZIP_ERRORS):
        return None, make_issue("damaged", name=filename)
    for extent in scan.extents:
        issue = _too_large(extent, filename, limits)
        if issue:
            return None, issue
    return (XLSX if scan.calamine_faithful else XLSX_OPENPYXL), None


def _check_xls_extent(
    data: bytes, filename: str, limits: Limits
) -> tuple[str | None, Issue | None]:
    """Refuse an .xls whose sheets declare or hold cells further than the limits."""
    try:
        for extent in xls_extent(data):
            issue = _too_large(extent, filename, limits)
            if issue:
                return None, issue
    except XlsError:
        return None, make_issue("damaged", name=filename)
    return "xls", None


def _too_large(extent: SheetExtent, filename: str, limits: Limits) -> Issue | None:
    limit = _extent_over_limit(extent, limits)
    if not limit:
        return None
    return make_issue(
        "sheet_too_large",
        name=filename,
        sheet=extent.name,
        rows=format_count(extent.rows),
        columns=format_count(extent.columns),
        limit=limit,
    )


def _extent_over_limit(extent: SheetExtent, limits: Limits) -> str | None:
    """Which limit the extent passes, in words, or None."""
    if extent.rows > limits.max_sheet_rows:
        return f"{format_count(limits.max_sheet_rows)} dòng"
    if extent.columns > limits.max_sheet_columns:
        return f"{format_count(limits.max_sheet_columns)} cột"
    if extent.cells > limits.max_sheet_cells:
        return f"{format_count(limits.max_sheet_cells)} ô"
    return None

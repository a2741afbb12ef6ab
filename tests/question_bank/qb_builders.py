"""Workbook builders for the question_bank tests (all files are made in memory)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from xml.sax.saxutils import escape, quoteattr

HEADER = [
    "STT",
    "Câu hỏi",
    "Phương án A",
    "Phương án B",
    "Phương án C",
    "Phương án D",
    "Đáp án đúng",
    "Chủ đề",
    "Mức độ",
    "Giải thích",
    "Căn cứ",
]


class Formula(str):
    """A cell value written as a real formula (``=...``), optionally with a cached value."""

    cached: object = None

    def __new__(cls, text: str, cached: object = None):
        value = super().__new__(cls, text)
        value.cached = cached
        return value


def build_xlsx(rows, title: str = "Câu hỏi", before: dict | None = None) -> bytes:
    """An .xlsx with ``rows`` on sheet ``title``; strings are stored as text.

    ``before`` maps names of sheets placed first to their rows. A ``Formula``
    value is written as a formula; its cached value is patched into the XML.
    """
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, sheet_rows in {**(before or {}), title: rows}.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(sheet_rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = sheet.cell(row=r, column=c, value=value)
                if isinstance(value, str) and not isinstance(value, Formula):
                    cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    formulas = [v for row in rows for v in row if isinstance(v, Formula) and v.cached is not None]
    return _patch_cached(buffer.getvalue(), formulas) if formulas else buffer.getvalue()


def _patch_cached(data: bytes, formulas) -> bytes:
    """Give formula cells the cached value Excel would have saved."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                text = content.decode()
                for formula in formulas:
                    f = re.escape(escape(formula[1:]))
                    value = escape(str(formula.cached))
                    kind = ' t="str"' if isinstance(formula.cached, str) else ""
                    text = re.sub(
                        rf'(<c r="[A-Z]+\d+")>(<f>{f}</f>)<v\s*/>',
                        rf"\1{kind}>\2<v>{value}</v>",
                        text,
                    )
                content = text.encode()
            target.writestr(info, content)
    return out.getvalue()


_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"'
)
_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def _ods_cell(value) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, str):
        paragraphs = "".join(f"<text:p>{escape(p)}</text:p>" for p in value.split("\n"))
        return f'<table:table-cell office:value-type="string">{paragraphs}</table:table-cell>'
    if isinstance(value, dt.date):
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}"/>'
        )
    return f'<table:table-cell office:value-type="float" office:value="{value!r}"/>'


def build_ods(sheets: dict[str, list[list]]) -> bytes:
    """A minimal OpenDocument spreadsheet (what LibreOffice would save, minus styles)."""
    tables = []
    for name, rows in sheets.items():
        body = "".join(
            "<table:table-row>"
            + ("".join(_ods_cell(v) for v in row) or "<table:table-cell/>")
            + "</table:table-row>"
            for row in rows
        )
        tables.append(f"<table:table table:name={quoteattr(name)}>{body}</table:table>")
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS}>'
        f"<office:body><office:spreadsheet>{''.join(tables)}</office:spreadsheet>"
        "</office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def bank_rows(*data_rows, title: str | None = "Ngân hàng câu hỏi") -> list[list]:
    """A title row, an empty row, the standard header (row 3), then ``data_rows`` (row 4…)."""
    return [[title], [], HEADER, *[list(r) for r in data_rows]]


def question_row(number, text, a, b, c=None, d=None, answer="A", **extra) -> list:
    row = [number, text, a, b, c, d, answer, None, None, None, None]
    for name, value in extra.items():
        row[HEADER.index(name)] = value
    return row

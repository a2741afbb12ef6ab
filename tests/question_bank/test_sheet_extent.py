"""Sheets that reach too far are refused before a parser expands them into a grid.

An .ods keeps a run of equal rows or cells once, with a repeat count; calamine expands it.
LibreOffice's own files end each sheet with an empty row repeated to the bottom and each row
with an empty cell repeated to the right: those must still be read.
"""

from __future__ import annotations

import io
import zipfile

from qb_builders import bank_rows, build_ods, question_row

from question_bank import read_question_file
from question_bank.agencies import read_agency_file

FILLED = '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
# What LibreOffice writes after the last used row and to the right of the last used cell.
EMPTY_TAIL_CELLS = '<table:table-cell table:number-columns-repeated="1013"/>'
MILLION_ROWS = f'<table:table-row table:number-rows-repeated="1000000">{FILLED}</table:table-row>'
EMPTY_TAIL_ROWS = (
    '<table:table-row table:number-rows-repeated="1048553">'
    '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
)


def with_rows(ods: bytes, extra_rows: str, *, tail_cells: bool = False) -> bytes:
    """The workbook with `extra_rows` appended to its first sheet."""
    with zipfile.ZipFile(io.BytesIO(ods)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    content = files["content.xml"].decode()
    if tail_cells:
        content = content.replace("</table:table-row>", EMPTY_TAIL_CELLS + "</table:table-row>")
    files["content.xml"] = content.replace("</table:table>", extra_rows + "</table:table>", 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), files.pop("mimetype"))
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def bank(count: int = 3) -> bytes:
    rows = bank_rows(
        *(question_row(i, f"Câu hỏi {i}?", "Có", "Không") for i in range(1, count + 1))
    )
    return build_ods({"Câu hỏi": rows})


def kinds(result) -> list[str]:
    return [issue.kind for issue in result.errors]


def test_a_libreoffice_sheet_with_its_empty_tails_is_read():
    data = with_rows(bank(), EMPTY_TAIL_ROWS, tail_cells=True)
    result = read_question_file(data, "ngan-hang.ods")
    assert result.ok, result.errors
    assert len(result.questions) == 3


def test_one_filled_row_repeated_a_million_times_is_refused_before_parsing():
    data = with_rows(bank(), MILLION_ROWS)
    assert len(data) < 2000
    result = read_question_file(data, "bom.ods")
    assert kinds(result) == ["sheet_too_large"]
    message = result.errors[0].message
    assert "bom.ods" in message and "1.000.006" in message and "50.000 dòng" in message


def test_a_filled_cell_repeated_across_the_sheet_is_refused():
    cell = FILLED.replace(
        "<table:table-cell", '<table:table-cell table:number-columns-repeated="16384"'
    )
    row = f"<table:table-row>{cell}</table:table-row>"
    result = read_question_file(with_rows(bank(), row), "rong.ods")
    assert kinds(result) == ["sheet_too_large"]
    assert "256 cột" in result.errors[0].message


def test_a_filled_row_far_below_an_empty_gap_is_refused():
    gap = (
        '<table:table-row table:number-rows-repeated="200000"><table:table-cell/></table:table-row>'
    )
    row = f"<table:table-row>{FILLED}</table:table-row>"
    result = read_question_file(with_rows(bank(), gap + row), "xa.ods")
    assert kinds(result) == ["sheet_too_large"]


def test_many_rows_times_many_columns_is_refused_by_the_cell_count():
    cells = FILLED.replace(
        "<table:table-cell", '<table:table-cell table:number-columns-repeated="200"'
    )
    rows = f'<table:table-row table:number-rows-repeated="20000">{cells}</table:table-row>'
    result = read_question_file(with_rows(bank(), rows), "o.ods")
    assert kinds(result) == ["sheet_too_large"]
    assert "2.000.000 ô" in result.errors[0].message


def test_malformed_repeat_counts_count_once():
    rows = "".join(
        f'<table:table-row table:number-rows-repeated="{count}">{FILLED}</table:table-row>'
        for count in ("abc", "-5", "0", "")
    )
    result = read_question_file(with_rows(bank(), rows), "la.ods")
    assert "sheet_too_large" not in kinds(result)


def test_broken_content_xml_is_damaged_not_an_error():
    data = with_rows(bank(), "<table:table-row><unclosed></table:table-row>")
    assert kinds(read_question_file(data, "hong.ods")) == ["damaged"]


def test_the_agency_import_is_guarded_too():
    agencies = build_ods({"Cơ quan": [["Mã", "Tên cơ quan, đơn vị"], ["SNV", "Sở Nội vụ"]]})
    data = with_rows(
        agencies,
        MILLION_ROWS,
    )
    assert kinds(read_agency_file(data, "co-quan.ods")) == ["sheet_too_large"]

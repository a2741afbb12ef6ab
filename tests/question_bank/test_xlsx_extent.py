""".xlsx sheets that declare or fill more than the limits are refused before calamine (which
expands a sheet into a grid from A1 to its last cell) sees them, with the .ods guard's
message; the scan itself streams the sheet XML, and what it cannot follow goes to openpyxl."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from qb_builders import bank_rows, build_xlsx, question_row

from question_bank import Limits, read_question_file, xlsx_extent
from question_bank.agencies import read_agency_file
from question_bank.guards import sniff
from question_bank.models import DEFAULT_LIMITS


def bank(count: int = 3) -> bytes:
    rows = bank_rows(
        *(question_row(i, f"Câu hỏi {i}?", "Có", "Không") for i in range(1, count + 1))
    )
    return build_xlsx(rows)


def patched(data: bytes, change) -> bytes:
    """The workbook with its first sheet's XML passed through `change`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = change(content.decode()).encode()
            target.writestr(info, content)
    return out.getvalue()


def with_cells(data: bytes, row_xml: str) -> bytes:
    return patched(data, lambda xml: xml.replace("</sheetData>", row_xml + "</sheetData>"))


def declaring(data: bytes, ref: str) -> bytes:
    return patched(
        data, lambda xml: re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', xml)
    )


def kinds(result) -> list[str]:
    return [issue.kind for issue in result.errors]


FAR_CELL = '<row r="1000000"><c r="ZZ1000000" t="inlineStr"><is><t>xa</t></is></c></row>'


def test_one_cell_far_down_is_refused_before_calamine_expands_the_sheet():
    data = with_cells(bank(), FAR_CELL)
    assert len(data) < 10_000
    result = read_question_file(data, "xa.xlsx")
    assert kinds(result) == ["sheet_too_large"]
    message = result.errors[0].message
    assert "xa.xlsx" in message and "“Câu hỏi”" in message
    assert "1.000.000" in message and "702" in message and "50.000 dòng" in message


def test_a_cell_far_to_the_right_is_refused_by_columns():
    row = '<row r="5"><c r="XFD5" t="inlineStr"><is><t>x</t></is></c></row>'
    result = read_question_file(with_cells(bank(), row), "rong.xlsx")
    assert kinds(result) == ["sheet_too_large"]
    assert "16.384" in result.errors[0].message and "256 cột" in result.errors[0].message


def test_rows_times_columns_over_the_cell_limit_are_refused():
    limits = Limits(max_sheet_rows=1000, max_sheet_columns=100, max_sheet_cells=50_000)
    row = '<row r="900"><c r="CV900"><v>1</v></c></row>'  # 900 rows × 100 columns
    result = read_question_file(with_cells(bank(), row), "o.xlsx", limits=limits)
    assert kinds(result) == ["sheet_too_large"]
    assert "50.000 ô" in result.errors[0].message


def test_a_declared_dimension_over_the_limits_is_refused():
    result = read_question_file(declaring(bank(), "A1:K1048576"), "khai.xlsx")
    assert kinds(result) == ["sheet_too_large"]
    assert "1.048.576" in result.errors[0].message


def test_a_sheet_within_the_limits_is_read_whatever_it_declares_below_them():
    data = declaring(with_cells(bank(), '<row r="40000"><c r="K40000" s="0"/></row>'), "A1")
    # (a cell with only a style counts: here, within the limits)
    assert sniff(data, "b.xlsx", DEFAULT_LIMITS) == ("xlsx", None)
    result = read_question_file(data, "b.xlsx")
    assert result.ok, result.errors
    assert [q.text for q in result.questions] == ["Câu hỏi 1?", "Câu hỏi 2?", "Câu hỏi 3?"]


def test_a_cell_placed_beyond_its_row_element_counts_by_its_own_reference():
    row = '<row r="5"><c r="A900000" t="inlineStr"><is><t>x</t></is></c></row>'
    result = read_question_file(with_cells(bank(), row), "lech.xlsx")
    assert kinds(result) == ["sheet_too_large"] and "900.000" in result.errors[0].message


def test_an_empty_row_with_a_style_only_does_not_count():
    data = with_cells(bank(), '<row r="1000000" s="1" customFormat="1"/>')
    assert sniff(data, "b.xlsx", DEFAULT_LIMITS) == ("xlsx", None)


def test_every_sheet_is_checked_not_only_the_question_sheet():
    rows = bank_rows(question_row(1, "Câu hỏi?", "Có", "Không"))
    data = build_xlsx(rows, before={"Ghi chú": [["x"]]})  # sheet1 is the notes sheet
    result = read_question_file(with_cells(data, FAR_CELL), "hai.xlsx")
    assert kinds(result) == ["sheet_too_large"] and "“Ghi chú”" in result.errors[0].message


def test_the_agency_import_is_guarded_too():
    result = read_agency_file(with_cells(bank(), FAR_CELL), "co-quan.xlsx")
    assert [issue.kind for issue in result.errors] == ["sheet_too_large"]


@pytest.mark.parametrize("chunk", [64, 997, 1 << 20])
def test_the_streamed_scan_finds_the_same_reach_whatever_the_pieces(monkeypatch, chunk):
    monkeypatch.setattr(xlsx_extent, "CHUNK", chunk)
    rows = bank_rows(*(question_row(i, f"Câu {i}?", "Có", "Không") for i in range(1, 300)))
    data = with_cells(build_xlsx(rows), '<row r="777"><c r="AB777"><v>5</v></c></row>')
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        scan = xlsx_extent.scan_xlsx(archive)
    assert [(e.name, e.rows, e.columns) for e in scan.extents] == [("Câu hỏi", 777, 28)]
    assert scan.calamine_faithful
    with zipfile.ZipFile(io.BytesIO(declaring(data, "A1:AZ60000"))) as archive:
        far = xlsx_extent.scan_xlsx(archive).extents[0]
    assert (far.rows, far.columns) == (60_000, 52)


@pytest.mark.parametrize(
    "change",
    [
        # cells placed by position (no r): the scan cannot tell how far they reach
        lambda xml: xml.replace(
            "</sheetData>", '<row r="9"><c t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
        ),
        # prefixed element names
        lambda xml: xml.replace("<sheetData>", '<sheetData><x:row xmlns:x="urn:x" r="9"/>'),
    ],
)
def test_xml_the_scan_does_not_follow_is_read_with_openpyxl(change):
    data = patched(bank(), change)
    kind, issue = sniff(data, "b.xlsx", DEFAULT_LIMITS)
    assert (kind, issue) == ("xlsx-openpyxl", None)
    assert len(read_question_file(data, "b.xlsx").questions) == 3


def test_a_broken_sheet_xml_is_damaged_not_a_crash():
    data = patched(bank(), lambda xml: xml[: len(xml) // 2])
    result = read_question_file(data, "hong.xlsx")
    assert kinds(result) == ["damaged"]

"""Reading agency lists: headers, every error kind with its row and column, numbers, NFC."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from qb_builders import build_ods, build_xlsx

from question_bank import Limits
from question_bank.agencies import agency_code, parse_headcount, read_agency_file

HEADER = ["Mã", "Tên cơ quan, đơn vị", "Mã cơ quan cấp trên", "Loại", "Số biên chế"]
TITLE = [["DANH SÁCH CƠ QUAN, ĐƠN VỊ"], []]  # rows 1-2; the header is row 3, data from row 4
TINH = ["NA", "UBND tỉnh Nghệ An", None, "UBND cấp tỉnh", 12]
SNV = ["SNV", "Sở Nội vụ", "NA", "Sở, ban, ngành", 76]
VINH = ["VINH", "UBND thành phố Vinh", "NA", "UBND cấp huyện", 385]


def read(*rows, header=HEADER, title=TITLE, **options):
    data = build_xlsx([*title, header, *rows], title="Cơ quan, đơn vị")
    return read_agency_file(data, "co-quan.xlsx", **options)


def triples(result):
    return [(e.row, e.column, e.kind) for e in result.errors]


def test_a_valid_list_with_a_title_above_the_header():
    result = read(TINH, SNV, VINH)
    assert result.ok and result.header_row == 3
    assert set(result.columns) == {"code", "name", "parent", "kind", "headcount"}
    assert [(a.row, a.code, a.parent_code, a.headcount) for a in result.agencies] == [
        (4, "NA", None, 12),
        (5, "SNV", "NA", 76),
        (6, "VINH", "NA", 385),
    ]
    assert result.agencies[1].name == "Sở Nội vụ" and result.agencies[1].kind == "Sở, ban, ngành"


@pytest.mark.parametrize(
    "header",
    [
        ["mã đơn vị", "TÊN ĐƠN VỊ", "Mã cấp trên", "Loại hình", "Biên chế"],
        ["Ma co quan", "Ten co quan", "Don vi cap tren", "Cap", "So CBCCVC"],
        ["Code", "Name", "Parent code", "Kind", "Headcount"],
        [" Mã * ", "Tên (đầy đủ)", "Parent", "Kind", "Số biên chế (người)"],
    ],
)
def test_header_names_ignore_case_diacritics_and_notes(header):
    result = read(TINH, SNV, header=header)
    assert result.ok, result.errors
    assert [a.parent_code for a in result.agencies] == [None, "NA"]
    assert result.agencies[1].headcount == 76


def test_header_found_within_ten_rows_and_not_below():
    title = [["Tiêu đề"], [], [], [], [], [], [], [], []]  # header on row 10
    assert read(TINH, title=title).ok
    result = read(TINH, title=[*title, []])  # header on row 11
    assert [e.kind for e in result.errors] == ["no_header"]
    assert result.errors[0].row is None and "10 dòng đầu" in result.errors[0].message


def test_header_without_the_name_column_says_what_is_missing():
    result = read(["NA", "NA2"], header=["Mã", "Mã cơ quan cấp trên"])
    assert [e.kind for e in result.errors] == ["no_header"]
    assert (
        "dòng 3" in result.errors[0].message and "Tên cơ quan, đơn vị" in result.errors[0].message
    )


def test_only_code_and_name_are_required():
    result = read(["NA", "UBND tỉnh"], ["snv", "Sở Nội vụ"], header=["Mã", "Tên"])
    assert result.ok
    assert set(result.columns) == {"code", "name"}
    assert [(a.code, a.parent_code, a.kind, a.headcount) for a in result.agencies] == [
        ("NA", None, None, None),
        ("SNV", None, None, None),
    ]


def test_empty_rows_and_unmapped_columns_are_skipped():
    header = [*HEADER, "Ghi chú"]
    result = read(TINH, [], [None, None, None, None, None, "ghi chú lẻ"], SNV, header=header)
    assert result.ok and [a.row for a in result.agencies] == [4, 7]


def test_missing_code_and_missing_name():
    result = read(TINH, [None, "Sở Tư pháp", "NA"], ["STP", "  ", "NA"])
    assert triples(result) == [
        (5, "Mã", "missing_code"),
        (6, "Tên cơ quan, đơn vị", "missing_name"),
    ]
    assert result.errors[0].message.startswith("Dòng 5, cột “Mã”: ")
    assert [a.code for a in result.agencies] == ["NA"]


def test_duplicate_code_in_the_file_is_reported_on_the_later_row():
    result = read(TINH, SNV, [" snv ", "Sở Nội vụ (trùng)", "NA"])
    assert triples(result) == [(6, "Mã", "duplicate_code")]
    assert "dòng 5" in result.errors[0].message


def test_saved_codes_are_updates_unless_the_import_only_adds():
    assert read(TINH, SNV, existing_codes=["snv"]).ok
    result = read(TINH, SNV, existing_codes=["SNV"], only_add=True)
    assert triples(result) == [(5, "Mã", "duplicate_code")]
    assert "đã có" in result.errors[0].message


def test_unknown_parent():
    result = read(TINH, ["STP", "Sở Tư pháp", "XYZ"])
    assert triples(result) == [(5, "Mã cơ quan cấp trên", "unknown_parent")]
    assert "“XYZ”" in result.errors[0].message


def test_a_parent_written_as_a_name_gets_a_hint():
    result = read(TINH, ["STP", "Sở Tư pháp", "UBND tỉnh Nghệ An"])
    assert triples(result) == [(5, "Mã cơ quan cấp trên", "unknown_parent")]
    assert "dòng 4" in result.errors[0].message and "“NA”" in result.errors[0].message


def test_parents_may_be_later_rows_saved_codes_or_differ_in_case():
    rows = [["VINH-HB", "UBND phường Hưng Bình", "vinh"], VINH, ["STP", "Sở Tư pháp", "na"]]
    result = read(*rows, existing_codes={"NA"})
    assert result.ok, result.errors
    assert [a.parent_code for a in result.agencies] == ["VINH", "NA", "NA"]


def test_self_parent():
    result = read(TINH, ["STP", "Sở Tư pháp", "stp"])
    assert triples(result) == [(5, "Mã cơ quan cấp trên", "self_parent")]


def test_parent_cycle_is_reported_on_every_row_of_the_cycle():
    result = read(TINH, ["A", "Đơn vị A", "B"], ["B", "Đơn vị B", "A"], ["C", "Đơn vị C", "A"])
    assert triples(result) == [
        (5, "Mã cơ quan cấp trên", "parent_cycle"),
        (6, "Mã cơ quan cấp trên", "parent_cycle"),
    ]
    assert "A → B → A" in result.errors[0].message
    assert "B → A → B" in result.errors[1].message
    # C hangs under the cycle but is not part of it: no error of its own.
    assert [a.code for a in result.agencies] == ["NA", "C"]


def test_a_cycle_through_saved_agencies_is_found():
    # Saved: B under A. The file puts A under B.
    result = read(["A", "Đơn vị A", "B"], existing_codes={"A": None, "B": "A"})
    assert triples(result) == [(4, "Mã cơ quan cấp trên", "parent_cycle")]
    assert "A → B → A" in result.errors[0].message
    # The same file is fine when it also moves B to the top.
    assert read(["A", "Đơn vị A", "B"], ["B", "Đơn vị B"], existing_codes={"B": "A"}).ok


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (1234, 1234),
        (1234.0, 1234),
        ("1.234", 1234),
        ("1 234", 1234),
        ("1234", 1234),
        (" 45 ", 45),
        ("12.000", 12000),
        ("1234.0", 1234),
        (0, 0),
        (None, None),
    ],
)
def test_headcounts_that_are_accepted(cell, expected):
    result = read(["NA", "UBND tỉnh", None, None, cell])
    assert result.ok, result.errors
    assert result.agencies[0].headcount == expected


@pytest.mark.parametrize("cell", ["12a", -3, "-3", 12.5, "1,5", "1.23", "mười", True])
def test_bad_headcount(cell):
    result = read(TINH, ["STP", "Sở Tư pháp", "NA", None, cell])
    assert triples(result) == [(5, "Số biên chế", "bad_headcount")]
    assert result.errors[0].message.startswith("Dòng 5, cột “Số biên chế”: ")


def test_headcount_beyond_any_agency_is_bad():
    result = read(["NA", "UBND tỉnh", None, None, 10**12])
    assert triples(result) == [(4, "Số biên chế", "bad_headcount")]


def test_codes_that_are_numbers_read_as_people_see_them():
    result = read([101, "Phòng Tư pháp", None, None, 12.0], [101.0, "Trùng", None], header=HEADER)
    assert [a.code for a in result.agencies] == ["101"]
    assert triples(result) == [(5, "Mã", "duplicate_code")]


def test_text_is_nfc_trimmed_and_on_one_line():
    decomposed = unicodedata.normalize("NFD", "Sở Tư pháp")
    result = read(["  stp ", f"  {decomposed}\n(cơ quan)  ", None, " Sở,  ban, ngành "])
    agency = result.agencies[0]
    assert agency.code == "STP"
    assert agency.name == "Sở Tư pháp (cơ quan)"
    assert unicodedata.is_normalized("NFC", agency.name)
    assert agency.kind == "Sở, ban, ngành"


def test_kind_spellings_are_unified_with_a_warning():
    result = read(TINH, SNV, ["STP", "Sở Tư pháp", "NA", "sở, ban, ngành"])
    assert result.ok
    assert [a.kind for a in result.agencies[1:]] == ["Sở, ban, ngành", "Sở, ban, ngành"]
    assert [(w.row, w.column, w.kind) for w in result.warnings] == [(6, "Loại", "kind_spelling")]


def test_text_too_long():
    result = read(["X" * 41, "Tên"], ["Y", "T" * 256])
    assert triples(result) == [
        (4, "Mã", "text_too_long"),
        (5, "Tên cơ quan, đơn vị", "text_too_long"),
    ]


def test_every_error_is_listed_in_row_order_and_nothing_is_partly_valid():
    result = read(
        ["A", "Đơn vị A", "ZZZ"],
        [None, "Không mã"],
        ["A", "Trùng mã", None, None, "12a"],
        TINH,
    )
    assert triples(result) == [
        (4, "Mã cơ quan cấp trên", "unknown_parent"),
        (5, "Mã", "missing_code"),
        (6, "Mã", "duplicate_code"),
        (6, "Số biên chế", "bad_headcount"),
    ]
    assert [a.code for a in result.agencies] == ["NA"]


def test_no_agencies_below_the_header():
    result = read()
    assert [e.kind for e in result.errors] == ["no_agencies"]


def test_too_many_rows():
    result = read(TINH, SNV, VINH, limits=Limits(max_rows=2))
    assert [e.kind for e in result.errors] == ["too_many_rows"]
    assert result.agencies == []


def test_not_a_spreadsheet_and_damaged_files():
    assert [e.kind for e in read_agency_file(b"hello", "a.xlsx").errors] == ["not_a_spreadsheet"]
    damaged = build_xlsx([HEADER, TINH])[:300]
    assert read_agency_file(damaged, "a.xlsx").errors[0].kind == "damaged"


def test_ods_files():
    data = build_ods({"Cơ quan": [["Danh sách"], [], HEADER, TINH, SNV]})
    result = read_agency_file(data, "co-quan.ods")
    assert result.ok, result.errors
    assert [(a.row, a.code, a.headcount) for a in result.agencies] == [
        (4, "NA", 12),
        (5, "SNV", 76),
    ]


def test_the_demo_file_reads_cleanly():
    path = Path(__file__).resolve().parents[2] / "contest" / "demo" / "data" / "co_quan_don_vi.xlsx"
    result = read_agency_file(path.read_bytes(), path.name)
    assert result.ok and len(result.agencies) >= 30


def test_helpers():
    assert agency_code("  vinh  hb ") == "VINH HB"
    assert parse_headcount("1.234.567") == (1234567, True)
    assert parse_headcount(float("nan")) == (None, False)


def test_the_module_imports_no_framework():
    script = (
        "import sys, question_bank.agencies; "
        "bad = [m for m in ('flask', 'sqlalchemy') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr

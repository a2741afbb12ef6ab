"""File-level problems: size, zip bombs, row count, files that are not spreadsheets."""

from __future__ import annotations

import io
import random
import zipfile

import pytest
from qb_builders import bank_rows, build_xlsx, question_row

from question_bank import Limits, read_question_file

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def good_xlsx(count: int = 2) -> bytes:
    return build_xlsx(bank_rows(*(question_row(i, f"Câu {i}?", "x", "y") for i in range(count))))


def file_errors(data: bytes, filename: str = "bank.xlsx", **limits):
    result = read_question_file(data, filename, limits=Limits(**limits))
    return [(e.row, e.column, e.kind) for e in result.errors], result


def only_kind(data, filename="bank.xlsx", **limits) -> str:
    errors, result = file_errors(data, filename, **limits)
    assert len(errors) == 1, errors
    row, column, kind = errors[0]
    assert row is None and column is None
    assert result.errors[0].message  # a sentence for the organizer
    return kind


def test_file_too_large_default_limit():
    data = b"PK\x03\x04" + bytes(10 * 1024 * 1024)
    assert only_kind(data) == "file_too_large"
    assert "10 MB" in read_question_file(data, "bank.xlsx").errors[0].message


def test_file_too_large_custom_limit():
    assert only_kind(good_xlsx(), max_file_bytes=1000) == "file_too_large"


def test_too_many_rows():
    errors, result = file_errors(good_xlsx(6), max_rows=5)
    assert errors == [(None, None, "too_many_rows")]
    assert "5" in result.errors[0].message
    assert file_errors(good_xlsx(5), max_rows=5)[0] == []


def test_too_many_rows_default_is_20000():
    assert Limits().max_rows == 20_000


def with_extra_member(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        dst.writestr(name, content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_zip_bomb_by_compression_ratio():
    bomb = with_extra_member(good_xlsx(), "xl/media/padding.bin", bytes(20 * 1024 * 1024))
    assert len(bomb) < 100_000
    assert only_kind(bomb) == "suspicious_archive"


def test_zip_bomb_by_total_uncompressed_size():
    assert only_kind(good_xlsx(), max_uncompressed_bytes=5_000) == "suspicious_archive"


def test_normal_workbooks_are_not_taken_for_bombs():
    data = good_xlsx(3000)
    result = read_question_file(data, "bank.xlsx")
    assert result.ok, result.errors[:3]
    assert len(result.questions) == 3000


def test_random_bytes_are_not_a_spreadsheet():
    data = random.Random(1).randbytes(4096)
    assert only_kind(data) == "not_a_spreadsheet"
    assert only_kind(b"") == "not_a_spreadsheet"
    assert only_kind("STT,Câu hỏi\n1,Hỏi?".encode(), "bank.csv") == "not_a_spreadsheet"


def test_a_zip_that_is_not_a_workbook():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert only_kind(out.getvalue(), "bank.docx") == "not_a_spreadsheet"


def test_encrypted_xlsx_is_an_ole2_compound_file():
    data = CFB_MAGIC + random.Random(2).randbytes(4000)
    assert only_kind(data, "bank.xlsx") == "encrypted"
    assert "mật khẩu" in read_question_file(data, "bank.xlsx").errors[0].message


def test_encrypted_package_stream_is_found_whatever_the_name():
    data = CFB_MAGIC + bytes(500) + "EncryptedPackage".encode("utf-16-le") + bytes(500)
    assert only_kind(data, "bank.xls") == "encrypted"


def test_garbage_compound_file_named_xls_is_damaged():
    data = CFB_MAGIC + bytes(4000)
    assert only_kind(data, "bank.xls") == "damaged"


def test_truncated_zip_is_damaged():
    data = good_xlsx()
    assert only_kind(data[: len(data) // 2]) == "damaged"
    assert "hỏng" in read_question_file(data[:200], "bank.xlsx").errors[0].message


@pytest.mark.parametrize("member", ["xl/worksheets/sheet1.xml", "xl/workbook.xml"])
def test_broken_xml_inside_the_package_is_damaged(member):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good_xlsx())) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            dst.writestr(info, content[: len(content) // 2] if info.filename == member else content)
    assert only_kind(out.getvalue()) == "damaged"


def test_name_does_not_matter_content_does():
    result = read_question_file(good_xlsx(), "bank.ods")
    assert result.ok and len(result.questions) == 2

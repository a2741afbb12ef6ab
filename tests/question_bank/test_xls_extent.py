"""Legacy .xls sheets reaching further than the limits (by their DIMENSIONS record or by a
cell record far away) are refused before calamine expands them, with the .ods guard's
message. The hostile files are the committed sample with one record changed in place."""

from __future__ import annotations

import io
import struct
import tempfile
from pathlib import Path

import olefile

from question_bank import read_question_file
from question_bank.xls_extent import BOUNDSHEET, DIMENSIONS, records, xls_extent

SAMPLE = (Path(__file__).parent / "data" / "sample.xls").read_bytes()
LABELSST = 0x00FD


def stream_of(data: bytes) -> bytes:
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        return ole.openstream("Workbook").read()


def with_stream(data: bytes, stream: bytes) -> bytes:
    """The compound file with its Workbook stream replaced by one of the same size."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "book.xls"
        path.write_bytes(data)
        with olefile.OleFileIO(str(path), write_mode=True) as ole:
            ole.write_stream("Workbook", stream)
        return path.read_bytes()


def question_sheet_offset(stream: bytes) -> int:
    offsets = []
    for kind, at, _length in records(stream, 0):
        if kind == BOUNDSHEET:
            offsets.append(struct.unpack_from("<I", stream, at)[0])
    return offsets[-1]  # "Câu hỏi" is the sample's last sheet


def changed(record_kind: int, pack) -> bytes:
    """The sample with the first `record_kind` record of the question sheet rewritten."""
    stream = bytearray(stream_of(SAMPLE))
    for kind, at, length in records(bytes(stream), question_sheet_offset(bytes(stream))):
        if kind == record_kind:
            pack(stream, at, length)
            return with_stream(SAMPLE, bytes(stream))
    raise AssertionError(f"no record {record_kind:#x}")


def test_the_sample_reaches_as_far_as_its_cells():
    extents = list(xls_extent(SAMPLE))
    assert [(e.name, e.rows, e.columns) for e in extents] == [("Ghi chú", 1, 1), ("Câu hỏi", 7, 8)]
    result = read_question_file(SAMPLE, "bank.xls")
    assert result.questions and "sheet_too_large" not in {e.kind for e in result.errors}


def test_a_cell_record_far_down_is_refused():
    def far(stream, at, _length):
        struct.pack_into("<HH", stream, at, 60_000, 2)  # row 60,001, column C

    result = read_question_file(changed(LABELSST, far), "xa.xls")
    assert [issue.kind for issue in result.errors] == ["sheet_too_large"]
    message = result.errors[0].message
    assert "xa.xls" in message and "“Câu hỏi”" in message
    assert "60.001" in message and "50.000 dòng" in message


def test_a_cell_record_far_to_the_right_is_refused_whatever_dimensions_says():
    def wide(stream, at, _length):
        struct.pack_into("<HH", stream, at, 3, 65_535)  # column 65,536: four billion cells

    result = read_question_file(changed(LABELSST, wide), "rong.xls")
    assert [issue.kind for issue in result.errors] == ["sheet_too_large"]
    assert "65.536" in result.errors[0].message and "256 cột" in result.errors[0].message


def test_a_declared_dimension_over_the_limits_is_refused():
    def declared(stream, at, _length):
        struct.pack_into("<II", stream, at, 0, 1_000_000)  # BIFF8: 32-bit rows

    result = read_question_file(changed(DIMENSIONS, declared), "khai.xls")
    assert [issue.kind for issue in result.errors] == ["sheet_too_large"]
    assert "1.000.000" in result.errors[0].message


def test_a_sheet_offset_outside_the_stream_is_damaged():
    stream = bytearray(stream_of(SAMPLE))
    for kind, at, _length in records(bytes(stream), 0):
        if kind == BOUNDSHEET:
            struct.pack_into("<I", stream, at, len(stream) + 10)
    result = read_question_file(with_stream(SAMPLE, bytes(stream)), "hong.xls")
    assert [issue.kind for issue in result.errors] == ["damaged"]

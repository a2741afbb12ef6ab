"""Random and mutated uploads always end in a result, never an exception.

Every reader is promised never to raise for a bad file: whatever the bytes, the organizer gets
either questions or issues with a sentence each. Hypothesis builds workbooks from random cells,
breaks valid ones byte by byte and inside their XML, and writes random GIFT and Aiken text.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from qb_builders import bank_rows, build_ods, build_xlsx, question_row

from question_bank import read_aiken, read_gift, read_question_file
from question_bank.agencies import read_agency_file

# Control characters cannot be written by openpyxl (the XML mutations reach them instead).
# No example database in the checkout; the same examples on every run (CI stays reproducible).
FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SAMPLE_XLS = (Path(__file__).parent / "data" / "sample.xls").read_bytes()

text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40
) | st.sampled_from(["=1+1", "@SUM(A1)", "A", "B, C", "Dễ", "Khó", "\u202eabc", "e\u0301", ""])
cell = (
    st.none()
    | text
    | st.integers(-(2**63), 2**63)
    | st.floats(allow_nan=True)
    | st.dates(min_value=dt.date(1900, 3, 1))
)
grid = st.lists(st.lists(cell, max_size=12), max_size=12)


def valid_bank() -> list[list]:
    return bank_rows(
        question_row(1, "Thủ tục hành chính là gì?", "Trình tự", "Lệ phí", answer="A"),
        question_row(2, "Cơ quan nào tiếp nhận?", "UBND xã", "Sở Nội vụ", "Bộ", answer="B,C"),
    )


def assert_a_result(result) -> None:
    """A result: issues each with a Vietnamese sentence, or questions when there is none."""
    for issue in [*result.errors, *result.warnings]:
        assert isinstance(issue.message, str) and issue.message.strip()
    if result.ok:
        assert all(question.text for question in result.questions)


def mutate(data: bytes, edits: list[tuple[int, int]], cut: int | None) -> bytes:
    buffer = bytearray(data)
    for position, value in edits:
        buffer[position % len(buffer)] = value
    return bytes(buffer[:cut] if cut else buffer)


def rezip(data: bytes, change) -> bytes:
    """The archive with each XML member passed through `change`."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, body in members:
            archive.writestr(
                info.filename, change(body) if info.filename.endswith(".xml") else body
            )
    return out.getvalue()


@FUZZ
@given(rows=grid, header=st.booleans())
def test_random_cells_in_xlsx_and_ods(rows, header):
    rows = [valid_bank()[2], *rows] if header else rows
    assert_a_result(read_question_file(build_xlsx(rows), "ngau-nhien.xlsx"))
    assert_a_result(read_question_file(build_ods({"Câu hỏi": rows}), "ngau-nhien.ods"))
    assert_a_result(read_agency_file(build_xlsx(rows), "co-quan.xlsx"))


@FUZZ
@example(kind="ods", edits=[(358, 0)], cut=None)  # a broken deflate stream (zlib.error)
@given(
    kind=st.sampled_from(["xlsx", "ods", "xls"]),
    edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8),
    cut=st.none() | st.integers(1, 4000),
)
def test_valid_workbooks_broken_byte_by_byte(kind, edits, cut):
    data = {
        "xlsx": lambda: build_xlsx(valid_bank()),
        "ods": lambda: build_ods({"Câu hỏi": valid_bank()}),
        "xls": lambda: SAMPLE_XLS,
    }[kind]()
    broken = mutate(data, edits, cut)
    assert_a_result(read_question_file(broken, f"hong.{kind}"))
    assert_a_result(read_agency_file(broken, f"hong.{kind}"))


@FUZZ
@given(
    kind=st.sampled_from(["xlsx", "ods"]),
    old=st.sampled_from(['"', "<", ">", "r=", "t=", "s", "1", "table:", "office:value", "=", "/"]),
    new=st.sampled_from(["", '"', "<", "999999999", "-1", "x", "&", "&#0;", "\x00", "A1048577"]),
    count=st.integers(1, 5),
)
def test_valid_workbooks_broken_inside_their_xml(kind, old, new, count):
    data = build_xlsx(valid_bank()) if kind == "xlsx" else build_ods({"Câu hỏi": valid_bank()})
    broken = rezip(data, lambda body: body.replace(old.encode(), new.encode(), count))
    assert_a_result(read_question_file(broken, f"hong.{kind}"))


@FUZZ
@given(
    data=st.binary(max_size=2000),
    prefix=st.sampled_from([b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]),
)
def test_random_bytes(data, prefix):
    assert_a_result(read_question_file(prefix + data, "tep.xlsx"))
    assert_a_result(read_agency_file(prefix + data, "tep.ods"))


syntax = st.text(
    st.sampled_from(list("{}=~#:%\\\n ABCDE.)ANSWER:TF$CATEGORY//[]-1ăđ\r\t")), max_size=300
)


@FUZZ
@given(body=syntax | st.text(max_size=300))
def test_random_gift_and_aiken_text(body):
    assert_a_result(read_gift(body))
    assert_a_result(read_aiken(body))

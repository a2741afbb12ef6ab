"""The results seal (method 2, docs/results-seal.md): a published export reads its snapshot
only, its seal is recomputed here with a few lines of hashlib following the document (never
by calling the code under test), and `results verify` tells a changed file from an untouched
one, also after a spreadsheet program saved it again.

The round is tests/results/test_exports.py's, worked out by hand there."""

import hashlib
import io
import re
import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from contest.extensions import db
from contest.models import Agency, Round, SnapshotRow
from contest.results import seal
from contest.results import service as results
from contest.results.exports.round_exports import HEADER_ROW, export_round, file_name
from contest.results.seal_check import check_file
from tests.factories import make_entry
from tests.results import test_exports
from tests.results.test_exports import GRACE, NOW, OPENS, SPECS, people

closed_round = test_exports.closed_round  # the fixture: the round worked out by hand there

SLUG = "thi-tthc-2025"
DOC = Path(__file__).parents[2] / "docs" / "results-seal.md"
# By hand (test_exports.RANKING, PRIZES): name, rank, group rank, prize; in published order.
PUBLISHED = [
    ("Dung", 1, 1, None),
    ("An", 2, 2, "Giải Nhất"),
    ("Cường", 3, 3, "Giải Nhì"),
    ("Bình", 4, 4, "Giải Ba"),
    ("Em", 5, 1, "Giải Nhất"),
    ("Giang", 6, 2, "Giải Nhì"),
    ("Hà", 6, 2, "Giải Nhì"),
    ("Khoa", 8, 5, "Giải Khuyến khích"),
]
AGENCIES = {
    "XA": ("XA", "UBND xã B", "HUYEN"),
    "HUYEN": ("HUYEN", "UBND huyện A", ""),
    None: ("", "", ""),
}
GROUPS = {"can_bo": "Cán bộ, công chức, viên chức", "nhan_dan": "Nhân dân"}


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def expected_seal(version=1, published_at="2025-11-24T07:05:09.000Z") -> tuple[str, list[str]]:
    """The seal of the hand-worked round, following docs/results-seal.md."""
    header = (
        "method=TTT-SEAL/2\n"
        f"contest={SLUG}\n"
        "round=1\n"
        f"publication={version}\n"
        f"published_at={published_at}\n"
        "prediction_actual=8\n"
        "chain=correct,prediction,duration,submitted\n"
    )
    specs = {spec[0]: (index, spec) for index, spec in enumerate(SPECS)}
    digests = []
    for position, (name, rank, group_rank, prize) in enumerate(PUBLISHED, start=1):
        i, (_n, group, agency, eligible, correct, prediction, seconds, minute) = specs[name]
        submitted = OPENS + timedelta(hours=1, minutes=minute, seconds=seconds)
        error = "" if prediction is None else str(abs(prediction - 8))
        fields = [
            str(position), str(rank), GROUPS[group], str(group_rank), prize or "", name,
            "1990", f"*******0{i:02d}", f"001******0{i:02d}", *AGENCIES[agency],
            "Có" if eligible else "Không", "1", str(correct), "20",
            "" if prediction is None else str(prediction), error, str(seconds * 1000),
            submitted.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        ]  # fmt: skip
        digests.append(sha(header + "\t".join(fields) + "\n"))
    return sha(header + "".join(d + "\n" for d in digests)), digests


def publish(round_id, reason=None, now=NOW):
    round_ = db.session.get(Round, round_id)
    round_.contest.slug = SLUG
    db.session.commit()
    if round_.results_status == "draft":
        results.mark_reviewed(round_)
    return results.publish(round_, now, GRACE, None, reason)


def export_bytes(round_id, kind="ranking", **options) -> bytes:
    options.setdefault("for_judges", True)
    out = io.BytesIO()
    export_round(db.session.get(Round, round_id), kind, out, now=NOW, **options)
    return out.getvalue()


def sheet_values(data: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


def data_rows(data: bytes) -> list[tuple]:
    return sheet_values(data)[openpyxl.load_workbook(io.BytesIO(data)).sheetnames[0]][HEADER_ROW:]


def test_the_seal_is_the_documented_sha256(app, closed_round):
    with app.app_context():
        publication = publish(closed_round)
        expected, digests = expected_seal()
        assert publication.sha256 == expected
        stored = db.session.execute(
            select(SnapshotRow.line_digest, SnapshotRow.receipt).order_by(SnapshotRow.position)
        ).all()
        assert [d for d, _r in stored] == digests
        assert [r for _d, r in stored] == [d[:12] for d in digests]
        assert results.verify(publication)
        # The seal sheet lists the header, the seal and every line's digest.
        book = sheet_values(export_bytes(closed_round))
        listed = {row[0]: row[1] for row in book["Niêm phong"] if row[0] is not None}
        assert listed["seal"] == expected and listed["contest"] == SLUG
        assert [listed[p] for p in range(1, 9)] == digests


def test_published_export_never_reads_live_rows(app, closed_round):
    with app.app_context():
        publication = publish(closed_round)
        before = {kind: export_bytes(closed_round, kind) for kind in ("ranking", "prizes")}
        public_before = export_bytes(closed_round, for_judges=False)
        an, dung = people()["An"], people()["Dung"]
        an.full_name, an.date_of_birth, an.prize_eligible = "Người Khác", date(2001, 2, 3), False
        dung.phone = "0999999999"
        db.session.get(Agency, an.agency_id).name = "UBND xã đổi tên"
        db.session.commit()
        # A better second attempt after publishing: the live ranking changes, not the file.
        make_entry(db.session.get(Round, closed_round), an, 20, 8, 10, 40, number=2)
        for kind, data in before.items():
            after = export_bytes(closed_round, kind)
            assert sheet_values(after) == sheet_values(data)
        assert sheet_values(export_bytes(closed_round, for_judges=False)) == sheet_values(
            public_before
        )
        db.session.refresh(publication)
        assert publication.sha256 == expected_seal()[0] and results.verify(publication)
        names = [row[3] for row in data_rows(before["ranking"])]
        assert names == [name for name, *_rest in PUBLISHED]
        assert check_file(before["ranking"]).ok


def test_copies_and_their_titles(app, closed_round):
    with app.app_context():
        publish(closed_round)
        judges = openpyxl.load_workbook(io.BytesIO(export_bytes(closed_round))).active
        public = openpyxl.load_workbook(
            io.BytesIO(export_bytes(closed_round, for_judges=False))
        ).active
        assert "Có dữ liệu cá nhân" in judges.cell(3, 1).value
        assert "Có dữ liệu cá nhân" not in public.cell(3, 1).value
        public_header = [c.value for c in public[HEADER_ROW]]
        row = next(public.iter_rows(HEADER_ROW + 1, values_only=True))
        first = dict(zip(public_header, row, strict=True))
        assert first["Năm sinh"] == 1990 and "Ngày sinh" not in public_header
        assert (first["Số điện thoại"], first["Số CCCD"]) == ("*******003", "001******003")
        assert first["Thời gian làm bài (phút:giây.mili giây)"] == timedelta(seconds=100)
        assert first["Mã biên nhận"] == seal.receipt_display(expected_seal()[1][0][:12])
        round_ = db.session.get(Round, closed_round)
        assert file_name(round_, "ranking", NOW, public=True).endswith("-cong-khai.xlsx")
        assert not file_name(round_, "ranking", NOW).endswith("-cong-khai.xlsx")
        assert file_name(round_, "agencies", NOW, public=True).endswith("1405.xlsx")


def change_cell(data: bytes, header: str, row_offset: int, value) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[HEADER_ROW]]
    sheet.cell(HEADER_ROW + 1 + row_offset, headers.index(header) + 1).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("Họ và tên", "An "),  # trailing space: trimmed as text is, so this one still passes
        ("Họ và tên", "Ân"),
        ("Giải", "Giải Nhì"),
        ("Hạng", 3),
        ("Số điện thoại", "0912000099"),
        ("Nộp bài lúc (giờ Việt Nam)", datetime(2025, 11, 16, 9, 5, 0, 1000)),
    ],
)
def test_verify_tells_a_changed_cell(app, runner, closed_round, tmp_path, header, value):
    with app.app_context():
        publish(closed_round)
        data = export_bytes(closed_round)
    untouched = tmp_path / "xep-hang.xlsx"
    untouched.write_bytes(data)
    result = runner.invoke(args=["results", "verify", str(untouched)])
    assert result.exit_code == 0, result.output
    assert "Niêm phong của tệp: KHỚP" in result.output and "kết quả đã lưu: KHỚP" in result.output
    changed = tmp_path / "sua.xlsx"
    changed.write_bytes(change_cell(data, header, 1, value))  # An's row
    result = runner.invoke(args=["results", "verify", str(changed)])
    if value == "An ":
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 1, result.output
    assert "KHÔNG KHỚP" in result.output and f": {HEADER_ROW + 2}." in result.output


def test_verify_a_changed_seal_or_digest(app, runner, closed_round, tmp_path):
    with app.app_context():
        publish(closed_round)
        data = export_bytes(closed_round, "prizes", for_judges=False)
    book = openpyxl.load_workbook(io.BytesIO(data))
    rows = list(book["Niêm phong"].iter_rows())
    seal_cell = next(r[1] for r in rows if r[0].value == "seal")
    seal_cell.value = "0" * 64
    out = tmp_path / "giai.xlsx"
    book.save(out)
    result = runner.invoke(args=["results", "verify", str(out)])
    assert result.exit_code == 1 and "KHÔNG TÌM THẤY" in result.output
    bad = tmp_path / "khong-phai.xlsx"
    bad.write_bytes(b"not a workbook")
    result = runner.invoke(args=["results", "verify", str(bad)])
    assert result.exit_code == 1 and "không phải là bảng tính" in result.output


def test_verify_after_a_round_trip(app, runner, closed_round, tmp_path):
    """Saved again by a spreadsheet program: LibreOffice when installed, else openpyxl."""
    with app.app_context():
        publish(closed_round)
        data = export_bytes(closed_round, for_judges=False)
    path = tmp_path / "xep-hang-cong-khai.xlsx"
    path.write_bytes(data)
    if shutil.which("soffice"):
        subprocess.run(
            ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
             "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo-out"), str(path)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
        saved = tmp_path / "lo-out" / path.name
    else:
        book = openpyxl.load_workbook(path)
        saved = tmp_path / "saved.xlsx"
        book.save(saved)
    result = runner.invoke(args=["results", "verify", str(saved)])
    assert result.exit_code == 0, result.output


def test_erasure_keeps_the_seal(app, runner, closed_round, tmp_path):
    from contest.audit.service import COMMAND_LINE
    from contest.privacy import service as privacy

    with app.app_context():
        publication = publish(closed_round)
        an = people()["An"]
        privacy.erase_person(an.id, COMMAND_LINE, "Đơn yêu cầu", now=NOW, grace=GRACE)
        line = db.session.execute(
            select(SnapshotRow).where(SnapshotRow.user_id == an.id)
        ).scalar_one()
        assert (line.full_name, line.phone, line.national_id, line.date_of_birth) == (None,) * 4
        assert line.line_digest == expected_seal()[1][1]
        assert results.verify(db.session.get(type(publication), publication.id))
        data = export_bytes(closed_round)
        assert data_rows(data)[1][3] == seal.ERASED_NAME
    path = tmp_path / "sau-khi-xoa.xlsx"
    path.write_bytes(data)
    result = runner.invoke(args=["results", "verify", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 dòng đã xoá dữ liệu cá nhân" in result.output


def test_submission_times_tie_within_a_millisecond(app):
    """Two entries equal on every step but handed in 0.4 ms apart share a rank: the files
    show milliseconds, and the ranking compares no finer."""
    from contest.results.ranking import Scope, iter_ranking, participant_rank
    from tests.factories import make_round
    from tests.results.test_exports import person

    with app.app_context():
        round_ = make_round(opens_at=OPENS, closes_at=OPENS + timedelta(days=7))
        users = [person(f"09140000{i:02d}", f"Người {i}") for i in range(3)]
        attempts = [make_entry(round_, user, 18, None, 200, 0) for user in users]
        attempts[1].submitted_at += timedelta(microseconds=400)  # same millisecond
        attempts[2].submitted_at += timedelta(microseconds=1400)  # the next one
        for attempt in attempts:
            from contest.models import RoundEntry

            entry = db.session.execute(
                select(RoundEntry).where(RoundEntry.attempt_id == attempt.id)
            ).scalar_one()
            entry.submitted_at = attempt.submitted_at
        db.session.commit()
        ranks = [(row.user_id, row.rank) for row in iter_ranking(Scope(round_))]
        assert ranks == [(users[0].id, 1), (users[1].id, 1), (users[2].id, 3)]
        assert [participant_rank(round_, u.id)[0] for u in users] == [1, 1, 3]


def doc_example() -> tuple[dict, str, str, str]:
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"```text\n(method=TTT-SEAL/2\n.*?)```", text, re.S).group(1)
    line = re.search(r"```tsv\n(.*?)```", text, re.S).group(1)
    line_digest = re.search(r"line digest: `([0-9a-f]{64})`", text).group(1)
    seal_value = re.search(r"seal: `([0-9a-f]{64})`", text).group(1)
    return block, line.replace("→", "\t"), line_digest, seal_value


def test_the_documents_example_is_the_codes():
    header, line, line_digest, seal_value = doc_example()
    assert sha(header + line) == line_digest
    assert sha(header + line_digest + "\n") == seal_value
    fields = dict(zip(seal.FIELDS, line.rstrip("\n").split("\t"), strict=True))
    values = {
        **fields,
        "position": int(fields["position"]),
        "submitted_at": datetime.strptime(fields["submitted_at"], "%Y-%m-%dT%H:%M:%S.%fZ"),
    }
    assert seal.line_digest(header, values) == line_digest
    assert seal.seal(header, [line_digest]) == seal_value


def test_a_row_copied_twice_fails(app, closed_round):
    with app.app_context():
        publish(closed_round)
        data = export_bytes(closed_round, "prizes")
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    sheet.append([cell.value for cell in sheet[HEADER_ROW + 1]])
    out = io.BytesIO()
    book.save(out)
    with app.app_context():
        verdict = check_file(out.getvalue())
        assert check_file(data).ok and not verdict.ok
        assert any(f": {HEADER_ROW + 8}." in line for line in verdict.lines)  # the 8th prize row

"""The «Niêm phong» sheet of a published ranking or prize list: what recomputing the seal
needs, beside the data rows (docs/results-seal.md).

Two columns after the title lines: a key and its value (text). First the header's fields
(contest.results.seal.HEADER_KEYS) in order, then `seal` and `lines`, then one row per line
of the publication: its position (a number) and its digest. A filtered file (one group, one
agency, the prize list) holds only some lines; the digests of every line are here, so that the
seal is recomputed from the file alone.
"""

from collections.abc import Iterator

from sqlalchemy import select

from contest.extensions import db
from contest.models import ResultPublication, SnapshotRow
from contest.results import seal
from contest.results.exports.workbook import INTEGER, TEXT, Column, SheetWriter

SHEET_NAME = "Niêm phong"
KEY, VALUE, MEANING = "Mục", "Giá trị", "Ý nghĩa"
# Keys are text, positions numbers: the first column takes both.
DIGEST_COLUMNS = (Column(KEY, INTEGER, 20), Column(VALUE, TEXT, 70), Column(MEANING, TEXT, 60))
TITLES = (
    "Niêm phong kết quả đã công bố (SHA-256)",
    "Cách tính: docs/results-seal.md. Kiểm tra: trang «Kiểm tra kết quả» của cuộc thi, hoặc "
    "lệnh flask --app contest results verify TỆP.xlsx.",
    "Mỗi dòng dữ liệu của tệp là một dòng đã công bố; mã của mọi dòng ở cuối trang này.",
)
MEANINGS = {
    "method": "Phương pháp niêm phong và phiên bản",
    "contest": "Mã (slug) cuộc thi",
    "round": "Vòng thi số",
    "publication": "Công bố lần",
    "published_at": "Thời điểm công bố (UTC, đến mili giây)",
    "prediction_actual": "Số liệu thực tế đã chốt của câu dự đoán (trống: không có)",
    "chain": "Tiêu chí xếp hạng, theo thứ tự",
    "seal": "Mã niêm phong: SHA-256 của phần đầu và mã mọi dòng",
    "lines": "Số dòng đã công bố",
}
LEGACY_NOTE = (
    "Công bố theo phương pháp cũ (1): mã này tính trên mã số trong cơ sở dữ liệu, chỉ kiểm "
    "tra được với dữ liệu đã lưu của Ban Tổ chức."
)


def header_fields(publication: ResultPublication) -> list[tuple[str, str]]:
    """(key, value) of the stored header text, in order."""
    fields = []
    for line in (publication.seal_header or "").splitlines():
        key, _equals, value = line.partition("=")
        fields.append((key, value))
    return fields


def write(book, publication: ResultPublication) -> None:
    """Add the sheet to `book`, after the data sheet has been closed."""
    sheet = SheetWriter(book, SHEET_NAME, DIGEST_COLUMNS, TITLES)
    if publication.seal_version == seal.LEGACY_VERSION:
        sheet.append(["method", f"{seal.METHOD}/{seal.LEGACY_VERSION}", LEGACY_NOTE])
        sheet.append(["seal", publication.sha256, MEANINGS["seal"]])
        sheet.close()
        return
    for key, value in header_fields(publication):
        sheet.append([key, value, MEANINGS.get(key)])
    sheet.append(["seal", publication.sha256, MEANINGS["seal"]])
    sheet.append(["lines", str(publication.entry_count), MEANINGS["lines"]])
    sheet.extend([position, digest, None] for position, digest in digests(publication))
    sheet.close()


def digests(publication: ResultPublication) -> Iterator[tuple[int, str]]:
    rows = db.session.execute(
        select(SnapshotRow.position, SnapshotRow.line_digest)
        .where(SnapshotRow.publication_id == publication.id)
        .order_by(SnapshotRow.position)
        .execution_options(yield_per=5000)
    )
    yield from rows

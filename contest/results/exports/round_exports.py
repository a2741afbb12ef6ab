"""The judges' Excel exports of a round: one function for the pages' buttons and the CLI.

Every sheet opens with the same seven title lines (contest; what and which round; the
filters and who the copy is for; when it was made, in Vietnam time; the published ranking's
SHA-256, or that it is a draft; the prediction's frozen actual value; the tie-break chain),
one empty row, the header on row `HEADER_ROW`, then the data, streamed in constant memory.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from os import PathLike
from typing import BinaryIO

from sqlalchemy import select

from contest.domain.clock import to_vietnam, utcnow
from contest.domain.ranking import describe_chain
from contest.domain.statistics import COLLECTIVE_MEASURES
from contest.extensions import db
from contest.models import Agency, ResultPublication, Round
from contest.models.user import GROUP_LABELS
from contest.results.exports import ranking_sheets, round_sheets, seal_sheet
from contest.results.exports.workbook import Column, SheetWriter, header_row, new_workbook, save
from contest.results.service import compute_prizes, latest_publication
from contest.text import thousands


@dataclass(frozen=True)
class ExportKind:
    """One kind of export: its name in URLs and on the command line, its title, its sheet's
    name, its file name's stem, and whether it lists people (and so their personal data)."""

    name: str
    title: str
    sheet_name: str
    file_stem: str
    personal: bool


# Every kind once: the judges' page, the download route, the CLI's --kind and the file names
# read this registry (adding a kind is one entry here and its case in `sheet_content`).
EXPORT_KINDS = (
    ExportKind("ranking", "Bảng xếp hạng cá nhân", "Xếp hạng", "xep-hang", True),
    ExportKind(
        "agencies", "Thống kê theo cơ quan, đơn vị", "Cơ quan, đơn vị", "co-quan-don-vi", False
    ),
    ExportKind("entries", "Danh sách tất cả lượt thi", "Lượt thi", "luot-thi", True),
    ExportKind("prizes", "Danh sách đạt giải", "Đạt giải", "dat-giai", True),
    ExportKind("questions", "Thống kê theo câu hỏi", "Câu hỏi", "cau-hoi", False),
)
KIND_BY_NAME = {kind.name: kind for kind in EXPORT_KINDS}
# Name → title, for pages and messages.
KINDS = {kind.name: kind.title for kind in EXPORT_KINDS}
TARGET_WORDS = {
    "participants": "số người tham gia vòng thi",
    "perfect": "số người trả lời đúng tất cả các câu",
    "entries": "số lượt thi",
}
TITLE_LINES = 7
# Kinds whose published file is the publication's snapshot, with its «Niêm phong» sheet.
SEALED_KINDS = ("ranking", "prizes")
HEADER_ROW = header_row(TITLE_LINES)
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Request:
    round: Round
    kind: str
    for_judges: bool
    group: str | None
    agency_ids: tuple[int, ...] | None
    now: datetime
    publication: ResultPublication | None


def export_round(
    round_: Round,
    kind: str,
    out: str | PathLike | BinaryIO,
    *,
    for_judges: bool,
    group: str | None = None,
    agency_ids: Sequence[int] | None = None,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write one export of a round as .xlsx to a path or binary file; return the data rows.

    kind: ranking | agencies | entries | prizes | questions. `for_judges` False masks phone
    and CCCD numbers. `group` limits to one participant group (ranks are then the group's);
    `agency_ids` keeps the rows of those agencies (ranks stay those of the whole scope; pass
    an agency and everything below it for a district). `now` is naive UTC. `progress`, when
    given, is called with the data rows written so far every PROGRESS_ROWS rows (a job's page).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown export kind: {kind}")
    if group is not None and group not in GROUP_LABELS:
        raise ValueError(f"unknown participant group: {group}")
    request = Request(
        round_,
        kind,
        for_judges,
        group,
        None if agency_ids is None else tuple(agency_ids),
        now or utcnow(),
        latest_publication(round_.id),
    )
    columns, rows = sheet_content(request)
    if progress is not None:
        rows = reporting(rows, progress)
    book = new_workbook()
    writer = SheetWriter(book, KIND_BY_NAME[kind].sheet_name, columns, title_lines(request))
    count = writer.extend(rows)
    writer.close()
    if request.publication is not None and request.kind in SEALED_KINDS:
        seal_sheet.write(book, request.publication)
    save(book, out)
    return count


def sheet_content(request: Request) -> tuple[Sequence[Column], Iterable[Sequence]]:
    round_, group, agencies = request.round, request.group, request.agency_ids
    if request.kind in ("ranking", "prizes"):
        return fielded(request)
    if request.kind == "agencies":
        return round_sheets.AGENCY_COLUMNS, round_sheets.agency_rows(round_, group, agencies)
    if request.kind == "entries":
        rows = round_sheets.entry_rows(round_, group, agencies, request.for_judges)
        return round_sheets.entry_columns(request.for_judges), rows
    return round_sheets.QUESTION_COLUMNS, round_sheets.question_rows(round_, group, agencies)


def fielded(request: Request):
    """Ranking or prize lines from the snapshot when published, else from the live ranking."""
    sheets, publication = ranking_sheets, request.publication
    args = (request.group, request.agency_ids)
    if request.kind == "ranking":
        fields = sheets.ranking_fields(request.for_judges, publication is not None)
        if publication:
            lines = sheets.published_lines(publication, *args)
        else:
            lines = sheets.draft_lines(request.round, *args, compute_prizes(request.round))
    else:
        fields = sheets.prize_fields(request.for_judges, publication is not None)
        if publication:
            lines = sheets.published_prize_lines(publication, *args)
        else:
            lines = sheets.draft_prize_lines(request.round, *args)
    getters = [get for _column, get in fields]
    return [column for column, _get in fields], ([get(line) for get in getters] for line in lines)


def title_lines(request: Request) -> list[str]:
    round_ = request.round
    return [
        round_.contest.title,
        f"{kind_title(request)} — Vòng {round_.number}: {round_.title}",
        filters_line(request),
        f"Xuất lúc {to_vietnam(request.now):%H:%M:%S ngày %d/%m/%Y} (giờ Việt Nam, UTC+7)",
        publication_line(request),
        prediction_line(request),
        "Tiêu chí xếp hạng: " + "; ".join(describe_chain(chain(request))),
    ]


def kind_title(request: Request) -> str:
    if request.kind == "agencies":
        measure = COLLECTIVE_MEASURES[request.round.contest.collective_measure].lower()
        return f"{KINDS['agencies']} (gồm cả các đơn vị trực thuộc; xếp hạng theo {measure})"
    return KINDS[request.kind]


def filters_line(request: Request) -> str:
    parts = ["đối tượng: " + (GROUP_LABELS[request.group] if request.group else "tất cả")]
    parts.append("cơ quan, đơn vị: " + agency_names(request.agency_ids))
    if KIND_BY_NAME[request.kind].personal:
        parts.append(
            "bản dành cho Ban Giám khảo – Có dữ liệu cá nhân (ngày sinh, số điện thoại, CCCD"
            " đầy đủ): không đăng, không gửi ra ngoài"
            if request.for_judges
            else "bản công khai (chỉ năm sinh, 3 số cuối điện thoại, CCCD đã che một phần)"
        )
    return "Phạm vi: " + "; ".join(parts)


def agency_names(agency_ids: tuple[int, ...] | None, shown: int = 5) -> str:
    if agency_ids is None:
        return "tất cả"
    names = db.session.execute(
        select(Agency.name).where(Agency.id.in_(agency_ids[:shown])).order_by(Agency.name)
    ).scalars()
    text = ", ".join(names) or "không có"
    more = len(agency_ids) - shown
    return f"{text} và {more} đơn vị khác" if more > 0 else text


def publication_line(request: Request) -> str:
    publication = request.publication
    if publication is None:
        return "Bản nháp – chưa công bố: kết quả còn có thể thay đổi."
    when = to_vietnam(publication.published_at)
    line = (
        f"Mã kiểm tra SHA-256 của bảng kết quả đã công bố: {publication.sha256} "
        f"(công bố lần {publication.version} lúc {when:%H:%M ngày %d/%m/%Y})"
    )
    if request.kind not in SEALED_KINDS:
        line += "; bảng này tính từ dữ liệu bài thi lúc xuất"
    else:
        line += "; cách kiểm tra: trang «Niêm phong» của tệp này"
    return line


def prediction_line(request: Request) -> str:
    round_ = request.round
    if not round_.prediction_enabled:
        return "Câu dự đoán: vòng thi không có câu dự đoán."
    publication = request.publication
    actual = publication.prediction_actual if publication else round_.prediction_actual
    target = TARGET_WORDS.get(round_.prediction_target, round_.prediction_target)
    if actual is None:
        return f"Câu dự đoán ({target}): chưa chốt số liệu thực tế; sai số chưa được xét."
    shown = thousands(actual)
    return (
        f"Câu dự đoán ({target}): số liệu thực tế đã chốt là {shown}; sai số = |dự đoán − {shown}|."
    )


def chain(request: Request) -> list[str]:
    if request.publication is not None:
        return [step for step in request.publication.chain.split(",") if step]
    return list(request.round.ranking_chain)


def file_name(
    round_: Round, kind: str, now: datetime | None = None, *, public: bool = False
) -> str:
    """A download name: xep-hang-vong-1-20261123-1405.xlsx (Vietnam time); a public copy of a
    kind that lists people ends in -cong-khai.xlsx, so it is never taken for the judges'."""
    local = to_vietnam(now or utcnow())
    stem = f"{KIND_BY_NAME[kind].file_stem}-vong-{round_.number}-{local:%Y%m%d-%H%M}"
    if public and KIND_BY_NAME[kind].personal:
        stem += "-cong-khai"
    return f"{stem}.xlsx"


# A background export reports its progress this often (a short UPDATE each time).
PROGRESS_ROWS = 1000


def reporting(rows: Iterable[Sequence], progress: Callable[[int], None]) -> Iterator[Sequence]:
    """The rows as they are, calling `progress(rows written so far)` every PROGRESS_ROWS."""
    for count, row in enumerate(rows, start=1):
        yield row
        if count % PROGRESS_ROWS == 0:
            progress(count)

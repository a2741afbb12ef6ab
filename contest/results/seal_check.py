"""Recompute a published file's seal from the file alone (docs/results-seal.md), then compare
it with the stored publication.

`read_file` needs nothing but the .xlsx: the data sheet's rows are published lines (their
columns found by header, in any order, as either copy heads them), the «Niêm phong» sheet
holds the header's fields, the seal and every line's digest. A row whose recomputed digest is
not the one listed for its position, a listed digest missing, or a seal that is not the
SHA-256 of the header and the listed digests: the file fails. `against_store` then says
whether the seal is a publication's, that publication's own lines, and whether it is the
round's latest. Messages are Vietnamese (the product's language).
"""

import io
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select

from contest.domain.clock import to_vietnam
from contest.extensions import db
from contest.models import ResultPublication, Round, SnapshotRow
from contest.results import seal
from contest.results.exports import ranking_sheets as sheets
from contest.results.exports.seal_sheet import KEY, SHEET_NAME
from contest.results.service import verify
from contest.results.snapshot import publication_by_seal
from question_bank.guards import XLSX, XLSX_KINDS, sniff
from question_bank.models import Limits

log = logging.getLogger(__name__)
# Rows read at most from a data sheet: the largest round, with room to spare.
MAX_ROWS = 2_000_000
HEADER_SEARCH_ROWS = 30
# What a published file may be: the largest round's ranking with its «Niêm phong» sheet.
LIMITS = Limits(
    max_file_bytes=512 * 2**20,
    max_uncompressed_bytes=4 * 2**30,
    max_sheet_rows=MAX_ROWS + HEADER_SEARCH_ROWS,
    max_sheet_columns=64,
    max_sheet_cells=64 * (MAX_ROWS + HEADER_SEARCH_ROWS),
)
EXCEL_EPOCH = datetime(1899, 12, 30)
TEXT_FIELDS = (
    "group",
    "prize",
    "full_name",
    "agency_code",
    "agency_name",
    "agency_parent_code",
    "prize_eligible",
)


class UnreadableFile(Exception):
    """Not a published results file (or damaged); the message is Vietnamese."""


@dataclass
class FileCheck:
    """What the file says and what recomputing it found."""

    method: int | None = None
    header: str = ""
    header_fields: dict[str, str] = field(default_factory=dict)
    stated_seal: str | None = None
    stated_lines: str | None = None
    computed_seal: str | None = None
    digests: dict[int, str] = field(default_factory=dict)
    rows_checked: int = 0
    erased_rows: int = 0
    bad_rows: list[int] = field(default_factory=list)  # the sheet's row numbers
    seen: set[int] = field(default_factory=set)  # positions of the data rows
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.bad_rows and self.stated_seal == self.computed_seal


@dataclass(frozen=True)
class StoreCheck:
    publication: ResultPublication | None
    round: Round | None
    matches: bool
    latest: bool
    problems: tuple[str, ...]


# -- reading cells back ----------------------------------------------------------------------


def as_int(value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("boolean")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("not an integer")
        return int(value)
    if isinstance(value, str):
        return int(value.replace(".", "").replace(",", "").strip())
    return int(value)


def as_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return seal.clean(str(value))


def round_ms(moment: datetime) -> datetime:
    """A cell's moment to the nearest millisecond (a day fraction is not exact)."""
    millis = round(moment.microsecond / 1000)
    return moment.replace(microsecond=0) + timedelta(milliseconds=millis)


def as_moment(value) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, int | float):
        value = EXCEL_EPOCH + timedelta(days=value)
    if not isinstance(value, datetime):
        raise ValueError("not a date and time")
    return round_ms(value)


def as_duration_ms(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, timedelta):
        return round(value / timedelta(milliseconds=1))
    if isinstance(value, time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return round(seconds * 1000 + value.microsecond / 1000)
    if isinstance(value, datetime):
        return round((value - EXCEL_EPOCH) / timedelta(milliseconds=1))
    if isinstance(value, int | float):
        return round(value * 86_400_000)
    raise ValueError("not a duration")


def birth_year(row: dict) -> int | None:
    if sheets.BIRTH_YEAR in row:
        return as_int(row[sheets.BIRTH_YEAR])
    born = row.get(sheets.BIRTH_DATE)
    if born is None:
        return None
    if isinstance(born, int | float):
        born = EXCEL_EPOCH + timedelta(days=born)
    if not isinstance(born, date):
        raise ValueError("not a date")
    return born.year


def canonical_values(row: dict) -> dict:
    """A data row (header → cell value) as the seal's fields, masked as the public sees them."""
    headers = sheets.SEALED_HEADERS
    values = {name: as_text(row.get(headers[name])) for name in TEXT_FIELDS}
    for name in (
        "position",
        "rank",
        "group_rank",
        "attempt_number",
        "correct",
        "questions",
        "prediction",
        "prediction_error",
    ):
        values[name] = as_int(row.get(headers[name]))
    values["birth_year"] = birth_year(row)
    values["phone"] = seal.masked_phone(as_text(row.get(sheets.PHONE)))
    values["national_id"] = seal.masked_national_id(as_text(row.get(sheets.NATIONAL_ID)))
    values["duration_ms"] = as_duration_ms(row.get(headers["duration_ms"]))
    shown = as_moment(row.get(headers["submitted_at"]))
    values["submitted_at"] = shown - seal.VIETNAM if shown else None
    return values


# -- the file --------------------------------------------------------------------------------


def open_book(data: bytes, name: str) -> "CalamineBook | OpenpyxlBook":
    """The file's sheets as rows of values, after the checks every upload of the application
    gets (format from the content, archive size and ratio, how far each sheet reaches):
    calamine when it reads the file as a person sees it, openpyxl otherwise."""
    kind, issue = sniff(data, name, LIMITS)
    if issue is not None:
        raise UnreadableFile(issue.message)
    if kind not in XLSX_KINDS:
        raise UnreadableFile("Tệp không phải tệp Excel (.xlsx) đọc được.")
    if kind == XLSX:
        return CalamineBook(data)
    return OpenpyxlBook(data)


class CalamineBook:
    """Fast: a round of 100,000 lines is read in seconds, where openpyxl takes minutes."""

    def __init__(self, data: bytes):
        self.book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        self.sheetnames = list(self.book.sheet_names)

    def rows(self, name: str):
        for row in self.book.get_sheet_by_name(name).iter_rows():
            yield tuple(None if value == "" else value for value in row)

    def close(self) -> None:
        self.book.close()


class OpenpyxlBook:
    def __init__(self, data: bytes):
        self.book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        self.sheetnames = self.book.sheetnames

    def rows(self, name: str):
        return self.book[name].iter_rows(values_only=True)

    def close(self) -> None:
        self.book.close()


def read_seal_sheet(rows, check: FileCheck) -> None:
    started = False
    header_values: dict[str, str] = {}
    for key, value, *_rest in (tuple(row) + (None, None) for row in rows):
        if not started:
            started = key == KEY
            continue
        if key is None:
            continue
        if isinstance(key, int | float):
            position = int(key)
            if position in check.digests:
                check.problems.append(f"Mã dòng số {position} xuất hiện hai lần.")
            check.digests[position] = str(value or "").strip().lower()
            continue
        key = str(key).strip()
        if key == "seal":
            check.stated_seal = str(value or "").strip().lower()
        elif key in seal.HEADER_KEYS:
            header_values[key] = "" if value is None else str(value)
        elif key == "lines":
            check.stated_lines = str(value or "").strip()
        else:
            check.problems.append(f"Trang «{SHEET_NAME}» có mục lạ: {key}.")
    check.header_fields = header_values
    method = header_values.get("method", "")
    check.method = seal.VERSION if method == f"{seal.METHOD}/{seal.VERSION}" else None
    if method == f"{seal.METHOD}/{seal.LEGACY_VERSION}":
        check.method = seal.LEGACY_VERSION
    check.header = "".join(f"{key}={header_values.get(key, '')}\n" for key in seal.HEADER_KEYS)


def find_header(rows) -> tuple[int, list] | None:
    for number, row in enumerate(rows, start=1):
        if number > HEADER_SEARCH_ROWS:
            return None
        if sheets.POSITION in row:
            return number, list(row)
    return None


def check_rows(rows, check: FileCheck) -> None:
    rows = iter(rows)
    found = find_header(rows)
    if found is None:
        check.problems.append(
            f"Không tìm thấy cột «{sheets.POSITION}»: tệp không phải bảng kết quả đã công bố."
        )
        return
    header_number, headers = found
    needed = [*sheets.SEALED_HEADERS.values(), sheets.PHONE, sheets.NATIONAL_ID]
    missing = [name for name in needed if name not in headers]
    if sheets.BIRTH_DATE not in headers and sheets.BIRTH_YEAR not in headers:
        missing.append(sheets.BIRTH_YEAR)
    if missing:
        check.problems.append("Thiếu cột: " + ", ".join(f"«{name}»" for name in missing) + ".")
        return
    for number, values in enumerate(rows, start=header_number + 1):
        if number > MAX_ROWS:
            check.problems.append("Tệp có quá nhiều dòng.")
            return
        if all(value is None for value in values):
            continue
        check_row(dict(zip(headers, values, strict=False)), number, check)


def check_row(row: dict, number: int, check: FileCheck) -> None:
    check.rows_checked += 1
    if not row_matches(row, check):
        check.bad_rows.append(number)


def row_matches(row: dict, check: FileCheck) -> bool:
    """The row's recomputed digest is the one listed for its position, seen once."""
    try:
        values = canonical_values(row)
    except (ValueError, TypeError):
        return False
    position = values["position"]
    listed = check.digests.get(position)
    if listed is None or position in check.seen:  # no such line, or a row copied twice
        return False
    check.seen.add(position)
    if values["full_name"] == seal.ERASED_NAME:
        check.erased_rows += 1  # erased on request: the listed digest stands for the line
        return True
    return seal.line_digest(check.header, values) == listed


def read_file(data: bytes, name: str = "tải lên") -> FileCheck:
    """Recompute the seal of a published ranking or prize list from the file alone; `name` is
    the file's, for messages."""
    try:
        return read_book(data, name)
    except UnreadableFile:
        raise
    except Exception as error:  # noqa: BLE001 - any damage in an uploaded file is the file's
        log.info("unreadable results file: %r", error)
        raise UnreadableFile("Tệp bị hỏng hoặc không đúng định dạng tệp kết quả.") from error


def read_book(data: bytes, name: str) -> FileCheck:
    book = open_book(data, name)
    try:
        if SHEET_NAME not in book.sheetnames:
            raise UnreadableFile(
                f"Tệp không có trang «{SHEET_NAME}»: không phải tệp kết quả đã công bố."
            )
        check = FileCheck()
        read_seal_sheet(book.rows(SHEET_NAME), check)
        if check.method == seal.LEGACY_VERSION:
            return check  # method 1: only the stored snapshot can check it
        if check.method is None:
            raise UnreadableFile("Tệp không ghi phương pháp niêm phong mà hệ thống biết.")
        data_sheet = next(name for name in book.sheetnames if name != SHEET_NAME)
        check_rows(book.rows(data_sheet), check)
    except StopIteration as error:
        raise UnreadableFile("Tệp không có trang dữ liệu.") from error
    finally:
        book.close()
    positions = sorted(check.digests)
    if positions != list(range(1, len(positions) + 1)):
        check.problems.append("Danh sách mã dòng không liền mạch từ 1.")
    if check.stated_lines != str(len(positions)):
        check.problems.append("Số dòng ghi trong tệp khác số mã dòng.")
    check.computed_seal = seal.seal(check.header, (check.digests[p] for p in positions))
    if check.stated_seal != check.computed_seal:
        check.problems.append("Mã niêm phong ghi trong tệp không khớp với mã tính lại.")
    return check


# -- the stored publication ------------------------------------------------------------------


def against_store(
    stated_seal: str | None, check: FileCheck | None = None, deep: bool = True
) -> StoreCheck:
    """Whether `stated_seal` is a stored publication's and (given a file's check) the file's
    header and every line digest are that publication's. `deep` also recomputes the stored
    snapshot's own seal from its stored values (the command line; the public page, which
    must answer within a request, compares the digests only)."""
    publication = publication_by_seal(stated_seal) if stated_seal else None
    if publication is None:
        return StoreCheck(None, None, False, False, ("Không có lần công bố nào mang mã này.",))
    round_ = db.session.get(Round, publication.round_id)
    latest_version = db.session.execute(
        select(func.max(ResultPublication.version)).where(
            ResultPublication.round_id == publication.round_id
        )
    ).scalar_one()
    problems = []
    if deep and not verify(publication):
        problems.append("Dữ liệu đã lưu của lần công bố này không còn khớp với mã niêm phong.")
    if check is not None and check.method == seal.VERSION:
        if check.header != publication.seal_header:
            problems.append("Phần đầu niêm phong trong tệp khác lần công bố đã lưu.")
        stored = list(
            db.session.execute(
                select(SnapshotRow.line_digest)
                .where(SnapshotRow.publication_id == publication.id)
                .order_by(SnapshotRow.position)
            ).scalars()
        )
        if [check.digests.get(p) for p in range(1, len(stored) + 1)] != stored:
            problems.append("Mã các dòng trong tệp khác lần công bố đã lưu.")
    latest = publication.version == latest_version
    return StoreCheck(publication, round_, not problems, latest, tuple(problems))


# -- what people are told --------------------------------------------------------------------

ROWS_NAMED = 10


@dataclass(frozen=True)
class Verdict:
    ok: bool
    lines: tuple[str, ...]
    store: StoreCheck | None


def check_file(data: bytes, name: str = "tải lên", deep: bool = True) -> Verdict:
    """The file recomputed, then compared with the stored publication; raises UnreadableFile."""
    check = read_file(data, name)
    if check.method == seal.LEGACY_VERSION:
        deep = True  # method 1: the stored snapshot is all there is to check against
    store = against_store(check.stated_seal, check, deep)
    lines = []
    if check.method == seal.LEGACY_VERSION:
        lines.append(
            "Tệp công bố theo phương pháp niêm phong cũ (1): không tính lại được từ tệp, chỉ "
            "đối chiếu được với dữ liệu đã lưu."
        )
        file_ok = True
    else:
        erased = (
            f"; {check.erased_rows} dòng đã xoá dữ liệu cá nhân theo yêu cầu (giữ mã dòng)"
            if check.erased_rows
            else ""
        )
        lines.append(
            f"Đã tính lại mã của {check.rows_checked} dòng dữ liệu trong tệp (trên "
            f"{len(check.digests)} dòng đã công bố){erased}."
        )
        file_ok = check.ok
        if file_ok:
            lines.append(f"Niêm phong của tệp: KHỚP (mã {check.computed_seal}).")
        else:
            lines.append("Niêm phong của tệp: KHÔNG KHỚP.")
            lines.extend(check.problems)
            if check.bad_rows:
                named = ", ".join(str(n) for n in check.bad_rows[:ROWS_NAMED])
                more = len(check.bad_rows) - ROWS_NAMED
                lines.append(
                    f"Dòng bị sửa hoặc không khớp mã (số dòng trong trang dữ liệu): {named}"
                    + (f" và {more} dòng khác" if more > 0 else "")
                    + "."
                )
    lines.extend(store_lines(store))
    return Verdict(file_ok and store.matches, tuple(lines), store)


def store_lines(store: StoreCheck) -> list[str]:
    if store.publication is None:
        return ["Đối chiếu với kết quả đã lưu: KHÔNG TÌM THẤY lần công bố mang mã này."]
    lines = [publication_words(store) + "."]
    if store.matches:
        lines.append("Đối chiếu với kết quả đã lưu: KHỚP.")
    else:
        lines.append("Đối chiếu với kết quả đã lưu: KHÔNG KHỚP.")
        lines.extend(store.problems)
    if not store.latest:
        lines.append(
            "Lưu ý: vòng thi này đã được công bố lại; tệp không phải lần công bố mới nhất."
        )
    return lines


def publication_words(store: StoreCheck) -> str:
    publication, round_ = store.publication, store.round
    when = to_vietnam(publication.published_at)
    return (
        f"Cuộc thi «{round_.contest.title}», vòng {round_.number} ({round_.title}), "
        f"công bố lần {publication.version} lúc {when:%H:%M ngày %d/%m/%Y} (giờ Việt Nam)"
    )

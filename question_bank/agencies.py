"""Reading an agency list (cơ quan, đơn vị) from a spreadsheet (pure Python, no Flask).

The question import's rules: the format is sniffed from the bytes, the header is found within
the first 10 rows by its names (case and diacritics ignored), every problem is an Issue with
its row and column, and nothing raises for a bad file. Codes are canonical (``agency_code``):
NFC, trimmed, inner spaces collapsed, upper case; they are stored and compared that way.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain

from .guards import sniff
from .headers import HEADER_SCAN_ROWS, header_key, header_label
from .messages import format_count, make_issue
from .models import DEFAULT_LIMITS, Issue, Limits
from .sources import Sheet, SourceError, open_sheet
from .text import clean_str, decode_xlsx_escapes, display_text, fold

# The lengths of the columns of contest.models.Agency.
MAX_LENGTHS = {"code": 40, "name": 255, "parent": 40, "kind": 80}
MAX_HEADCOUNT = 10_000_000
# Folded header names; the earlier alias wins when two columns match one field.
_FIELD_ALIASES = {
    "code": ("ma", "ma don vi", "ma co quan", "ma co quan, don vi", "ma dinh danh", "code"),
    "name": ("ten co quan, don vi", "ten don vi", "ten co quan", "ten", "name"),
    "parent": ("ma co quan cap tren", "ma cap tren", "don vi cap tren", "parent", "parent code"),
    "kind": ("loai", "loai hinh", "cap", "kind"),
    "headcount": ("so bien che", "bien che", "so cbccvc", "headcount"),
}
_ALIASES = {n: (f, rank) for f, names in _FIELD_ALIASES.items() for rank, n in enumerate(names)}
CODE_NAMES = "“Mã” (hoặc “Mã đơn vị”, “Mã cơ quan”, “Code”)"
NAME_NAMES = "“Tên cơ quan, đơn vị” (hoặc “Tên đơn vị”, “Tên cơ quan”, “Tên”, “Name”)"

MESSAGES = {
    "no_header": "Không tìm thấy dòng tiêu đề trong {rows} dòng đầu của trang “{sheet}”. "
    f"Cần có các cột {CODE_NAMES} và {NAME_NAMES}.",
    "no_header_partial": "Dòng tiêu đề (dòng {header_row}) của trang “{sheet}” thiếu cột {missing}.",
    "no_agencies": "Trang “{sheet}” không có cơ quan, đơn vị nào bên dưới dòng tiêu đề.",
    "too_many_rows": "Trang “{sheet}” có hơn {limit} dòng, vượt giới hạn cho phép.",
    "missing_code": "chưa có mã cơ quan, đơn vị.",
    "missing_name": "chưa có tên cơ quan, đơn vị.",
    "text_too_long": "nội dung dài {length} ký tự, vượt giới hạn {limit} ký tự.",
    "duplicate_code": "mã “{code}” trùng với mã ở dòng {other}.",
    "duplicate_code_existing": "mã “{code}” đã có trong danh sách cơ quan, đơn vị.",
    "bad_headcount": "số biên chế “{value}” không hợp lệ; cần một số nguyên không âm, ví dụ 120.",
    "headcount_too_large": "số biên chế {value} vượt giới hạn {limit}.",
    "self_parent": "cơ quan “{code}” không thể là cấp trên của chính nó.",
    "unknown_parent": "mã cấp trên “{code}” không có trong tệp và chưa có trong danh sách "
    "cơ quan, đơn vị.",
    "unknown_parent_is_name": "“{code}” là tên của cơ quan ở dòng {other}; hãy ghi mã của "
    "cơ quan cấp trên (“{parent}”).",
    "parent_cycle": "cấp trên tạo thành vòng lặp: {chain}.",
    "kind_spelling": "loại “{value}” được ghi thống nhất là “{first}” (như ở dòng {other}).",
}
_KIND_OF = {
    "duplicate_code_existing": "duplicate_code",
    "headcount_too_large": "bad_headcount",
    "no_header_partial": "no_header",
    "unknown_parent_is_name": "unknown_parent",
}
_GROUPED = re.compile(r"\d{1,3}([., \u00a0\u202f])\d{3}(?:\1\d{3})*")
_PLAIN = re.compile(r"(\d+)(?:[.,]0+)?")


@dataclass(frozen=True)
class ParsedAgency:
    row: int
    code: str
    name: str
    parent_code: str | None = None
    kind: str | None = None
    headcount: int | None = None


@dataclass
class AgencyParseResult:
    filename: str
    sheet: str | None = None
    header_row: int | None = None
    columns: dict[str, int] = field(default_factory=dict)  # field → 0-based column index
    agencies: list[ParsedAgency] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, template: str, row: int | None = None, column: str | None = None, **values):
        self.errors.append(agency_issue(template, row, column, **values))

    def warn(self, template: str, row: int | None = None, column: str | None = None, **values):
        self.warnings.append(agency_issue(template, row, column, **values))


def agency_issue(template: str, row: int | None = None, column: str | None = None, **values):
    body = MESSAGES[template].format(**values)
    if row is not None:
        body = (f"Dòng {row}, cột “{column}”: " if column else f"Dòng {row}: ") + body
    return Issue(row=row, column=column, kind=_KIND_OF.get(template, template), message=body)


def agency_code(value: str | None) -> str:
    """The canonical code: " snv " and "Snv" are both "SNV"."""
    return " ".join(clean_str(value or "").split()).upper()


def parse_headcount(value: object) -> tuple[int | None, bool]:
    """(number or None when empty, valid?): 1234, 1234.0, "1.234", "1 234" and "1234" are 1234."""
    if value is None or isinstance(value, bool):
        return None, value is None
    if isinstance(value, int):
        return value, value >= 0
    if isinstance(value, float):
        ok = value == value and value.is_integer() and value >= 0  # NaN != NaN
        return (int(value) if ok else None), ok
    if not isinstance(value, str):
        return None, False
    text = value.strip()
    if not text:
        return None, True
    if _GROUPED.fullmatch(text):
        return int(re.sub(r"\D", "", text)), True
    plain = _PLAIN.fullmatch(text)
    return (int(plain.group(1)), True) if plain else (None, False)


def read_agency_file(
    data: bytes,
    filename: str,
    *,
    existing_codes: Collection[str] | Mapping[str, str | None] = (),
    only_add: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> AgencyParseResult:
    """Read and validate an agency workbook (.xlsx, .xls, .ods).

    ``existing_codes``: the codes already saved, which parents may name; a mapping
    code → parent code also lets a cycle through saved agencies be found. They are
    updated by the file, unless ``only_add``, where each is a ``duplicate_code``.
    ``agencies`` holds only the rows without errors.
    """
    result = AgencyParseResult(filename=filename)
    kind, issue = sniff(data, filename, limits)
    if issue is not None:
        result.errors.append(issue)
        return result
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions
            with open_sheet(data, kind) as sheet:
                result.sheet = sheet.name
                labels, rows = _read_sheet(sheet, result, limits)
    except SourceError as exc:
        result.errors.append(make_issue(exc.kind, name=filename))
        return result
    if rows:
        _Checker(result, labels, existing_codes, only_add).run(rows)
    _sort_issues(result, labels)
    return result


def _sort_issues(result: AgencyParseResult, labels: dict[str, str]) -> None:
    """File-level issues first, then by row and, within a row, by column."""
    position = {label: result.columns[name] for name, label in labels.items()}

    def key(issue: Issue) -> tuple:
        return (issue.row is not None, issue.row or 0, position.get(issue.column, -1))

    result.errors.sort(key=key)
    result.warnings.sort(key=key)


# -- the sheet -------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    agency: ParsedAgency
    parent_text: str  # the parent cell as typed, for messages


def _read_sheet(sheet: Sheet, result: AgencyParseResult, limits: Limits):
    """Find the header, then read every non-empty row: (labels by field, rows)."""
    head = []
    for item in sheet.rows:
        head.append(item)
        if item[0] >= HEADER_SCAN_ROWS:
            break
    header = _find_header(head, sheet, result)
    if header is None:
        return {}, []
    header_row, columns, labels = header
    result.header_row, result.columns = header_row, columns
    rows: list[_Row] = []
    for number, cells in chain((i for i in head if i[0] > header_row), sheet.rows):
        values = {name: _cell(cells, index, sheet.xlsx) for name, index in columns.items()}
        if all(value is None or value == "" for value in values.values()):
            continue
        if len(rows) >= limits.max_rows:
            result.error("too_many_rows", sheet=sheet.name, limit=format_count(limits.max_rows))
            return labels, []
        rows.append(_read_row(number, values, labels, result))
    if not rows and result.ok:
        result.error("no_agencies", sheet=sheet.name)
    return labels, rows


def _map_header(cells: Sequence[object], xlsx: bool) -> tuple[dict[str, int], dict[str, str]]:
    best: dict[str, tuple[int, int]] = {}
    for index, value in enumerate(cells):
        found = _ALIASES.get(header_key(value))
        if found and (found[0] not in best or found[1] < best[found[0]][0]):
            best[found[0]] = (found[1], index)
    columns = {name: index for name, (_, index) in best.items()}
    return columns, {name: header_label(cells[index], xlsx) for name, index in columns.items()}


def _find_header(head: Iterable[tuple[int, Sequence[object]]], sheet: Sheet, result):
    """(row number, columns, labels) of the first row naming a code and a name column."""
    partial = None
    for number, cells in head:
        if number > HEADER_SCAN_ROWS or not any(cells):
            continue
        columns, labels = _map_header(cells, sheet.xlsx)
        if "code" in columns and "name" in columns:
            return number, columns, labels
        if len(columns) >= 2 and partial is None:
            partial = (number, columns)
    if partial is None:
        result.error("no_header", rows=HEADER_SCAN_ROWS, sheet=sheet.name)
    else:
        wanted = (("code", CODE_NAMES), ("name", NAME_NAMES))
        missing = " và ".join(names for name, names in wanted if name not in partial[1])
        result.error("no_header_partial", header_row=partial[0], sheet=sheet.name, missing=missing)
    return None


def _cell(cells: Sequence[object], index: int, xlsx: bool) -> object:
    """The cell's value; text is NFC, trimmed, on one line (spaces collapsed)."""
    value = cells[index] if index < len(cells) else None
    if isinstance(value, str):
        return " ".join(clean_str(decode_xlsx_escapes(value) if xlsx else value).split())
    return value


def _text(value: object) -> str:
    return value if isinstance(value, str) else display_text(value)


def _read_row(number: int, values: dict, labels: dict[str, str], result) -> _Row:
    """One row's own checks (empty cells, lengths, headcount); the rest is _Checker's."""
    text = {name: _text(values.get(name)) for name in MAX_LENGTHS}
    if not text["code"]:
        result.error("missing_code", number, labels["code"])
    if not text["name"]:
        result.error("missing_name", number, labels["name"])
    for name, limit in MAX_LENGTHS.items():
        if len(text[name]) > limit:
            result.error("text_too_long", number, labels[name], length=len(text[name]), limit=limit)
    headcount = None
    if "headcount" in values:
        headcount, valid = parse_headcount(values["headcount"])
        raw = _text(values["headcount"])
        if not valid:
            result.error("bad_headcount", number, labels["headcount"], value=raw)
        elif headcount is not None and headcount > MAX_HEADCOUNT:
            limit = format_count(MAX_HEADCOUNT)
            result.error("headcount_too_large", number, labels["headcount"], value=raw, limit=limit)
    agency = ParsedAgency(
        row=number,
        code=agency_code(text["code"]),
        name=text["name"],
        parent_code=agency_code(text["parent"]) or None,
        kind=text["kind"] or None,
        headcount=headcount,
    )
    return _Row(agency, text["parent"])


def _chain(cycle: list[str], start: int, shown: int = 6) -> str:
    """ "B → C → A → B", from ``cycle[start]``; a long cycle is cut: "B → C → … → B (9 mã)"."""
    size = len(cycle)
    codes = [cycle[(start + step) % size] for step in range(min(size, shown))]
    if size > shown:
        return " → ".join([*codes, "…", cycle[start]]) + f" ({format_count(size)} mã)"
    return " → ".join([*codes, cycle[start]])


# -- checks across rows ----------------------------------------------------------------


class _Checker:
    """Duplicate codes, parents (unknown, self, cycles) and kind spellings."""

    def __init__(self, result: AgencyParseResult, labels: dict[str, str], existing, only_add):
        self.result = result
        self.labels = labels
        self.only_add = only_add
        if isinstance(existing, Mapping):
            pairs = ((agency_code(c), agency_code(p) or None) for c, p in existing.items())
        else:
            pairs = ((agency_code(c), None) for c in existing)
        self.existing: dict[str, str | None] = dict(pairs)
        self.first: dict[str, ParsedAgency] = {}  # code → the row that defines it
        self.names: dict[str, ParsedAgency] | None = None  # folded name → first row, built once

    def run(self, rows: list[_Row]) -> None:
        for row in rows:
            self.check_code(row.agency)
        if "parent" in self.result.columns:
            for row in rows:
                self.check_parent(row)
            self.check_cycles()
        agencies = self.unify_kinds([row.agency for row in rows])
        bad = {issue.row for issue in self.result.errors}
        self.result.agencies = [agency for agency in agencies if agency.row not in bad]

    def check_code(self, agency: ParsedAgency) -> None:
        if not agency.code:
            return
        column = self.labels["code"]
        earlier = self.first.get(agency.code)
        if earlier is not None:
            other = earlier.row
            self.result.error("duplicate_code", agency.row, column, code=agency.code, other=other)
            return
        self.first[agency.code] = agency
        if self.only_add and agency.code in self.existing:
            self.result.error("duplicate_code_existing", agency.row, column, code=agency.code)

    def check_parent(self, row: _Row) -> None:
        agency, column = row.agency, self.labels["parent"]
        parent = agency.parent_code
        if parent is None or parent in self.first or parent in self.existing:
            if parent is not None and parent == agency.code:
                self.result.error("self_parent", agency.row, column, code=row.parent_text)
            return
        if self.names is None:
            self.names = {}
            for other in self.first.values():
                self.names.setdefault(fold(other.name), other)
        named = self.names.get(fold(row.parent_text))
        if named is None:
            self.result.error("unknown_parent", agency.row, column, code=row.parent_text)
            return
        self.result.error(
            "unknown_parent_is_name",
            agency.row,
            column,
            code=row.parent_text,
            other=named.row,
            parent=named.code,
        )

    def check_cycles(self) -> None:
        """Walk up from every code of the file, through the file's and the saved parents."""
        parents = dict(self.existing)
        for code, agency in self.first.items():
            parent = agency.parent_code
            parents[code] = parent if parent != code else None
        done: set[str] = set()
        for start in self.first:
            path: dict[str, int] = {}  # code → its position on the walk
            node: str | None = start
            while node is not None and node not in done and node not in path:
                path[node] = len(path)
                node = parents.get(node)
            if node is not None and node in path:
                self.report_cycle(list(path)[path[node] :])
            done.update(path)

    def report_cycle(self, cycle: list[str]) -> None:
        for position, code in enumerate(cycle):
            agency = self.first.get(code)
            if agency is None:
                continue  # a saved agency: the file's rows in the cycle carry the error
            self.result.error(
                "parent_cycle", agency.row, self.labels["parent"], chain=_chain(cycle, position)
            )

    def unify_kinds(self, agencies: list[ParsedAgency]) -> list[ParsedAgency]:
        """Spell each kind as its first row does ("sở, ban, ngành" → "Sở, ban, ngành")."""
        first: dict[str, ParsedAgency] = {}
        unified = []
        for agency in agencies:
            if agency.kind:
                seen = first.setdefault(fold(agency.kind), agency)
                if seen.kind != agency.kind:
                    self.result.warn(
                        "kind_spelling",
                        agency.row,
                        self.labels["kind"],
                        value=agency.kind,
                        first=seen.kind,
                        other=seen.row,
                    )
                    agency = replace(agency, kind=seen.kind)
            unified.append(agency)
        return unified

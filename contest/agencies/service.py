"""Importing the agency list (cơ quan, đơn vị): the one service the web page, the CLI and the demo call.

All or nothing, in one commit. A code already saved is updated (name, parent, kind, headcount:
an organizer re-uploads a corrected list), a new code is added, nothing is deleted. A column
the file does not have (no "Loại" column, say) leaves that field of saved agencies as it is.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from contest.audit.service import COMMAND_LINE, Actor, record
from contest.extensions import db
from contest.models import Agency
from question_bank import Issue, Limits
from question_bank.agencies import AgencyParseResult, ParsedAgency, agency_code, read_agency_file
from question_bank.models import DEFAULT_LIMITS

NO_KIND = "Chưa phân loại"
CONFLICT = (
    "Danh sách cơ quan, đơn vị vừa được thay đổi bởi một lần nhập khác nên chưa lưu gì. "
    "Vui lòng nhập lại tệp."
)


@dataclass(frozen=True)
class Change:
    """What the import does to one row of the file: "added", "updated" or "unchanged"."""

    parsed: ParsedAgency
    status: str
    agency: Agency | None  # the saved agency it updates, None when it is added
    kind: str  # the kind after the import, for the counts


@dataclass
class AgencyImportReport:
    """What an import found and would do (dry run) or did; `saved` is 0 unless it was saved."""

    filename: str
    result: AgencyParseResult
    dry_run: bool = False
    changes: list[Change] = field(default_factory=list)
    saved: int = 0
    # code → agency, for the rows saved (the demo links its accounts to them).
    agencies: dict[str, Agency] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.result.ok

    def count(self, status: str) -> int:
        return sum(1 for change in self.changes if change.status == status)

    @property
    def added(self) -> int:
        return self.count("added")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    def by_kind(self) -> list[tuple[str, Counter]]:
        """(kind, Counter of statuses), kinds in the file's order."""
        counts: dict[str, Counter] = {}
        for change in self.changes:
            counts.setdefault(change.kind, Counter())[change.status] += 1
        return list(counts.items())

    def as_json(self) -> dict:
        return {
            "file": self.filename,
            "valid": len(self.result.agencies),
            "saved": self.saved,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [issue.as_dict() for issue in self.result.errors],
            "warnings": [issue.as_dict() for issue in self.result.warnings],
        }


def import_agencies(
    data: bytes,
    filename: str,
    *,
    dry_run: bool,
    commit: bool = True,
    limits: Limits = DEFAULT_LIMITS,
    actor: Actor | None = None,
) -> AgencyImportReport:
    """Validate the whole file; save it in one commit only if nothing is wrong, audited in
    that commit as `actor`'s (None: the command line).

    With ``commit=False`` the changes are flushed into the caller's transaction instead.
    """
    saved, parents = saved_agencies()
    result = read_agency_file(data, filename, existing_codes=parents, limits=limits)
    report = AgencyImportReport(filename=filename, result=result, dry_run=dry_run)
    report.changes = plan(result, saved, parents)
    if not result.ok or dry_run:
        return report
    report.agencies = apply(report.changes, saved, result.columns)
    details = {
        "file": filename,
        "sha256": hashlib.sha256(data).hexdigest(),
        "added": report.added,
        "updated": report.updated,
        "unchanged": report.unchanged,
    }
    record(actor or COMMAND_LINE, "agencies_imported", details=details)
    try:
        db.session.flush()
        if commit:
            db.session.commit()
    except IntegrityError:  # another import added one of these codes meanwhile
        db.session.rollback()
        result.errors.append(Issue(None, None, "conflict", CONFLICT))
        report.agencies = {}
        return report
    report.saved = report.added + report.updated
    return report


def saved_agencies() -> tuple[dict[str, Agency], dict[str, str | None]]:
    """The saved agencies by canonical code (an exact spelling wins over a case variant),
    and each one's parent code."""
    agencies = db.session.execute(select(Agency).order_by(Agency.id)).scalars().all()
    code_of = {agency.id: agency_code(agency.code) for agency in agencies}
    by_code: dict[str, Agency] = {}
    for agency in agencies:
        key = code_of[agency.id]
        if key not in by_code or agency.code == key:
            by_code[key] = agency
    parents = {key: code_of.get(agency.parent_id) for key, agency in by_code.items()}
    return by_code, parents


def plan(
    result: AgencyParseResult, saved: dict[str, Agency], parents: dict[str, str | None]
) -> list[Change]:
    """Which valid rows add an agency, which update one and which change nothing."""
    columns = result.columns
    changes = []
    for parsed in result.agencies:
        agency = saved.get(parsed.code)
        kind = parsed.kind if "kind" in columns or agency is None else agency.kind
        if agency is None:
            status = "added"
        else:
            before = (agency.code, agency.name, agency.kind, agency.headcount, parents[parsed.code])
            after = (
                parsed.code,
                parsed.name,
                kind,
                parsed.headcount if "headcount" in columns else agency.headcount,
                parsed.parent_code if "parent" in columns else parents[parsed.code],
            )
            status = "unchanged" if before == after else "updated"
        changes.append(Change(parsed, status, agency, kind or NO_KIND))
    return changes


def apply(changes: list[Change], saved: dict[str, Agency], columns) -> dict[str, Agency]:
    """Write the planned changes into the session (nothing is committed here)."""
    by_code = dict(saved)
    touched: dict[str, Agency] = {}
    for change in changes:
        parsed = change.parsed
        agency = change.agency or Agency()
        if change.status != "unchanged":
            agency.code, agency.name = parsed.code, parsed.name
            if "kind" in columns or change.agency is None:
                agency.kind = parsed.kind
            if "headcount" in columns or change.agency is None:
                agency.headcount = parsed.headcount
        if change.agency is None:
            db.session.add(agency)
        by_code[parsed.code] = touched[parsed.code] = agency
    if "parent" in columns:
        for change in changes:
            if change.status != "unchanged":
                parent_code = change.parsed.parent_code
                touched[change.parsed.code].parent = by_code[parent_code] if parent_code else None
    return touched


# -- the list page ---------------------------------------------------------------


@dataclass(frozen=True)
class TreeRow:
    """One agency of the list, `depth` levels below the top, with its subtree's headcount."""

    agency: Agency
    depth: int
    children: int
    total_headcount: int | None  # its own plus every agency under it (None: none known)


def agency_tree() -> list[TreeRow]:
    """Every agency, each followed by those under it (in the order they were added).

    An agency whose parent chain never reaches the top (a cycle saved by other means) is
    listed at the end, at the top level, rather than lost.
    """
    agencies = db.session.execute(select(Agency).order_by(Agency.id)).scalars().all()
    ids = {agency.id for agency in agencies}
    children: dict[int | None, list[Agency]] = {}
    for agency in agencies:
        parent = agency.parent_id if agency.parent_id in ids else None
        children.setdefault(parent, []).append(agency)
    order: list[tuple[Agency, int]] = []
    stack = [(agency, 0) for agency in reversed(children.get(None, []))]
    while stack:
        agency, depth = stack.pop()
        order.append((agency, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(agency.id, [])))
    placed = {agency.id for agency, _ in order}
    order += [(agency, 0) for agency in agencies if agency.id not in placed]
    totals = _subtree_headcounts(order)
    return [
        TreeRow(agency, depth, len(children.get(agency.id, [])), totals[agency.id])
        for agency, depth in order
    ]


def _subtree_headcounts(order: list[tuple[Agency, int]]) -> dict[int, int | None]:
    """Headcount of each agency plus its descendants, from the pre-order (deepest first)."""
    totals: dict[int, int | None] = {}
    open_rows: list[tuple[Agency, int]] = []  # the current chain of ancestors
    for agency, depth in order:
        totals[agency.id] = agency.headcount
        while open_rows and open_rows[-1][1] >= depth:
            open_rows.pop()
        for ancestor, _ in open_rows:
            if agency.headcount is not None:
                totals[ancestor.id] = (totals[ancestor.id] or 0) + agency.headcount
        open_rows.append((agency, depth))
    return totals

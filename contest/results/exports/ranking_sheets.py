"""The individual ranking and the prize list, from the published snapshot or the live ranking.

A published round is exported from its latest publication's snapshot alone (no live row is
read: the file matches its seal whatever happened to the live data since, and carries what is
needed to recompute it, contest.results.seal); a round not yet published from `iter_ranking`,
with prizes from `compute_prizes`: the same ranking the pages show.

The columns of a published line are the seal's fields (SEALED_HEADERS names each field's
column, which `contest.results.seal_check` reads back); «Mã người dự thi» is shown but not
sealed (a database id).
"""

from collections.abc import Callable, Iterator
from datetime import date, datetime
from operator import attrgetter
from typing import NamedTuple

from sqlalchemy import case, select

from contest.domain.clock import to_vietnam
from contest.domain.prizes import LEVELS
from contest.extensions import db
from contest.models import ResultPublication, Round, RoundEntry, SnapshotRow
from contest.results import seal
from contest.results.exports.workbook import (
    COUNT,
    DATE,
    DATETIME_MS,
    DURATION,
    INTEGER,
    TEXT,
    Column,
)
from contest.results.ranking import Scope, iter_ranking, ranking_page
from contest.results.service import compute_prizes
from contest.results.snapshot import agency_directory

BATCH = 2000
PAGE = 200
# The words a sealed line shows are the seal's own (its canonical text holds them).
GROUP_NAMES = seal.GROUP_TEXT
YES_NO = seal.YES_NO_TEXT
PRIZE_LABELS = seal.PRIZE_TEXT


class Line(NamedTuple):
    """One ranked participant, as both sources give it."""

    rank: int
    group_rank: int
    user_id: int
    full_name: str | None
    date_of_birth: date | None
    phone: str | None
    national_id: str | None
    prize_eligible: bool
    participant_group: str
    agency_id: int | None
    agency_name: str | None
    correct_count: int
    question_count: int
    prediction: int | None
    prediction_error: int | None
    duration_ms: int
    submitted_at: datetime
    attempt_number: int
    prize: str | None
    agency_code: str | None = None
    agency_parent_code: str | None = None
    # Published lines only: the line's place in the publication and its digest.
    position: int | None = None
    line_digest: str | None = None


Field = tuple[Column, Callable[[Line], object]]

# The column of each sealed field (contest.results.seal.FIELDS), as both copies head it; the
# judges' copy shows the full birth date, phone and CCCD where the public one shows the year
# and masked numbers (the seal covers the public values: the verifier masks the judges' own).
POSITION = "Số thứ tự niêm phong"
FULL_NAME = "Họ và tên"
BIRTH_DATE, BIRTH_YEAR = "Ngày sinh", "Năm sinh"
PHONE, NATIONAL_ID = "Số điện thoại", "Số CCCD"
SUBMITTED = "Nộp bài lúc (giờ Việt Nam)"
DURATION_HEADER = "Thời gian làm bài (phút:giây.mili giây)"
RECEIPT = "Mã biên nhận"
SEALED_HEADERS = {
    "position": POSITION,
    "rank": "Hạng",
    "group": "Đối tượng",
    "group_rank": "Hạng trong nhóm đối tượng",
    "prize": "Giải",
    "full_name": FULL_NAME,
    "agency_code": "Mã cơ quan, đơn vị",
    "agency_name": "Cơ quan, đơn vị",
    "agency_parent_code": "Mã cơ quan cấp trên",
    "prize_eligible": "Được xét giải",
    "attempt_number": "Lượt thi thứ",
    "correct": "Số câu đúng",
    "questions": "Số câu hỏi",
    "prediction": "Dự đoán",
    "prediction_error": "Sai số dự đoán",
    "duration_ms": DURATION_HEADER,
    "submitted_at": SUBMITTED,
}


def shown_name(line: Line) -> str:
    return seal.ERASED_NAME if line.full_name is None else line.full_name


def person_fields(for_judges: bool) -> list[Field]:
    if for_judges:
        phone, national_id = attrgetter("phone"), attrgetter("national_id")
    else:
        phone = lambda line: seal.masked_phone(line.phone)  # noqa: E731
        national_id = lambda line: seal.masked_national_id(line.national_id)  # noqa: E731
    return [
        (Column(PHONE, TEXT, 14), phone),
        (Column(NATIONAL_ID, TEXT, 16), national_id),
    ]


def result_fields() -> list[Field]:
    return [
        (Column("Số câu đúng", INTEGER, 8), attrgetter("correct_count")),
        (Column("Số câu hỏi", INTEGER, 8), attrgetter("question_count")),
        (Column("Dự đoán", COUNT, 11), attrgetter("prediction")),
        (Column("Sai số dự đoán", COUNT, 11), attrgetter("prediction_error")),
        (Column(DURATION_HEADER, DURATION, 14), attrgetter("duration_ms")),
        (Column(SUBMITTED, DATETIME_MS, 23), lambda line: to_vietnam(line.submitted_at)),
        (Column("Lượt thi thứ", INTEGER, 8), attrgetter("attempt_number")),
    ]


def birth_field(for_judges: bool) -> Field:
    if for_judges:
        return (Column(BIRTH_DATE, DATE, 12), attrgetter("date_of_birth"))
    return (
        Column(BIRTH_YEAR, INTEGER, 8),
        lambda line: line.date_of_birth.year if line.date_of_birth else None,
    )


def identity_fields(for_judges: bool) -> list[Field]:
    return [
        (Column("Mã người dự thi", INTEGER, 10), attrgetter("user_id")),
        (Column(FULL_NAME, TEXT, 26), shown_name),
        birth_field(for_judges),
        *agency_fields(),
    ]


def agency_fields() -> list[Field]:
    """The agency's code and its parent's code beside its name: two communes can share one."""
    return [
        (Column("Mã cơ quan, đơn vị", TEXT, 12), attrgetter("agency_code")),
        (Column("Cơ quan, đơn vị", TEXT, 32), attrgetter("agency_name")),
        (Column("Mã cơ quan cấp trên", TEXT, 12), attrgetter("agency_parent_code")),
    ]


def seal_fields(published: bool) -> tuple[list[Field], list[Field]]:
    """(first, last) columns of a published line: its place and its receipt code."""
    if not published:
        return [], []

    def receipt(line: Line) -> str | None:
        # Lines published before the seal's method 2 have no digest, so no receipt code.
        return seal.receipt_display(seal.receipt(line.line_digest)) if line.line_digest else None

    return (
        [(Column(POSITION, INTEGER, 9), attrgetter("position"))],
        [(Column(RECEIPT, TEXT, 16), receipt)],
    )


def ranking_fields(for_judges: bool, published: bool = False) -> list[Field]:
    first, last = seal_fields(published)
    return [
        *first,
        (Column("Hạng", INTEGER, 7), attrgetter("rank")),
        *identity_fields(for_judges),
        (Column("Đối tượng", TEXT, 16), lambda line: GROUP_NAMES.get(line.participant_group)),
        (Column("Hạng trong nhóm đối tượng", INTEGER, 10), attrgetter("group_rank")),
        *result_fields(),
        (Column("Giải", TEXT, 18), lambda line: PRIZE_LABELS.get(line.prize)),
        (Column("Được xét giải", TEXT, 9), lambda line: YES_NO[bool(line.prize_eligible)]),
        *person_fields(for_judges),
        *last,
    ]


def prize_fields(for_judges: bool, published: bool = False) -> list[Field]:
    first, last = seal_fields(published)
    rank = [(Column("Hạng", INTEGER, 7), attrgetter("rank"))] if published else []
    return [
        *first,
        (Column("Đối tượng", TEXT, 16), lambda line: GROUP_NAMES.get(line.participant_group)),
        (Column("Giải", TEXT, 18), lambda line: PRIZE_LABELS.get(line.prize)),
        (Column("Hạng trong nhóm đối tượng", INTEGER, 10), attrgetter("group_rank")),
        *identity_fields(for_judges),
        *rank,
        *result_fields(),
        (Column("Được xét giải", TEXT, 9), lambda line: YES_NO[bool(line.prize_eligible)]),
        *person_fields(for_judges),
        *last,
    ]


def snapshot_select(publication: ResultPublication):
    """The snapshot's lines, in the order of `Line`: the snapshot only, never a live row."""
    return select(
        SnapshotRow.rank,
        SnapshotRow.group_rank,
        SnapshotRow.user_id,
        SnapshotRow.full_name,
        SnapshotRow.date_of_birth,
        SnapshotRow.phone,
        SnapshotRow.national_id,
        SnapshotRow.prize_eligible,
        SnapshotRow.participant_group,
        SnapshotRow.agency_id,
        SnapshotRow.agency_name,
        SnapshotRow.correct_count,
        SnapshotRow.question_count,
        SnapshotRow.prediction,
        SnapshotRow.prediction_error,
        SnapshotRow.duration_ms,
        SnapshotRow.submitted_at,
        SnapshotRow.attempt_number,
        SnapshotRow.prize,
        SnapshotRow.agency_code,
        SnapshotRow.agency_parent_code,
        SnapshotRow.position,
        SnapshotRow.line_digest,
    ).where(SnapshotRow.publication_id == publication.id)


def stream(query) -> Iterator[Line]:
    for row in db.session.execute(query.execution_options(yield_per=BATCH)):
        yield Line(*row)


def published_lines(publication, group, agency_ids) -> Iterator[Line]:
    """A publication's lines in published order. With a group, ranks stay as published (the
    group's own rank is its column): the file shows the sealed values."""
    query = snapshot_select(publication)
    query = filtered(query, SnapshotRow.participant_group, SnapshotRow.agency_id, group, agency_ids)
    return stream(query.order_by(SnapshotRow.position))


def published_prize_lines(publication, group, agency_ids) -> Iterator[Line]:
    level = case({name: index for index, name in enumerate(LEVELS)}, value=SnapshotRow.prize)
    query = snapshot_select(publication).where(SnapshotRow.prize.is_not(None))
    query = filtered(query, SnapshotRow.participant_group, SnapshotRow.agency_id, group, agency_ids)
    return stream(query.order_by(SnapshotRow.participant_group, level, SnapshotRow.position))


def filtered(query, group_column, agency_column, group, agency_ids):
    if group:
        query = query.where(group_column == group)
    if agency_ids is not None:
        query = query.where(agency_column.in_(list(agency_ids)))
    return query


def draft_lines(round_: Round, group, agency_ids, prizes: dict[int, str]) -> Iterator[Line]:
    """The live ranking with group ranks worked out on the way, as the snapshot does."""
    agencies = agency_directory()
    wanted = None if agency_ids is None else set(agency_ids)
    group_rank: dict[str, int] = {}
    last_key: dict[str, tuple] = {}
    seen: dict[str, int] = {}
    for row in iter_ranking(Scope(round_, group)):
        name = row.participant_group
        seen[name] = seen.get(name, 0) + 1
        if last_key.get(name) != row.key:
            group_rank[name], last_key[name] = seen[name], row.key
        if wanted is not None and row.agency_id not in wanted:
            continue
        yield draft_line(row, group_rank[name], prizes.get(row.user_id), agencies)


def draft_line(row, group_rank: int, prize: str | None, agencies: dict) -> Line:
    agency = agencies.get(row.agency_id)
    return Line(
        row.rank,
        group_rank,
        row.user_id,
        row.full_name,
        row.date_of_birth,
        row.phone,
        row.national_id,
        row.prize_eligible,
        row.participant_group,
        row.agency_id,
        row.agency_name,
        row.correct_count,
        row.question_count,
        row.prediction,
        row.prediction_error,
        row.duration_ms,
        row.submitted_at,
        row.attempt_number,
        prize,
        agency.code if agency else None,
        agency.parent_code if agency else None,
    )


def draft_prize_lines(round_: Round, group, agency_ids) -> Iterator[Line]:
    """Winners per group (groups in order), then by prize level, then by rank. Only each
    group's top is read, page by page; the winners, a few dozen, are the only rows held."""
    prizes = compute_prizes(round_)
    groups = winner_groups(round_, prizes)
    agencies = agency_directory()
    wanted = None if agency_ids is None else set(agency_ids)
    for name in sorted(set(groups.values())):
        if group and name != group:
            continue
        expected = sum(1 for g in groups.values() if g == name)
        winners = group_winners(Scope(round_, name), prizes, expected, agencies)
        winners.sort(key=lambda line: LEVELS.index(line.prize))  # stable: rank order kept
        yield from (w for w in winners if wanted is None or w.agency_id in wanted)


def group_winners(
    scope: Scope, prizes: dict[int, str], expected: int, agencies: dict, page=PAGE
) -> list[Line]:
    # Pages, not `iter_ranking`: leaving a streamed result early would leave a server-side
    # cursor open on PostgreSQL.
    winners: list[Line] = []
    offset = 0
    while len(winners) < expected:
        rows = ranking_page(scope, offset, page)
        if not rows:
            break
        winners += [
            draft_line(r, r.rank, prizes[r.user_id], agencies) for r in rows if r.user_id in prizes
        ]
        offset += page
    return winners


def winner_groups(round_: Round, prizes: dict[int, str]) -> dict[int, str]:
    if not prizes:
        return {}
    return dict(
        db.session.execute(
            select(RoundEntry.user_id, RoundEntry.participant_group).where(
                RoundEntry.round_id == round_.id, RoundEntry.user_id.in_(list(prizes))
            )
        ).all()
    )

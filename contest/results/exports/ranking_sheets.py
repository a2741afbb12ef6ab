"""The individual ranking and the prize list, from the published snapshot or the live ranking.

A published round is exported from its latest publication's snapshot (so the file matches the
SHA-256 in its title, whatever happened to the live data since); a round not yet published
from `iter_ranking`, with prizes from `compute_prizes`: the same ranking the pages show.
"""

from collections.abc import Callable, Iterator
from datetime import date, datetime
from operator import attrgetter
from typing import NamedTuple

from sqlalchemy import case, select

from contest.domain.clock import to_vietnam
from contest.domain.prizes import LABELS as PRIZE_LABELS
from contest.domain.prizes import LEVELS
from contest.extensions import db
from contest.models import Agency, Attempt, ResultPublication, Round, RoundEntry, SnapshotRow, User
from contest.results.exports.cells import mask_national_id, mask_phone
from contest.results.exports.workbook import COUNT, DATE, DATETIME, DURATION, INTEGER, TEXT, Column
from contest.results.ranking import Scope, iter_ranking, ranking_page
from contest.results.service import compute_prizes

BATCH = 2000
PAGE = 200
GROUP_NAMES = {"can_bo": "Cán bộ, công chức, viên chức", "nhan_dan": "Nhân dân"}
YES_NO = {True: "Có", False: "Không"}


class Line(NamedTuple):
    """One ranked participant, as both sources give it."""

    rank: int
    group_rank: int
    user_id: int
    full_name: str
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


Field = tuple[Column, Callable[[Line], object]]


def person_fields(for_judges: bool) -> list[Field]:
    phone = attrgetter("phone") if for_judges else lambda line: mask_phone(line.phone)
    national_id = (
        attrgetter("national_id") if for_judges else lambda line: mask_national_id(line.national_id)
    )
    return [
        (Column("Số điện thoại", TEXT, 14), phone),
        (Column("Số CCCD", TEXT, 16), national_id),
    ]


def result_fields() -> list[Field]:
    return [
        (Column("Số câu đúng", INTEGER, 8), attrgetter("correct_count")),
        (Column("Số câu hỏi", INTEGER, 8), attrgetter("question_count")),
        (Column("Dự đoán", COUNT, 11), attrgetter("prediction")),
        (Column("Sai số dự đoán", COUNT, 11), attrgetter("prediction_error")),
        (Column("Thời gian làm bài (phút:giây)", DURATION, 13), attrgetter("duration_ms")),
        (
            Column("Nộp bài lúc (giờ Việt Nam)", DATETIME, 20),
            lambda line: to_vietnam(line.submitted_at),
        ),
        (Column("Lượt thi thứ", INTEGER, 8), attrgetter("attempt_number")),
    ]


def identity_fields() -> list[Field]:
    return [
        (Column("Mã người dự thi", INTEGER, 10), attrgetter("user_id")),
        (Column("Họ và tên", TEXT, 26), attrgetter("full_name")),
        (Column("Ngày sinh", DATE, 12), attrgetter("date_of_birth")),
        (Column("Cơ quan, đơn vị", TEXT, 32), attrgetter("agency_name")),
    ]


def ranking_fields(for_judges: bool) -> list[Field]:
    return [
        (Column("Hạng", INTEGER, 7), attrgetter("rank")),
        *identity_fields(),
        (Column("Đối tượng", TEXT, 16), lambda line: GROUP_NAMES.get(line.participant_group)),
        (Column("Hạng trong nhóm đối tượng", INTEGER, 10), attrgetter("group_rank")),
        *result_fields(),
        (Column("Giải", TEXT, 18), lambda line: PRIZE_LABELS.get(line.prize)),
        (Column("Được xét giải", TEXT, 9), lambda line: YES_NO[bool(line.prize_eligible)]),
        *person_fields(for_judges),
    ]


def prize_fields(for_judges: bool) -> list[Field]:
    return [
        (Column("Đối tượng", TEXT, 16), lambda line: GROUP_NAMES.get(line.participant_group)),
        (Column("Giải", TEXT, 18), lambda line: PRIZE_LABELS.get(line.prize)),
        (Column("Hạng trong nhóm đối tượng", INTEGER, 10), attrgetter("group_rank")),
        *identity_fields(),
        *result_fields(),
        *person_fields(for_judges),
    ]


def snapshot_select(publication: ResultPublication):
    """The snapshot's lines joined with what they show, in the order of `Line`."""
    return (
        select(
            SnapshotRow.rank,
            SnapshotRow.group_rank,
            SnapshotRow.user_id,
            User.full_name,
            User.date_of_birth,
            User.phone,
            User.national_id,
            User.prize_eligible,
            SnapshotRow.participant_group,
            SnapshotRow.agency_id,
            Agency.name,
            SnapshotRow.correct_count,
            Attempt.question_count,
            SnapshotRow.prediction,
            SnapshotRow.prediction_error,
            SnapshotRow.duration_ms,
            SnapshotRow.submitted_at,
            Attempt.number,
            SnapshotRow.prize,
        )
        .join(User, User.id == SnapshotRow.user_id)
        .join(Attempt, Attempt.id == SnapshotRow.attempt_id)
        .outerjoin(Agency, Agency.id == SnapshotRow.agency_id)
        .where(SnapshotRow.publication_id == publication.id)
    )


def stream(query) -> Iterator[Line]:
    for row in db.session.execute(query.execution_options(yield_per=BATCH)):
        yield Line(*row)


def published_lines(publication, group, agency_ids) -> Iterator[Line]:
    query = snapshot_select(publication)
    query = filtered(query, SnapshotRow.participant_group, SnapshotRow.agency_id, group, agency_ids)
    lines = stream(query.order_by(SnapshotRow.position))
    if group:  # ranks within the group are the ranks of this list
        return (line._replace(rank=line.group_rank) for line in lines)
    return lines


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
        yield draft_line(row, group_rank[name], prizes.get(row.user_id))


def draft_line(row, group_rank: int, prize: str | None) -> Line:
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
    )


def draft_prize_lines(round_: Round, group, agency_ids) -> Iterator[Line]:
    """Winners per group (groups in order), then by prize level, then by rank. Only each
    group's top is read, page by page; the winners, a few dozen, are the only rows held."""
    prizes = compute_prizes(round_)
    groups = winner_groups(round_, prizes)
    wanted = None if agency_ids is None else set(agency_ids)
    for name in sorted(set(groups.values())):
        if group and name != group:
            continue
        expected = sum(1 for g in groups.values() if g == name)
        winners = group_winners(Scope(round_, name), prizes, expected)
        winners.sort(key=lambda line: LEVELS.index(line.prize))  # stable: rank order kept
        yield from (w for w in winners if wanted is None or w.agency_id in wanted)


def group_winners(scope: Scope, prizes: dict[int, str], expected: int, page=PAGE) -> list[Line]:
    # Pages, not `iter_ranking`: leaving a streamed result early would leave a server-side
    # cursor open on PostgreSQL.
    winners: list[Line] = []
    offset = 0
    while len(winners) < expected:
        rows = ranking_page(scope, offset, page)
        if not rows:
            break
        winners += [draft_line(r, r.rank, prizes[r.user_id]) for r in rows if r.user_id in prizes]
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

"""The agency table, every finished attempt, and per-question statistics of a round."""

from collections.abc import Iterator, Sequence

from sqlalchemy import and_, case, func, select

from contest.domain.clock import to_vietnam
from contest.domain.scoring import REASON_WORDING
from contest.extensions import db
from contest.models import (
    Attempt,
    AttemptStatus,
    Round,
    RoundEntry,
    User,
)
from contest.results import round_stats
from contest.results.exports.ranking_sheets import BATCH, GROUP_NAMES, YES_NO, filtered
from contest.results.exports.workbook import (
    COUNT,
    DATE,
    DATETIME_MS,
    DECIMAL,
    INTEGER,
    PERCENT,
    TEXT,
    Column,
)
from contest.results.seal import masked_national_id, masked_phone
from contest.results.snapshot import agency_directory

STATUS_NAMES = {"submitted": "Đã nộp bài", "expired": "Hết giờ, máy chủ tự thu bài"}

AGENCY_COLUMNS = (
    Column("Hạng", INTEGER, 7),
    Column("Mã cơ quan, đơn vị", TEXT, 12),
    Column("Tên cơ quan, đơn vị", TEXT, 36),
    Column("Cơ quan cấp trên", TEXT, 28),
    Column("Mã cơ quan cấp trên", TEXT, 12),
    Column("Loại", TEXT, 18),
    Column("Biên chế", COUNT, 10),
    Column("Người tham gia", COUNT, 11),
    Column("Trong đó: của riêng đơn vị", COUNT, 11),
    Column("Lượt thi", COUNT, 10),
    Column("Tỷ lệ tham gia", PERCENT, 11),
    Column("Điểm trung bình", DECIMAL, 10),
    Column("Số người đúng tất cả", COUNT, 11),
)


def agency_rows(
    round_: Round, group: str | None, agency_ids: Sequence[int] | None
) -> Iterator[list]:
    """Agencies ranked by the contest's collective measure on figures rolled up through the
    hierarchy, as the judges' agency page ranks them; agencies without a value (no headcount,
    no participant) follow, by name. One line per agency (hundreds), never per entry."""
    standing = round_stats.agency_standing(round_, group)
    by_id = {agency.id: agency for agency in standing.agencies}
    ranks = standing.ranks
    ranked = [by_id[agency_id] for agency_id in ranks]  # best first, as ranked
    unranked = [a for a in standing.agencies if a.id not in ranks]
    wanted = None if agency_ids is None else set(agency_ids)
    for agency in ranked + unranked:
        if wanted is None or agency.id in wanted:
            yield agency_row(agency, by_id, standing)


def agency_row(agency, by_id, standing: round_stats.AgencyStanding) -> list:
    parent = by_id.get(agency.parent_id)
    total = standing.totals[agency.id]
    return [
        standing.ranks.get(agency.id),
        agency.code,
        agency.name,
        parent.name if parent else None,
        parent.code if parent else None,
        agency.kind,
        total.headcount or None,
        total.participants,
        standing.own_of(agency.id).participants,
        total.entries,
        total.participation_rate,
        total.average_score,
        total.perfect,
    ]


ENTRY_COLUMNS = (
    Column("Mã lượt thi", INTEGER, 10),
    Column("Mã người dự thi", INTEGER, 10),
    Column("Họ và tên", TEXT, 26),
    Column("Ngày sinh", DATE, 12),
    Column("Mã cơ quan, đơn vị", TEXT, 12),
    Column("Cơ quan, đơn vị", TEXT, 32),
    Column("Mã cơ quan cấp trên", TEXT, 12),
    Column("Đối tượng", TEXT, 16),
    Column("Được xét giải", TEXT, 9),
    Column("Lượt thi thứ", INTEGER, 8),
    Column("Bắt đầu lúc (giờ Việt Nam)", DATETIME_MS, 23),
    Column("Nộp bài lúc (giờ Việt Nam)", DATETIME_MS, 23),
    Column("Trạng thái", TEXT, 16),
    Column("Số câu đúng", INTEGER, 8),
    Column("Số câu hỏi", INTEGER, 8),
    Column("Thời gian làm bài (mili giây)", INTEGER, 13),
    Column("Dự đoán", COUNT, 11),
    Column("Lượt được tính", TEXT, 9),
    Column("Vì sao được tính", TEXT, 30),
    Column("Số điện thoại", TEXT, 14),
    Column("Số CCCD", TEXT, 16),
    # A judge's void: every attempt of the entry is marked, and the entry is ranked nowhere.
    Column("Đã huỷ kết quả", TEXT, 9),
    Column("Lý do huỷ kết quả", TEXT, 30),
)


def entry_columns(for_judges: bool) -> tuple[Column, ...]:
    """The public copy shows the year of birth only."""
    if for_judges:
        return ENTRY_COLUMNS
    year = Column("Năm sinh", INTEGER, 8)
    return tuple(year if column.header == "Ngày sinh" else column for column in ENTRY_COLUMNS)


def entries_select(round_: Round):
    """Finished attempts with the group and agency of the participant's entry (as ranked)."""
    entry = and_(RoundEntry.round_id == Attempt.round_id, RoundEntry.user_id == Attempt.user_id)
    group = func.coalesce(RoundEntry.participant_group, User.participant_group)
    agency_id = case((RoundEntry.id.is_(None), User.agency_id), else_=RoundEntry.agency_id)
    return (
        (
            select(
                Attempt.id,
                Attempt.user_id,
                User.full_name,
                User.date_of_birth,
                agency_id,
                group,
                User.prize_eligible,
                Attempt.number,
                Attempt.started_at,
                Attempt.submitted_at,
                Attempt.status,
                Attempt.correct_count,
                Attempt.question_count,
                Attempt.duration_ms,
                Attempt.prediction,
                RoundEntry.attempt_id,
                RoundEntry.counted_reason,
                User.phone,
                User.national_id,
                RoundEntry.voided_at,
                RoundEntry.void_reason,
            )
            .join(User, User.id == Attempt.user_id)
            .outerjoin(RoundEntry, entry)
            .where(Attempt.round_id == round_.id, Attempt.status != AttemptStatus.OPEN)
        ),
        group,
        agency_id,
    )


def entry_rows(
    round_: Round, group: str | None, agency_ids: Sequence[int] | None, for_judges: bool
) -> Iterator[list]:
    query, group_column, agency_column = entries_select(round_)
    query = filtered(query, group_column, agency_column, group, agency_ids)
    query = query.order_by(Attempt.user_id, Attempt.number).execution_options(yield_per=BATCH)
    agencies = agency_directory()
    for row in db.session.execute(query):
        (attempt_id, user_id, name, born, agency, grp, eligible, number, started, submitted,
         status, correct, total, duration, prediction, counted_id, reason, phone,
         national_id, voided_at, void_reason) = row  # fmt: skip
        counted = counted_id == attempt_id
        facts = agencies.get(agency)
        yield [
            attempt_id,
            user_id,
            name,
            born if for_judges or born is None else born.year,
            facts.code if facts else None,
            facts.name if facts else None,
            facts.parent_code if facts else None,
            GROUP_NAMES.get(grp),
            YES_NO[bool(eligible)],
            number,
            to_vietnam(started),
            to_vietnam(submitted) if submitted else None,
            STATUS_NAMES.get(status, status),
            correct,
            total,
            duration,
            prediction,
            YES_NO[counted],
            REASON_WORDING.get(reason, "") if counted else None,
            phone if for_judges else masked_phone(phone),
            national_id if for_judges else masked_national_id(national_id),
            YES_NO[voided_at is not None],
            # The reason may name another account: the judges' copy only.
            void_reason if voided_at is not None and for_judges else None,
        ]


QUESTION_COLUMNS = (
    Column("Mã câu hỏi", INTEGER, 10),
    Column("Nội dung câu hỏi", TEXT, 70),
    Column("Căn cứ", TEXT, 30),
    Column("Số lần được rút", COUNT, 11),
    Column("Số lần trả lời đúng", COUNT, 11),
    Column("Tỷ lệ trả lời đúng", PERCENT, 11),
)


def question_rows(
    round_: Round, group: str | None, agency_ids: Sequence[int] | None
) -> Iterator[list]:
    """The judges' question statistics, hardest first (one line per question, not per entry)."""
    for line in round_stats.question_stats(round_, group, agency_ids):
        yield [
            line.question_id,
            line.text,
            line.source,
            line.drawn,
            line.correct,
            line.share_correct,
        ]

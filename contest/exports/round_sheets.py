"""The agency table, every finished attempt, and per-question statistics of a round."""

from collections.abc import Iterator, Sequence

from sqlalchemy import Float, and_, case, cast, func, select

from contest.domain.clock import to_vietnam
from contest.domain.statistics import AgencyFigures, AgencyNode, rank_agencies, roll_up
from contest.exports.cells import mask_national_id, mask_phone
from contest.exports.ranking_sheets import BATCH, GROUP_NAMES, YES_NO, filtered
from contest.exports.workbook import (
    COUNT,
    DATE,
    DATETIME,
    DECIMAL,
    INTEGER,
    PERCENT,
    TEXT,
    Column,
)
from contest.extensions import db
from contest.models import (
    Agency,
    Attempt,
    AttemptItem,
    AttemptStatus,
    Question,
    Round,
    RoundEntry,
    User,
)

STATUS_NAMES = {"submitted": "Đã nộp bài", "expired": "Hết giờ, máy chủ tự thu bài"}

AGENCY_COLUMNS = (
    Column("Hạng", INTEGER, 7),
    Column("Mã cơ quan, đơn vị", TEXT, 12),
    Column("Tên cơ quan, đơn vị", TEXT, 36),
    Column("Cơ quan cấp trên", TEXT, 28),
    Column("Loại", TEXT, 18),
    Column("Biên chế", COUNT, 10),
    Column("Người tham gia", COUNT, 11),
    Column("Trong đó: của riêng đơn vị", COUNT, 11),
    Column("Lượt thi", COUNT, 10),
    Column("Tỷ lệ tham gia", PERCENT, 11),
    Column("Điểm trung bình", DECIMAL, 10),
    Column("Số người đúng tất cả", COUNT, 11),
)


def own_figures(round_: Round, group: str | None) -> dict[int, AgencyFigures]:
    """Each agency's own figures, as the judges' agency page counts them."""
    query = (
        select(
            RoundEntry.agency_id,
            func.count(),
            func.coalesce(func.sum(RoundEntry.attempts_count), 0),
            func.count().filter(RoundEntry.correct_count == RoundEntry.question_count),
            func.coalesce(func.sum(RoundEntry.correct_count), 0),
        )
        .where(RoundEntry.round_id == round_.id, RoundEntry.agency_id.is_not(None))
        .group_by(RoundEntry.agency_id)
    )
    if group:
        query = query.where(RoundEntry.participant_group == group)
    return {
        agency_id: AgencyFigures(int(people), int(entries), int(perfect), int(score))
        for agency_id, people, entries, perfect, score in db.session.execute(query)
    }


def agency_rows(
    round_: Round, group: str | None, agency_ids: Sequence[int] | None
) -> Iterator[list]:
    """Agencies ranked by the contest's collective measure on figures rolled up through the
    hierarchy; agencies without a value (no headcount, no participant) follow, by name.
    Held in memory: one line per agency (hundreds), never per entry."""
    agencies = {a.id: a for a in db.session.execute(select(Agency)).scalars()}
    own = own_figures(round_, group)
    nodes = []
    for agency in agencies.values():
        figures = AgencyFigures(**vars(own.get(agency.id, AgencyFigures())))
        figures.headcount = agency.headcount or 0
        nodes.append(AgencyNode(agency.id, agency.parent_id, figures))
    totals = roll_up(nodes)
    ranked = rank_agencies(totals, round_.contest.collective_measure)
    ranks = {agency_id: rank for rank, agency_id, _value in ranked}
    unranked = sorted((a for a in agencies.values() if a.id not in ranks), key=lambda a: a.name)
    order = [agencies[agency_id] for _rank, agency_id, _value in ranked] + unranked
    wanted = None if agency_ids is None else set(agency_ids)
    for agency in order:
        if wanted is None or agency.id in wanted:
            yield agency_row(agency, agencies, ranks.get(agency.id), totals[agency.id], own)


def agency_row(agency, agencies, rank, total: AgencyFigures, own) -> list:
    parent = agencies.get(agency.parent_id)
    return [
        rank,
        agency.code,
        agency.name,
        parent.name if parent else None,
        agency.kind,
        total.headcount or None,
        total.participants,
        own.get(agency.id, AgencyFigures()).participants,
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
    Column("Cơ quan, đơn vị", TEXT, 32),
    Column("Đối tượng", TEXT, 16),
    Column("Được xét giải", TEXT, 9),
    Column("Lượt thi thứ", INTEGER, 8),
    Column("Bắt đầu lúc (giờ Việt Nam)", DATETIME, 20),
    Column("Nộp bài lúc (giờ Việt Nam)", DATETIME, 20),
    Column("Trạng thái", TEXT, 16),
    Column("Số câu đúng", INTEGER, 8),
    Column("Số câu hỏi", INTEGER, 8),
    Column("Thời gian làm bài (mili giây)", INTEGER, 13),
    Column("Dự đoán", COUNT, 11),
    Column("Lượt được tính", TEXT, 9),
    Column("Số điện thoại", TEXT, 14),
    Column("Số CCCD", TEXT, 16),
)


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
                Agency.name,
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
                User.phone,
                User.national_id,
            )
            .join(User, User.id == Attempt.user_id)
            .outerjoin(RoundEntry, entry)
            .outerjoin(Agency, Agency.id == agency_id)
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
    for row in db.session.execute(query):
        (attempt_id, user_id, name, born, agency, grp, eligible, number, started, submitted,
         status, correct, total, duration, prediction, counted_id, phone, national_id) = row  # fmt: skip
        yield [
            attempt_id,
            user_id,
            name,
            born,
            agency,
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
            YES_NO[counted_id == attempt_id],
            phone if for_judges else mask_phone(phone),
            national_id if for_judges else mask_national_id(national_id),
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
    """Per question drawn in the round's finished attempts: one GROUP BY, hardest first."""
    drawn = func.count()
    correct = func.count().filter(AttemptItem.is_correct.is_(True))
    query = (
        select(Question.id, Question.text, Question.source, drawn, correct)
        .join(AttemptItem, AttemptItem.question_id == Question.id)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(Attempt.round_id == round_.id, Attempt.status != AttemptStatus.OPEN)
        .group_by(Question.id, Question.text, Question.source)
        .order_by(cast(correct, Float) / drawn, drawn.desc(), Question.id)
    )
    if group or agency_ids is not None:
        query = query.join(
            RoundEntry,
            and_(RoundEntry.round_id == Attempt.round_id, RoundEntry.user_id == Attempt.user_id),
        )
        query = filtered(
            query, RoundEntry.participant_group, RoundEntry.agency_id, group, agency_ids
        )
    for question_id, text, source, times, right in db.session.execute(
        query.execution_options(yield_per=BATCH)
    ):
        yield [question_id, text, source, times, right, right / times if times else None]

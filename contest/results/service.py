"""A round's results: freezing the prediction's actual value, prizes, and publication.

Lifecycle: draft → reviewed → published. Publishing freezes a snapshot of the ranking (every
field a published export shows) with its seal (contest.results.seal, docs/results-seal.md);
publishing again needs a reason, and each publication is kept.
"""

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import case, func, insert, select, update

from contest.attempts import service as attempt_service
from contest.audit.service import COMMAND_LINE, Actor, record
from contest.domain import prizes as prize_rules
from contest.domain.ranking import NO_PREDICTION, PREDICTION, actual_value, describe_chain
from contest.extensions import db
from contest.models import (
    ResultPublication,
    Round,
    RoundEntry,
    SnapshotRow,
)
from contest.results import fair_play, seal
from contest.results.entries import rechoose
from contest.results.ranking import Scope, iter_ranking, ranked_entries
from contest.results.snapshot import (
    agency_directory,
    erased_in_round,
    sealed_lines,
    stored_digests,
)

STATUS_LABELS = {"draft": "Bản nháp", "reviewed": "Đã rà soát", "published": "Đã công bố"}
SNAPSHOT_BATCH = 5000
# Entries whose prediction errors one commit writes when a round is frozen.
FREEZE_BATCH = 10_000
# Method 1 (publications sealed before method 2): a published line's fields, in the order its
# SHA-256 covers them (tests/results/test_results.py checks them against SnapshotRow).
SNAPSHOT_FIELDS = (
    "position",
    "rank",
    "group_rank",
    "user_id",
    "attempt_id",
    "participant_group",
    "agency_id",
    "correct_count",
    "prediction",
    "prediction_error",
    "duration_ms",
    "submitted_at",
    "prize",
)


class ResultsRefused(Exception):
    """The transition is not allowed now; the message is Vietnamese."""


def round_closed(round_: Round, now: datetime, grace: timedelta) -> bool:
    """Closed for good: no attempt can still be handed in."""
    return now >= round_.closes_at + grace


def freeze_actual(
    round_: Round, now: datetime, grace: timedelta, batch_size: int = FREEZE_BATCH
) -> int | None:
    """Compute and freeze what the prediction question asked for, once the round is over.

    The round is stamped with the time, then the errors are written in committed batches and
    the actual value is set after the last one: a freeze stopped half way leaves the round
    unfrozen (rankings ignore the errors already written), and running it again completes it.
    """
    if round_.prediction_actual is not None or not round_.prediction_enabled:
        return round_.prediction_actual
    if not round_closed(round_, now, grace):
        raise ResultsRefused("Vòng thi chưa kết thúc: chưa thể chốt số liệu cho câu dự đoán.")
    attempt_service.close_expired(now, grace)
    participants, perfect, entries = db.session.execute(
        select(
            func.count(),
            # Judged on the counted attempt, as the agency tables and exports count it.
            func.count().filter(RoundEntry.correct_count == RoundEntry.question_count),
            func.coalesce(func.sum(RoundEntry.attempts_count), 0),
        ).where(*ranked_entries(round_))
    ).one()
    actual = actual_value(round_.prediction_target, participants, perfect, int(entries))
    # Stamped first: rankings then ignore the errors until the actual value is set.
    round_.prediction_actual_at = now
    db.session.commit()
    write_errors(round_.id, actual, batch_size)
    if round_.counted_attempt == "best" and PREDICTION in round_.ranking_chain:
        # The prediction now decides between a person's attempts too: choose again, before
        # the actual is set, so that a freeze stopped here is completed by the next run.
        rechoose(round_, actual)
    round_.prediction_actual = actual
    round_.prediction_actual_at = now
    db.session.commit()
    return actual


def write_errors(round_id: int, actual: int, batch_size: int) -> None:
    """Every entry's prediction error (NO_PREDICTION without a prediction: never NULL), one
    commit per range of `batch_size` entry ids, so that no commit holds SQLite's single write
    lock for long."""
    low, high = db.session.execute(
        select(func.min(RoundEntry.id), func.max(RoundEntry.id)).where(
            RoundEntry.round_id == round_id
        )
    ).one()
    if low is None:
        return
    error = case(
        (RoundEntry.prediction.is_(None), NO_PREDICTION),
        else_=func.abs(RoundEntry.prediction - actual),
    )
    for start in range(low, high + 1, batch_size):
        db.session.execute(
            update(RoundEntry)
            .where(
                RoundEntry.round_id == round_id,
                RoundEntry.id >= start,
                RoundEntry.id < start + batch_size,
            )
            .values(prediction_error=error)
        )
        db.session.commit()


def freeze_closed_rounds(now: datetime, grace: timedelta) -> int:
    """For cron: freeze every round that has closed and is not frozen yet."""
    rounds = (
        db.session.execute(
            select(Round).where(
                Round.prediction_enabled.is_(True),
                Round.prediction_actual.is_(None),
                Round.closes_at <= now - grace,
            )
        )
        .scalars()
        .all()
    )
    for round_ in rounds:
        freeze_actual(round_, now, grace)
    return len(rounds)


def earlier_prizes(round_: Round) -> dict[int, str]:
    """The highest prize each person holds from earlier rounds' latest publications."""
    held: dict[int, str] = {}
    for earlier in round_.contest.rounds:
        if earlier.number >= round_.number:
            continue
        publication = latest_publication(earlier.id)
        if publication is None:
            continue
        rows = db.session.execute(
            select(SnapshotRow.user_id, SnapshotRow.prize).where(
                SnapshotRow.publication_id == publication.id, SnapshotRow.prize.is_not(None)
            )
        )
        for user_id, prize in rows:
            if user_id not in held or prize_rules.level_order(prize) < prize_rules.level_order(
                held[user_id]
            ):
                held[user_id] = prize
    return held


def group_prizes(round_: Round, group: str, held: dict[int, str]) -> dict[int, str]:
    """Prizes for one group, from the group's ranking (only its top is read)."""
    counts = round_.prize_counts_for(group)
    contenders = prize_contenders(round_, group, sum(counts.values()) * 4 + len(held) + 50)
    return prize_rules.award(
        contenders,
        counts,
        held,
        round_.contest.several_prizes_per_person,
        round_.minimum_correct_for_prize,
    )


def prize_contenders(round_: Round, group: str, enough: int) -> list[prize_rules.Contender]:
    """The top of a group's ranking, as prizes see it. Reads on past the prize places
    (`enough` lines, and every line below the minimum of correct answers on top, which take
    no place): skipped people and ties can push prizes further down."""
    contenders = []
    counted = 0
    correct_first = tuple(round_.ranking_chain[:1]) == ("correct",)
    for row in iter_ranking(Scope(round_, group)):
        if correct_first and row.correct_count < round_.minimum_correct_for_prize:
            break  # everyone below has fewer correct answers still
        contenders.append(
            prize_rules.Contender(row.user_id, row.rank, row.prize_eligible, row.correct_count)
        )
        counted += row.correct_count >= round_.minimum_correct_for_prize
        if counted > enough:
            break
    # Too fast to be a person, and no judge has looked yet: ranked, but no prize (yet).
    held = fair_play.held_user_ids(round_, [contender.user_id for contender in contenders])
    return [
        replace(contender, eligible=False) if contender.user_id in held else contender
        for contender in contenders
    ]


def compute_prizes(round_: Round) -> dict[int, str]:
    """user_id → prize level, per participant group, under the contest's rules."""
    held = earlier_prizes(round_)
    groups = db.session.execute(
        select(RoundEntry.participant_group).where(*ranked_entries(round_)).distinct()
    ).scalars()
    awarded: dict[int, str] = {}
    for group in sorted(groups):
        awarded.update(group_prizes(round_, group, held))
    return awarded


def set_results_status(round_: Round, status: str, actor: Actor | None) -> None:
    """Move the round's results to `status`, audited in the same commit (None: the command
    line)."""
    before = round_.results_status
    round_.results_status = status
    record(
        actor or COMMAND_LINE,
        "results_status_changed",
        "round",
        round_.id,
        {"before": {"status": before}, "after": {"status": status}},
    )
    db.session.commit()


def mark_reviewed(round_: Round, actor: Actor | None = None) -> None:
    if round_.results_status != "draft":
        raise ResultsRefused("Chỉ kết quả ở trạng thái bản nháp mới chuyển sang đã rà soát.")
    set_results_status(round_, "reviewed", actor)


def back_to_draft(round_: Round, actor: Actor | None = None) -> None:
    if round_.results_status != "reviewed":
        raise ResultsRefused("Chỉ kết quả đã rà soát mới trả lại bản nháp.")
    set_results_status(round_, "draft", actor)


def latest_publication(round_id: int) -> ResultPublication | None:
    return db.session.execute(
        select(ResultPublication)
        .where(ResultPublication.round_id == round_id)
        .order_by(ResultPublication.version.desc())
        .limit(1)
    ).scalar_one_or_none()


def snapshot_line(row: dict) -> str:
    """The canonical text of one snapshot line: what the SHA-256 covers, SNAPSHOT_FIELDS in
    their order."""
    values = [row[name] for name in SNAPSHOT_FIELDS]
    return "|".join(
        "" if v is None else v.isoformat() if isinstance(v, datetime) else str(v) for v in values
    )


def snapshot_rows(round_: Round, prizes: dict[int, str]) -> Iterator[dict]:
    """Every ranked line with what a published export shows of it, frozen now: the person's
    name, birth date, numbers and eligibility, the agency's code, name and parent's code, the
    attempt's number. Text is cleaned as a published cell holds it; times are cut to the ms."""
    agencies = agency_directory()
    erased = erased_in_round(round_.id)
    group_ranks: dict[str, int] = {}
    last_in_group: dict[str, tuple] = {}
    count_in_group: dict[str, int] = {}
    for position, row in enumerate(iter_ranking(Scope(round_)), start=1):
        group = row.participant_group
        count_in_group[group] = count_in_group.get(group, 0) + 1
        # Group ranks follow from the overall order: the group's chain is the same.
        if last_in_group.get(group) != row.key:
            group_ranks[group] = count_in_group[group]
            last_in_group[group] = row.key
        agency = agencies.get(row.agency_id)
        personal = row.user_id not in erased
        yield {
            "position": position,
            "rank": row.rank,
            "group_rank": group_ranks[group],
            "user_id": row.user_id,
            "attempt_id": row.attempt_id,
            "participant_group": group,
            "agency_id": row.agency_id,
            "correct_count": row.correct_count,
            "prediction": row.prediction,
            "prediction_error": row.prediction_error,
            "duration_ms": row.duration_ms,
            "submitted_at": seal.to_ms(row.submitted_at),
            "prize": prizes.get(row.user_id),
            "full_name": seal.clean(row.full_name) if personal else None,
            "date_of_birth": row.date_of_birth if personal else None,
            "phone": row.phone if personal else None,
            "national_id": row.national_id if personal else None,
            "prize_eligible": bool(row.prize_eligible),
            "agency_code": agency.code if agency else None,
            "agency_name": agency.name if agency else None,
            "agency_parent_code": agency.parent_code if agency else None,
            "attempt_number": row.attempt_number,
            "question_count": row.question_count,
        }


def publish(
    round_: Round, now: datetime, grace: timedelta, actor: Actor | None, reason: str | None
) -> ResultPublication:
    """Freeze the ranking as published; a second publication needs a reason, and so does the
    first when entries of the round are voided. Audited in the same commit as `actor`'s
    (None: the command line)."""
    actor = actor or COMMAND_LINE
    previous = latest_publication(round_.id)
    if round_.results_status == "draft":
        raise ResultsRefused("Kết quả cần được rà soát trước khi công bố.")
    if previous is not None and not (reason or "").strip():
        raise ResultsRefused("Công bố lại kết quả cần ghi rõ lý do.")
    if previous is None and has_voids(round_.id) and not (reason or "").strip():
        # A judge voided entries before the first publication: the results are not the raw
        # ranking of every entry, so the publication says why, as a second one would.
        raise ResultsRefused(
            "Vòng thi có bài thi đã bị huỷ kết quả: công bố kết quả cần ghi rõ lý do."
        )
    if not round_closed(round_, now, grace):
        raise ResultsRefused("Vòng thi chưa kết thúc: chưa thể công bố kết quả.")
    actual = freeze_actual(round_, now, grace)
    version = (previous.version + 1) if previous else 1
    chain = ",".join(round_.ranking_chain)
    header = seal.Header(
        round_.contest.slug, round_.number, version, seal.to_ms(now), actual, chain
    )
    publication = ResultPublication(
        round_id=round_.id,
        version=version,
        sha256="",
        seal_version=seal.VERSION,
        seal_header=header.text(),
        prediction_actual=actual,
        chain=chain,
        entry_count=0,
        published_at=header.published_at,
        published_by_id=actor.user_id,
        reason=(reason or "").strip() or None,
    )
    db.session.add(publication)
    db.session.flush()
    digests: list[str] = []
    rows = sealed_lines(publication.seal_header, snapshot_rows(round_, compute_prizes(round_)))
    for batch in batches(rows, SNAPSHOT_BATCH):
        for row in batch:
            digests.append(row["line_digest"])
            row["publication_id"] = publication.id
        db.session.execute(insert(SnapshotRow), batch)
    publication.sha256 = seal.seal(publication.seal_header, digests)
    publication.entry_count = count = len(digests)
    status_before = round_.results_status
    round_.results_status = "published"
    record(
        actor,
        "results_published",
        "round",
        round_.id,
        {
            "round_id": round_.id,
            "version": publication.version,
            "sha256": publication.sha256,
            "reason": publication.reason,
            "entries": count,
            "before": {"status": status_before},
            "after": {"status": "published"},
        },
    )
    db.session.commit()
    return publication


def has_voids(round_id: int) -> bool:
    """Whether a judge has voided an entry of the round (and not restored it)."""
    voided = select(RoundEntry.id).where(
        RoundEntry.round_id == round_id, RoundEntry.voided_at.is_not(None)
    )
    return db.session.execute(voided.limit(1)).first() is not None


def verify(publication: ResultPublication) -> bool:
    """Recompute the seal from the stored snapshot, by the publication's own method: method 2
    from the lines' stored values (an erased line by its kept digest), method 1 as it was."""
    if publication.seal_version == seal.LEGACY_VERSION:
        return verify_v1(publication)
    digests = stored_digests(publication)
    return seal.seal(publication.seal_header, digests) == publication.sha256


def verify_v1(publication: ResultPublication) -> bool:
    """Method 1: database ids and microseconds, over SNAPSHOT_FIELDS."""
    round_ = db.session.get(Round, publication.round_id)
    digest = hashlib.sha256(header_line(round_, publication).encode())
    rows = db.session.execute(
        select(SnapshotRow)
        .where(SnapshotRow.publication_id == publication.id)
        .order_by(SnapshotRow.position)
        .execution_options(yield_per=SNAPSHOT_BATCH)
    ).scalars()
    for row in rows:
        values = {name: getattr(row, name) for name in SNAPSHOT_FIELDS}
        digest.update(("\n" + snapshot_line(values)).encode())
    return digest.hexdigest() == publication.sha256


def header_line(round_: Round, publication: ResultPublication) -> str:
    return f"round={round_.id};version={publication.version};actual={publication.prediction_actual};chain={publication.chain}"


def batches(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def chain_description(round_: Round) -> list[str]:
    return describe_chain(round_.ranking_chain)


def published_winners(publication: ResultPublication) -> list[dict]:
    """Prize winners of a publication as announced publicly: name, agency, score, prediction,
    time taken and submission time, by group then prize level then rank; from the snapshot
    only (a name erased on request is shown as erased)."""
    rows = (
        db.session.execute(
            select(SnapshotRow)
            .where(SnapshotRow.publication_id == publication.id, SnapshotRow.prize.is_not(None))
            .order_by(SnapshotRow.participant_group, SnapshotRow.position)
        )
        .scalars()
        .all()
    )
    winners = [
        {"row": row, "full_name": row.full_name or seal.ERASED_NAME, "agency_name": row.agency_name}
        for row in rows
    ]
    return sorted(
        winners,
        key=lambda w: (
            w["row"].participant_group,
            prize_rules.level_order(w["row"].prize),
            w["row"].position,
        ),
    )

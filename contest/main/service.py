"""What the public pages read: the contests listed, one contest by its slug, its current
announcements, its rules outline and its published results; what a pasted seal or receipt
code leads to; the database's health."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from contest.domain import rules_outline
from contest.domain.prizes import LEVELS as PRIZE_LEVELS
from contest.domain.schedule import Window, results_kept_back
from contest.extensions import db
from contest.models import (
    Announcement,
    Contest,
    ContestStatus,
    ResultPublication,
    Round,
    SnapshotRow,
    Topic,
)
from contest.models.user import GROUP_LABELS
from contest.results import seal, snapshot
from contest.results import service as results
from question_bank.answers import DIFFICULTY_NAMES

# Statuses the public sees: open (running or upcoming) and closed. Drafts and archived contests
# are shown to organizers only (a preview).
LISTED = (ContestStatus.OPEN, ContestStatus.CLOSED)
# Statuses after the contest's end: results kept back during the contest are shown then.
ENDED = (ContestStatus.CLOSED, ContestStatus.ARCHIVED)
SLUG_LENGTH = 80


def database_answers() -> None:
    """Run the cheapest statement there is; raises when the database cannot be reached."""
    db.session.execute(select(1))


def listed_contests() -> list[Contest]:
    """Open contests newest first, then closed ones newest first; never drafts or archived.
    Each carries `first_opens_at` and `last_closes_at` (its rounds' span, None without rounds),
    read in the same statement: the home page is what a deadline rush lands on."""
    open_first = case((Contest.status == ContestStatus.OPEN, 0), else_=1)
    mine = Round.contest_id == Contest.id
    first_opens = select(func.min(Round.opens_at)).where(mine).scalar_subquery()
    last_closes = select(func.max(Round.closes_at)).where(mine).scalar_subquery()
    rows = db.session.execute(
        select(Contest, first_opens, last_closes)
        .where(Contest.status.in_(LISTED))
        .order_by(open_first, Contest.id.desc())
    ).all()
    contests = []
    for contest, opens_at, closes_at in rows:
        contest.first_opens_at, contest.last_closes_at = opens_at, closes_at
        contests.append(contest)
    return contests


def single_listed_contest() -> Contest | None:
    """The contest the public sees when there is exactly one, else None."""
    contests = listed_contests()
    return contests[0] if len(contests) == 1 else None


def contest_by_slug(slug: str, preview: bool = False) -> Contest | None:
    """The contest at /cuoc-thi/<slug>/ for the public (open or closed), or with `preview`
    (organizers) whatever its status; None when there is none to show."""
    if not slug or len(slug) > SLUG_LENGTH or "\x00" in slug:
        return None
    contest = db.session.execute(select(Contest).where(Contest.slug == slug)).scalar_one_or_none()
    if contest is None or (contest.status not in LISTED and not preview):
        return None
    return contest


def is_public(contest: Contest) -> bool:
    return contest.status in LISTED


def phase(contest: Contest, now: datetime) -> str:
    """For the list of contests: "upcoming" (no round opened yet), "running" or "closed"."""
    if contest.status != ContestStatus.OPEN:
        return "closed"
    first = getattr(contest, "first_opens_at", None)  # set by listed_contests
    if first is not None and now < first:
        return "upcoming"
    return "running"


def windows(rounds: list[Round]) -> list[Window]:
    return [Window(r.id, r.number, r.opens_at, r.closes_at) for r in rounds]


def current_announcements(contest_id: int, now: datetime) -> list[Announcement]:
    """Notices shown now: started, and not yet ended (no end: until removed). Newest first."""
    return list(
        db.session.execute(
            select(Announcement)
            .where(
                Announcement.contest_id == contest_id,
                Announcement.starts_at <= now,
                (Announcement.ends_at.is_(None)) | (Announcement.ends_at > now),
            )
            .order_by(Announcement.starts_at.desc(), Announcement.id.desc())
        )
        .scalars()
        .all()
    )


def results_hidden(contest: Contest, now: datetime) -> bool:
    """Results kept back until the contest has ended (the contest's setting): closed or
    archived, or every round closed, as the participants' own result pages read it."""
    return results_kept_back(
        bool(contest.results_visible),
        contest.status in ENDED,
        [r.closes_at for r in contest.rounds],
        now,
    )


def announced_results(contest: Contest) -> list[tuple]:
    """(round, publication, winners) for every round whose results were published."""
    announced = []
    for round_ in contest.rounds:
        publication = results.latest_publication(round_.id)
        if publication is not None:
            announced.append((round_, publication, results.published_winners(publication)))
    return announced


def _quota_items(stored) -> list[tuple[int, int]]:
    """A stored quota mapping as (number, count) pairs; anything unreadable is left out."""
    items = []
    for key, value in (stored or {}).items() if isinstance(stored, dict) else ():
        try:
            number, wanted = int(key), int(value)
        except (TypeError, ValueError):
            continue
        if wanted > 0:
            items.append((number, wanted))
    return sorted(items)


def _prize_items(stored) -> tuple[tuple[str, int], ...]:
    counts = stored if isinstance(stored, dict) else {}
    items = []
    for level in PRIZE_LEVELS:
        try:
            items.append((level, max(0, int(counts.get(level, 0) or 0))))
        except (TypeError, ValueError):
            continue
    return tuple(items)


def _whole(value) -> int:
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):
        return 0


def _group_prizes(round_: Round, group_keys: list[str]) -> tuple:
    """Each group's own prize counts when the round gives any group its own (the others keep
    the round's), as (group label, counts); empty when every group has the round's."""
    own = getattr(round_, "group_prize_counts", None)
    if not isinstance(own, dict) or not any(g in GROUP_LABELS for g in own):
        return ()
    shown = group_keys or list(GROUP_LABELS)
    return tuple(
        (
            GROUP_LABELS[g],
            _prize_items(own[g] if isinstance(own.get(g), dict) else round_.prize_counts),
        )
        for g in shown
    )


def rules_settings(contest: Contest) -> rules_outline.ContestRules:
    """The contest's settings as plain values for the rules outline: topics and difficulties
    named, groups labelled."""
    topic_ids = {topic for r in contest.rounds for topic, _n in _quota_items(r.topic_quotas)}
    names = {}
    if topic_ids:
        names = dict(
            db.session.execute(select(Topic.id, Topic.name).where(Topic.id.in_(topic_ids))).all()
        )
    stored_groups = contest.eligible_groups if isinstance(contest.eligible_groups, list) else []
    group_keys = [g for g in stored_groups if isinstance(g, str) and g in GROUP_LABELS]
    groups = tuple(GROUP_LABELS[g] for g in group_keys)
    rounds = tuple(
        rules_outline.RoundRules(
            number=r.number,
            title=r.title,
            opens_at=r.opens_at,
            closes_at=r.closes_at,
            question_count=r.question_count,
            time_limit_seconds=r.time_limit_seconds,
            attempts_allowed=r.attempts_allowed,
            counted_attempt=r.counted_attempt,
            topic_quotas=tuple(
                (names.get(topic, f"Chủ đề {topic}"), n)
                for topic, n in _quota_items(r.topic_quotas)
            ),
            difficulty_quotas=tuple(
                (DIFFICULTY_NAMES.get(level, f"Mức {level}"), n)
                for level, n in _quota_items(r.difficulty_quotas)
            ),
            one_attempt_per_day=bool(r.one_attempt_per_day),
            minimum_wait_minutes=int(r.minimum_wait_minutes or 0),
            prediction_enabled=bool(r.prediction_enabled),
            prediction_prompt=r.prediction_prompt,
            prediction_target=r.prediction_target,
            ranking_chain=tuple(r.ranking_chain or ()),
            prize_counts=_prize_items(r.prize_counts),
            group_prizes=_group_prizes(r, group_keys),
            minimum_correct_for_prize=_whole(getattr(r, "minimum_correct_for_prize", 0)),
            minimum_seconds_per_question=_whole(getattr(r, "minimum_seconds_per_question", 0)),
            own_question_sets=tuple(
                GROUP_LABELS[g]
                for g in (group_keys or GROUP_LABELS)
                if r.question_set_for(g) is not None
            ),
        )
        for r in contest.rounds
    )
    return rules_outline.ContestRules(
        rounds=rounds,
        eligible_groups=groups,
        several_prizes_per_person=bool(contest.several_prizes_per_person),
        collective_measure=contest.collective_measure,
        starts_on=contest.starts_on,
        ends_on=contest.ends_on,
    )


def rules_of(contest: Contest) -> tuple[rules_outline.Section, ...]:
    """The generated parts of the contest's rules page."""
    return rules_outline.outline(rules_settings(contest))


# -- checking a published file or code (/kiem-tra-ket-qua) ----------------------------------


@dataclass(frozen=True)
class Found:
    """One publication a pasted code leads to, and (for a receipt code) the line, masked."""

    contest: Contest
    round: Round
    publication: ResultPublication
    latest: bool
    line: dict | None = None


def initials(name: str | None) -> str:
    """Nguyễn Thị Ánh → N. T. Á.: enough to recognise one's own line, not to name anyone."""
    if not name:
        return seal.ERASED_NAME
    return " ".join(word[0] + "." for word in name.split())


def masked_line(row: SnapshotRow) -> dict:
    return {
        "rank": row.rank,
        "group_rank": row.group_rank,
        "group": seal.GROUP_TEXT.get(row.participant_group, row.participant_group),
        "prize": seal.PRIZE_TEXT.get(row.prize) if row.prize else None,
        "name": initials(row.full_name),
        "birth_year": row.date_of_birth.year if row.date_of_birth else None,
        "agency": row.agency_name,
        "correct": row.correct_count,
        "questions": row.question_count,
        "duration_ms": row.duration_ms,
        "submitted_at": row.submitted_at,
        "receipt": seal.receipt_display(row.receipt or ""),
    }


def visible(publication: ResultPublication, now: datetime) -> tuple[Contest, Round] | None:
    """The publication's contest and round when the public may see its results now."""
    round_ = db.session.get(Round, publication.round_id)
    contest = round_.contest
    if contest.status == ContestStatus.DRAFT or results_hidden(contest, now):
        return None
    return contest, round_


def found(publication: ResultPublication, now: datetime, line: dict | None = None):
    seen = visible(publication, now)
    if seen is None:
        return None
    latest = results.latest_publication(publication.round_id)
    return Found(*seen, publication, latest is not None and latest.id == publication.id, line)


def look_up_code(code: str, now: datetime) -> list[Found]:
    """A seal (64 hex digits) or a receipt code (12), as `seal.parse_code` gives it: the
    publications and lines it names that the public may see."""
    if len(code) == seal.RECEIPT_LENGTH:
        hits = (found(p, now, masked_line(row)) for row, p in snapshot.lines_by_receipt(code))
    else:
        publication = snapshot.publication_by_seal(code)
        hits = [found(publication, now)] if publication else []
    return [hit for hit in hits if hit is not None]


def published_standing(round_: Round, user_id: int) -> dict | None:
    """The person's line in the round's latest publication: rank, group rank, prize, the
    publication's number and date, and the receipt code."""
    publication = results.latest_publication(round_.id)
    if publication is None or round_.results_status != "published":
        return None
    row = snapshot.own_line(publication, user_id)
    if row is None:
        return None
    return {
        "rank": row.rank,
        "group_rank": row.group_rank,
        "prize": seal.PRIZE_TEXT.get(row.prize) if row.prize else None,
        "receipt": seal.receipt_display(row.receipt) if row.receipt else None,
        "version": publication.version,
        "published_at": publication.published_at,
        "entries": publication.entry_count,
    }

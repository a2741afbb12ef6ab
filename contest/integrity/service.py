"""Integrity checks by judges: voiding an entry (a duplicate account, cheating) and the report
of people who are probably the same person under several accounts.

A voided entry stays in the database with its attempts, but is ranked nowhere
(`contest.results.ranking.ranked_entries`); every void and restore is audited in the same
transaction. `entries.record_entry` and `entries.rechoose` update the entry in place, so a void
survives a new attempt, the freeze of the prediction's actual value and a change of the
counted attempt.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import String, and_, case, func, literal, select
from sqlalchemy.sql import ColumnElement

from contest.audit.service import Actor, record
from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import Agency, Attempt, Round, RoundEntry, User
from contest.results import fair_play
from contest.text import nfc

MAX_REASON = 500
# Groups shown at most on one report; the rest are counted.
MAX_GROUPS = 300
# An email's local part shorter than this ("an", "hr") says nothing about who owns it.
MIN_LOCAL_PART = 4

VOIDED = "entry_voided"
RESTORED = "entry_restored"
CLEARED = "entry_cleared"


class IntegrityRefused(Exception):
    """The void or restore cannot be done; the message is Vietnamese. `status` is the HTTP
    status a page answers with (400: bad input, 404: no such entry, 409: already so)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def clean_reason(reason: str | None, what: str = "huỷ kết quả") -> str:
    text = nfc(reason)
    if not text:
        raise IntegrityRefused(f"Vui lòng ghi rõ lý do {what}.")
    if len(text) > MAX_REASON:
        raise IntegrityRefused(f"Lý do {what} không quá {MAX_REASON} ký tự.")
    return text


def find_entry(round_id: int, user_id: int) -> RoundEntry:
    entry = db.session.execute(
        select(RoundEntry).where(RoundEntry.round_id == round_id, RoundEntry.user_id == user_id)
    ).scalar_one_or_none()
    if entry is None:
        raise IntegrityRefused("Không tìm thấy bài thi của người này trong vòng thi.", 404)
    return entry


def _void(entry: RoundEntry, reason: str, actor: Actor, now: datetime) -> None:
    entry.voided_at = now
    entry.void_reason = reason
    entry.voided_by_id = actor.user_id
    record(
        actor,
        VOIDED,
        "round_entry",
        entry.id,
        {"round": entry.round_id, "user": entry.user_id, "reason": reason},
    )


def void_entry(
    round_id: int, user_id: int, reason: str | None, actor: Actor, now: datetime | None = None
) -> RoundEntry:
    """Void one person's entry in one round: ranked nowhere from now on. Commits."""
    reason = clean_reason(reason)
    entry = find_entry(round_id, user_id)
    if entry.voided_at is not None:
        raise IntegrityRefused("Kết quả bài thi này đã bị huỷ trước đó.", 409)
    _void(entry, reason, actor, now or utcnow())
    db.session.commit()
    return entry


def void_person(user_id: int, reason: str | None, actor: Actor, now: datetime | None = None) -> int:
    """Void every entry of the person that is not voided yet, in every round; returns how
    many. Commits."""
    reason = clean_reason(reason)
    entries = (
        db.session.execute(
            select(RoundEntry)
            .where(RoundEntry.user_id == user_id, RoundEntry.voided_at.is_(None))
            .order_by(RoundEntry.round_id)
        )
        .scalars()
        .all()
    )
    if not entries:
        if db.session.get(User, user_id) is None:
            raise IntegrityRefused("Không tìm thấy người dự thi này.", 404)
        raise IntegrityRefused("Người này không còn bài thi nào chưa bị huỷ kết quả.", 409)
    now = now or utcnow()
    for entry in entries:
        _void(entry, reason, actor, now)
    db.session.commit()
    return len(entries)


def clear_entry(
    round_id: int, user_id: int, reason: str | None, actor: Actor, now: datetime | None = None
) -> RoundEntry:
    """A judge has looked at a flagged entry (too fast, or every answer saved at once) and lets
    it compete for prizes: this attempt only, a later counted attempt is judged afresh.
    Commits."""
    reason = clean_reason(reason, "xác nhận bài thi hợp lệ")
    entry = find_entry(round_id, user_id)
    round_ = db.session.get(Round, round_id)
    if entry.voided_at is not None:
        raise IntegrityRefused("Kết quả bài thi này đã bị huỷ; hãy khôi phục trước.", 409)
    flag = fair_play.entry_flag(round_, entry)
    if flag is None:
        raise IntegrityRefused("Bài thi này không bị đánh dấu làm nhanh bất thường.", 409)
    if entry.cleared_attempt_id == entry.attempt_id:
        raise IntegrityRefused("Bài thi này đã được xác nhận hợp lệ trước đó.", 409)
    entry.cleared_attempt_id = entry.attempt_id
    entry.cleared_at = now or utcnow()
    entry.cleared_by_id = actor.user_id
    entry.clear_reason = reason
    record(
        actor,
        CLEARED,
        "round_entry",
        entry.id,
        {
            "round": entry.round_id,
            "user": entry.user_id,
            "attempt": entry.attempt_id,
            "flag": str(flag),
            "duration_ms": entry.duration_ms,
            "reason": reason,
        },
    )
    db.session.commit()
    return entry


@dataclass(frozen=True)
class ReviewRound:
    round: Round
    waiting: int
    flagged: int


def review_rounds(contest_id: int | None) -> list[ReviewRound]:
    """Rounds that check fair play (of one contest, or all), with how many flagged entries
    wait for a judge, for the links to their review queues."""
    query = select(Round).where(
        Round.minimum_seconds_per_question > 0, Round.is_practice.is_(False)
    )
    if contest_id is not None:
        query = query.where(Round.contest_id == contest_id)
    rounds = db.session.execute(query.order_by(Round.contest_id, Round.number)).scalars().all()
    lines = []
    for round_ in rounds:
        flagged = fair_play.flagged_entries(round_)
        lines.append(ReviewRound(round_, sum(line.held for line in flagged), len(flagged)))
    return lines


def restore_entry(round_id: int, user_id: int, actor: Actor) -> RoundEntry:
    """Undo a void: the entry is ranked again. Commits."""
    entry = find_entry(round_id, user_id)
    if entry.voided_at is None:
        raise IntegrityRefused("Bài thi này chưa bị huỷ kết quả.", 409)
    record(
        actor,
        RESTORED,
        "round_entry",
        entry.id,
        {"round": entry.round_id, "user": entry.user_id, "reason": entry.void_reason},
    )
    entry.voided_at = None
    entry.void_reason = None
    entry.voided_by_id = None
    db.session.commit()
    return entry


# --- The report of likely duplicates ---

REASONS = {
    "national_id": "Trùng số CCCD",
    "phone": "Trùng số điện thoại",
    "email": "Trùng phần trước @ của thư điện tử",
    "name": "Trùng họ tên, ngày sinh và cơ quan, đơn vị",
}


def name_form(name: str | None) -> str:
    """A name as people would read it: NFC, case folded, single spaces. Diacritics stay
    («Lê» and «Lệ» are different names)."""
    return nfc(name).casefold()


def _stripped(column, characters: str) -> ColumnElement:
    for character in characters:
        column = func.replace(column, character, "")
    return column


def phone_key(column=User.phone) -> ColumnElement:
    """`contest.text.normalize_phone` in SQL: separators removed, +84 and 84 read as 0."""
    digits = _stripped(column, " .-()\t")
    zero = literal("0", String)
    return case(
        (digits.like("+84%"), zero.concat(func.substr(digits, 4))),
        (
            and_(digits.like("84%"), func.length(digits) == 11),
            zero.concat(func.substr(digits, 3)),
        ),
        else_=digits,
    )


def national_id_key(column=User.national_id) -> ColumnElement:
    """Separators and leading zeros removed (a spreadsheet drops them)."""
    return func.ltrim(_stripped(column, " .-\t"), "0")


def position(column, text: str) -> ColumnElement:
    """Where `text` first occurs in the column (1-based, 0 when absent), in either database."""
    name = "instr" if db.engine.dialect.name == "sqlite" else "strpos"
    return getattr(func, name)(column, text)


def email_local_key(column=User.email) -> ColumnElement:
    """The part before @, lower case, without dots, dashes, underscores and a +tag:
    «Nguyen.An+thi@gmail.com» and «nguyenan@yahoo.com» meet."""
    at = position(column, "@")
    local = func.lower(func.substr(column, 1, at - 1))
    plus = position(local, "+")
    untagged = case((plus > 0, func.substr(local, 1, plus - 1)), else_=local)
    return _stripped(untagged, "._-")


@dataclass(frozen=True)
class EntryLine:
    round_id: int
    round_title: str
    round_number: int
    correct_count: int
    question_count: int
    duration_ms: int
    submitted_at: datetime
    attempts_count: int
    attempt_number: int
    voided_at: datetime | None
    void_reason: str | None


@dataclass
class Person:
    user_id: int
    full_name: str
    date_of_birth: date | None
    agency_name: str | None
    phone: str | None
    national_id: str | None
    email: str | None
    entries: list[EntryLine] = field(default_factory=list)

    @property
    def open_entries(self) -> int:
        return sum(1 for e in self.entries if e.voided_at is None)


@dataclass
class DuplicateGroup:
    reasons: list[str]
    people: list[Person]


@dataclass
class DuplicateReport:
    groups: list[DuplicateGroup]
    total: int  # groups found, of which at most MAX_GROUPS are in `groups`


def entrants(contest_id: int | None):
    """Ids of the people with an entry (in the contest's rounds, or in any round)."""
    query = select(RoundEntry.user_id)
    if contest_id is not None:
        query = query.join(Round, Round.id == RoundEntry.round_id).where(
            Round.contest_id == contest_id
        )
    return query


def shared_key_pairs(key: ColumnElement, contest_id: int | None) -> list[tuple[str, int]]:
    """(key, user_id) of every entrant whose key another entrant shares: one GROUP BY."""
    people = User.id.in_(entrants(contest_id))
    labelled = key.label("k")
    shared = (
        select(labelled)
        .where(people, key.is_not(None), key != "")
        .group_by(labelled)
        .having(func.count() > 1)
        .subquery()
    )
    rows = db.session.execute(
        select(labelled, User.id).where(people, key.in_(select(shared.c.k)))
    ).all()
    return [(k, user_id) for k, user_id in rows]


def same_name_pairs(contest_id: int | None) -> list[tuple[tuple, int]]:
    """People sharing birth date, agency and name. SQL groups on the folded name (indexed,
    without diacritics) with the birth date and agency; the few candidates are then told
    apart in Python by the name itself, diacritics kept."""
    people = User.id.in_(entrants(contest_id))
    columns = (User.name_key, User.date_of_birth, User.agency_id)
    candidates = (
        select(*columns)
        .where(people, User.date_of_birth.is_not(None), User.name_key != "")
        .group_by(*columns)
        .having(func.count() > 1)
        .subquery()
    )
    rows = db.session.execute(
        select(User.id, User.full_name, User.date_of_birth, User.agency_id)
        .join(
            candidates,
            (candidates.c.name_key == User.name_key)
            & (candidates.c.date_of_birth == User.date_of_birth)
            # NULL agencies (no agency given) match each other, as GROUP BY put them together.
            & (func.coalesce(candidates.c.agency_id, 0) == func.coalesce(User.agency_id, 0)),
        )
        .where(people)
    ).all()
    return [((name_form(name), born, agency), user_id) for user_id, name, born, agency in rows]


def likely_duplicates(contest_id: int | None = None, limit: int = MAX_GROUPS) -> DuplicateReport:
    """People who are probably one person under several accounts, grouped: the same CCCD or
    phone (after formatting), the same email local part, or the same name, birth date and
    agency. Groups are joined when they share a person; each lists everyone's entries (in
    the contest's rounds, or every round)."""
    pairs: dict[str, list[tuple]] = {
        "national_id": shared_key_pairs(national_id_key(), contest_id),
        "phone": shared_key_pairs(phone_key(), contest_id),
        "email": [
            (k, u)
            for k, u in shared_key_pairs(email_local_key(), contest_id)
            if len(k) >= MIN_LOCAL_PART
        ],
        "name": same_name_pairs(contest_id),
    }
    parent: dict[int, int] = {}

    def root(user_id: int) -> int:
        parent.setdefault(user_id, user_id)
        while parent[user_id] != user_id:
            parent[user_id] = parent[parent[user_id]]
            user_id = parent[user_id]
        return user_id

    links: list[tuple[str, list[int]]] = []
    for reason, found in pairs.items():
        by_key: dict = defaultdict(list)
        for key, user_id in found:
            by_key[key].append(user_id)
        for members in by_key.values():
            if len(set(members)) > 1:
                links.append((reason, members))
                first = root(members[0])
                for other in members[1:]:
                    parent[root(other)] = first
    components: dict[int, set[int]] = defaultdict(set)
    reasons: dict[int, set[str]] = defaultdict(set)
    for reason, members in links:
        top = root(members[0])
        components[top].update(members)
        reasons[top].add(reason)
    ordered = sorted(components.items(), key=lambda item: min(item[1]))
    shown = ordered[:limit]
    people = load_people({u for _top, members in shown for u in members}, contest_id)
    groups = [
        DuplicateGroup(
            [REASONS[r] for r in REASONS if r in reasons[top]],
            [people[u] for u in sorted(members)],
        )
        for top, members in shown
    ]
    return DuplicateReport(groups, len(ordered))


def load_people(user_ids: set[int], contest_id: int | None) -> dict[int, Person]:
    if not user_ids:
        return {}
    ids = sorted(user_ids)
    people = {
        row.id: Person(
            row.id,
            row.full_name,
            row.date_of_birth,
            row.agency_name,
            row.phone,
            row.national_id,
            row.email,
        )
        for row in db.session.execute(
            select(
                User.id,
                User.full_name,
                User.date_of_birth,
                Agency.name.label("agency_name"),
                User.phone,
                User.national_id,
                User.email,
            )
            .outerjoin(Agency, Agency.id == User.agency_id)
            .where(User.id.in_(ids))
        )
    }
    query = (
        select(
            RoundEntry.user_id,
            Round.id,
            Round.title,
            Round.number,
            RoundEntry.correct_count,
            RoundEntry.question_count,
            RoundEntry.duration_ms,
            RoundEntry.submitted_at,
            RoundEntry.attempts_count,
            Attempt.number,
            RoundEntry.voided_at,
            RoundEntry.void_reason,
        )
        .join(Round, Round.id == RoundEntry.round_id)
        .join(Attempt, Attempt.id == RoundEntry.attempt_id)
        .where(RoundEntry.user_id.in_(ids))
        .order_by(RoundEntry.user_id, Round.contest_id, Round.number)
    )
    if contest_id is not None:
        query = query.where(Round.contest_id == contest_id)
    for user_id, *line in db.session.execute(query):
        people[user_id].entries.append(EntryLine(*line))
    return people

"""Organizers set up and run rounds: settings, closing early, cancelling, the order. Audited.

A round's settings reach attempts in two ways, and a change to a round that already has
attempts says which (`differences`, shown on the confirmation page before it is saved):
- taken when an attempt starts and kept by it: the questions (their number, the quotas, each
  group's own question set, the shuffle of options) and the deadline (the time limit, capped by the closing time). A change
  applies to attempts started after it; an attempt in progress keeps its questions and deadline;
- read when someone starts (the window, attempts allowed, one a day, the wait): they decide who
  may start from now on, and change nothing of attempts made;
- round-wide by nature (which attempt counts, the ranking chain, prizes and each group's own
  prize counts, the minimum of correct answers for a prize, when answers are shown, the
  prediction question): one rule ranks everyone of the round, so they apply to every entry, old
  and new (changing which attempt counts or the chain chooses each entry's counted attempt
  again, `contest.results.entries.rechoose`).
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from contest.audit.service import Actor, record
from contest.domain import drawing, question_sets
from contest.domain.clock import from_vietnam, to_vietnam, utcnow
from contest.domain.prizes import LABELS as PRIZE_LABELS
from contest.domain.ranking import DEFAULT_CHAIN, STEP_WORDING
from contest.domain.vn_dates import format_vn_datetime
from contest.extensions import db
from contest.models import Attempt, Contest, Question, ResultPublication, Round, RoundEntry, Topic
from contest.models.user import GROUP_LABELS, ParticipantGroup
from contest.results.entries import rechoose
from contest.text import fold, thousands

# Difficulties as the bank names them (question_bank.answers.DIFFICULTY_NAMES).
DIFFICULTY_LABELS = {1: "Dễ", 2: "Trung bình", 3: "Khó"}
COUNTED_LABELS = {
    "best": "Lượt có kết quả cao nhất",
    "first": "Lượt đầu tiên",
    "last": "Lượt cuối cùng",
}
REVEAL_LABELS = {
    "after_close": "Sau khi vòng thi kết thúc",
    "after_submit": "Ngay sau khi nộp bài",
    "never": "Không hiển thị",
}
TARGET_LABELS = {
    "participants": "Số người tham gia vòng thi",
    "perfect": "Số người trả lời đúng tất cả các câu",
    "entries": "Số lượt dự thi",
}
# The most prizes of one level a round gives one group.
MAXIMUM_PRIZES = 1000


@dataclass
class RoundSettings:
    """A round's settings as an organizer types them (times in Vietnam time)."""

    title: str
    opens_at: datetime
    closes_at: datetime
    question_count: int
    time_limit_minutes: int
    attempts_allowed: int
    counted_attempt: str
    shuffle_options: bool
    reveal_answers: str
    prediction_enabled: bool
    prediction_prompt: str | None
    prediction_target: str
    ranking_chain: list[str]
    prize_counts: dict[str, int]
    topic_quotas: dict[int, int] = field(default_factory=dict)
    difficulty_quotas: dict[int, int] = field(default_factory=dict)
    one_attempt_per_day: bool = False
    minimum_wait_minutes: int = 0
    # A participant group's own counts ({group: {level: n}}); a group left out has the round's.
    group_prize_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    minimum_correct_for_prize: int = 0
    # Fair play: entries faster than this per question wait for a judge (0: no check).
    minimum_seconds_per_question: int = 0
    # A participant group's own question set ({group: {"topics": [...], "difficulties": [...],
    # "sources": [...], "question_ids": [...]}}, contest.domain.question_sets); a group left out
    # draws from the whole active bank.
    question_sets: dict[str, dict[str, list]] = field(default_factory=dict)
    # A practice round (thi thử): never ranked, never exported.
    is_practice: bool = False


class SettingsRefused(Exception):
    """The settings cannot work. `problems` lists (form field, Vietnamese message); `field`
    and `message` are the first one's."""

    def __init__(self, field_name: str, message: str, more: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.field = field_name
        self.message = message
        self.problems = [(field_name, message), *(more or [])]


class RoundRefused(Exception):
    """A lifecycle action that cannot be done now; `message` is Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Change:
    """One setting that differs, as the confirmation page shows it."""

    name: str
    label: str
    before: str
    after: str
    scope: str

    def line(self) -> str:
        return f"{self.label}: {self.before} → {self.after} ({self.scope})"


class ConfirmationNeeded(Exception):
    """The round has attempts: the organizer must see `changes` and confirm. `marker` is the
    round's settings as they are now, to be sent back with the confirmation."""

    def __init__(self, changes: list[Change], marker: str):
        super().__init__("confirmation needed")
        self.changes = changes
        self.marker = marker


def settings_of(round_: Round) -> RoundSettings:
    return RoundSettings(
        title=round_.title,
        opens_at=to_vietnam(round_.opens_at),
        closes_at=to_vietnam(round_.closes_at),
        question_count=round_.question_count,
        time_limit_minutes=round_.time_limit_seconds // 60,
        attempts_allowed=round_.attempts_allowed or 0,
        counted_attempt=round_.counted_attempt,
        shuffle_options=round_.shuffle_options,
        reveal_answers=round_.reveal_answers,
        prediction_enabled=round_.prediction_enabled,
        prediction_prompt=round_.prediction_prompt,
        prediction_target=round_.prediction_target,
        ranking_chain=list(round_.ranking_chain),
        prize_counts=dict(round_.prize_counts or {}),
        topic_quotas=round_.quotas_by_topic(),
        difficulty_quotas=round_.quotas_by_difficulty(),
        one_attempt_per_day=bool(round_.one_attempt_per_day),
        minimum_wait_minutes=round_.minimum_wait_minutes or 0,
        group_prize_counts=stored_group_prizes(round_.group_prize_counts),
        minimum_correct_for_prize=round_.minimum_correct_for_prize or 0,
        minimum_seconds_per_question=round_.minimum_seconds_per_question or 0,
        question_sets=stored_question_sets(round_.question_sets),
        is_practice=bool(round_.is_practice),
    )


def stored_question_sets(stored) -> dict[str, dict[str, list]]:
    """The groups' own sets as stored, cleaned, known groups only and only those that restrict
    the bank, in the groups' order: what the form shows and what is compared."""
    stored = stored if isinstance(stored, dict) else {}
    sets = {}
    for group in ParticipantGroup:
        clean = question_sets.normalized(stored.get(group.value))
        if any(clean.values()):
            sets[group.value] = clean
    return sets


def stored_group_prizes(stored) -> dict[str, dict[str, int]]:
    """The groups' own counts as stored, each level given (a missing one is 0), known groups
    only, in the groups' order: what the form shows and what is compared."""
    stored = stored if isinstance(stored, dict) else {}
    counts = {}
    for group in ParticipantGroup:
        own = stored.get(group.value)
        if isinstance(own, dict):
            counts[group.value] = {level: whole(own.get(level)) for level in PRIZE_LABELS}
    return counts


def whole(value) -> int:
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):
        return 0


def plain(settings: RoundSettings) -> dict:
    """The settings as JSON can hold them (the audit log, the marker): times as text."""
    values = asdict(settings)
    for name in ("opens_at", "closes_at"):
        values[name] = format_vn_datetime(values[name])
    for name in ("topic_quotas", "difficulty_quotas"):
        values[name] = {str(key): n for key, n in sorted(values[name].items()) if n}
    return values


def marker(round_: Round) -> str:
    """A digest of the round's stored settings: a confirmation made for other settings (someone
    saved in between) no longer matches."""
    text = json.dumps(plain(settings_of(round_)), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def active_counts_by_topic() -> dict[int | None, int]:
    rows = db.session.execute(
        select(Question.topic_id, func.count())
        .where(Question.active.is_(True))
        .group_by(Question.topic_id)
    )
    return dict(rows.all())


def active_counts_by_difficulty() -> dict[int | None, int]:
    rows = db.session.execute(
        select(Question.difficulty, func.count())
        .where(Question.active.is_(True))
        .group_by(Question.difficulty)
    )
    return dict(rows.all())


def active_cells() -> list[tuple[int | None, int | None, int]]:
    """Active questions per (topic, difficulty)."""
    rows = db.session.execute(
        select(Question.topic_id, Question.difficulty, func.count())
        .where(Question.active.is_(True))
        .group_by(Question.topic_id, Question.difficulty)
    )
    return [tuple(row) for row in rows.all()]


def active_questions() -> list[drawing.Candidate]:
    """Every active question as a drawing candidate (its source folded): what a group's set is
    checked against."""
    rows = db.session.execute(
        select(Question.id, Question.topic_id, Question.difficulty, Question.source).where(
            Question.active.is_(True)
        )
    )
    return [
        drawing.Candidate(qid, topic, level, fold(source)) for qid, topic, level, source in rows
    ]


def unknown_question_ids(ids: list[int]) -> list[int]:
    """The ids among `ids` that are no question of the bank (active or not)."""
    if not ids:
        return []
    known = set(db.session.execute(select(Question.id).where(Question.id.in_(ids))).scalars())
    return sorted(set(ids) - known)


def topics() -> list[Topic]:
    return db.session.execute(select(Topic).order_by(Topic.name)).scalars().all()


def topic_names() -> dict[int, str]:
    return {topic.id: topic.name for topic in topics()}


def shortfall_problem(shortfall: drawing.Shortfall, names: dict[int, str]) -> tuple[str, str]:
    """The form field and the Vietnamese message for one thing the bank lacks."""
    have, want, short = shortfall.available, shortfall.wanted, shortfall.missing
    if shortfall.kind == "topic":
        name = names.get(shortfall.key, f"#{shortfall.key}")
        return (
            f"quota_{shortfall.key}",
            f"Ngân hàng chỉ có {thousands(have)} câu hỏi chủ đề «{name}» đang dùng, "
            f"vòng thi cần {thousands(want)} (thiếu {thousands(short)}).",
        )
    if shortfall.kind == "difficulty":
        name = DIFFICULTY_LABELS.get(shortfall.key, str(shortfall.key))
        return (
            f"difficulty_{shortfall.key}",
            f"Ngân hàng chỉ có {thousands(have)} câu hỏi mức {name} đang dùng, "
            f"vòng thi cần {thousands(want)} (thiếu {thousands(short)}).",
        )
    if shortfall.kind == "total":
        return (
            "question_count",
            f"Ngân hàng chỉ có {thousands(have)} câu hỏi đang dùng, mỗi lượt thi cần "
            f"{thousands(want)} (thiếu {thousands(short)}).",
        )
    if shortfall.kind in ("topic_total", "difficulty_total"):
        family = "chủ đề" if shortfall.kind == "topic_total" else "mức độ"
        return (
            "question_count",
            f"Tổng số câu theo {family} là {thousands(want)}, nhiều hơn số câu mỗi lượt "
            f"({thousands(have)}): tăng số câu mỗi lượt hoặc giảm số câu theo {family}.",
        )
    return (
        "question_count",
        "Ngân hàng không đủ câu hỏi để cùng lúc đáp ứng số câu theo chủ đề và theo mức độ: "
        f"cần ít nhất {thousands(want)} câu mỗi lượt, vòng thi đặt {thousands(have)} câu "
        f"(thiếu {thousands(short)}).",
    )


def set_shortfall_problem(
    shortfall: drawing.Shortfall, names: dict[int, str], group_label: str
) -> str:
    """The Vietnamese message for one thing a group's question set lacks."""
    have, want, short = shortfall.available, shortfall.wanted, shortfall.missing
    where = f"Bộ câu hỏi riêng cho nhóm «{group_label}»"
    if shortfall.kind == "topic":
        name = names.get(shortfall.key, f"#{shortfall.key}")
        return (
            f"{where} chỉ có {thousands(have)} câu hỏi chủ đề «{name}» đang dùng, vòng thi cần "
            f"{thousands(want)} (thiếu {thousands(short)})."
        )
    if shortfall.kind == "difficulty":
        name = DIFFICULTY_LABELS.get(shortfall.key, str(shortfall.key))
        return (
            f"{where} chỉ có {thousands(have)} câu hỏi mức {name} đang dùng, vòng thi cần "
            f"{thousands(want)} (thiếu {thousands(short)})."
        )
    if shortfall.kind == "total":
        return (
            f"{where} chỉ có {thousands(have)} câu hỏi đang dùng, mỗi lượt thi cần "
            f"{thousands(want)} (thiếu {thousands(short)})."
        )
    return (
        f"{where} không đủ câu hỏi để cùng lúc đáp ứng số câu theo chủ đề và theo mức độ: "
        f"cần ít nhất {thousands(want)} câu mỗi lượt, vòng thi đặt {thousands(have)} câu."
    )


def question_set_problems(settings: RoundSettings) -> list[tuple[str, str]]:
    """Each group's own set checked as the whole bank is: its hand-picked ids must be questions
    of the bank, and it must hold the round's questions and fill its quotas. The field is the
    group's id list (`set_<group>_question_ids`), the message names the group."""
    problems: list[tuple[str, str]] = []
    known_groups = {g.value: g for g in ParticipantGroup}
    sets = {
        group: stored for group, stored in settings.question_sets.items() if any(stored.values())
    }
    if not sets:
        return problems
    topic_quotas = drawing.positive(settings.topic_quotas)
    difficulty_quotas = drawing.positive(settings.difficulty_quotas)
    bank = active_questions()
    names = topic_names()
    for group, stored in sets.items():
        if group not in known_groups:
            problems.append(("question_count", "Nhóm đối tượng không hợp lệ."))
            continue
        label = GROUP_LABELS[known_groups[group]]
        name = f"set_{group}_question_ids"
        qset = question_sets.parse(stored, fold)
        unknown = unknown_question_ids(sorted(qset.question_ids))
        if unknown:
            shown = ", ".join(str(qid) for qid in unknown[:20])
            more = f" và {thousands(len(unknown) - 20)} mã khác" if len(unknown) > 20 else ""
            problems.append(
                (
                    name,
                    f"Bộ câu hỏi riêng cho nhóm «{label}»: không có câu hỏi mang mã {shown}{more} "
                    "trong ngân hàng.",
                )
            )
            continue
        members = question_sets.filter_pool(bank, qset)
        cells = drawing.count_cells(
            ((c.topic_id, c.difficulty, 1) for c in members), topic_quotas, difficulty_quotas
        )
        found = drawing.shortfalls(cells, settings.question_count, topic_quotas, difficulty_quotas)
        # The quotas' own sums are the round's problem, reported for the whole bank already.
        found = [f for f in found if f.kind not in ("topic_total", "difficulty_total")]
        problems += [(name, set_shortfall_problem(f, names, label)) for f in found]
    return problems


def prize_problems(settings: RoundSettings) -> list[tuple[str, str]]:
    """Prize counts outside 0..MAXIMUM_PRIZES, unknown groups or levels, and a minimum of
    correct answers above the number of questions, each with its form field."""
    problems = []
    bounds = f"Số giải phải là số nguyên từ 0 đến {thousands(MAXIMUM_PRIZES)}."
    rows = [("", settings.prize_counts)]
    for group, counts in settings.group_prize_counts.items():
        if group not in {g.value for g in ParticipantGroup}:
            problems.append(("prize_nhat", "Nhóm đối tượng không hợp lệ."))
            continue
        rows.append((f"{group}_", counts))
    for prefix, counts in rows:
        if set(counts) - set(PRIZE_LABELS):
            problems.append((f"prize_{prefix}nhat", "Chỉ có Giải Nhất, Nhì, Ba, Khuyến khích."))
        for level in PRIZE_LABELS:
            n = counts.get(level, 0)
            if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= MAXIMUM_PRIZES:
                problems.append((f"prize_{prefix}{level}", bounds))
    seconds = settings.minimum_seconds_per_question
    if not isinstance(seconds, int) or isinstance(seconds, bool) or not 0 <= seconds <= 600:
        problems.append(("minimum_seconds_per_question", "Nhập số giây là số nguyên từ 0 đến 600."))
    minimum = settings.minimum_correct_for_prize
    if not isinstance(minimum, int) or minimum < 0:
        problems.append(("minimum_correct_for_prize", "Nhập một số nguyên không âm."))
    elif minimum > settings.question_count:
        problems.append(
            (
                "minimum_correct_for_prize",
                f"Số câu đúng tối thiểu để đạt giải ({thousands(minimum)}) không được lớn hơn "
                f"số câu hỏi mỗi lượt ({thousands(settings.question_count)} câu).",
            )
        )
    return problems


def check(settings: RoundSettings) -> None:
    """Refuse settings the active bank cannot fill, naming each shortfall and its field, and
    prize settings that cannot work."""
    if settings.closes_at <= settings.opens_at:
        raise SettingsRefused("closes_at", "Thời điểm đóng phải sau thời điểm mở.")
    problems = prize_problems(settings)
    if problems:
        raise SettingsRefused(*problems[0], problems[1:])
    topic_quotas = drawing.positive(settings.topic_quotas)
    difficulty_quotas = drawing.positive(settings.difficulty_quotas)
    unknown = set(difficulty_quotas) - set(DIFFICULTY_LABELS)
    if unknown:
        raise SettingsRefused("question_count", "Mức độ câu hỏi chỉ gồm Dễ, Trung bình, Khó.")
    cells = drawing.count_cells(active_cells(), topic_quotas, difficulty_quotas)
    found = drawing.shortfalls(cells, settings.question_count, topic_quotas, difficulty_quotas)
    if found:
        names = topic_names()
        first, *more = [shortfall_problem(shortfall, names) for shortfall in found]
        raise SettingsRefused(*first, more)
    problems = question_set_problems(settings)
    if problems:
        raise SettingsRefused(*problems[0], problems[1:])


def apply(round_: Round, settings: RoundSettings) -> None:
    round_.title = settings.title
    round_.opens_at = from_vietnam(settings.opens_at)
    round_.closes_at = from_vietnam(settings.closes_at)
    round_.question_count = settings.question_count
    round_.time_limit_seconds = settings.time_limit_minutes * 60
    round_.attempts_allowed = settings.attempts_allowed or None
    round_.counted_attempt = settings.counted_attempt
    round_.shuffle_options = settings.shuffle_options
    round_.reveal_answers = settings.reveal_answers
    round_.prediction_enabled = settings.prediction_enabled
    round_.is_practice = settings.is_practice
    round_.prediction_prompt = settings.prediction_prompt or None
    round_.prediction_target = settings.prediction_target
    round_.ranking_chain = list(settings.ranking_chain)
    round_.prize_counts = dict(settings.prize_counts)
    round_.topic_quotas = {str(t): n for t, n in settings.topic_quotas.items() if n}
    round_.difficulty_quotas = {str(d): n for d, n in settings.difficulty_quotas.items() if n}
    round_.one_attempt_per_day = settings.one_attempt_per_day
    round_.minimum_wait_minutes = settings.minimum_wait_minutes
    round_.group_prize_counts = {
        group: dict(counts) for group, counts in settings.group_prize_counts.items()
    }
    round_.minimum_correct_for_prize = settings.minimum_correct_for_prize
    round_.minimum_seconds_per_question = settings.minimum_seconds_per_question
    round_.question_sets = stored_question_sets(settings.question_sets)


def attempt_count(round_id: int | None) -> int:
    if round_id is None:
        return 0
    return db.session.execute(
        select(func.count()).select_from(Attempt).where(Attempt.round_id == round_id)
    ).scalar_one()


# What each setting does to attempts (module docstring).
FOR_NEW = "áp dụng cho lượt thi mới"
FOR_STARTS = "áp dụng cho lượt thi mới; lượt đang làm giữ hạn nộp bài đã có"
FOR_ALL = "áp dụng cho mọi lượt thi của vòng, kể cả lượt đã thi"


def _yes(value: bool) -> str:
    return "Có" if value else "Không"


def _minutes(value: int) -> str:
    return f"{thousands(value)} phút"


def _quotas(quotas: dict[int, int], names: dict) -> str:
    shown = [f"{names.get(key, key)}: {n}" for key, n in sorted(quotas.items()) if n]
    return ", ".join(shown) if shown else "không đặt"


def _chain(chain: list[str]) -> str:
    return "; ".join(STEP_WORDING.get(step, step) for step in chain) or "không có"


def _prizes(prizes: dict[str, int]) -> str:
    return ", ".join(f"{label} {prizes.get(level, 0)}" for level, label in PRIZE_LABELS.items())


def _own_prizes(prizes: dict[str, int] | None) -> str:
    return "theo số giải chung" if prizes is None else _prizes(prizes)


def _minimum(n: int) -> str:
    return f"{thousands(n)} câu" if n else "không đặt"


def _seconds_per_question(n: int) -> str:
    return f"{thousands(n)} giây" if n else "không kiểm tra"


def _question_set(stored: dict[str, list] | None, names: dict) -> str:
    """A group's set as people read it (the hand-picked ids counted, not listed)."""
    if not stored or not any(stored.values()):
        return "toàn bộ ngân hàng"
    parts = []
    if stored.get("topics"):
        parts.append("chủ đề " + ", ".join(str(names.get(t, t)) for t in stored["topics"]))
    if stored.get("difficulties"):
        levels = ", ".join(DIFFICULTY_LABELS.get(d, str(d)) for d in stored["difficulties"])
        parts.append(f"mức {levels}")
    if stored.get("sources"):
        parts.append("nguồn " + "; ".join(f"«{s}»" for s in stored["sources"]))
    if stored.get("question_ids"):
        parts.append(f"{thousands(len(stored['question_ids']))} câu chọn sẵn")
    return "; ".join(parts)


def question_set_changes(
    before: RoundSettings, after: RoundSettings, names: dict[int, str]
) -> list[Change]:
    """One line per group whose own question set differs: it applies to new attempts only."""
    changes = []
    old_sets = stored_question_sets(before.question_sets)
    new_sets = stored_question_sets(after.question_sets)
    for group in ParticipantGroup:
        old, new = old_sets.get(group.value), new_sets.get(group.value)
        if old != new:
            label = f"Bộ câu hỏi riêng cho nhóm «{GROUP_LABELS[group]}»"
            changes.append(
                Change(
                    "question_sets",
                    label,
                    _question_set(old, names),
                    _question_set(new, names),
                    FOR_NEW,
                )
            )
    return changes


def group_changes(before: RoundSettings, after: RoundSettings) -> list[Change]:
    """One line per group whose own prize counts differ (set, changed or back to the round's)."""
    changes = []
    for group in ParticipantGroup:
        old = before.group_prize_counts.get(group.value)
        new = after.group_prize_counts.get(group.value)
        if old != new:
            label = f"Số giải riêng của nhóm «{GROUP_LABELS[group]}»"
            changes.append(
                Change("group_prize_counts", label, _own_prizes(old), _own_prizes(new), FOR_ALL)
            )
    return changes


def differences(
    before: RoundSettings, after: RoundSettings, names: dict[int, str] | None = None
) -> list[Change]:
    """Every setting that differs, with its old and new value as people read them and whether
    it applies to new attempts only or to the whole round."""
    names = names or {}
    shown = [
        ("title", "Tên vòng thi", str, FOR_ALL),
        ("opens_at", "Mở lúc", format_vn_datetime, FOR_NEW),
        ("closes_at", "Đóng lúc", format_vn_datetime, FOR_STARTS),
        ("question_count", "Số câu hỏi mỗi lượt", lambda n: f"{thousands(n)} câu", FOR_NEW),
        ("topic_quotas", "Số câu theo chủ đề", lambda q: _quotas(q, names), FOR_NEW),
        (
            "difficulty_quotas",
            "Số câu theo mức độ",
            lambda q: _quotas(q, DIFFICULTY_LABELS),
            FOR_NEW,
        ),
        ("question_sets", None, None, FOR_NEW),
        ("time_limit_minutes", "Thời gian làm bài", _minutes, FOR_NEW),
        ("shuffle_options", "Đảo thứ tự phương án", _yes, FOR_NEW),
        (
            "attempts_allowed",
            "Số lượt được thi",
            lambda n: f"{thousands(n)} lượt" if n else "không giới hạn",
            FOR_NEW,
        ),
        ("one_attempt_per_day", "Mỗi ngày chỉ thi một lượt", _yes, FOR_NEW),
        ("minimum_wait_minutes", "Thời gian chờ giữa hai lượt", _minutes, FOR_NEW),
        (
            "counted_attempt",
            "Lượt được tính",
            lambda v: COUNTED_LABELS.get(v, v),
            FOR_ALL + ": kết quả của mọi người được tính lại",
        ),
        ("reveal_answers", "Hiển thị đáp án", lambda v: REVEAL_LABELS.get(v, v), FOR_ALL),
        ("prediction_enabled", "Có câu hỏi dự đoán", _yes, FOR_ALL),
        ("is_practice", "Vòng thi thử (không xếp hạng)", _yes, FOR_ALL),
        ("prediction_prompt", "Nội dung câu dự đoán", lambda v: v or "(trống)", FOR_ALL),
        ("prediction_target", "Câu dự đoán hỏi về", lambda v: TARGET_LABELS.get(v, v), FOR_ALL),
        (
            "ranking_chain",
            "Thứ tự xếp hạng",
            _chain,
            FOR_ALL + ": lượt được tính của mọi người được chọn lại",
        ),
        ("prize_counts", "Số giải chung", _prizes, FOR_ALL),
        ("group_prize_counts", None, None, FOR_ALL),
        ("minimum_correct_for_prize", "Số câu đúng tối thiểu để đạt giải", _minimum, FOR_ALL),
        (
            "minimum_seconds_per_question",
            "Thời gian làm bài tối thiểu mỗi câu",
            _seconds_per_question,
            FOR_ALL,
        ),
    ]
    changes = []
    for name, label, text, scope in shown:
        if name == "group_prize_counts":
            changes += group_changes(before, after)
            continue
        if name == "question_sets":
            changes += question_set_changes(before, after, names)
            continue
        old, new = getattr(before, name), getattr(after, name)
        if name in ("topic_quotas", "difficulty_quotas"):
            old, new = drawing.positive(old), drawing.positive(new)
        if name == "prediction_prompt":
            old, new = old or None, new or None
        if old != new:
            changes.append(Change(name, label, text(old), text(new), scope))
    return changes


def save_round(
    round_: Round,
    settings: RoundSettings,
    actor: Actor,
    *,
    confirmed: str | None = None,
) -> Round:
    """Check and save; commits and records "round.created" or "round.changed".

    A round with attempts is saved only with `confirmed`, the `marker` of the settings the
    organizer saw the changes against: without it, ConfirmationNeeded lists the changes; with
    a marker of other settings (someone saved in between), SettingsRefused. Attempts already
    started keep their questions, deadline and answers.
    """
    check(settings)
    is_new = round_.id is None
    if not is_new:
        # Whoever confirms last reads the settings as stored now, not as this session has them.
        db.session.execute(select(Round.id).where(Round.id == round_.id).with_for_update())
        db.session.refresh(round_)
    if round_.results_status == "published":
        raise SettingsRefused("title", "Kết quả vòng thi đã công bố: không sửa thiết lập được nữa.")
    before = None if is_new else settings_of(round_)
    changes = [] if is_new else differences(before, settings, topic_names())
    attempts = attempt_count(round_.id)
    if attempts and changes:
        if confirmed is None:
            raise ConfirmationNeeded(changes, marker(round_))
        if confirmed != marker(round_):
            raise SettingsRefused(
                "title",
                "Thiết lập vòng thi vừa được thay đổi sau khi bạn xem trang xác nhận. "
                "Vui lòng xem lại các thay đổi rồi xác nhận lần nữa.",
            )
    # Which attempt counts follows the policy and, under "best", the chain's order.
    counting_changed = not is_new and (
        round_.counted_attempt != settings.counted_attempt
        or list(round_.ranking_chain) != list(settings.ranking_chain)
    )
    apply(round_, settings)
    if is_new:
        # Numbered when saved: another organizer may have added a round since the form opened.
        round_.number = next_number(round_.contest_id)
    db.session.add(round_)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise SettingsRefused(
            "title", "Một vòng thi khác vừa được thêm cùng lúc. Vui lòng lưu lại."
        ) from None
    if is_new:
        record(actor, "round.created", "round", round_.id, {"after": plain(settings)})
    elif changes:
        old, new = plain(before), plain(settings)
        names = list(dict.fromkeys(change.name for change in changes))
        record(
            actor,
            "round.changed",
            "round",
            round_.id,
            {
                "before": {name: old[name] for name in names},
                "after": {name: new[name] for name in names},
                "attempts": attempts,
                "confirmed": bool(attempts),
                "changes": [change.line() for change in changes],
            },
        )
    db.session.commit()
    if counting_changed:
        # Entries keep their group and agency as they were; only the counted attempt moves.
        rechoose(round_)
    return round_


def close_early(round_: Round, actor: Actor, now: datetime) -> None:
    """Close an open round now: nobody starts another attempt; an attempt in progress keeps
    its deadline. Commits."""
    if not round_.opens_at <= now < round_.closes_at:
        raise RoundRefused("Chỉ đóng sớm được vòng thi đang mở.")
    before = round_.closes_at
    # The window must stay non-empty (closes_at > opens_at): a round opened this very instant
    # closes a second later.
    round_.closes_at = max(now.replace(microsecond=0), round_.opens_at + timedelta(seconds=1))
    record(
        actor,
        "round.closed_early",
        "round",
        round_.id,
        {
            "before": {"closes_at": format_vn_datetime(to_vietnam(before))},
            "after": {"closes_at": format_vn_datetime(to_vietnam(round_.closes_at))},
        },
    )
    db.session.commit()


def cancel(round_: Round, actor: Actor) -> None:
    """Delete a round nobody has started an attempt in. Commits."""
    if attempt_count(round_.id):
        raise RoundRefused(
            "Vòng thi đã có lượt thi: không hủy được. Có thể đóng sớm vòng thi thay vì hủy."
        )
    has_results = (
        db.session.execute(
            select(func.count()).select_from(RoundEntry).where(RoundEntry.round_id == round_.id)
        ).scalar_one()
        or db.session.execute(
            select(func.count())
            .select_from(ResultPublication)
            .where(ResultPublication.round_id == round_.id)
        ).scalar_one()
    )
    if has_results:
        raise RoundRefused("Vòng thi đã có kết quả: không hủy được.")
    record(
        actor,
        "round.cancelled",
        "round",
        round_.id,
        {
            "contest_id": round_.contest_id,
            "number": round_.number,
            "settings": plain(settings_of(round_)),
        },
    )
    db.session.delete(round_)
    db.session.commit()


def move(round_: Round, direction: int, actor: Actor) -> None:
    """Swap the round's number with the one before (-1) or after (+1) it. Commits."""
    if direction not in (-1, 1):
        raise RoundRefused("Hướng di chuyển không hợp lệ.")
    sibling_query = select(Round).where(Round.contest_id == round_.contest_id)
    if direction < 0:
        sibling_query = sibling_query.where(Round.number < round_.number).order_by(
            Round.number.desc()
        )
    else:
        sibling_query = sibling_query.where(Round.number > round_.number).order_by(Round.number)
    other = db.session.execute(sibling_query.limit(1)).scalar_one_or_none()
    if other is None:
        raise RoundRefused(
            "Vòng thi đã ở đầu danh sách." if direction < 0 else "Vòng thi đã ở cuối danh sách."
        )
    mine, theirs = round_.number, other.number
    # (contest_id, number) is unique: park one round on a number no round has, then swap.
    parked = (
        db.session.execute(
            select(func.max(Round.number)).where(Round.contest_id == round_.contest_id)
        ).scalar_one()
        + 1
    )
    rounds = Round.__table__.c
    db.session.execute(update(Round).where(rounds.id == round_.id).values(number=parked))
    db.session.execute(update(Round).where(rounds.id == other.id).values(number=mine))
    db.session.execute(update(Round).where(rounds.id == round_.id).values(number=theirs))
    record(
        actor,
        "round.moved",
        "round",
        round_.id,
        {"before": {"number": mine}, "after": {"number": theirs}, "swapped_with": other.id},
    )
    db.session.commit()
    db.session.expire_all()


def contest_rounds(contest_id: int) -> list[Round]:
    return list(
        db.session.execute(
            select(Round).where(Round.contest_id == contest_id).order_by(Round.number)
        ).scalars()
    )


def attempt_counts(contest_id: int) -> dict[int, int]:
    """Round id → attempts started in it, for the rounds list (cancel only without any)."""
    rows = db.session.execute(
        select(Attempt.round_id, func.count())
        .join(Round, Round.id == Attempt.round_id)
        .where(Round.contest_id == contest_id)
        .group_by(Attempt.round_id)
    )
    return dict(rows.all())


def next_number(contest_id: int) -> int:
    last = db.session.execute(
        select(func.max(Round.number)).where(Round.contest_id == contest_id)
    ).scalar_one()
    return (last or 0) + 1


def new_round(contest: Contest) -> Round:
    """A round to fill in, numbered after the last one, with the previous round's settings."""
    last = contest.rounds[-1] if contest.rounds else None
    number = (last.number + 1) if last else 1
    # contest_id, not the relationship: a form that fails must not leave a pending round behind.
    round_ = Round(contest_id=contest.id, number=number)
    settings = settings_of(last) if last else default_settings()
    settings.title = f"Tuần thi thứ {number}"
    if last is not None:
        span = last.closes_at - last.opens_at
        settings.opens_at = to_vietnam(last.closes_at)
        settings.closes_at = to_vietnam(last.closes_at + span)
    apply(round_, settings)
    return round_


def default_settings() -> RoundSettings:
    """A week from 08:00 next Monday (Vietnam time): the most common shape in published rules."""
    today = to_vietnam(utcnow()).date()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    opens = datetime.combine(monday, time(8, 0))
    return RoundSettings(
        title="Tuần thi thứ 1",
        opens_at=opens,
        closes_at=opens + timedelta(days=7),
        question_count=20,
        time_limit_minutes=20,
        attempts_allowed=1,
        # When time breaks ties, a script would win: a person needs a few seconds a question.
        minimum_seconds_per_question=2,
        counted_attempt="best",
        shuffle_options=True,
        reveal_answers="after_close",
        prediction_enabled=True,
        prediction_prompt="Theo bạn, vòng thi này sẽ có bao nhiêu người tham gia dự thi?",
        prediction_target="participants",
        ranking_chain=list(DEFAULT_CHAIN),
        prize_counts={"nhat": 1, "nhi": 2, "ba": 3, "kk": 10},
    )

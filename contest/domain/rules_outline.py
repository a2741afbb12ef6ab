"""The rules (thể lệ) generated from a contest's settings, so that they never contradict them.

`outline` takes plain values (no ORM rows: the caller names topics, difficulties and groups) and
returns sections of lines in the words of provincial rules. When every round shares a value it
is said once ("Mỗi lượt thi gồm 20 câu hỏi"); when rounds differ, it is said per round. Counts
are written with two digits, as rules are published ("04 tuần thi", "01 Giải Nhất").
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from contest.domain.clock import to_vietnam
from contest.domain.prizes import LABELS as PRIZE_LABELS
from contest.domain.prizes import LEVELS as PRIZE_LEVELS
from contest.domain.prizes import ONE_PRIZE_PER_PERSON_RULE
from contest.domain.ranking import PREDICTION, STEPS, describe_chain
from contest.domain.statistics import COLLECTIVE_MEASURES

COUNTED_WORDING = {
    "best": "lượt thi có kết quả tốt nhất theo các tiêu chí xếp hạng được tính",
    "first": "chỉ lượt thi đầu tiên được tính",
    "last": "lượt thi cuối cùng được tính",
}
# What the prediction question asks for (contest.models.PredictionTarget values).
PREDICTION_WORDING = {
    "participants": "số người dự thi",
    "perfect": "số người trả lời đúng tất cả các câu hỏi",
    "entries": "số lượt thi đã nộp",
}


@dataclass(frozen=True)
class RoundRules:
    """One round's settings as the rules need them; times are naive UTC."""

    number: int
    title: str
    opens_at: datetime
    closes_at: datetime
    question_count: int
    time_limit_seconds: int
    attempts_allowed: int | None  # None: unlimited
    counted_attempt: str = "best"
    # (topic name, count) and (difficulty name, count), in the order to print them.
    topic_quotas: tuple[tuple[str, int], ...] = ()
    difficulty_quotas: tuple[tuple[str, int], ...] = ()
    one_attempt_per_day: bool = False
    minimum_wait_minutes: int = 0
    prediction_enabled: bool = False
    prediction_prompt: str | None = None
    prediction_target: str = "participants"
    ranking_chain: tuple[str, ...] = ()
    # (level, count) for every group, unless `group_prizes` gives each group its own:
    # ((group label, ((level, count), ...)), ...).
    prize_counts: tuple[tuple[str, int], ...] = ()
    group_prizes: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = ()
    minimum_correct_for_prize: int = 0
    minimum_seconds_per_question: int = 0
    # Labels of the groups drawing from a question set of their own (not the whole bank).
    own_question_sets: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContestRules:
    rounds: tuple[RoundRules, ...]
    # Labels of the groups allowed to take part; empty: everyone.
    eligible_groups: tuple[str, ...] = ()
    several_prizes_per_person: bool = False
    collective_measure: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None


@dataclass(frozen=True)
class Line:
    """A sentence, with an optional list under it (one item per round, per step, ...)."""

    text: str
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    key: str  # participants, schedule, format, ranking, prizes
    title: str
    lines: tuple[Line, ...] = field(default_factory=tuple)


def count(n: int) -> str:
    """Two digits under ten, as rules print counts: 04, 10, 120."""
    return f"{int(n):02d}"


def vn_moment(moment: datetime) -> str:
    """dd/mm/yyyy HH:MM in Vietnam time, 24 hours."""
    return to_vietnam(moment).strftime("%d/%m/%Y %H:%M")


def duration_words(seconds: int) -> str:
    minutes, rest = divmod(int(seconds), 60)
    if not minutes:
        return f"{rest} giây"
    return f"{minutes} phút" + (f" {rest} giây" if rest else "")


def round_noun(titles: Sequence[str]) -> str:
    """What the contest calls its rounds, from their titles: tuần thi, đợt thi or vòng thi."""
    lowered = [title.strip().lower() for title in titles]
    for noun in ("tuần thi", "đợt thi", "vòng thi"):
        if lowered and all(title.startswith(noun) for title in lowered):
            return noun
    return "vòng thi"


def quota_words(quotas: Sequence[tuple[str, int]]) -> str:
    return ", ".join(f"{name} {count(n)} câu" for name, n in quotas)


def said_once_or_per_round(
    rounds: Sequence[RoundRules],
    value: Callable[[RoundRules], object],
    once: Callable[[object], str],
    heading: str,
    per_round: Callable[[object], str],
) -> list[Line]:
    """One line when every round shares the value, else a heading and one item per round."""
    values = [value(r) for r in rounds]
    if not values:
        return []
    if all(v == values[0] for v in values):
        return [Line(once(values[0]))]
    return [
        Line(
            heading,
            tuple(f"{r.title}: {per_round(v)}" for r, v in zip(rounds, values, strict=True)),
        )
    ]


def participants_section(rules: ContestRules) -> Section:
    if rules.eligible_groups:
        lines = [Line("Đối tượng dự thi:", tuple(rules.eligible_groups))]
    else:
        lines = [Line("Mọi người đều có thể đăng ký tài khoản và tham gia dự thi.")]
    return Section("participants", "Đối tượng dự thi", tuple(lines))


def schedule_section(rules: ContestRules, noun: str) -> Section:
    lines = []
    if rules.starts_on and rules.ends_on:
        lines.append(
            Line(
                f"Cuộc thi diễn ra từ ngày {rules.starts_on:%d/%m/%Y} "
                f"đến ngày {rules.ends_on:%d/%m/%Y}."
            )
        )
    if rules.rounds:
        items = tuple(
            f"{r.title}: từ {vn_moment(r.opens_at)} đến {vn_moment(r.closes_at)}"
            for r in rules.rounds
        )
        lines.append(Line(f"Cuộc thi gồm {count(len(rules.rounds))} {noun}:", items))
        lines.append(Line("Thời gian tính theo giờ Việt Nam (UTC+7), 24 giờ."))
    else:
        lines.append(Line("Lịch thi sẽ được Ban Tổ chức thông báo sau."))
    return Section("schedule", "Thời gian thi", tuple(lines))


def attempts_words(value: object, noun: str) -> str:
    allowed, counted = value
    if allowed == 1:
        return f"01 lượt thi trong mỗi {noun}"
    limit = "không giới hạn số lượt thi" if allowed is None else f"tối đa {count(allowed)} lượt thi"
    return f"{limit} trong mỗi {noun}; {COUNTED_WORDING.get(counted, COUNTED_WORDING['best'])}"


def prediction_words(value: object, noun: str) -> str:
    enabled, prompt, target = value
    if not enabled:
        return "không có câu hỏi dự đoán"
    asked = PREDICTION_WORDING.get(target, PREDICTION_WORDING["participants"])
    text = f"câu hỏi dự đoán {asked} của {noun}"
    return f"{text}: «{prompt.strip()}»" if prompt and prompt.strip() else text


def own_sets_words(groups: Sequence[str]) -> str:
    """Which groups draw from a question set of their own."""
    named = " và ".join(f"«{group}»" for group in groups)
    return (
        f"Câu hỏi của đối tượng {named} được rút từ bộ câu hỏi riêng của đối tượng đó "
        "do Ban Tổ chức chọn trong ngân hàng câu hỏi"
    )


def format_section(rules: ContestRules, noun: str) -> Section:
    rounds = rules.rounds
    lines = [
        Line(
            "Thi trắc nghiệm trực tuyến; câu hỏi của mỗi lượt thi được rút ngẫu nhiên "
            "từ ngân hàng câu hỏi."
        )
    ]
    lines += said_once_or_per_round(
        rounds,
        lambda r: r.question_count,
        lambda n: f"Mỗi lượt thi gồm {count(n)} câu hỏi.",
        "Số câu hỏi mỗi lượt thi:",
        lambda n: f"{count(n)} câu hỏi",
    )
    if any(r.topic_quotas for r in rounds):
        lines += said_once_or_per_round(
            rounds,
            lambda r: r.topic_quotas,
            lambda q: f"Số câu theo chủ đề: {quota_words(q)}.",
            "Số câu theo chủ đề:",
            lambda q: quota_words(q) or "không quy định",
        )
    if any(r.difficulty_quotas for r in rounds):
        lines += said_once_or_per_round(
            rounds,
            lambda r: r.difficulty_quotas,
            lambda q: f"Số câu theo mức độ: {quota_words(q)}.",
            "Số câu theo mức độ:",
            lambda q: quota_words(q) or "không quy định",
        )
    if any(r.own_question_sets for r in rounds):
        lines += said_once_or_per_round(
            rounds,
            lambda r: r.own_question_sets,
            lambda groups: f"{own_sets_words(groups)}.",
            "Bộ câu hỏi riêng theo đối tượng dự thi:",
            lambda groups: own_sets_words(groups) if groups else "mọi đối tượng chung ngân hàng",
        )
    lines += said_once_or_per_round(
        rounds,
        lambda r: r.time_limit_seconds,
        lambda s: (
            f"Thời gian làm bài mỗi lượt thi: {duration_words(s)}, tính theo đồng hồ máy chủ."
        ),
        "Thời gian làm bài mỗi lượt thi:",
        duration_words,
    )
    lines += said_once_or_per_round(
        rounds,
        lambda r: (r.attempts_allowed, r.counted_attempt if r.attempts_allowed != 1 else None),
        lambda v: f"Mỗi người được thi {attempts_words(v, noun)}.",
        "Số lượt thi của mỗi người:",
        lambda v: attempts_words(v, noun),
    )
    if any(r.one_attempt_per_day for r in rounds):
        lines += said_once_or_per_round(
            rounds,
            lambda r: r.one_attempt_per_day,
            lambda _v: "Mỗi ngày chỉ được thi 01 lượt (ngày tính theo giờ Việt Nam).",
            "Số lượt thi mỗi ngày (ngày tính theo giờ Việt Nam):",
            lambda v: "01 lượt" if v else "không giới hạn",
        )
    if any(r.minimum_wait_minutes for r in rounds):
        lines += said_once_or_per_round(
            rounds,
            lambda r: r.minimum_wait_minutes,
            lambda m: (
                f"Hai lượt thi liên tiếp của một người cách nhau ít nhất {duration_words(m * 60)}."
            ),
            "Thời gian chờ tối thiểu giữa hai lượt thi:",
            lambda m: duration_words(m * 60) if m else "không quy định",
        )
    if any(r.prediction_enabled for r in rounds):
        lines += said_once_or_per_round(
            rounds,
            lambda r: (r.prediction_enabled, r.prediction_prompt, r.prediction_target),
            lambda v: (
                f"Ngoài các câu trắc nghiệm, mỗi lượt thi có {prediction_words(v, noun)}; "
                f"đáp án là con số thực tế khi {noun} kết thúc."
            ),
            "Câu hỏi dự đoán (đáp án là con số thực tế khi kết thúc):",
            lambda v: prediction_words(v, noun),
        )
    return Section("format", "Hình thức thi", tuple(lines))


def ranking_section(rules: ContestRules, noun: str) -> Section:
    chains = [tuple(describe_chain(shown_steps(r))) for r in rules.rounds]
    if not chains:
        return Section("ranking", "Cách xếp hạng")
    if all(chain == chains[0] for chain in chains):
        scope = f", áp dụng cho mọi {noun}" if len(chains) > 1 else ""
        lines = [Line(f"Xếp hạng theo thứ tự các tiêu chí{scope}:", chains[0])]
    else:
        lines = [Line(f"{r.title}:", chain) for r, chain in zip(rules.rounds, chains, strict=True)]
    return Section("ranking", "Cách xếp hạng", tuple(lines))


def shown_steps(round_) -> list[str]:
    """The steps the rules print for a round: without a prediction question every entry ties
    on the prediction step, so printing it would promise a tie-break that cannot happen."""
    steps = known_steps(round_.ranking_chain)
    if not round_.prediction_enabled:
        steps = [step for step in steps if step != PREDICTION]
    return steps


def known_steps(chain: Sequence[str]) -> list[str]:
    """The chain's known steps, each once: stored chains are checked, but a page never fails."""
    kept: list[str] = []
    for step in chain:
        if step in STEPS and step not in kept:
            kept.append(step)
    return kept


def prize_words(counts: tuple[tuple[str, int], ...]) -> str:
    given = dict(counts)
    parts = [
        f"{count(given[level])} {PRIZE_LABELS[level]}"
        for level in PRIZE_LEVELS
        if given.get(level, 0) > 0
    ]
    return ", ".join(parts) if parts else "không trao giải cá nhân"


def given_prizes(counts: tuple[tuple[str, int], ...]) -> tuple[tuple[str, int], ...]:
    return tuple((level, n) for level, n in counts if n > 0)


def round_prizes(r: RoundRules) -> tuple:
    """What a round awards: per group when groups have their own counts, else one list."""
    if r.group_prizes:
        return tuple((label, given_prizes(counts)) for label, counts in r.group_prizes)
    return given_prizes(r.prize_counts)


def by_group(prizes: tuple) -> bool:
    return bool(prizes) and isinstance(prizes[0][1], tuple)


def round_prize_words(prizes: tuple) -> str:
    if by_group(prizes):
        return "; ".join(f"{label}: {prize_words(counts)}" for label, counts in prizes)
    return prize_words(prizes)


def prizes_section(rules: ContestRules, noun: str) -> Section:
    per_group = " cho mỗi đối tượng dự thi" if len(rules.eligible_groups) != 1 else ""
    values = [round_prizes(r) for r in rules.rounds]
    lines: list[Line] = []
    if values and all(v == values[0] for v in values):
        if by_group(values[0]):
            items = tuple(f"{label}: {prize_words(counts)}" for label, counts in values[0])
            lines.append(Line(f"Giải cá nhân mỗi {noun}:", items))
        else:
            lines.append(Line(f"Giải cá nhân mỗi {noun}{per_group}: {prize_words(values[0])}."))
    elif values:
        heading = (
            "Giải cá nhân:" if any(by_group(v) for v in values) else f"Giải cá nhân{per_group}:"
        )
        items = tuple(
            f"{r.title}: {round_prize_words(v)}" for r, v in zip(rules.rounds, values, strict=True)
        )
        lines.append(Line(heading, items))
    if any(r.minimum_correct_for_prize for r in rules.rounds):
        lines += said_once_or_per_round(
            rules.rounds,
            lambda r: r.minimum_correct_for_prize,
            lambda n: f"Chỉ xét giải cho bài thi có từ {count(n)} câu trả lời đúng trở lên.",
            "Số câu trả lời đúng tối thiểu để được xét giải:",
            lambda n: f"{count(n)} câu" if n else "không quy định",
        )
    if any(r.minimum_seconds_per_question for r in rules.rounds):
        lines += said_once_or_per_round(
            rules.rounds,
            lambda r: r.minimum_seconds_per_question,
            lambda n: (
                f"Bài thi có thời gian làm bài trung bình dưới {count(n)} giây mỗi câu, hoặc "
                "có mọi câu trả lời được lưu ngay khi mở bài, chỉ được xét giải sau khi Ban "
                "Giám khảo xem xét và xác nhận hợp lệ."
            ),
            "Thời gian làm bài tối thiểu mỗi câu để được xét giải ngay:",
            lambda n: f"{count(n)} giây" if n else "không quy định",
        )
    if rules.several_prizes_per_person:
        if len(rules.rounds) > 1:
            lines.append(Line(f"Một người có thể đạt giải ở nhiều {noun}."))
    else:
        # Word for word the rule the contest's prize decision applies and prints.
        lines.append(Line(ONE_PRIZE_PER_PERSON_RULE))
    measure = COLLECTIVE_MEASURES.get(rules.collective_measure or "")
    if measure:
        lines.append(
            Line(
                f"Giải tập thể xét cho các cơ quan, đơn vị theo: {measure[0].lower()}{measure[1:]}."
            )
        )
    return Section("prizes", "Giải thưởng", tuple(lines))


def outline(rules: ContestRules) -> tuple[Section, ...]:
    """The generated parts of the rules, in the order they are published."""
    ordered = ContestRules(
        rounds=tuple(sorted(rules.rounds, key=lambda r: r.number)),
        eligible_groups=rules.eligible_groups,
        several_prizes_per_person=rules.several_prizes_per_person,
        collective_measure=rules.collective_measure,
        starts_on=rules.starts_on,
        ends_on=rules.ends_on,
    )
    noun = round_noun([r.title for r in ordered.rounds])
    return (
        participants_section(ordered),
        schedule_section(ordered, noun),
        format_section(ordered, noun),
        ranking_section(ordered, noun),
        prizes_section(ordered, noun),
    )

"""Organizers set up rounds; changing which attempt counts rebuilds the round's entries."""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from contest.domain.clock import from_vietnam, to_vietnam, utcnow
from contest.domain.ranking import DEFAULT_CHAIN
from contest.extensions import db
from contest.models import Contest, Question, Round, Topic
from contest.results.entries import rebuild_entries


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


class SettingsRefused(Exception):
    """The settings cannot work; `field` names the form field, `message` is Vietnamese."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message


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
    )


def active_counts_by_topic() -> dict[int | None, int]:
    rows = db.session.execute(
        select(Question.topic_id, func.count())
        .where(Question.active.is_(True))
        .group_by(Question.topic_id)
    )
    return dict(rows.all())


def topics() -> list[Topic]:
    return db.session.execute(select(Topic).order_by(Topic.name)).scalars().all()


def check(settings: RoundSettings) -> None:
    counts = active_counts_by_topic()
    if settings.question_count > sum(counts.values()):
        raise SettingsRefused(
            "question_count",
            f"Ngân hàng chỉ có {sum(counts.values())} câu hỏi đang dùng, ít hơn số câu mỗi lượt.",
        )
    quotas = {t: n for t, n in settings.topic_quotas.items() if n}
    if sum(quotas.values()) > settings.question_count:
        raise SettingsRefused("question_count", "Tổng số câu theo chủ đề vượt quá số câu mỗi lượt.")
    for topic_id, wanted in quotas.items():
        if counts.get(topic_id, 0) < wanted:
            raise SettingsRefused(
                f"quota_{topic_id}",
                f"Chủ đề này chỉ có {counts.get(topic_id, 0)} câu hỏi đang dùng.",
            )


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
    round_.prediction_prompt = settings.prediction_prompt or None
    round_.prediction_target = settings.prediction_target
    round_.ranking_chain = list(settings.ranking_chain)
    round_.prize_counts = dict(settings.prize_counts)
    round_.topic_quotas = {str(t): n for t, n in settings.topic_quotas.items() if n}


def save_round(round_: Round, settings: RoundSettings) -> Round:
    """Check and save. Attempts already started keep their questions, deadline and answers."""
    check(settings)
    if round_.results_status == "published":
        raise SettingsRefused("title", "Kết quả vòng thi đã công bố: không sửa thiết lập được nữa.")
    counting_changed = round_.id is not None and round_.counted_attempt != settings.counted_attempt
    apply(round_, settings)
    db.session.add(round_)
    db.session.commit()
    if counting_changed:
        rebuild_entries(round_.id)
    return round_


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
        counted_attempt="best",
        shuffle_options=True,
        reveal_answers="after_close",
        prediction_enabled=True,
        prediction_prompt="Theo bạn, vòng thi này sẽ có bao nhiêu người tham gia dự thi?",
        prediction_target="participants",
        ranking_chain=list(DEFAULT_CHAIN),
        prize_counts={"nhat": 1, "nhi": 2, "ba": 3, "kk": 10},
    )

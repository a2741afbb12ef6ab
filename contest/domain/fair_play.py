"""Fair play: which entries are too fast to be a person, and so wait for a judge before prizes.

When time decides ties among perfect papers, a script that hands in all the right answers in
34 ms would win. A round sets a minimum plausible time per question; an entry faster than it
on average, or whose answers were all saved within moments of the page being served (a person
reads before the first tap), is *flagged*: still ranked, shown to the judges in a review queue,
but held out of the prize zone (its place passes on as an ineligible person's does) until a
judge clears it (a person, say, who knew every answer) or voids it.
"""

from enum import StrEnum

# Every answer saved this soon after the attempt began: nobody reads a question that fast.
ALL_ANSWERS_AT_ONCE_MS = 500
MAX_SECONDS_PER_QUESTION = 600


class Flag(StrEnum):
    TOO_FAST = "too_fast"
    ANSWERS_AT_ONCE = "answers_at_once"


LABELS = {
    Flag.TOO_FAST: "Làm bài nhanh hơn mức tối thiểu",
    Flag.ANSWERS_AT_ONCE: "Mọi câu trả lời được lưu ngay khi mở bài",
}


def minimum_duration_ms(seconds_per_question: int, question_count: int) -> int:
    return seconds_per_question * question_count * 1000


def flag(
    *,
    duration_ms: int,
    question_count: int,
    last_answer_ms: int | None,
    seconds_per_question: int,
) -> Flag | None:
    """Why an entry is held for review, or None. `seconds_per_question` 0 turns the check
    off; `last_answer_ms` is None when no answer was saved (an empty paper wins nothing)."""
    if seconds_per_question <= 0:
        return None
    if duration_ms < minimum_duration_ms(seconds_per_question, question_count):
        return Flag.TOO_FAST
    if last_answer_ms is not None and last_answer_ms < ALL_ANSWERS_AT_ONCE_MS:
        return Flag.ANSWERS_AT_ONCE
    return None


def held(flagged: Flag | None, attempt_id: int, cleared_attempt_id: int | None) -> bool:
    """A flagged entry waits for a judge unless this very attempt was cleared."""
    return flagged is not None and cleared_attempt_id != attempt_id

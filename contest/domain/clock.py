"""Time helpers. Everything is stored as naive UTC; Vietnam time (UTC+7) is for display only."""

from datetime import UTC, datetime, timedelta

VIETNAM_OFFSET = timedelta(hours=7)


def utcnow() -> datetime:
    """The current time as naive UTC, the only form stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_vietnam(moment: datetime) -> datetime:
    """Naive UTC to naive Vietnam local time (UTC+7, no daylight saving)."""
    return moment + VIETNAM_OFFSET


def from_vietnam(moment: datetime) -> datetime:
    """Naive Vietnam local time to naive UTC."""
    return moment - VIETNAM_OFFSET

"""Writing and reading the audit log (who did what to which object, from where).

`record` adds a line to the caller's transaction, so that the action and its trace are saved
together or not at all. Nothing here changes or removes a line: the table refuses it anyway.
"""

from dataclasses import dataclass

from sqlalchemy import select

from contest.extensions import db
from contest.models import AuditEvent


@dataclass(frozen=True)
class Actor:
    """Who acts and from which address: a staff account in the browser, or the command line."""

    user_id: int | None
    address: str | None = None


COMMAND_LINE = Actor(user_id=None, address="cli")


def record(
    actor: Actor,
    action: str,
    object_type: str | None = None,
    object_id: int | None = None,
    details: dict | None = None,
) -> AuditEvent:
    """Add one line to the current transaction; the caller commits."""
    event = AuditEvent(
        actor_id=actor.user_id,
        address=actor.address,
        action=action,
        object_type=object_type,
        object_id=object_id,
        details=details or {},
    )
    db.session.add(event)
    return event


def events_for(object_type: str, object_id: int, limit: int = 200) -> list[AuditEvent]:
    """The latest lines about one object, newest first."""
    return list(
        db.session.execute(
            select(AuditEvent)
            .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
            .order_by(AuditEvent.id.desc())
            .limit(limit)
        ).scalars()
    )

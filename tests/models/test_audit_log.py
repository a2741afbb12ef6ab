"""The audit log is append-only in the database itself, not only by convention."""

import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import DatabaseError

from contest.extensions import db
from contest.models import AuditEvent


def test_a_written_line_can_be_neither_changed_nor_removed(app):
    with app.app_context():
        db.session.add(AuditEvent(action="contest.created", object_type="contest", object_id=1))
        db.session.commit()
        for statement in (
            update(AuditEvent).values(action="contest.hidden"),
            delete(AuditEvent),
        ):
            with pytest.raises(DatabaseError):
                db.session.execute(statement)
                db.session.flush()
            db.session.rollback()
        assert [e.action for e in db.session.query(AuditEvent)] == ["contest.created"]

"""Results seal: what a published export shows, frozen in its snapshot (issue 15)

Revision ID: a8c3e5f7b9d1
Revises: f7a2c9d4e1b8
Create Date: 2026-12-07 14:30:00

Publications made before this revision keep their seal (method 1: database ids and
microseconds, checked against the stored snapshot); their snapshot lines are filled in here
from the live rows as they are now (an erased person's personal fields stay empty), so that
every published export reads its snapshot only from now on.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a8c3e5f7b9d1"
down_revision = "f7a2c9d4e1b8"
branch_labels = None
depends_on = None

NEW_COLUMNS = (
    ("full_name", sa.String(length=120)),
    ("date_of_birth", sa.Date()),
    ("phone", sa.String(length=15)),
    ("national_id", sa.String(length=12)),
    ("prize_eligible", sa.Boolean()),
    ("agency_code", sa.String(length=40)),
    ("agency_name", sa.String(length=255)),
    ("agency_parent_code", sa.String(length=40)),
    ("attempt_number", sa.Integer()),
    ("question_count", sa.Integer()),
    ("line_digest", sa.String(length=64)),
    ("receipt", sa.String(length=12)),
)


def upgrade():
    with op.batch_alter_table("result_publication", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("seal_version", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(sa.Column("seal_header", sa.Text(), nullable=True))

    with op.batch_alter_table("snapshot_row", schema=None) as batch_op:
        for name, type_ in NEW_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
        batch_op.create_index("ix_snapshot_row_receipt", ["receipt"], unique=False)

    fill_old_lines()


def fill_old_lines():
    """The frozen fields of lines published before this revision, from the live rows."""
    snapshot = sa.table(
        "snapshot_row",
        sa.column("user_id"),
        sa.column("attempt_id"),
        sa.column("agency_id"),
        *(sa.column(name) for name, _type in NEW_COLUMNS),
    )
    user = sa.table(
        "user",
        sa.column("id"),
        sa.column("full_name"),
        sa.column("date_of_birth"),
        sa.column("phone"),
        sa.column("national_id"),
        sa.column("prize_eligible"),
        sa.column("erased_at"),
    )
    attempt = sa.table("attempt", sa.column("id"), sa.column("number"), sa.column("question_count"))
    agency = sa.table(
        "agency", sa.column("id"), sa.column("code"), sa.column("name"), sa.column("parent_id")
    )
    parent = agency.alias("parent")

    def of_user(column, kept_after_erasure=False):
        query = sa.select(user.c[column]).where(user.c.id == snapshot.c.user_id)
        if not kept_after_erasure:
            query = query.where(user.c.erased_at.is_(None))
        return query.scalar_subquery()

    def of_attempt(column):
        return (
            sa.select(attempt.c[column]).where(attempt.c.id == snapshot.c.attempt_id)
        ).scalar_subquery()

    def of_agency(column):
        return (
            sa.select(agency.c[column]).where(agency.c.id == snapshot.c.agency_id)
        ).scalar_subquery()

    parent_code = (
        sa.select(parent.c.code)
        .select_from(agency.join(parent, parent.c.id == agency.c.parent_id))
        .where(agency.c.id == snapshot.c.agency_id)
    ).scalar_subquery()
    op.execute(
        snapshot.update().values(
            full_name=of_user("full_name"),
            date_of_birth=of_user("date_of_birth"),
            phone=of_user("phone"),
            national_id=of_user("national_id"),
            prize_eligible=of_user("prize_eligible", kept_after_erasure=True),
            agency_code=of_agency("code"),
            agency_name=of_agency("name"),
            agency_parent_code=parent_code,
            attempt_number=of_attempt("number"),
            question_count=of_attempt("question_count"),
        )
    )


def downgrade():
    with op.batch_alter_table("snapshot_row", schema=None) as batch_op:
        batch_op.drop_index("ix_snapshot_row_receipt")
        for name, _type in reversed(NEW_COLUMNS):
            batch_op.drop_column(name)

    with op.batch_alter_table("result_publication", schema=None) as batch_op:
        batch_op.drop_column("seal_header")
        batch_op.drop_column("seal_version")

"""People and integrity: focal-point accounts, disabled and erased accounts, reasons for
ineligibility, voided entries, staff rosters, practice rounds, personal-data retention

Revision ID: f7a2c9d4e1b8
Revises: e6c9f4a1b3d7
Create Date: 2026-12-04 23:08:42.800940

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f7a2c9d4e1b8"
down_revision = "e6c9f4a1b3d7"
branch_labels = None
depends_on = None

OLD_ROLES = "('participant', 'organizer', 'judge')"
ROLES = "('participant', 'organizer', 'judge', 'focal_point')"


def upgrade():
    op.create_table(
        "roster_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=15), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_roster_member_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_member")),
    )
    with op.batch_alter_table("roster_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_roster_member_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_roster_member_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_roster_member_phone"), ["phone"], unique=False)

    with op.batch_alter_table("contest", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retention_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("personal_data_purged_at", sa.DateTime(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_contest_retention_days"),
            sa.text("retention_days IS NULL OR retention_days BETWEEN 1 AND 3650"),
        )

    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_practice", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table("round_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("voided_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("void_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("voided_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_round_entry_voided_by_id_user"), "user", ["voided_by_id"], ["id"]
        )

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ineligible_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("disabled_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("name_key", sa.String(length=120), server_default="", nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_user_name_key"), ["name_key"], unique=False)
        batch_op.drop_constraint(op.f("ck_user_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_user_role"), sa.text(f"role IN {ROLES}"))

    backfill_name_keys()


def backfill_name_keys():
    """Fold every existing name as the model does (`User.name_key`)."""
    from contest.text import fold

    user = sa.table("user", sa.column("id", sa.Integer), sa.column("full_name", sa.String),
                    sa.column("name_key", sa.String))  # fmt: skip
    connection = op.get_bind()
    rows = connection.execute(sa.select(user.c.id, user.c.full_name)).all()
    for row in rows:
        connection.execute(
            user.update().where(user.c.id == row.id).values(name_key=fold(row.full_name)[:120])
        )


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_user_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_user_role"), sa.text(f"role IN {OLD_ROLES}"))
        batch_op.drop_index(batch_op.f("ix_user_name_key"))
        batch_op.drop_column("name_key")
        batch_op.drop_column("erased_at")
        batch_op.drop_column("disabled_at")
        batch_op.drop_column("ineligible_reason")

    with op.batch_alter_table("round_entry", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_round_entry_voided_by_id_user"), type_="foreignkey")
        batch_op.drop_column("voided_by_id")
        batch_op.drop_column("void_reason")
        batch_op.drop_column("voided_at")

    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.drop_column("is_practice")

    with op.batch_alter_table("contest", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_contest_retention_days"), type_="check")
        batch_op.drop_column("personal_data_purged_at")
        batch_op.drop_column("retention_days")

    with op.batch_alter_table("roster_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roster_member_phone"))
        batch_op.drop_index(batch_op.f("ix_roster_member_email"))
        batch_op.drop_index(batch_op.f("ix_roster_member_agency_id"))

    op.drop_table("roster_member")

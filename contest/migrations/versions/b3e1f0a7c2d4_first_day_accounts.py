"""Accounts for the first day: blank optional fields are NULL, session versions, temporary
passwords, and the history of profile corrections

Revision ID: b3e1f0a7c2d4
Revises: 7d2f4c1b9e30
Create Date: 2026-12-03 14:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b3e1f0a7c2d4"
down_revision = "7d2f4c1b9e30"
branch_labels = None
depends_on = None

# Optional columns that are unique when given: "" in two rows made the second registration fail.
OPTIONAL_UNIQUE = ("phone", "email", "national_id")
BLANKABLE = (*OPTIONAL_UNIQUE, "address", "gender")


def upgrade():
    user = sa.table("user", *(sa.column(name, sa.String) for name in BLANKABLE))
    for name in BLANKABLE:
        column = user.c[name]
        op.execute(user.update().where(sa.func.trim(column) == "").values({name: None}))
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        for name in OPTIONAL_UNIQUE:
            batch_op.create_check_constraint(
                op.f(f"ck_user_{name}_not_blank"), sa.text(f"{name} IS NULL OR trim({name}) <> ''")
            )

    op.create_table(
        "profile_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["user.id"], name=op.f("fk_profile_change_changed_by_id_user")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_profile_change_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profile_change")),
    )
    with op.batch_alter_table("profile_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_profile_change_changed_at"), ["changed_at"])
        batch_op.create_index(batch_op.f("ix_profile_change_user_id"), ["user_id"])


def downgrade():
    with op.batch_alter_table("profile_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_profile_change_user_id"))
        batch_op.drop_index(batch_op.f("ix_profile_change_changed_at"))
    op.drop_table("profile_change")
    with op.batch_alter_table("user", schema=None) as batch_op:
        for name in OPTIONAL_UNIQUE:
            batch_op.drop_constraint(op.f(f"ck_user_{name}_not_blank"), type_="check")
        batch_op.drop_column("must_change_password")
        batch_op.drop_column("session_version")

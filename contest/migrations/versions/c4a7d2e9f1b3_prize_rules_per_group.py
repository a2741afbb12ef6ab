"""Prize rules per group: each group's own prize counts, a minimum of correct answers for any
prize, and why an entry's attempt counts

Revision ID: c4a7d2e9f1b3
Revises: 1533c92c963b
Create Date: 2026-12-04 20:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c4a7d2e9f1b3"
down_revision = "1533c92c963b"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("group_prize_counts", sa.JSON(), server_default="{}", nullable=False)
        )
        batch_op.add_column(
            sa.Column("minimum_correct_for_prize", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_round_minimum_correct_for_prize"), sa.text("minimum_correct_for_prize >= 0")
        )
    with op.batch_alter_table("round_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("counted_reason", sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table("round_entry", schema=None) as batch_op:
        batch_op.drop_column("counted_reason")
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_round_minimum_correct_for_prize"), type_="check")
        batch_op.drop_column("minimum_correct_for_prize")
        batch_op.drop_column("group_prize_counts")

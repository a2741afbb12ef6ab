"""Fair play: a round's minimum plausible time per question, when each entry's last answer was
saved, and a judge's clearance of a flagged entry

Revision ID: d1f6b8c0e2a4
Revises: c0e5a7b9d1f3
Create Date: 2026-12-07 15:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d1f6b8c0e2a4"
down_revision = "c0e5a7b9d1f3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("minimum_seconds_per_question", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_round_minimum_seconds_per_question"),
            sa.text("minimum_seconds_per_question >= 0 AND minimum_seconds_per_question <= 600"),
        )
    with op.batch_alter_table("round_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_answer_ms", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("cleared_attempt_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("cleared_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("cleared_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("clear_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_round_entry_cleared_attempt_id_attempt"), "attempt", ["cleared_attempt_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_round_entry_cleared_by_id_user"), "user", ["cleared_by_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("round_entry", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_round_entry_cleared_by_id_user"), type_="foreignkey")
        batch_op.drop_constraint(
            batch_op.f("fk_round_entry_cleared_attempt_id_attempt"), type_="foreignkey"
        )
        batch_op.drop_column("clear_reason")
        batch_op.drop_column("cleared_by_id")
        batch_op.drop_column("cleared_at")
        batch_op.drop_column("cleared_attempt_id")
        batch_op.drop_column("last_answer_ms")
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_round_minimum_seconds_per_question"), type_="check")
        batch_op.drop_column("minimum_seconds_per_question")

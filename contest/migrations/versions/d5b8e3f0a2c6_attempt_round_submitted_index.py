"""An index on attempts by round and hand-in time, for the live dashboard's counts

Revision ID: d5b8e3f0a2c6
Revises: c4a7d2e9f1b3
Create Date: 2026-12-04 20:55:00

"""

from alembic import op

revision = "d5b8e3f0a2c6"
down_revision = "c4a7d2e9f1b3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.create_index("ix_attempt_round_submitted", ["round_id", "submitted_at"])


def downgrade():
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_attempt_round_submitted")

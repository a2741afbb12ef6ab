"""attempt_item.saves: the answer save's per-question cap, counted in the row it writes

Revision ID: 7d2f4c1b9e30
Revises: 60cb8e884edc
Create Date: 2026-11-23 20:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "7d2f4c1b9e30"
down_revision = "60cb8e884edc"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attempt_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("saves", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("attempt_item", schema=None) as batch_op:
        batch_op.drop_column("saves")

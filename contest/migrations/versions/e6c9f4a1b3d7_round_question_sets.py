"""Separate question sets per participant group: a filter over the bank for each group

Revision ID: e6c9f4a1b3d7
Revises: d5b8e3f0a2c6
Create Date: 2026-12-04 21:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "e6c9f4a1b3d7"
down_revision = "d5b8e3f0a2c6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("question_sets", sa.JSON(), server_default="{}", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.drop_column("question_sets")

"""Bank uploads: the parsed result kept with the upload, parsed once (issue 16)

Revision ID: c0e5a7b9d1f3
Revises: b9d4f6a8c0e2
Create Date: 2026-12-07 14:30:00

The dry run's findings (counts, errors, warnings, counts per topic and difficulty) are kept in
`bank_upload.report`, so the result page reads them instead of parsing the file again on
every view. NULL for uploads made before: the page parses those once and keeps the result.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c0e5a7b9d1f3"
down_revision = "b9d4f6a8c0e2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("bank_upload") as batch:
        batch.add_column(sa.Column("report", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("bank_upload") as batch:
        batch.drop_column("report")

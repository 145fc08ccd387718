"""jobs: the open ones newest first straight from an index

The job search lists open jobs by id, newest first, and stops at a page: an
index on (status, id) gives them in that order, where the one on (status,
created_at, id) made the database read every open job and sort them.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-09 10:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("job_posting", schema=None) as batch_op:
        batch_op.drop_index("ix_job_posting_status_created")
        batch_op.create_index("ix_job_posting_status_id", ["status", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("job_posting", schema=None) as batch_op:
        batch_op.drop_index("ix_job_posting_status_id")
        batch_op.create_index(
            "ix_job_posting_status_created", ["status", "created_at", "id"], unique=False
        )

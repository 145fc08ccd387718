"""ties: the active ones indexed from either end with what visibility reads

"Is one of this person's ties with one of these people?" (the second degree
counted on a job, among others) read each tie row on PostgreSQL, only to find
out whether it had ended: about a hundred rows scattered over the table for
each person, 110 ms for the 200 people working at a search page's twenty
organisations on the 10,000-member platform with 1 M connections. Two partial
indexes of the active ties, (person_a_id, person_b_id, source, asserted_by) and
the same from the other end, answer it from the index alone.

Building them blocks writes to ``tie`` (not reads) while each is built: a few
seconds per million tie rows (docs/platform.md).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-11 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_tie_a_active": ["person_a_id", "person_b_id", "source", "asserted_by"],
    "ix_tie_b_active": ["person_b_id", "person_a_id", "source", "asserted_by"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(
            name,
            "tie",
            columns,
            unique=False,
            sqlite_where=sa.text("ended_at IS NULL"),
            postgresql_where=sa.text("ended_at IS NULL"),
        )


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="tie")

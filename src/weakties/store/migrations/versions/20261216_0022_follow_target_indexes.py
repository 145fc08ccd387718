"""follow: indexed by the organisation or the person followed

An organisation's page counts and names its followers, a profile its member's:
with only the unique indexes (member_id, organization_id) and (member_id,
person_id), each of the two statements read every follow of the platform (on the
10,000-member platform's SQLite, 1.35 ms each for an organisation). Two partial
indexes, (organization_id, active, member_id) and (person_id, active, member_id),
answer them from the followed one's own rows.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-16 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_follow_org": "organization_id",
    "ix_follow_person": "person_id",
}


def upgrade() -> None:
    for name, column in INDEXES.items():
        op.create_index(
            name,
            "follow",
            [column, "active", "member_id"],
            unique=False,
            sqlite_where=sa.text(f"{column} IS NOT NULL"),
            postgresql_where=sa.text(f"{column} IS NOT NULL"),
        )


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="follow")

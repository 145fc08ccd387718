"""change counters: what server processes read to know whether what they keep in
memory is still current

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "change_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("graph", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("traces", sa.BigInteger(), nullable=False, server_default="0"),
        sa.CheckConstraint("id = 1", name=op.f("ck_change_counter_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_counter")),
    )
    op.bulk_insert(table, [{"id": 1, "graph": 0, "traces": 0}])


def downgrade() -> None:
    op.drop_table("change_counter")

"""identity statements: every member whose data states an e-mail, a phone or an identifier

An identity (kind, value) is stored once, for one person, with the member whose
import stated it first (``asserted_by``). Whether a viewer may see it depends on
whose data states it, and a second member's import stating the same address
for the same person left no trace: that member did not see the address their
own export lists, could not find the person by it, and lost it when the first
member deleted their account. ``identity_statement`` holds one row per member
and identity (unique by its natural key, so that re-importing adds nothing), the
first stater included; existing identities get their ``asserted_by`` row.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-12 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_statement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=320), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "value", "member_id"),
    )
    op.create_index(
        "ix_identity_statement_member_id", "identity_statement", ["member_id"], unique=False
    )
    op.execute(
        "INSERT INTO identity_statement (kind, value, member_id) "
        "SELECT kind, value, asserted_by FROM identity WHERE asserted_by IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_index("ix_identity_statement_member_id", table_name="identity_statement")
    op.drop_table("identity_statement")

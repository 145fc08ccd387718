"""organisation pages: about text, website, and the members who edit them

A company's or a school's page showed an about text only for platform groups:
nothing stored one for the others. ``organization`` gains ``about`` and
``website`` (``industry`` was there already), and ``org_page_admin`` says which
members may edit the page (see docs/platform.md, "Organisation pages").

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-14 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.add_column(sa.Column("about", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("website", sa.String(length=500), nullable=True))
    op.create_table(
        "org_page_admin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["organization_id"], ["organization.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organization_id", "member_id"),
    )
    op.create_index("ix_org_page_admin_member_id", "org_page_admin", ["member_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_org_page_admin_member_id", table_name="org_page_admin")
    op.drop_table("org_page_admin")
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.drop_column("website")
        batch_op.drop_column("about")

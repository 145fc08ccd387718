"""keep in touch: a member's snoozed and dismissed reminders

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "touch_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("snoozed_until", sa.Date(), nullable=True),
        sa.Column("dismissed_on", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_touch_reminder_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_touch_reminder_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_touch_reminder")),
        sa.UniqueConstraint(
            "member_id", "person_id", name=op.f("uq_touch_reminder_member_id_person_id")
        ),
    )
    op.create_index(
        op.f("ix_touch_reminder_person_id"), "touch_reminder", ["person_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_touch_reminder_person_id"), table_name="touch_reminder")
    op.drop_table("touch_reminder")

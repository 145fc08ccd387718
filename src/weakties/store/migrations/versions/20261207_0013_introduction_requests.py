"""introduction requests: requester, broker, target, the private thread and the
conversation of three

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 07:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _fk(column: str, table: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{table}.id"],
        name=op.f(f"fk_intro_request_{column}_{table}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        "intro_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ask_id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("broker_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("unanswered_on", sa.Date(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        _fk("ask_id", "ask", "CASCADE"),
        _fk("broker_id", "member", "CASCADE"),
        _fk("group_id", "conversation", "SET NULL"),
        _fk("job_id", "job_posting", "SET NULL"),
        _fk("organization_id", "organization", "SET NULL"),
        _fk("requester_id", "member", "CASCADE"),
        _fk("target_id", "member", "CASCADE"),
        _fk("thread_id", "conversation", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intro_request")),
        sa.UniqueConstraint("ask_id", name=op.f("uq_intro_request_ask_id")),
    )
    with op.batch_alter_table("intro_request", schema=None) as batch_op:
        batch_op.create_index("ix_intro_request_broker", ["broker_id", "id"], unique=False)
        batch_op.create_index("ix_intro_request_requester", ["requester_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("intro_request", schema=None) as batch_op:
        batch_op.drop_index("ix_intro_request_requester")
        batch_op.drop_index("ix_intro_request_broker")
    op.drop_table("intro_request")

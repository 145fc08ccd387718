"""search: full text over posts and jobs (SQLite FTS5, PostgreSQL)

The search box finds posts (their text) and jobs (title and place) besides
people, organisations and groups, accents and case ignored as for people:
FTS5 tables ``search_post`` and ``search_job`` kept current by triggers on
SQLite; on PostgreSQL a stored generated column ``search_vector`` on ``post``
and ``job_posting`` (``weakties_fold``, revision 0010) with a GIN index. See
:mod:`weakties.store.search_ddl`.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-13 09:00:00
"""

from __future__ import annotations

from alembic import op

from weakties.store.search_ddl import post_job_statements

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for statement in post_job_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in post_job_statements(op.get_bind().dialect.name, downgrade=True):
        op.execute(statement)

"""search: PostgreSQL's text vectors stored in a generated column, indexed there

A search on PostgreSQL checked each row the GIN index found (a prefix match is
always checked again) and ranked it by recomputing its text vector from the
name and headline, about 25 µs a row: 5 ms of a search for a common first name
among 10,000 members. The vector is now a stored generated column,
``search_vector`` on ``person`` and ``organization``, computed when a row is
written, and the index is on it. SQLite keeps its FTS5 tables (nothing changes
there). See :mod:`weakties.store.search_ddl`.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-10 09:00:00
"""

from __future__ import annotations

from alembic import op

from weakties.store.search_ddl import stored_vector_statements

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for statement in stored_vector_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in stored_vector_statements(op.get_bind().dialect.name, downgrade=True):
        op.execute(statement)

"""search: full text over people and organisations (SQLite FTS5, PostgreSQL)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 05:30:00

SQLite: FTS5 tables over ``person`` (name, headline) and ``organization`` (name),
accent- and case-folded by the ``unicode61`` tokenizer, kept current by triggers —
whatever writes the rows (imports, the platform) keeps the index right.
PostgreSQL: expression GIN indexes over the same columns folded by
``weakties_fold`` (lower case, Latin accents removed), an immutable SQL function.
Their names start with ``search_`` (see :mod:`weakties.service.search`).
"""

from __future__ import annotations

from alembic import op

from weakties.store.search_ddl import downgrade_statements, upgrade_statements

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for statement in upgrade_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in downgrade_statements(op.get_bind().dialect.name):
        op.execute(statement)

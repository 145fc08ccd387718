"""posts: a deleted member's post others commented on stays as a placeholder

Deleting an account deleted the member's posts, and with them every comment
others had written there. A post others commented on now stays, emptied and
without its author (``post.author_id`` NULL), so that their comments and
replies stay readable (see docs/platform.md, "Deleting an account").

PostgreSQL drops the column's NOT NULL. SQLite cannot alter a column, and a
rebuild of ``post`` (a new table, the rows copied, the old one dropped) would
delete what this revision is for: migrations run in the store's write
transaction with foreign keys on, where ``PRAGMA foreign_keys`` cannot be
turned off, and dropping a table with foreign keys on deletes its rows first,
cascading to every comment, reaction, mention and notification of every post.
SQLite documents a schema edit for removing a NOT NULL constraint instead
(https://sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema
Changes"): the table's ``CREATE TABLE`` text in ``sqlite_schema`` is edited and
the schema version bumped, in one transaction. No row moves, and the indexes of
``post`` and the triggers that keep ``search_post`` (its full-text index)
current stay exactly as they were.

The downgrade deletes the placeholders (with the comments on them: the older
schema has no place for them) and puts the constraint back.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-15 09:00:00
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

_REQUIRED = re.compile(r"\bauthor_id INTEGER NOT NULL\b")
_OPTIONAL = re.compile(r"\bauthor_id INTEGER\b(?! NOT NULL)")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _edit_post_table(_REQUIRED, "author_id INTEGER")
        return
    op.alter_column("post", "author_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM post WHERE author_id IS NULL")
    if op.get_bind().dialect.name == "sqlite":
        _edit_post_table(_OPTIONAL, "author_id INTEGER NOT NULL")
        return
    op.alter_column("post", "author_id", existing_type=sa.Integer(), nullable=False)


def _edit_post_table(column: re.Pattern[str], replacement: str) -> None:
    """SQLite: rewrite ``post.author_id``'s declaration in the stored schema (the
    documented procedure: writable_schema on, the text edited, schema_version
    bumped, writable_schema off, then an integrity check)."""
    conn = op.get_bind()
    stored = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'post'"
    ).scalar_one()
    edited, found = column.subn(replacement, stored)
    if found != 1:
        raise RuntimeError(f"post.author_id is not declared as expected: {stored!r}")
    version = conn.exec_driver_sql("PRAGMA schema_version").scalar_one()
    conn.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        conn.exec_driver_sql(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'post'", (edited,)
        )
        conn.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        conn.exec_driver_sql("PRAGMA writable_schema = OFF")
    # the table and its indexes (not the whole file: a large one takes minutes)
    problems = [str(r) for r in conn.exec_driver_sql("PRAGMA integrity_check(post)").scalars()]
    if problems != ["ok"]:
        raise RuntimeError(f"post table edit left the database inconsistent: {problems[:3]}")

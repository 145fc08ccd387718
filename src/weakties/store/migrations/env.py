"""Alembic environment: migrations run on the connection the store hands over.

Run from the ``alembic`` command, the database is the command line's own
(``$WEAKTIES_DB``, else the default file; ``alembic -x db=FILE|URL`` names
another), opened like the application opens it.
"""

from __future__ import annotations

from typing import Any

from alembic import context

from weakties.model.tables import every_table, postgres_partial_indexes
from weakties.store.engine import database_url, open_store

config = context.config
target_metadata = every_table()


def _configure(connection: Any) -> None:
    if connection.dialect.name == "postgresql":
        postgres_partial_indexes()
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    store = open_store(_database(), upgrade=False)
    try:
        with store.write("alembic") as conn:
            _configure(conn)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        store.close()


def _database() -> str:
    """``-x db=...``, else the command line's database (``$WEAKTIES_DB`` or the default)."""
    return context.get_x_argument(as_dictionary=True).get("db") or database_url()


if context.is_offline_mode():
    if database_url(_database()).startswith(("postgresql", "postgres")):
        postgres_partial_indexes()
    context.configure(url=database_url(_database()), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()

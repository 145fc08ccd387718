"""The Alembic migrations build exactly the schema the models declare, on every back end."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from weakties.model.tables import Base
from weakties.store.engine import open_store


@pytest.fixture
def empty_url(backend, db_path, request):
    """A database without any table yet: the migrations start from nothing."""
    if backend == "sqlite":
        yield f"sqlite:///{db_path}"
        return
    server = request.getfixturevalue("postgres")
    url = server.empty_database()
    yield url
    server.drop(url)


def _not_search(name, type_, parent_names):
    """The full-text structures (``search_*``: FTS5 tables, expression indexes) are
    each back end's own, outside the models (see ``weakties.store.search_ddl``)."""
    return not (name or "").startswith("search_")


def test_migrated_schema_equals_the_models(empty_url):
    store = open_store(empty_url)
    try:
        with store.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"include_name": _not_search})
            diff = compare_metadata(context, Base.metadata)
        assert diff == []
        assert store.current_revision() == store.head_revision()
    finally:
        store.close()


def test_opening_again_is_a_no_op_and_upgrade_is_idempotent(empty_url):
    open_store(empty_url).close()
    store = open_store(empty_url)
    try:
        store.upgrade()
        with store.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
        assert set(Base.metadata.tables) <= tables
    finally:
        store.close()

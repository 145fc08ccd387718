"""The Alembic migrations build exactly the schema the models declare."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from weakties.model.tables import Base
from weakties.store.engine import open_store


def test_migrated_schema_equals_the_models(tmp_path):
    store = open_store(tmp_path / "m.sqlite")
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    assert store.current_revision() == store.head_revision()


def test_opening_again_is_a_no_op_and_upgrade_is_idempotent(tmp_path):
    path = tmp_path / "m.sqlite"
    open_store(path).close()
    store = open_store(path)
    store.upgrade()
    with store.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    assert set(Base.metadata.tables) <= tables

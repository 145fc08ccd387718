"""Every write bumps the change counters of what it changes (:mod:`weakties.store.changes`).

Rather than a list of write paths (service commands, imports, merges, the demo
builder), the counters are bumped by the engine for every statement that writes
a table, so these tests enumerate the tables: each one is classified, and a
write to each one, through a store's engine, bumps its class (a delete also the
classes its rows cascade to)."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import delete, false, insert, update

from weakties.model.tables import ChangeCounter, Setting, every_table
from weakties.store.changes import (
    GRAPH_TABLES,
    TRACE_TABLES,
    UNTRACKED_TABLES,
    classes_of,
    read_counters,
    wrote_in_transaction,
)

SRC = Path(__file__).resolve().parents[2] / "src" / "weakties"


def test_every_table_is_classified_exactly_once():
    tables = set(every_table().tables) | {"alembic_version"}
    classified = [GRAPH_TABLES, TRACE_TABLES, UNTRACKED_TABLES]
    assert set().union(*classified) == tables
    assert sum(len(c) for c in classified) == len(tables)  # no table in two classes


def _expected(table: str, deleting: bool) -> set[str]:
    own = {"graph"} if table in GRAPH_TABLES else {"traces"} if table in TRACE_TABLES else set()
    if not deleting:
        return own
    reached = set(own)
    frontier = [table]
    while frontier:  # the tables whose rows reference the deleted ones, transitively
        parent = frontier.pop()
        for child in every_table().tables.values():
            for fk in child.foreign_keys:
                if fk.ondelete and fk.column.table.name == parent:
                    if child.name in GRAPH_TABLES:
                        reached.add("graph")
                    if child.name in TRACE_TABLES:
                        reached.add("traces")
                    if child.name not in frontier and child.name != parent:
                        frontier.append(child.name)
    return reached


def _bumped(store, statement) -> set[str]:
    with store.engine.connect() as conn:
        before = read_counters(conn)
    with store.engine.begin() as conn:
        conn.execute(statement)
    with store.engine.connect() as conn:
        after = read_counters(conn)
    assert before is not None and after is not None
    return {name for name, a, b in zip(("graph", "traces"), before, after, strict=True) if b != a}


def test_a_write_to_each_table_bumps_its_counters(store):
    wrong = {}
    for name, table in sorted(every_table().tables.items()):
        if name == ChangeCounter.__tablename__:
            continue
        column = next(c for c in table.columns if not c.primary_key)
        # statements that touch no row still count: the engine sees the write, not its rows
        found = (
            _bumped(store, update(table).where(false()).values({column.name: None})),
            _bumped(store, delete(table).where(false())),
        )
        if found != (_expected(name, False), _expected(name, True)):
            wrong[name] = found
    assert wrong == {}


def test_once_per_transaction_and_nothing_on_rollback(store):
    with store.engine.connect() as conn:
        before = read_counters(conn)
    assert before is not None
    with store.engine.begin() as conn:
        for _ in range(3):
            conn.execute(update(every_table().tables["tie"]).where(false()).values(confidence=1))
        conn.execute(delete(every_table().tables["interaction"]).where(false()))
        assert read_counters(conn) == before  # bumped when it commits
    with store.engine.connect() as conn:
        assert read_counters(conn) == (before[0] + 1, before[1] + 1)
    conn = store.engine.connect()
    conn.begin()
    conn.execute(update(every_table().tables["tie"]).where(false()).values(confidence=1))
    conn.rollback()
    conn.close()
    with store.engine.connect() as conn:
        assert read_counters(conn) == (before[0] + 1, before[1] + 1)


def test_background_bookkeeping_in_settings_bumps_nothing(store):
    assert _bumped(store, insert(Setting).values(key="task:digest", value="x")) == set()
    assert _bumped(store, insert(Setting).values(key="infer_ties:1", value="off")) == {"graph"}


def test_a_kept_model_fit_bumps_no_counter_but_counts_as_written(store):
    """A fit changes how one member's ties are scored only: no counter moves (what
    is kept per viewer is checked against the fits it used instead), and the
    background task's fits of a few members every two minutes drop nobody's pages.
    The transaction that writes one still wrote: it keeps nothing of its own."""
    fit = '{"as_of": 1.0, "ties": {"w": [0.5]}}'
    assert _bumped(store, insert(Setting).values(key="fitted_models:1", value=fit)) == set()
    changed = update(Setting).where(Setting.key == "fitted_models:1").values(value=fit)
    assert _bumped(store, changed) == set()
    assert _bumped(store, delete(Setting).where(Setting.key == "fitted_models:1")) == set()
    with store.engine.begin() as conn:
        assert not wrote_in_transaction(conn)
        conn.execute(insert(Setting).values(key="fitted_models:2", value=fit))
        assert wrote_in_transaction(conn)
    # another setting written with it is the graph's, in one statement or two
    rows = [{"key": "fitted_models:1", "value": fit}, {"key": "clock", "value": "2024-01-01"}]
    both = insert(Setting).values(rows)
    assert _bumped(store, both) == {"graph"}
    with store.engine.connect() as conn:
        before = read_counters(conn)
    with store.engine.begin() as conn:
        conn.execute(update(Setting).where(Setting.key == "fitted_models:1").values(value=fit))
        conn.execute(update(Setting).where(Setting.key == "clock").values(value="2024-01-02"))
    with store.engine.connect() as conn:
        after = read_counters(conn)
    assert before is not None and after == (before[0] + 1, before[1])


def test_statements_are_read_as_the_drivers_see_them():
    assert classes_of('INSERT OR IGNORE INTO "tie" (a) VALUES (?)') == {"graph"}
    assert classes_of("  update interaction set size = 1") == {"traces"}
    assert classes_of("DELETE FROM post WHERE id = 1") == {"traces"}  # its comments, reactions
    assert classes_of("INSERT INTO notification (x) VALUES (1)") == set()
    assert classes_of("SELECT * FROM tie") == set()
    assert classes_of("INSERT INTO search_people (x) VALUES (1)") == set()


def test_no_engine_or_driver_connection_writes_around_the_counters():
    # every write goes through an engine made by open_store, which bumps the counters
    for path in SRC.rglob("*.py"):
        text = path.read_text()
        rel = path.relative_to(SRC).as_posix()
        if rel not in ("store/engine.py", "store/changes.py"):
            assert "create_engine(" not in text, rel
            assert "dbapi_connection" not in text, rel
        # a database of its own in memory (the post search's scratch table) is no store
        if re.search(r"sqlite3\.connect\((?!\":memory:\")", text):
            assert "mode=ro" in text, f"{rel} opens SQLite without the engine"

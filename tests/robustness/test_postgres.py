"""The same conditions on PostgreSQL: values too long for their columns are cut
with the same warning as on SQLite (PostgreSQL would refuse them), and a second
import waits for the first with the same message."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text

from tests.robustness.conftest import run
from tests.robustness.test_parallel import (
    IMPORT,
    STILL_HELD,
    Holding,
    _export,
    _weakties,
    first_line,
)
from tests.support import connections, url, write_files

pytestmark = pytest.mark.postgres

LONG = [["C" * 20_001, "Tran", url("cy"), "", "I" * 400, "T" * 900, "03 Jan 2024"]]


def _stored(db: str) -> list[tuple]:
    engine = create_engine(db)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "select p.first_name, o.name, x.title from person p "
                "join position x on x.person_id = p.id "
                "join organization o on o.id = x.organization_id"
            )
        ).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def test_long_values_are_cut_alike_on_both_back_ends(tmp_path, postgres):
    export = write_files(tmp_path / "e", {"Connections.csv": connections(LONG)})
    results = []
    for db in (f"sqlite:///{tmp_path / 'w.sqlite'}", postgres.new_database()):
        ran = run(db, "import", "linkedin", str(export), "--as", "me")
        assert ran.code == 0, ran.err
        assert "first name over 200 characters: cut to fit" in ran.err
        assert "organisation name over 300 characters: cut to fit" in ran.err
        results.append(_stored(db))
    assert results[0] == results[1]
    ((first, org, title),) = results[0]
    assert (len(first), len(org), len(title)) == (200, 300, 500)


@pytest.mark.slow
def test_a_second_import_waits_for_the_first(tmp_path, postgres):
    db = postgres.new_database()
    seed = write_files(tmp_path / "seed", {"Connections.csv": connections([])})
    assert run(db, *IMPORT, str(seed), "--as", "me").code == 0
    big = _export(tmp_path / "big", "a", 200)
    small = _export(tmp_path / "small", "b", 50)
    # the first holds the lock until the second said it waits (tests/robustness/test_parallel.py)
    first = Holding(tmp_path, db, *IMPORT, str(big), "--as", "me")
    first.wait_holding()
    engine = create_engine(db)
    locked = text("select count(*) from pg_locks where locktype = 'advisory' and granted")
    with engine.connect() as conn:
        assert conn.execute(locked).scalar()
    engine.dispose()
    second = _weakties(db, *IMPORT, str(small), "--as", "you")  # type: ignore[arg-type]
    told = first_line(second)
    time.sleep(STILL_HELD)
    first.release()
    _, err1 = first.process.communicate(timeout=600)
    _, err2 = second.communicate(timeout=600)
    err2 = told + err2
    assert first.process.returncode == 0 and second.returncode == 0, (err1, err2)
    waiting = [line for line in err2.splitlines() if line.strip()]
    assert len(waiting) == 1, err2
    assert "waiting for the database: 'import linkedin for me' (server process" in waiting[0]


def test_the_demo_never_writes_into_a_server_database_that_holds_people(tmp_path, postgres):
    from weakties.demo import build_demo
    from weakties.errors import InputError

    db = postgres.new_database()
    rows = [["Ann", "Lee", url("ann"), "", "Acme", "CTO", "01 Jan 2024"]]
    seed = write_files(tmp_path / "seed", {"Connections.csv": connections(rows)})
    assert run(db, "import", "linkedin", str(seed), "--as", "me").code == 0
    engine = create_engine(db)
    with engine.connect() as conn:
        before = conn.execute(text("select id, display_name from person order by id")).all()
    with pytest.raises(InputError, match="already holds people"):
        build_demo(db, n_people=60)
    with engine.connect() as conn:
        after = conn.execute(text("select id, display_name from person order by id")).all()
    engine.dispose()
    assert after == before and len(before) == 2


def test_the_demo_refuses_a_server_database_before_migrating_it(postgres):
    """A server database at an older schema that holds people is refused as it is:
    the demo asked after migrating it, which changed a database it then refused."""
    from alembic import command

    from weakties.demo import build_demo
    from weakties.errors import InputError
    from weakties.store.engine import _alembic_config, open_store

    db = postgres.new_database()
    store = open_store(db, upgrade=False)
    try:
        cfg = _alembic_config(store.url)
        with store.write() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0020")
            conn.execute(
                text(
                    "insert into person (display_name, name_key, created_at, "
                    "updated_at) values ('Ann', 'ann', now(), now())"
                )
            )
        with pytest.raises(InputError, match="already holds people"):
            build_demo(db, n_people=60)
        assert store.current_revision() == "0020"
    finally:
        store.close()
        postgres.drop(db)


def test_an_empty_server_database_holds_nobody_before_any_migration(postgres):
    """The demo asks before migrating: a database without any table holds nobody."""
    from weakties.service.admin import holds_people
    from weakties.store.engine import open_store

    db = postgres.empty_database()
    store = open_store(db, upgrade=False)
    try:
        assert not holds_people(store)
        assert store.current_revision() is None
    finally:
        store.close()
        postgres.drop(db)


def test_a_writer_waiting_names_the_write_lock_s_holder_not_another_lock(postgres):
    """With ``weakties serve --workers 2`` one worker holds the background tasks'
    advisory lock all along: a writer waiting for the write lock named that
    worker as the one writing."""
    from weakties.store.engine import open_store
    from weakties.store.exclusive import Exclusive

    db = postgres.new_database()
    store, other = open_store(db), open_store(db)
    tasks = Exclusive(other, "tasks")
    try:
        assert tasks.acquire()
        with store.engine.connect() as conn:
            assert store._pg_holder(conn) == "another operation is writing"
        with other.write("import linkedin for ana"), store.engine.connect() as conn:
            said = store._pg_holder(conn)  # a new transaction: pg_stat_activity anew
        assert said.startswith("'import linkedin for ana' (server process "), said
    finally:
        tasks.release()
        store.close()
        other.close()
        postgres.drop(db)

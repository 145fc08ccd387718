"""The batch's input exported from PostgreSQL is the same as from SQLite: the same
world loaded in both, exported by the operator, gives the same tables."""

from __future__ import annotations

import pytest

from weakties import service
from weakties.service.export import EXPORT_COLUMNS, export
from weakties.store.engine import open_store
from weakties.synth import generate
from weakties.synth.load import load_world

pytestmark = pytest.mark.postgres
pq = pytest.importorskip("pyarrow.parquet")


def _tables(folder) -> dict[str, list[tuple]]:
    out = {}
    for name in EXPORT_COLUMNS:
        rows = pq.read_table(folder / f"{name}.parquet").to_pylist()
        out[name] = sorted(tuple(r.values()) for r in rows)
    return out


def test_postgresql_and_sqlite_exports_are_the_same(postgres, tmp_path):
    world = generate(n_people=120, seed=9)
    url = postgres.new_database()
    try:
        for where, target in (("sqlite", f"sqlite:///{tmp_path / 'p.sqlite'}"), ("pg", url)):
            store = open_store(target)
            load_world(store, world)
            with service.transaction(store) as conn:
                export(conn, service.operator(conn), "parquet", tmp_path / where)
            store.close()
        sqlite, pg = _tables(tmp_path / "sqlite"), _tables(tmp_path / "pg")
        assert sqlite["tie"] and sqlite["position"]
        assert pg == sqlite
    finally:
        postgres.drop(url)

"""The batch reads PostgreSQL over JDBC: tie features equal the embedded engine's
on the same database.

The shared test server listens on a unix socket only, which the JDBC driver
does not reach: this test starts its own PostgreSQL on 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.servers import Unavailable, _as_user, _pg_bindir, free_port, in_ci
from weakties import service
from weakties.scale import embedded, runs
from weakties.scale.batch import run_batch
from weakties.scale.session import postgres_driver_jar
from weakties.scale.ties import FEATURES
from weakties.service.context import reader
from weakties.store.engine import open_store
from weakties.synth import generate
from weakties.synth.load import load_world

pytestmark = [pytest.mark.spark, pytest.mark.postgres, pytest.mark.slow]
pq = pytest.importorskip("pyarrow.parquet")


@pytest.fixture(scope="module")
def tcp_postgres() -> Iterator[str]:
    """A throwaway PostgreSQL on 127.0.0.1 with one database: its URL's host part."""
    bindir = _pg_bindir()
    if bindir is None:
        if in_ci():
            pytest.fail("PostgreSQL needed in CI")
        pytest.skip("no PostgreSQL server binaries")
    user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")
    folder = Path(tempfile.mkdtemp(prefix="weakties-pgtcp-"))
    if os.geteuid() == 0:
        shutil.chown(folder, user=user)
    port = free_port()
    data = folder / "data"
    steps = [
        [str(bindir / "initdb"), "-D", str(data), "-U", user, "--auth=trust", "--no-sync"],
        [
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(folder / "log"),
            "-w",
            "-o",
            f"-k {folder} -c listen_addresses=127.0.0.1 -p {port} -c fsync=off",
            "start",
        ],
        [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", user, "batch"],
    ]
    try:
        for step in steps:
            done = subprocess.run(_as_user(user, step), capture_output=True, text=True)
            if done.returncode != 0:
                raise Unavailable(f"{Path(step[0]).name}: {done.stderr[-500:]}")
        yield f"{user}@127.0.0.1:{port}/batch"
    finally:
        subprocess.run(
            _as_user(user, [str(bindir / "pg_ctl"), "stop", "-m", "immediate", "-D", str(data)]),
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)


def test_tie_features_over_jdbc_equal_the_embedded_engine(spark, tcp_postgres, tmp_path):
    if postgres_driver_jar() is None:
        if in_ci():
            pytest.fail("the PostgreSQL JDBC driver is needed in CI")
        pytest.skip("no PostgreSQL JDBC driver (apt-get install libpostgresql-jdbc-java)")
    store = open_store(f"postgresql+psycopg://{tcp_postgres}")
    load_world(store, generate(n_people=80, seed=6))
    with service.transaction(store) as conn:
        r = reader(conn, service.operator(conn))
        want = embedded.tie_scores(r)
        now = r.now
    store.close()
    result = run_batch(
        "ties", f"postgresql://{tcp_postgres}", str(tmp_path / "out"), spark=spark, as_of=now
    )
    assert runs.current(tmp_path / "out")["results"]["ties"]["source_operator"] is True
    rows = pq.read_table(runs.run_folder(tmp_path / "out", result.run_id) / "ties").to_pylist()
    rows.sort(key=lambda row: (row["a"], row["b"]))
    table = want.table
    assert len(rows) == len(table) > 100
    assert [row["a"] for row in rows] == table.a.tolist()
    for name in FEATURES:
        got = np.array([row[name] for row in rows], dtype=np.float64)
        same = (np.isnan(got) & np.isnan(table.values[name])) | (
            np.abs(got - table.values[name]) <= 1e-9
        )
        assert same.all(), name
    assert np.max(np.abs(np.array([row["score"] for row in rows]) - want.score)) <= 1e-9

"""The batch as an operator runs it: a failed run leaves the previous results
served and a rerun completes; hubs are capped and salted joins change nothing."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import numpy as np
import pytest
from sqlalchemy import insert

from weakties import service
from weakties.model.tables import Member, Person, Tie
from weakties.scale import embedded, runs
from weakties.scale.batch import MODELS, run_batch
from weakties.service.context import reader
from weakties.service.export import export
from weakties.store.engine import open_store

pytestmark = [pytest.mark.spark, pytest.mark.slow]
pq = pytest.importorskip("pyarrow.parquet")

HUB = 1
# a hub tied to 12 people; two small triangles hanging off two of them
EDGES = [(HUB, leaf) for leaf in range(2, 14)] + [(2, 20), (20, 21), (2, 21), (3, 30), (30, 31)]


@pytest.fixture(scope="module")
def star(tmp_path_factory):
    folder = tmp_path_factory.mktemp("star")
    store = open_store(folder / "star.sqlite")
    people = sorted({p for edge in EDGES for p in edge})
    since = dt.datetime(2020, 1, 1)
    with store.engine.begin() as conn:
        conn.execute(insert(Person), [{"id": p, "display_name": f"P{p}"} for p in people])
        conn.execute(insert(Member), [{"id": 1, "handle": "hub", "person_id": HUB}])
        conn.execute(
            insert(Tie),
            [
                {
                    "person_a_id": a,
                    "person_b_id": b,
                    "source": "connection",
                    "asserted_by": 1,
                    "since": since,
                }
                for a, b in EDGES
            ],
        )
    with service.transaction(store) as conn:
        export(conn, service.operator(conn), "parquet", folder / "export")
        want = embedded.suggestions(reader(conn, service.operator(conn)), top=5)
    yield folder, want
    store.close()


def _suggestions(output, run_id):
    rows = pq.read_table(runs.run_folder(output, run_id) / "suggest").to_pylist()
    got = {}
    for r in sorted(rows, key=lambda r: (r["person"], r["rank"])):
        got.setdefault(r["person"], []).append((r["candidate"], r["score"], r["mutual"]))
    return got


@pytest.fixture(scope="module")
def salted(spark, star):
    """One run with salted joins into ``out``, made once: the salted test checks
    what it wrote, and it is the previous run that a failing run must leave
    served (that test writes into a copy of ``out``, never into ``out``)."""
    folder, _want = star
    return run_batch(
        "suggest", str(folder / "export"), str(folder / "out"), spark=spark, top=5, salt_above=2
    )


def test_salted_joins_change_nothing(star, salted):
    folder, want = star
    result = salted
    got = _suggestions(folder / "out", result.run_id)
    assert set(got) == set(want)
    # the run says what it ranked with, in its result and in its manifest
    assert result.models == {"suggest": MODELS["suggest"]}
    assert "not the ranker fitted" in MODELS["suggest"]
    manifest = runs.run_folder(folder / "out", result.run_id) / runs.RUN_MANIFEST
    assert json.loads(manifest.read_text())["models"] == result.models
    for person, expected in want.items():
        assert [c for c, _, _ in got[person]] == [c for c, _, _ in expected]
        assert np.allclose([s for _, s, _ in got[person]], [s for _, s, _ in expected], atol=1e-9)


def test_a_hub_above_the_cap_is_no_middle_step(spark, star):
    folder, want = star
    result = run_batch(
        "suggest", str(folder / "export"), str(folder / "capped"), spark=spark, top=5, max_degree=5
    )
    got = _suggestions(folder / "capped", result.run_id)
    assert result.capped == {"people": 1, "places": 0}
    # leaves meet only through the hub: without it, leaf 4 has nobody to suggest
    assert 4 in want and 4 not in got
    # people who meet through a small node still do
    assert [c for c, _, _ in got[21]][:1] == [c for c, _, _ in want[21]][:1]


def test_a_failed_run_leaves_the_previous_results_served(
    spark, star, salted, monkeypatch, tmp_path
):
    folder, _want = star
    # the previous run is the salted one, in a copy of its output folder
    out = tmp_path / "failing"
    shutil.copytree(folder / "out", out)
    first = salted
    before = runs.current(out)
    assert before is not None and before["results"]["suggest"]["run"] == first.run_id

    import weakties.scale.suggest as suggest_module

    def broken(*args, **kwargs):
        raise RuntimeError("executor lost")

    monkeypatch.setattr(suggest_module, "suggestions", broken)
    with pytest.raises(RuntimeError, match="executor lost"):
        run_batch("suggest", str(folder / "export"), str(out), spark=spark, top=5, salt_above=2)
    assert runs.current(out) == before
    served = runs.run_folder(out, before["results"]["suggest"]["run"]) / "suggest"
    assert pq.read_table(served).num_rows > 0
    monkeypatch.undo()
    again = run_batch("suggest", str(folder / "export"), str(out), spark=spark, top=5, salt_above=2)
    after = runs.current(out)
    assert after is not None and after["results"]["suggest"]["run"] == again.run_id
    assert again.rows == first.rows

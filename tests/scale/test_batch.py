"""The batch as an operator runs it: a failed run leaves the previous results
served and a rerun completes; hubs are capped and salted joins change nothing."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


@dataclass
class InTurn:
    """What the runs into one output folder left, in their order."""

    out: Path
    capped: Any  # the first run's BatchResult (max_degree=5), served first
    before: dict[str, Any] | None  # runs.current() after it
    failure: BaseException | None  # what the second run (broken while ranking) raised
    after_failure: dict[str, Any] | None  # runs.current() after that
    salted: Any  # the third run's BatchResult (salt_above=2): the second one again


def _broken(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("executor lost")


@pytest.fixture(scope="module")
def in_turn(spark, star) -> InTurn:
    """Three runs into one output folder, as an operator's evenings: a run with a
    degree cap, served; a salted run that fails while it ranks (an executor
    lost), which must leave the first one served; the same salted run again,
    which completes and is served. Made once (each Spark run costs seconds): each
    test below checks one of them."""
    folder, _want = star
    out = folder / "out"
    source = str(folder / "export")
    capped = run_batch("suggest", source, str(out), spark=spark, top=5, max_degree=5)
    before = runs.current(out)
    import weakties.scale.suggest as suggest_module

    failure: BaseException | None = None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(suggest_module, "suggestions", _broken)
        try:
            run_batch("suggest", source, str(out), spark=spark, top=5, salt_above=2)
        except RuntimeError as exc:
            failure = exc
    after_failure = runs.current(out)
    salted = run_batch("suggest", source, str(out), spark=spark, top=5, salt_above=2)
    return InTurn(out, capped, before, failure, after_failure, salted)


def test_salted_joins_change_nothing(star, in_turn):
    _folder, want = star
    result = in_turn.salted
    got = _suggestions(in_turn.out, result.run_id)
    assert set(got) == set(want)
    # the run says what it ranked with, in its result and in its manifest
    assert list(result.models) == ["suggest"]
    assert result.models["suggest"].startswith(MODELS["suggest"])
    assert "not a ranker fitted" in MODELS["suggest"]
    assert "no member's kept ranker serves this view" in result.models["suggest"]
    manifest = runs.run_folder(in_turn.out, result.run_id) / runs.RUN_MANIFEST
    assert json.loads(manifest.read_text())["models"] == result.models
    for person, expected in want.items():
        assert [c for c, _, _ in got[person]] == [c for c, _, _ in expected]
        assert np.allclose([s for _, s, _ in got[person]], [s for _, s, _ in expected], atol=1e-9)


def test_a_hub_above_the_cap_is_no_middle_step(star, in_turn):
    _folder, want = star
    result = in_turn.capped
    got = _suggestions(in_turn.out, result.run_id)
    assert result.capped == {"people": 1, "places": 0}
    # leaves meet only through the hub: without it, leaf 4 has nobody to suggest
    assert 4 in want and 4 not in got
    # people who meet through a small node still do
    assert [c for c, _, _ in got[21]][:1] == [c for c, _, _ in want[21]][:1]


def test_a_failed_run_leaves_the_previous_results_served(in_turn):
    # the previous run is the capped one
    before = in_turn.before
    assert before is not None and before["results"]["suggest"]["run"] == in_turn.capped.run_id
    assert isinstance(in_turn.failure, RuntimeError), in_turn.failure
    assert "executor lost" in str(in_turn.failure)
    assert in_turn.after_failure == before
    served = runs.run_folder(in_turn.out, before["results"]["suggest"]["run"]) / "suggest"
    assert pq.read_table(served).num_rows == in_turn.capped.rows["suggest"] > 0
    # run again, it completes and is served in its turn
    after = runs.current(in_turn.out)
    again = in_turn.salted
    assert after is not None and after["results"]["suggest"]["run"] == again.run_id
    assert again.rows["suggest"] > 0

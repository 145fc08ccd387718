"""Parity: the batch on Spark ``local[2]`` equals the embedded engine on the same data.

One world (the demo's: three members' LinkedIn exports imported, inferred ties,
messages, endorsements, positions) is exported by the operator; the batch runs
on the export (``run_batch("all")``, results written and read back); the
embedded engine computes the same from the database. Features to 1e-9, the same
classes, the same top-K suggestions (candidates, order, scores to 1e-9, mutual
contacts), the same reach counts per member and organisation.

In that world one member keeps a fit (``weakties model fit``): the operator's
run still scores with the priors, as the embedded engine scores the operator's
view; the member's own export, run through the batch's ties job, is scored with
the fit where it reads a pair — its inputs, scores, classes and model names
equal to the embedded engine's. The fit has a ranker: the member's export run
through the batch's suggest job ranks with it — the same candidates with the
same features to 1e-9 as the embedded ranker, and everyone's same top 10.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from tests.support import fit_on_short_history
from weakties import service
from weakties.opportunity.pymk_model import PYMK_FEATURES
from weakties.scale import embedded, runs
from weakties.scale.batch import run_batch
from weakties.scale.fitted import FIT_FEATURES
from weakties.scale.ranker import candidate_features
from weakties.scale.source import load_source
from weakties.scale.ties import FEATURES
from weakties.service import models
from weakties.service.context import reader, viewer
from weakties.service.export import export
from weakties.ties.model import DEFAULT
from weakties.ties.reasons import FITTED_MODEL

pytestmark = [pytest.mark.spark, pytest.mark.slow]
pq = pytest.importorskip("pyarrow.parquet")


@pytest.fixture(scope="module", autouse=True)
def _short_history():
    """The demo world is a shorter history than a fit needs: see fit_on_short_history
    (the member has one distinct new pair in the past periods: the ranker is
    fitted on it, a fit that weighs every feature but two all the same)."""
    with fit_on_short_history(pymk=1):
        yield


@pytest.fixture(scope="module")
def world(tmp_path_factory, spark):
    from weakties.demo import build_demo

    folder = tmp_path_factory.mktemp("parity")
    store, _demo = build_demo(folder / "demo.sqlite", n_people=300, seed=7)
    with store.engine.begin() as conn:
        kept = models.fit(conn, viewer(conn, "you"))
        assert kept.kept and kept.ties.fitted, kept.ties.note
        assert kept.suggestions.fitted, kept.suggestions.note
    with service.transaction(store) as conn:
        export(conn, service.operator(conn), "parquet", folder / "export")
        r = reader(conn, service.operator(conn))
        ties = embedded.tie_scores(r)
        suggestions = embedded.suggestions(r)
        by_org, totals = embedded.reach(r, ties)
        me = viewer(conn, "you")
        export(conn, me, "parquet", folder / "mine")
        mine = embedded.tie_scores(reader(conn, me))
        ranking = embedded.ranker_suggestions(reader(conn, me))
        assert ranking is not None
    result = run_batch("all", str(folder / "export"), str(folder / "out"), spark=spark)
    # the member's export: the jobs the fit changes (reach reads the same scores)
    fitted = run_batch("ties", str(folder / "mine"), str(folder / "out-mine"), spark=spark)
    ranked = run_batch("suggest", str(folder / "mine"), str(folder / "out-mine"), spark=spark)
    source = load_source(spark, str(folder / "mine"))
    candidates = candidate_features(source, source.now).collect()
    yield {
        "ranking": ranking,
        "ranked": ranked,
        "candidates": candidates,
        "mine": mine,
        "fitted": fitted,
        "folder": folder,
        "store": store,
        "ties": ties,
        "suggestions": suggestions,
        "by_org": by_org,
        "totals": totals,
        "result": result,
    }
    store.close()


def _table(folder: Path, run: str, name: str) -> list[dict]:
    return pq.read_table(runs.run_folder(folder / "out", run) / name).to_pylist()


def test_the_run_is_served_with_every_table(world):
    state = runs.current(world["folder"] / "out")
    assert state is not None
    run = world["result"].run_id
    assert {t: e["run"] for t, e in state["results"].items()} == {
        "ties": run,
        "suggest": run,
        "reach": run,
        "reach_totals": run,
    }
    assert state["results"]["ties"]["source_operator"] is True


def test_the_run_times_each_of_its_steps(world):
    # the steps cover the run from reading the export to the switch; the session
    # was started before (by the fixture), so it is not one of them
    seconds = world["result"].seconds
    assert list(seconds) == ["read", "ties", "suggest", "reach", "switch"]
    assert all(s >= 0 for s in seconds.values())


def test_tie_features_equal_to_1e_9(world):
    ties = world["ties"]
    rows = sorted(
        _table(world["folder"], world["result"].run_id, "ties"), key=lambda r: (r["a"], r["b"])
    )
    table = ties.table
    assert len(rows) == len(table) > 500
    assert [r["a"] for r in rows] == table.a.tolist()
    assert [r["b"] for r in rows] == table.b.tolist()
    for name in FEATURES:
        got = np.array([r[name] for r in rows], dtype=np.float64)
        want = table.values[name]
        same = (np.isnan(got) & np.isnan(want)) | (np.abs(got - want) <= 1e-9)
        assert same.all(), (name, got[~same][:5], want[~same][:5])
    # a column equal on both sides because it is constant proves nothing: only the
    # features this data cannot exercise are constant (LinkedIn exports hold no
    # meetings, no dated schools or groups; private notes never leave the database)
    constant = {name for name in FEATURES if not np.nanstd(table.values[name]) > 0}
    assert constant <= {"meetings_one_to_one", "notes", "shared_school", "shared_groups"}


def test_scores_and_classes_equal(world):
    ties = world["ties"]
    rows = sorted(
        _table(world["folder"], world["result"].run_id, "ties"), key=lambda r: (r["a"], r["b"])
    )
    score = np.array([r["score"] for r in rows])
    assert np.max(np.abs(score - ties.score)) <= 1e-9
    assert [r["class"] for r in rows] == ties.classes.tolist()
    assert [r["traced"] for r in rows] == ties.traced.tolist()
    assert set(ties.classes.tolist()) == {"strong", "weak", "dormant", "nominal"}


def test_same_top_k_suggestions(world):
    # the hub caps left nobody out at this size: the suggestions are the embedded
    # engine's exactly, not up to the caps
    assert world["result"].capped == {"people": 0, "places": 0}
    rows = _table(world["folder"], world["result"].run_id, "suggest")
    got: dict[int, list[tuple[int, float, int]]] = {}
    for r in sorted(rows, key=lambda r: (r["person"], r["rank"])):
        got.setdefault(r["person"], []).append((r["candidate"], r["score"], r["mutual"]))
    want = world["suggestions"]
    assert set(got) == set(want)
    assert len(want) > 150
    for person, expected in want.items():
        mine = got[person]
        assert [c for c, _, _ in mine] == [c for c, _, _ in expected], person
        assert [m for _, _, m in mine] == [m for _, _, m in expected], person
        assert all(
            math.isclose(a[1], b[1], abs_tol=1e-9) for a, b in zip(mine, expected, strict=True)
        )


def test_same_reach_counts(world):
    run = world["result"].run_id
    by_org = {
        (r["member"], r["org"]): (r["reachable"], r["warm"])
        for r in _table(world["folder"], run, "reach")
    }
    totals = {
        r["member"]: (r["within_two_steps"], r["warm_people"])
        for r in _table(world["folder"], run, "reach_totals")
    }
    assert by_org == world["by_org"]
    assert totals == world["totals"]
    assert len(totals) == 3 and all(w > 0 for _n, w in totals.values())


def _rows(folder: Path, run: str, name: str = "ties") -> list[dict]:
    return sorted(
        pq.read_table(runs.run_folder(folder, run) / name).to_pylist(),
        key=lambda r: (r["a"], r["b"]),
    )


def test_the_operators_run_scores_with_the_priors_though_a_member_keeps_a_fit(world):
    # the embedded engine scores the operator's view with the priors (no member:
    # choose_model), whoever keeps a fit; so does the run, and says so
    rows = _table(world["folder"], world["result"].run_id, "ties")
    assert {r["model"] for r in rows} == {DEFAULT.name}
    assert set(world["ties"].models.tolist()) == {DEFAULT.name}
    assert "priors" in world["result"].models["ties"]


def test_the_members_run_applies_their_kept_fit_as_the_embedded_engine(world):
    want = world["mine"]
    rows = _rows(world["folder"] / "out-mine", world["fitted"].run_id)
    assert [(r["a"], r["b"]) for r in rows] == list(
        zip(want.table.a.tolist(), want.table.b.tolist(), strict=True)
    )
    # the same model per row: the fit where it reads the pair, the priors elsewhere
    names = [r["model"] for r in rows]
    assert names == want.models.tolist()
    fit_name = FITTED_MODEL.format(date=want.scores.fit.date)
    assert fit_name in world["fitted"].models["ties"]
    assert 50 < names.count(fit_name) < len(names)
    score = np.array([r["score"] for r in rows])
    assert np.max(np.abs(score - want.score)) <= 1e-9
    assert [r["class"] for r in rows] == want.classes.tolist()
    # the fit's inputs, to 1e-9 (null where the fit does not read the pair)
    read = want.scores.rows
    inside = read >= 0
    for name in FIT_FEATURES:
        got = np.array([np.nan if r[f"fit_{name}"] is None else r[f"fit_{name}"] for r in rows])
        expected = np.full(len(rows), np.nan)
        expected[inside] = want.scores.x[name][read[inside]]
        same = (np.isnan(got) & np.isnan(expected)) | (np.abs(got - expected) <= 1e-9)
        assert same.all(), (name, got[~same][:5], expected[~same][:5])
    # a constant column proves nothing: only what LinkedIn messages cannot vary
    # is constant here (one channel, one recipient each)
    constant = {n for n in FIT_FEATURES if not np.nanstd(want.scores.x[n]) > 0}
    assert constant <= {"channels", "closeness"}


def test_the_fit_decides_what_the_priors_would_not(world):
    """The checks above can tell the fit from the priors: on the pairs the fit
    reads, the priors' scores of the same pairs differ, and some classes too."""
    want = world["mine"]
    prior = want.scores.base
    inside = want.scores.rows >= 0
    assert np.max(np.abs(want.score[inside] - prior.score[inside])) > 0.1
    assert (want.classes[inside] != prior.classes[inside]).any()
    assert (want.score[~inside] == prior.score[~inside]).all()


def test_the_reference_is_what_ties_all_shows(world):
    """The embedded reference scores as ``weakties ties --all`` does for the member
    (the pairs with a trace, the same model name and score per pair)."""
    from weakties.service import ties as tie_service

    want = world["mine"]
    with service.transaction(world["store"]) as conn:
        listed = tie_service.all_pairs(conn, viewer(conn, "you"))
    by_pair = {
        (a, b): (float(s), m)
        for a, b, s, m in zip(
            want.table.a.tolist(),
            want.table.b.tolist(),
            want.score,
            want.models.tolist(),
            strict=True,
        )
    }
    assert len(listed.pairs) > 100
    for pair in listed.pairs:
        score, name = by_pair[(pair.a_id, pair.b_id)]
        assert pair.model == name
        assert pair.klass == str(want.classes[want.table.index_of(pair.a_id, pair.b_id)])
        assert pair.score == pytest.approx(round(score, 4), abs=1e-12)


def test_the_members_run_ranks_with_their_ranker_the_same_candidates(world):
    """Every candidate of every person (within three steps or sharing a place,
    not a neighbour) with every feature of the ranker, equal to the embedded
    ranker's to 1e-9 (idleness and age infinite alike for people only tied)."""
    want = world["ranking"]
    people = want.people
    expected = {
        (int(people[a]), int(people[b])): i
        for i, (a, b) in enumerate(zip(want.u.tolist(), want.v.tolist(), strict=True))
    }
    got = {(r["u"], r["v"]): r for r in world["candidates"]}
    assert set(got) == set(expected)
    assert len(expected) > 5_000
    order = [expected[k] for k in got]
    for name in PYMK_FEATURES:
        mine = np.array([r[name] for r in got.values()], dtype=np.float64)
        theirs = want.x[name][order]
        with np.errstate(invalid="ignore"):  # infinite idleness and age: equal, not close
            same = (mine == theirs) | (np.abs(mine - theirs) <= 1e-9)
        assert same.all(), (name, mine[~same][:5], theirs[~same][:5])
        # a feature constant on both sides would prove nothing
        assert np.nanstd(theirs[np.isfinite(theirs)]) > 0, name


def test_the_members_run_has_their_rankers_top_10(world):
    result = world["ranked"]
    assert result.capped == {"people": 0, "places": 0}
    assert "ranker fitted on the history of you" in result.models["suggest"]
    rows = pq.read_table(
        runs.run_folder(world["folder"] / "out-mine", result.run_id) / "suggest"
    ).to_pylist()
    got: dict[int, list[dict]] = {}
    for r in sorted(rows, key=lambda r: (r["person"], r["rank"])):
        got.setdefault(r["person"], []).append(r)
    want = world["ranking"].top
    assert set(got) == set(want) and len(want) > 150
    for person, expected in want.items():
        mine = got[person]
        assert [r["candidate"] for r in mine] == [c for c, *_ in expected], person
        assert [r["mutual"] for r in mine] == [m for _, _, m, _ in expected], person
        for r, (_c, score, _m, x) in zip(mine, expected, strict=True):
            assert math.isclose(r["score"], score, abs_tol=1e-9), person
            assert all(r[f"pymk_{k}"] == pytest.approx(v, abs=1e-9) for k, v in x.items())
    # the ranker, not the heuristic: the operator's lists of the same people differ
    heuristic = world["suggestions"]
    assert any(
        [c for c, *_ in want[p]] != [c for c, *_ in heuristic[p]]
        for p in set(want) & set(heuristic)
    )
    # served with the fit's date, which the server says
    state = runs.current(world["folder"] / "out-mine")
    assert (
        state is not None and state["results"]["suggest"]["ranker"] == world["mine"].scores.fit.date
    )

"""``weakties export``: what a viewer may see, in four formats, never half-written."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from weakties import service
from weakties.cli.main import app
from weakties.errors import InputError
from weakties.service import export as export_module
from weakties.service.export import export, read_manifest
from weakties.store.engine import open_store
from weakties.synth import generate
from weakties.synth.load import load_world, person_id_of, random_sharing

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
nx = pytest.importorskip("networkx")


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    """300 members, some sharing only counts or nothing; every tie is asserted by
    the member at its lower end (see ``load_world``)."""
    world = generate(n_people=300, seed=5)
    sharing = random_sharing(world, seed=3, p_counts=0.2, p_nothing=0.2)
    db = tmp_path_factory.mktemp("export") / "p.sqlite"
    store = open_store(db)
    load_world(store, world, sharing=sharing)
    yield world, store, sharing, db
    store.close()


def _viewer(world, sharing, level: str) -> int:
    return next(i for i in range(len(world.people)) if sharing[i] == level)


def _parquet_rows(folder: Path, name: str) -> list[dict]:
    return pq.read_table(folder / f"{name}.parquet").to_pylist()


def _visible_ties(world, sharing, viewer: int) -> set[tuple[int, int]]:
    out = set()
    for t in world.ties:
        if t.since > world.end:
            continue
        if t.a == viewer or sharing[t.a] == "names" or viewer in (t.a, t.b):
            out.add((person_id_of(t.a), person_id_of(t.b)))
    return out


def test_operator_export_is_the_whole_database(platform, tmp_path):
    world, store, _sharing, _db = platform
    with service.transaction(store) as conn:
        who = service.operator(conn)
        result = export(conn, who, "parquet", tmp_path / "all")
    ties = _parquet_rows(tmp_path / "all", "tie")
    stored = {(t.a, t.b) for t in world.ties if t.since <= world.end}
    assert {(r["person_a_id"], r["person_b_id"]) for r in ties} == {
        (person_id_of(a), person_id_of(b)) for a, b in stored
    }
    manifest = read_manifest(tmp_path / "all")
    assert manifest["operator"] is True
    assert manifest["tables"] == result.tables
    assert manifest["tables"]["tie"] == len(ties)
    people = _parquet_rows(tmp_path / "all", "person")
    assert len(people) == len(world.people)


@pytest.mark.parametrize("level", ["names", "counts", "nothing"])
def test_member_export_holds_only_what_the_member_may_list(platform, tmp_path, level):
    world, store, sharing, _db = platform
    me = _viewer(world, sharing, level)
    with service.transaction(store) as conn:
        handle = conn.execute(
            text("select handle from member where person_id = :p"), {"p": person_id_of(me)}
        ).scalar()
        who = service.viewer(conn, handle)
        export(conn, who, "parquet", tmp_path / "mine")
    ties = {(r["person_a_id"], r["person_b_id"]) for r in _parquet_rows(tmp_path / "mine", "tie")}
    assert ties == _visible_ties(world, sharing, me)
    private = {
        (person_id_of(t.a), person_id_of(t.b))
        for t in world.ties
        if sharing[t.a] != "names" and t.a != me and me not in (t.a, t.b)
    }
    assert private  # the case is not empty
    assert not ties & private
    listed = {r["id"] for r in _parquet_rows(tmp_path / "mine", "person")}
    assert {r["person_id"] for r in _parquet_rows(tmp_path / "mine", "position")} <= listed
    manifest = read_manifest(tmp_path / "mine")
    assert manifest["operator"] is False and manifest["viewer"] == handle


def test_graphml_and_gexf_read_back_with_networkx(platform, tmp_path):
    world, store, sharing, _db = platform
    me = _viewer(world, sharing, "names")
    with service.transaction(store) as conn:
        handle = conn.execute(
            text("select handle from member where person_id = :p"), {"p": person_id_of(me)}
        ).scalar()
        who = service.viewer(conn, handle)
        export(conn, who, "graphml", tmp_path / "g.graphml")
        export(conn, who, "gexf", tmp_path / "g.gexf")
    expected = _visible_ties(world, sharing, me)
    for graph in (nx.read_graphml(tmp_path / "g.graphml"), nx.read_gexf(tmp_path / "g.gexf")):
        edges = {tuple(sorted((int(u), int(v)))) for u, v in graph.edges()}
        assert edges == expected
        some = next(iter(graph.nodes(data=True)))
        assert "label" in some[1]


def test_csv_export_has_every_table_with_its_header(platform, tmp_path):
    _world, store, _sharing, _db = platform
    with service.transaction(store) as conn:
        result = export(conn, service.operator(conn), "csv", tmp_path / "csv")
    for name, count in result.tables.items():
        with (tmp_path / "csv" / f"{name}.csv").open(newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        assert rows[0] == list(export_module.EXPORT_COLUMNS[name])
        assert len(rows) - 1 == count


def test_an_export_is_never_half_written(platform, tmp_path, monkeypatch):
    _world, store, _sharing, _db = platform
    calls = []

    def failing(path, name, rows):
        calls.append(name)
        if len(calls) == 3:
            raise OSError("disk full")
        return real(path, name, rows)

    real = export_module._write_parquet
    monkeypatch.setattr(export_module, "_write_parquet", failing)
    with (
        service.transaction(store) as conn,
        pytest.raises(InputError, match="cannot write the export: disk full"),
    ):
        export(conn, service.operator(conn), "parquet", tmp_path / "out")
    assert list(tmp_path.iterdir()) == []  # neither the export nor its staging folder


def test_existing_destination_is_refused_unless_replaced(platform, tmp_path):
    _world, store, _sharing, _db = platform
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine")
    with service.transaction(store) as conn, pytest.raises(InputError, match="exists"):
        export(conn, service.operator(conn), "parquet", tmp_path / "out")
    assert (tmp_path / "out" / "keep.txt").read_text() == "mine"
    with service.transaction(store) as conn:
        export(conn, service.operator(conn), "parquet", tmp_path / "out", replace=True)
    assert read_manifest(tmp_path / "out")["operator"] is True
    assert not (tmp_path / "out" / "keep.txt").exists()


def test_cli_export_needs_operator_for_everything(platform, tmp_path):
    _world, _store, _sharing, db = platform
    runner = CliRunner()
    result = runner.invoke(
        app, ["--db", str(db), "export", "parquet", str(tmp_path / "x"), "--operator", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["operator"] is True and data["tables"]["tie"] > 0
    # several members and no --as: a member's export needs to know who is looking
    result = runner.invoke(app, ["--db", str(db), "export", "csv", str(tmp_path / "y")])
    assert result.exit_code != 0
    assert not (tmp_path / "y").exists()
    result = runner.invoke(
        app, ["--db", str(db), "export", "xml", str(tmp_path / "z"), "--operator"]
    )
    assert result.exit_code == 2 and "parquet, csv, graphml, gexf" in result.output


def test_read_manifest_names_the_problem(tmp_path):
    with pytest.raises(InputError, match="not a weakties export"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text("{oops")
    with pytest.raises(InputError, match="line 1"):
        read_manifest(tmp_path)

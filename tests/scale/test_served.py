"""The server serves batch suggestions when they may be shown, with their date,
and computes them now (saying why) when they may not."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, text

from weakties import service
from weakties.model.tables import Tie
from weakties.scale import runs
from weakties.service.batch import batch_suggestions
from weakties.store.engine import open_store
from weakties.synth import generate
from weakties.synth.load import load_world, person_id_of

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


@pytest.fixture
def platform(tmp_path):
    world = generate(n_people=80, seed=4)
    sharing = {i: "names" for i in range(len(world.people))}
    sharing[1] = "nothing"
    store = open_store(tmp_path / "p.sqlite")
    load_world(store, world, sharing=sharing)
    yield world, store
    store.close()


def _handle(conn, person: int) -> str:
    return conn.execute(
        text("select handle from member where person_id = :p"), {"p": person}
    ).scalar()


def _contacts(conn, person: int) -> set[int]:
    rows = conn.execute(
        text("select person_a_id, person_b_id from tie where :p in (person_a_id, person_b_id)"),
        {"p": person},
    ).all()
    return {b if a == person else a for a, b in rows}


def _write_run(out, rows, *, viewer="every member", operator=False, exported=None, ranker=None):
    run_id = runs.new_run(out)
    table = pa.table(
        {
            "person": pa.array([r[0] for r in rows], pa.int64()),
            "rank": pa.array([r[1] for r in rows], pa.int32()),
            "candidate": pa.array([r[2] for r in rows], pa.int64()),
            "score": pa.array([r[3] for r in rows], pa.float64()),
            "mutual": pa.array([r[4] for r in rows], pa.int64()),
        }
    )
    (runs.run_folder(out, run_id) / "suggest").mkdir()
    pq.write_table(table, runs.run_folder(out, run_id) / "suggest" / "part-0.parquet")
    runs.commit(
        out,
        run_id,
        {
            "run": run_id,
            "tables": ["suggest"],
            "finished_at": "2026-03-04T02:00:00+00:00",
            "as_of": "2026-03-04T00:00:00",
            "source_viewer": viewer,
            "source_operator": operator,
            "exported_at": exported or dt.datetime.now(dt.UTC).isoformat(),
            "ranker": ranker,
        },
    )
    return run_id


def test_a_member_sharing_by_name_gets_the_batch_list_with_its_date(platform, tmp_path):
    _world, store = platform
    me = person_id_of(0)
    with service.transaction(store) as conn:
        known = _contacts(conn, me)
        strangers = [p for p in range(1, 81) if p != me and p not in known][:3]
        friend = sorted(known)[0]
        rows = [
            (me, 1, strangers[0], 0.9, 3),
            (me, 2, friend, 0.8, 2),
            (me, 3, strangers[1], 0.5, 0),
        ]
        rows.append((person_id_of(5), 1, strangers[2], 0.7, 1))  # someone else's row
        run_id = _write_run(tmp_path / "out", rows)
        found = batch_suggestions(conn, service.viewer(conn, _handle(conn, me)), tmp_path / "out")
    assert found.source == "batch" and found.run == run_id
    assert found.computed_at.startswith("2026-03-04")
    assert "batch run of 2026-03-04" in found.note
    # the page and the API say that the batch ranks with a weaker ranker
    assert "ranked by the batch's heuristic" in found.note and "less precise" in found.note
    # a candidate already connected is left out; the order is the batch's
    assert [s.id for s in found.suggestions] == [strangers[0], strangers[1]]
    assert found.suggestions[0].mutual_contacts == 3 and found.suggestions[0].name


def test_a_run_ranked_by_the_members_fitted_ranker_says_so(platform, tmp_path):
    _world, store = platform
    me = person_id_of(0)
    with service.transaction(store) as conn:
        handle = _handle(conn, me)
        stranger = next(p for p in range(1, 81) if p != me and p not in _contacts(conn, me))
        _write_run(
            tmp_path / "out", [(me, 1, stranger, 0.3, 0)], viewer=handle, ranker="2026-02-20"
        )
        found = batch_suggestions(conn, service.viewer(conn, handle), tmp_path / "out")
    assert found.source == "batch" and [s.id for s in found.suggestions] == [stranger]
    assert "ranked by the ranker fitted on your own history to 2026-02-20" in found.note
    assert "heuristic" not in found.note


def test_a_member_who_shares_nothing_gets_a_fresh_computation(platform, tmp_path):
    _world, store = platform
    shy = person_id_of(1)
    with service.transaction(store) as conn:
        _write_run(tmp_path / "out", [(shy, 1, person_id_of(7), 0.9, 1)])
        found = batch_suggestions(conn, service.viewer(conn, _handle(conn, shy)), tmp_path / "out")
    assert found.source == "embedded" and found.run is None
    assert "do not share by name" in found.note


def test_an_operator_run_is_served_only_when_everyone_shares_by_name(platform, tmp_path):
    _world, store = platform
    me = person_id_of(0)
    with service.transaction(store) as conn:
        _write_run(tmp_path / "out", [(me, 1, person_id_of(9), 0.9, 1)], operator=True)
        found = batch_suggestions(conn, service.viewer(conn, _handle(conn, me)), tmp_path / "out")
    assert found.source == "embedded"
    assert "some members do not share by name" in found.note


def test_a_change_since_the_export_falls_back_to_the_embedded_engine(platform, tmp_path):
    _world, store = platform
    me = person_id_of(0)
    earlier = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat(timespec="seconds")
    with service.transaction(store) as conn:
        _write_run(tmp_path / "out", [(me, 1, person_id_of(9), 0.9, 1)], exported=earlier)
        other = max(p for p in range(2, 81) if p not in _contacts(conn, me) and p != me)
        member = conn.execute(
            text("select id from member where person_id = :p"), {"p": me}
        ).scalar()
        a, b = sorted((me, other))
        conn.execute(
            insert(Tie),
            [{"person_a_id": a, "person_b_id": b, "source": "platform", "asserted_by": member}],
        )
    with service.transaction(store) as conn:
        found = batch_suggestions(conn, service.viewer(conn, _handle(conn, me)), tmp_path / "out")
    assert found.source == "embedded"
    assert "changed since the batch run" in found.note


def test_without_results_the_server_computes_and_says_so(platform, tmp_path):
    _world, store = platform
    with service.transaction(store) as conn:
        who = service.viewer(conn, _handle(conn, person_id_of(0)))
        none = batch_suggestions(conn, who, None)
        empty = batch_suggestions(conn, who, tmp_path / "nothing-yet")
    assert none.source == empty.source == "embedded"
    assert "no batch results are configured" in none.note
    assert "no batch run has computed suggestions yet" in empty.note
    assert none.suggestions == empty.suggestions


def test_a_suspended_member_in_the_batch_rows_is_not_served(platform, tmp_path):
    """The batch ranks from every tie, so a member suspended before it ran may be in
    its rows: the server leaves them out, as every page leaves out a suspended
    member (and someone behind a block)."""
    from weakties.model.tables import Suspension

    _world, store = platform
    me = person_id_of(0)
    with service.transaction(store) as conn:
        known = _contacts(conn, me)
        strangers = [p for p in range(2, 81) if p != me and p not in known][:2]
        member = conn.execute(
            text("select id from member where person_id = :p"), {"p": strangers[0]}
        ).scalar()
        conn.execute(insert(Suspension).values(member_id=member, reason="spam"))
    rows = [(me, 1, strangers[0], 0.9, 3), (me, 2, strangers[1], 0.5, 0)]
    run_id = _write_run(tmp_path / "out", rows)
    with service.transaction(store) as conn:
        found = batch_suggestions(conn, service.viewer(conn, _handle(conn, me)), tmp_path / "out")
    assert found.source == "batch" and found.run == run_id
    assert [s.id for s in found.suggestions] == [strangers[1]]

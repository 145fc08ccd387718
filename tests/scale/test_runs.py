"""Batch runs switch atomically: CURRENT.json names complete runs only."""

from __future__ import annotations

import json

import pytest

from weakties.errors import InputError
from weakties.scale import runs


def _manifest(run_id: str, tables: list[str]) -> dict:
    return {
        "run": run_id,
        "tables": tables,
        "finished_at": "2026-01-02T03:04:05+00:00",
        "as_of": "2026-01-02T00:00:00",
        "source_viewer": "every member",
        "source_operator": False,
        "exported_at": "2026-01-01T23:00:00",
    }


def test_a_commit_serves_its_tables_and_keeps_the_others(tmp_path):
    first = runs.new_run(tmp_path)
    runs.commit(tmp_path, first, _manifest(first, ["ties", "suggest"]))
    second = runs.new_run(tmp_path)
    state = runs.commit(tmp_path, second, _manifest(second, ["suggest"]))
    assert state["results"]["ties"]["run"] == first
    assert state["results"]["suggest"]["run"] == second
    assert json.loads((tmp_path / "CURRENT.json").read_text()) == state
    assert (runs.run_folder(tmp_path, second) / "RUN.json").exists()


def test_an_unfinished_run_changes_nothing_and_is_kept_while_young(tmp_path):
    done = runs.new_run(tmp_path)
    runs.commit(tmp_path, done, _manifest(done, ["ties"]))
    before = (tmp_path / "CURRENT.json").read_text()
    running = runs.new_run(tmp_path)  # never committed: killed, or still writing
    (runs.run_folder(tmp_path, running) / "ties").mkdir()
    assert (tmp_path / "CURRENT.json").read_text() == before
    assert runs.prune(tmp_path) == []
    assert runs.run_folder(tmp_path, running).exists()


def test_prune_keeps_the_served_and_the_previous_run(tmp_path):
    ids = []
    for _ in range(4):
        run_id = runs.new_run(tmp_path)
        runs.commit(tmp_path, run_id, _manifest(run_id, ["ties"]))
        ids.append(run_id)
    removed = runs.prune(tmp_path)
    assert sorted(removed) == sorted(ids[:2])
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == sorted(ids[2:])


def test_output_must_be_a_folder(tmp_path):
    assert runs.output_path(f"file://{tmp_path}") == tmp_path
    with pytest.raises(InputError, match="local or mounted folder"):
        runs.output_path("s3://bucket/results")

"""Bounded memory: an import whose caches are trimmed at every chunk of rows
(what a file of millions of rows does) stores exactly what an import that keeps
everything in memory stores."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import weakties.ingest.context
import weakties.ingest.linkedin.network
import weakties.ingest.linkedin.traces
from tests.support import connections, url, write_files
from weakties.ingest.context import PidSet
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.store.engine import open_store


def _content(db: Path) -> dict[str, list[tuple]]:
    """What was stored, with person ids replaced by names (ids depend on order)."""
    with sqlite3.connect(db) as conn:
        name = dict(conn.execute("select id, display_name || '|' || name_key from person"))
        org = dict(conn.execute("select id, norm_name from organization"))

        def rows(sql: str, people: tuple[int, ...] = (), orgs: tuple[int, ...] = ()):
            out = []
            for row in conn.execute(sql):
                row = list(row)
                for i in people:
                    row[i] = name.get(row[i])
                for i in orgs:
                    row[i] = org.get(row[i])
                out.append(tuple(row))
            return sorted(out, key=repr)

        return {
            "person": rows("select id, headline from person", people=(0,)),
            "identity": rows("select person_id, kind, value from identity", people=(0,)),
            "tie": rows(
                "select person_a_id, person_b_id, source, since, ended_at, confidence from tie",
                people=(0, 1),
            ),
            "position": rows(
                "select person_id, organization_id, title, is_current, seen_on, end_date "
                "from position",
                people=(0,),
                orgs=(1,),
            ),
            "interaction": rows(
                "select kind, sender_id, recipient_id, occurred_at, group_size from interaction",
                people=(1, 2),
            ),
            "event": rows("select person_id, kind, occurred_on from event", people=(0,)),
            "known": rows("select person_id from known_person", people=(0,)),
            "proposal": rows(
                "select person_id, candidate_id, reason from match_proposal", people=(0, 1)
            ),
        }


def _imports(tmp_path: Path, samples: Path, db: Path) -> None:
    store = open_store(db)
    import_linkedin(store, samples / "export-2022-09", "blake")
    import_linkedin(store, samples / "export-2024-12", "lane")
    # a newer list of lane's: one connection gone, one new, one moved on
    newer = [
        ["Casey", "Garrick", url("member-b8f50d05"), "", "Acme", "CTO", "16 Dec 2024"],
        ["New", "Person", url("new-person"), "", "Globex", "Dev", "20 Dec 2024"],
    ]
    folder = write_files(tmp_path / "newer", {"Connections.csv": connections(newer)})
    import_linkedin(store, folder, "lane", export_date=None)
    store.close()


@pytest.mark.shared_data
def test_trimmed_caches_store_the_same(tmp_path, samples, monkeypatch):
    whole = tmp_path / "whole.sqlite"
    _imports(tmp_path / "a", samples, whole)
    monkeypatch.setattr(weakties.ingest.context, "CACHE_ENTRIES", 1)
    monkeypatch.setattr(weakties.ingest.linkedin.network, "CHUNK_ROWS", 3)
    monkeypatch.setattr(weakties.ingest.linkedin.traces, "CHUNK_ROWS", 3)
    trimmed = tmp_path / "trimmed.sqlite"
    _imports(tmp_path / "b", samples, trimmed)
    expected, found = _content(whole), _content(trimmed)
    assert expected["tie"] and expected["event"]
    for table in expected:
        assert found[table] == expected[table], table


def test_pid_set_is_a_set():
    ids = PidSet([5, 9, 5])
    assert (len(ids), 5 in ids, 6 in ids, -1 in ids, "x" in ids) == (2, True, False, False, False)
    ids.add(100_000)
    assert list(ids) == [5, 9, 100_000]

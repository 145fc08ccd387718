"""The mbox importer's address cache and the generic importer's identifier cache
are bounded like the import's own caches: trimmed at every chunk (what a file of
millions of rows does), they never hold more than the bound, and the import
stores exactly what an import that keeps everything in memory stores."""

from __future__ import annotations

import sqlite3

import weakties.ingest.context
import weakties.ingest.generic
import weakties.ingest.mbox
from weakties.ingest.generic import Identifiers, import_interactions
from weakties.ingest.mbox import AddressBook, import_mbox
from weakties.store.engine import open_store

PEOPLE = [f"p{k}" for k in range(9)]


def _mbox(path):
    mails = []
    for k in range(30):
        a, b = PEOPLE[k % 9], PEOPLE[(k * 4 + 1) % 9]
        sender, to = ("ann@acme.io", f"{b}@x.io") if k % 2 else (f"{a}@x.io", "ann@acme.io")
        # an address always comes with the same name (a first sighting without a
        # name, named later, is named by whichever look-up comes first)
        mails.append(
            f"From {sender} Mon Jan {k % 28 + 1:02d} 10:00:00 2024\n"
            f"From: {_named(sender)}\nTo: {_named(to)}, {_named(b + '@x.io')}\n"
            f"Date: Mon, {k % 28 + 1:02d} Jan 2024 10:00:00 +0000\n"
            f"Message-ID: <m{k}@x.io>\nSubject: note {k}\n\nhello\n\n"
        )
    path.write_text("".join(mails), encoding="utf-8")
    return path


def _named(address):
    return f"{address.split('@')[0].title()} <{address}>"


def _log(path):
    rows = ["sender,recipient,when"]
    for k in range(40):
        rows.append(f"{PEOPLE[k % 9]},{PEOPLE[(k * 5 + 2) % 9]},2024-02-{k % 27 + 1:02d}T10:00:00Z")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _imports(tmp_path, db):
    store = open_store(db)
    import_mbox(store, _mbox(tmp_path / "mail.mbox"), "ann", me=["ann@acme.io"])
    import_interactions(
        store,
        _log(tmp_path / "log.csv"),
        sender="sender",
        recipient="recipient",
        timestamp="when",
        member="ann",
    )
    store.close()


def _content(db):
    with sqlite3.connect(db) as conn:
        name = dict(conn.execute("select id, display_name from person"))
        return {
            "identity": sorted(
                (name[p], k, v)
                for p, k, v in conn.execute("select person_id, kind, value from identity")
            ),
            "interaction": sorted(
                (k, name.get(s), name.get(r), str(t), g)
                for k, s, r, t, g in conn.execute(
                    "select kind, sender_id, recipient_id, occurred_at, group_size from interaction"
                )
            ),
            "person": sorted(name.values()),
        }


def test_trimmed_address_and_identifier_caches_store_the_same(tmp_path, monkeypatch):
    whole = tmp_path / "whole.sqlite"
    (tmp_path / "a").mkdir()
    _imports(tmp_path / "a", whole)
    largest = {"addresses": 0, "identifiers": 0}
    person, identified = AddressBook.person, Identifiers.person

    def spy_address(self, *args):
        found = person(self, *args)
        largest["addresses"] = max(largest["addresses"], len(self._known))
        return found

    def spy_identifier(self, *args):
        found = identified(self, *args)
        largest["identifiers"] = max(largest["identifiers"], len(self._pids))
        return found

    monkeypatch.setattr(AddressBook, "person", spy_address)
    monkeypatch.setattr(Identifiers, "person", spy_identifier)
    monkeypatch.setattr(weakties.ingest.context, "CACHE_ENTRIES", 2)
    monkeypatch.setattr(weakties.ingest.mbox, "CHUNK_ROWS", 3)
    monkeypatch.setattr(weakties.ingest.generic, "CHUNK_ROWS", 3)
    trimmed = tmp_path / "trimmed.sqlite"
    (tmp_path / "b").mkdir()
    _imports(tmp_path / "b", trimmed)
    expected, found = _content(whole), _content(trimmed)
    assert len(expected["interaction"]) > 40 and len(expected["person"]) >= 10
    for table in expected:
        assert found[table] == expected[table], table
    # nine people in each file, never more than the bound in memory
    assert 0 < largest["addresses"] <= 2 and 0 < largest["identifiers"] <= 2

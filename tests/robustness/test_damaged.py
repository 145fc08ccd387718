"""A damaged page that SQLite reads without complaint: rows just vanish.

The person table's page is made to hold no cell: every read of it succeeds and
returns nothing, so an import met "No row was found" for the member's own
record and ended in a traceback. A missing row that the database's own rules
require, read while the file fails SQLite's check, is the damage it is: one
line suggesting ``PRAGMA integrity_check`` and a backup, exit status 3.
"""

from __future__ import annotations

import sqlite3

from tests.robustness.conftest import GOOD_ROWS, dump, refused, run
from tests.support import connections, write_files


def _empty_the_page_of(db, table: str) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("pragma wal_checkpoint(truncate)")
        size = conn.execute("pragma page_size").fetchone()[0]
        root = conn.execute("select rootpage from sqlite_master where name = ?", (table,))
        (page,) = root.fetchone()
    data = bytearray(db.read_bytes())
    header = (page - 1) * size + (100 if page == 1 else 0)
    assert data[header] == 0x0D  # a leaf page of a table: its rows
    data[header + 3 : header + 5] = (0).to_bytes(2, "big")  # its count of cells
    db.write_bytes(bytes(data))


def test_an_import_on_a_damaged_page_fails_in_one_line(seeded, tmp_path):
    db, _ = seeded
    _empty_the_page_of(db, "person")
    before = dump(db)
    again = write_files(tmp_path / "again", {"Connections.csv": connections(GOOD_ROWS)})
    ran = run(db, "import", "linkedin", str(again), "--as", "me", "--export-date", "2024-03-01")
    refused(ran, 3, str(db), "is damaged", "PRAGMA integrity_check", "backup")
    assert dump(db) == before

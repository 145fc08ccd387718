"""Hostile text through every import route: stored as written (rendering makes
it safe, not the import), and never reaching an error message raw."""

from __future__ import annotations

import sqlite3

import pytest

from tests.robustness.conftest import run
from tests.robustness.payloads import PAYLOADS, csv_export, ics_file, mbox_file, vcard_file


def _names(db) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {r[0] for r in conn.execute("select display_name from person")}


@pytest.mark.parametrize("kind", sorted(PAYLOADS))
def test_csv_names_organisations_and_titles_keep_their_raw_text(tmp_path, kind):
    payload = PAYLOADS[kind]
    db = tmp_path / "w.sqlite"
    ran = run(db, "import", "linkedin", str(csv_export(tmp_path / "e", payload)), "--as", "me")
    assert ran.code == 0, ran.err
    assert f"Eve{payload} Lee{payload}" in _names(db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("select name from organization").fetchone()[0] == f"Acme{payload}"
        titles = {r[0] for r in conn.execute("select title from position")}
    assert titles == {payload.strip()} or titles == {payload}


def test_mbox_encoded_words_are_decoded_into_the_raw_name(tmp_path):
    db = tmp_path / "w.sqlite"
    path = mbox_file(tmp_path / "in.mbox", PAYLOADS["clear"])
    assert "=1B" in path.read_text()  # the escape travels encoded, as in real mail
    ran = run(db, "import", "mbox", str(path), "--as", "me", "--me", "me@example.org")
    assert ran.code == 0, ran.err
    assert f"Eve {PAYLOADS['clear']} Lee" in _names(db)


def test_vcard_and_ics_keep_the_raw_name(tmp_path):
    db = tmp_path / "w.sqlite"
    payload = PAYLOADS["title"]
    ran = run(db, "import", "vcard", str(vcard_file(tmp_path / "a.vcf", payload)), "--as", "me")
    assert ran.code == 0, ran.err
    assert any(payload in name for name in _names(db))
    calendar = ics_file(tmp_path / "c.ics", PAYLOADS["colour"])
    ran = run(db, "import", "ics", str(calendar), "--me", "me@example.org")
    assert ran.code == 0, ran.err
    assert any(PAYLOADS["colour"] in name for name in _names(db))


def test_an_error_never_echoes_an_escape_raw(tmp_path):
    """A bad cell holding an escape: the message names it, written visibly."""
    db = tmp_path / "w.sqlite"
    export = csv_export(tmp_path / "e", PAYLOADS["clear"])
    text = (export / "Connections.csv").read_text().replace("01 Jan 2024", "\x1b[2Jsoon")
    (export / "Connections.csv").write_text(text)
    ran = run(db, "import", "linkedin", str(export), "--as", "me")
    assert ran.code == 2
    assert "\x1b" not in ran.err
    assert "\\x1b[2Jsoon" in ran.err

"""Messages that say what happened, once and without contradiction."""

from __future__ import annotations

import warnings
import zipfile

from tests.robustness.conftest import GOOD_ROWS, dump, refused, run
from tests.support import connections


def test_two_entries_of_one_name_in_an_archive_are_named_once(seeded, tmp_path):
    db, before = seeded
    archive = tmp_path / "dup.zip"
    with zipfile.ZipFile(archive, "w") as out, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name
        out.writestr("Connections.csv", connections(GOOD_ROWS))
        out.writestr("Connections.csv", connections(GOOD_ROWS))
    ran = run(db, "import", "linkedin", str(archive), "--as", "me")
    line = refused(ran, 2, "dup.zip:Connections.csv", "holds Connections.csv twice")
    assert line.count("dup.zip") == 1, line
    assert dump(db) == before


def test_an_identity_too_long_to_keep_is_said_not_kept(tmp_path):
    address = "a" * 330 + "@example.org"
    card = tmp_path / "long.vcf"
    card.write_text(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Lou Long\r\nEMAIL:{address}\r\nEND:VCARD\r\n",
        newline="",
    )
    ran = run(tmp_path / "w.sqlite", "import", "vcard", str(card), "--as", "me")
    assert ran.code == 0, ran.err
    warned = [line for line in ran.err.splitlines() if line.startswith("warning:")]
    assert warned == ["warning: 1 email identity over 320 characters: not kept"], ran.err

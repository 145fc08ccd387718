"""Values longer than their columns: refused at the edge, or cut with a warning.

PostgreSQL refuses a value longer than its column where SQLite stores it whole:
what a user types is checked where it enters (the option and its limit named),
what an import reads is cut to fit and counted in the summary's warnings.
"""

from __future__ import annotations

from tests.robustness.conftest import dump, refused, run
from tests.support import connections, url, write_files


def test_a_do_not_ask_reason_over_its_limit_is_refused(seeded):
    db, before = seeded
    ran = run(db, "do-not-ask", "Ann Lee", "--reason", "r" * 400, "--as", "me")
    line = refused(ran, 2, "--reason", "at most 200 characters", "400")
    assert "Ann" not in line
    assert dump(db) == before
    ran = run(db, "do-not-ask", "Ann Lee", "--reason", "r" * 200, "--as", "me")
    assert ran.code == 0, ran.err  # the limit itself is fine


def test_an_organisation_name_over_300_characters_is_cut_with_a_warning(tmp_path):
    rows = [["Cy", "Tran", url("cy"), "", "I" * 400, "Dev", "03 Jan 2024"]]
    export = write_files(tmp_path / "e", {"Connections.csv": connections(rows)})
    ran = run(tmp_path / "w.sqlite", "import", "linkedin", str(export), "--as", "me")
    assert ran.code == 0, ran.err
    assert "warning: 1 organisation name over 300 characters: cut to fit" in ran.err

"""The value report's text says its counts in words that agree with the number
("30 endorsements", "1 recommendation"), as every other count of the report."""

from __future__ import annotations

import io

from rich.console import Console

from tests.support import connections, profile, url, viewer_of, write_files
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.records import to_json
from weakties.report.text import print_report
from weakties.service.report import network_report
from weakties.store.engine import open_store


def test_the_reciprocity_counts_agree_with_their_number(tmp_path):
    export = write_files(
        tmp_path / "Complete_LinkedInDataExport_06-01-2024",
        {
            "Profile.csv": profile("Yara", "Viewer"),
            "Connections.csv": connections(
                [["Ann", "Shared", url("ann"), "", "Acme", "CTO", "01 Jan 2020"]]
            ),
        },
    )
    store = open_store(tmp_path / "words.sqlite")
    try:
        import_linkedin(store, [export], "me")
        with store.engine.begin() as conn:
            report = to_json(network_report(conn, viewer_of(conn, "me"), remember=False))
    finally:
        store.close()
    # the figures of a member who gave 30 endorsements and received one of each
    report["reciprocity"].update(
        missing=None,
        given={"endorsement": 30},
        received={"endorsement": 1, "recommendation": 1},
    )
    out = io.StringIO()
    print_report(report, Console(file=out, width=200))
    assert "given: 30 endorsements; received: 1 endorsement, 1 recommendation;" in out.getvalue()


def test_the_import_history_counts_in_words(tmp_path):
    from typer.testing import CliRunner

    from weakties.cli.main import app

    export = write_files(
        tmp_path / "Complete_LinkedInDataExport_06-01-2024",
        {
            "Profile.csv": profile("Yara", "Viewer"),
            "Connections.csv": connections(
                [
                    ["Ann", "Shared", url("ann"), "", "Acme", "CTO", "01 Jan 2020"],
                    ["Bo", "Other", url("bo"), "", "Acme", "CFO", "01 Jan 2020"],
                ]
            ),
        },
    )
    db = tmp_path / "imports.sqlite"
    store = open_store(db)
    try:
        import_linkedin(store, [export], "me")
    finally:
        store.close()
    shown = CliRunner().invoke(app, ["--db", str(db), "imports"], env={"COLUMNS": "300"})
    assert shown.exit_code == 0, shown.output
    assert "3 people" in shown.output and "identities" in shown.output
    assert "identity," not in shown.output

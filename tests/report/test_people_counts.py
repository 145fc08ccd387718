"""Counts as LinkedIn counts them: connections first (the rows of Connections.csv),
then address-book contacts, people only messaged, invitations, others — the same
in the report, the first look, the people listing and the import summary."""

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from tests.support import connections, csv_text, url, write_files
from weakties.cli.main import app
from weakties.records import to_json
from weakties.service import transaction, viewer
from weakties.service.people import people_counts
from weakties.service.report import network_report, overview
from weakties.store.engine import open_store

runner = CliRunner()
ORIGINS = ("connections", "address_book", "only_messaged", "invitations", "others")


def cli(db, *args):
    return runner.invoke(app, ["--db", str(db), *args])


def named_rows(path):
    """The rows of a Connections.csv that name someone (hidden members name nobody)."""
    text = path.read_text(encoding="utf-8-sig")
    start = text.index("First Name")
    rows = list(csv.DictReader(io.StringIO(text[start:])))
    return [r for r in rows if (r.get("First Name") or r.get("Last Name") or "").strip()]


def _everywhere(db, member="me"):
    """The counts as the report, the first look and the service give them."""
    store = open_store(db)
    try:
        with transaction(store) as conn:
            who = viewer(conn, member)
            counts = people_counts(conn, who)
            report = to_json(network_report(conn, who, remember=False))
            first = overview(conn, who)
    finally:
        store.close()
    mine = {k: getattr(counts, k) for k in ORIGINS}
    assert {k: report["people"][k] for k in ORIGINS} == mine
    assert {k: report["headline"][k] for k in ORIGINS} == mine
    assert {k: first.counts[k] for k in ORIGINS} == mine
    assert list(first.counts)[:5] == list(ORIGINS)  # connections first
    assert report["people"]["total"] == counts.total == sum(mine.values())
    return mine


@pytest.mark.shared_data
@pytest.mark.parametrize("folder", ["export-2022-09", "export-2024-12"])
def test_connections_are_the_rows_of_connections_csv(samples, tmp_path, folder):
    db = tmp_path / "w.sqlite"
    done = cli(db, "import", "linkedin", str(samples / folder), "--as", "me", "--json")
    assert done.exit_code == 0, done.output
    summary = json.loads(done.stdout)
    mine = _everywhere(db)
    assert mine["connections"] == len(named_rows(samples / folder / "Connections.csv"))
    assert {k: summary["people"][k] for k in ORIGINS} == mine
    listing = cli(db, "people")
    assert f"{mine['connections']} connections" in " ".join(listing.output.split())


def test_each_person_counted_once_where_first_found(tmp_path):
    export = write_files(
        tmp_path / "export",
        {
            "Connections.csv": connections(
                [
                    ["Ann", "Lee", url("ann"), "", "Acme", "CTO", "01 Jan 2024"],
                    ["Bob", "Stone", url("bob"), "", "Globex", "Dev", "02 Jan 2024"],
                ]
            ),
            "messages.csv": csv_text(
                [
                    "CONVERSATION ID",
                    "CONVERSATION TITLE",
                    "FROM",
                    "SENDER PROFILE URL",
                    "TO",
                    "RECIPIENT PROFILE URLS",
                    "DATE",
                    "SUBJECT",
                    "CONTENT",
                    "FOLDER",
                ],
                [
                    [
                        "c1",
                        "",
                        "Me Myself",
                        url("me"),
                        "Ann Lee",
                        url("ann"),
                        "2024-02-01 10:00:00 UTC",
                        "",
                        "hi",
                        "INBOX",
                    ],
                    [
                        "c2",
                        "",
                        "Cy Recruiter",
                        url("cy"),
                        "Me Myself",
                        url("me"),
                        "2024-02-02 10:00:00 UTC",
                        "",
                        "hello",
                        "INBOX",
                    ],
                ],
            ),
            "Invitations.csv": csv_text(
                [
                    "From",
                    "To",
                    "Sent At",
                    "Message",
                    "Direction",
                    "inviterProfileUrl",
                    "inviteeProfileUrl",
                ],
                [
                    [
                        "Me Myself",
                        "Dee Doe",
                        "2/3/24, 10:00 AM",
                        "",
                        "OUTGOING",
                        url("me"),
                        url("dee"),
                    ],
                    [
                        "Me Myself",
                        "Bob Stone",
                        "1/1/24, 10:00 AM",
                        "",
                        "OUTGOING",
                        url("me"),
                        url("bob"),
                    ],
                ],
            ),
        },
    )
    db = tmp_path / "w.sqlite"
    done = cli(db, "import", "linkedin", str(export), "--as", "me", "--json")
    assert done.exit_code == 0, done.output
    # Ann: a connection messaged; Bob: a connection invited; Cy: only messaged; Dee: invited
    assert _everywhere(db) == {
        "connections": 2,
        "address_book": 0,
        "only_messaged": 1,
        "invitations": 1,
        "others": 0,
    }
    assert json.loads(done.stdout)["people"]["total"] == 4
    text = cli(db, "import", "linkedin", str(export), "--as", "me")
    assert "me now: 4 people — 2 connections · 1 only messaged · 1 invitation only" in " ".join(
        text.output.split()
    )
    shown = " ".join(cli(db, "report").output.split())
    assert "4 people: connections 2 · address book 0 · only messaged 1" in shown

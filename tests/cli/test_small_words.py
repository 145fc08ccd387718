"""The small things a new user trips on: plurals, event kinds in words, the report
page written whole with one line said, targets found by part of a name."""

import errno
import json
import os

import pytest
from typer.testing import CliRunner

from tests.support import connections, url, write_files
from weakties.cli.main import app

runner = CliRunner()
ROWS = [
    ["Ann", "Pearson", url("ann"), "", "Acme", "CTO", "01 Jan 2024"],
    ["Bob", "Stone", url("bob"), "", "Pearson Agency", "Dev", "02 Jan 2024"],
]


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "w.sqlite"
    export = write_files(tmp_path / "export", {"Connections.csv": connections(ROWS)})
    done = runner.invoke(app, ["--db", str(path), "import", "linkedin", str(export), "--as", "me"])
    assert done.exit_code == 0, done.output
    return path


def cli(db, *args):
    return runner.invoke(app, ["--db", str(db), *args])


def test_one_person_is_not_one_people(db):
    one = cli(db, "people", "--search", "stone")
    assert one.exit_code == 0, one.output
    assert "1 person" in one.output and "1 people" not in one.output
    both = cli(db, "people")
    assert "2 people" in both.output
    degree = cli(db, "degree", "Bob Stone")
    assert "0 mutual contacts, 1 shortest path" in degree.output, degree.output
    assert "(s)" not in degree.output


def test_event_kinds_are_words(db, tmp_path):
    fewer = write_files(tmp_path / "newer", {"Connections.csv": connections(ROWS[:1])})
    done = cli(db, "import", "linkedin", str(fewer), "--as", "me", "--export-date", "2024-02-01")
    assert done.exit_code == 0, done.output
    events = cli(db, "events")
    assert "connection gone" in events.output and "connection_gone" not in events.output
    person = cli(db, "person", "Bob Stone")
    assert "connection gone" in person.output and "connection_gone" not in person.output
    # machines still read the kind as it is stored
    kinds = {e["kind"] for e in json.loads(cli(db, "events", "--json").stdout)}
    assert "connection_gone" in kinds


def test_report_page_is_written_and_one_line_said(db, tmp_path):
    page = tmp_path / "report.html"
    done = cli(db, "report", "--html", str(page))
    assert done.exit_code == 0, done.output
    assert done.stdout.strip().splitlines() == [f"Written: {page}"]
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []


def test_a_full_disk_leaves_no_empty_page(db, tmp_path, monkeypatch):
    page = tmp_path / "report.html"
    page.write_text("the page of last week", encoding="utf-8")
    real_fsync = os.fsync

    def full(fd):
        real_fsync(fd)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    done = cli(db, "report", "--html", str(page))
    assert done.exit_code != 0
    assert "cannot write the report: No space left on device" in done.output
    assert len(done.output.strip().splitlines()) == 1 and "Traceback" not in done.output
    # the older page as it was, and nothing else left behind
    assert page.read_text(encoding="utf-8") == "the page of last week"
    assert [p.name for p in tmp_path.iterdir() if "report" in p.name] == ["report.html"]
    new = tmp_path / "new.html"
    assert cli(db, "report", "--html", str(new)).exit_code != 0
    assert not new.exists()


def test_intro_finds_a_target_by_part_of_a_name(db):
    # "stone" is part of one person's name and of no organisation's
    one = cli(db, "intro", "--to", "stone", "--json")
    assert one.exit_code == 0, one.output
    assert json.loads(one.stdout)["target"] == "Bob Stone"
    # "pearson": a person and an organisation — both listed, nothing guessed
    both = cli(db, "intro", "--to", "pearson")
    assert both.exit_code == 4, both.output
    assert "1 organisation and 1 person" in both.output
    assert "org:Pearson Agency" in both.output and "Ann Pearson" in both.output
    org = cli(db, "intro", "--to", "agency", "--json")
    assert org.exit_code == 0 and json.loads(org.stdout)["target"] == "Pearson Agency"
    nobody = cli(db, "intro", "--to", "zzz")
    assert nobody.exit_code != 0 and "no organisation or person" in nobody.output


def test_an_ask_for_nobody_is_refused_and_not_recorded(db):
    done = cli(db, "ask", "Bob Stone")
    assert done.exit_code == 2, done.output
    said = " ".join(done.output.split())
    assert "say whom you ask Bob Stone to introduce you to: --for PERSON" in said
    assert "--org ORG" in said and "an ask for nobody is not recorded" in said
    assert "Traceback" not in done.output
    assert json.loads(cli(db, "asks", "--json").stdout) == []
    # naming whom it is for, the same ask is recorded — and --as is not needed with one member
    recorded = cli(db, "ask", "Bob Stone", "--for", "Ann Pearson", "--json")
    assert recorded.exit_code == 0, recorded.output
    assert [a["broker"] for a in json.loads(cli(db, "asks", "--json").stdout)] == ["Bob Stone"]


def _imported_with_hidden_members(tmp_path):
    """The import table and summary, graph stats and ties infer: "2 hidden
    member", "75 person, 71 identity", "1 colleague ties" and "your reach 3 1st"
    (connections and address book together, where LinkedIn says 2 connections)."""
    rows = [*ROWS, ["", "", "", "", "", "", "03 Jan 2024"], ["", "", "", "", "", "", "04 Jan 2024"]]
    contacts = (
        "Source,FirstName,LastName,Companies,Title,Emails,PhoneNumbers,CreatedAt\n"
        'GOOGLE_CONTACTS,Cid,Ray,,,cid@ray.io,,"3/21/17, 5:25 AM"\n'
    )
    export = write_files(
        tmp_path / "export",
        {"Connections.csv": connections(rows), "Contacts.csv": contacts},
    )
    db = tmp_path / "w.sqlite"
    done = cli(db, "import", "linkedin", str(export), "--as", "me")
    assert done.exit_code == 0, done.output
    text = " ".join(done.stdout.split())
    assert "Added: 4 people, 3 identities, 2 organisations" in text, text
    return db


def test_counts_say_what_they_count_in_words(tmp_path):
    from weakties.cli.importing import skipped_words

    # rows of Connections.csv with no name: members LinkedIn counts and does not name
    assert skipped_words("hidden member", 2) == (
        "2 hidden members (LinkedIn members counted, not named)"
    )
    assert skipped_words("duplicate row", 1) == "1 duplicate row"
    db = _imported_with_hidden_members(tmp_path)
    infer = cli(db, "ties", "infer")
    assert infer.exit_code == 0, infer.output
    assert " 1 colleague ties" not in infer.stdout


def test_graph_stats_counts_the_first_degree_as_linkedin_does(tmp_path):
    db = _imported_with_hidden_members(tmp_path)
    stats = " ".join(cli(db, "graph", "stats").stdout.split())
    assert "3 1st (2 connections · 1 address-book contact)" in stats, stats


@pytest.mark.parametrize("extra", [["--explain", "Ann Lee"], ["--layer", "5"]])
def test_ties_all_refuses_what_it_would_ignore(db, extra):
    """``ties --all`` lists pairs that need not include the viewer: an option that
    would have been dropped silently (a tie to explain, a Dunbar layer) is refused."""
    done = cli(db, "ties", "--all", *extra)
    assert done.exit_code == 2, done.output
    said = " ".join(done.output.split())
    assert f"{extra[0]} cannot go with --all" in said and "Traceback" not in done.output
    assert cli(db, "ties", "--all", "--json").exit_code == 0

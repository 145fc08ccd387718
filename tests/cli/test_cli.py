"""The command line: the exact forms external checks use, JSON listings, clean errors."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.support import connections, env_with_db, table_snapshot, url, write_files
from weakties.cli.main import app

runner = CliRunner()
ROWS = [
    ["Ann", "Lee", url("ann"), "", "Acme", "CTO", "01 Jan 2024"],
    ["Bob", "Stone", url("bob"), "bob@stone.io", "Globex", "Dev", "02 Jan 2024"],
]


def cli(db: Path, *args: str):
    result = runner.invoke(app, ["--db", str(db), *args], catch_exceptions=False)
    return result


def weakties_exe() -> list[str]:
    found = shutil.which("weakties", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "weakties.cli.main"]


@pytest.fixture
def export(tmp_path):
    return write_files(tmp_path / "export", {"Connections.csv": connections(ROWS)})


def test_external_check_forms(tmp_path, export):
    db = tmp_path / "ext.sqlite"
    env = env_with_db(db)
    done = subprocess.run(
        [*weakties_exe(), "import", "linkedin", str(export), "--as", "Alice Martin"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    listing = subprocess.run(
        [*weakties_exe(), "people", "--json"], env=env, capture_output=True, text=True, check=True
    )
    people = json.loads(listing.stdout)
    assert isinstance(people, list)
    assert {p["name"] for p in people} == {"Ann Lee", "Bob Stone"}
    assert all(p["degree"] == 1 for p in people)


def test_bad_input_exits_nonzero_and_writes_nothing(tmp_path, export):
    db = tmp_path / "ext.sqlite"
    env = env_with_db(db)
    subprocess.run(
        [*weakties_exe(), "import", "linkedin", str(export), "--as", "me"],
        env=env,
        check=True,
        capture_output=True,
    )
    before = table_snapshot(db)
    bad = write_files(
        tmp_path / "bad",
        {
            "Connections.csv": connections(
                [["Cy", "Tran", url("cy"), "", "Initech", "Ops", "31 Feb 2024"]]
            )
        },
    )
    done = subprocess.run(
        [*weakties_exe(), "import", "linkedin", str(bad), "--as", "me"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "Connections.csv, line 5, field 'Connected On'" in done.stderr
    assert "Traceback" not in done.stderr
    assert table_snapshot(db) == before


def test_import_json_summary_and_listings(tmp_path, export):
    db = tmp_path / "w.sqlite"
    result = cli(db, "import", "linkedin", str(export), "--as", "me", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["added"]["tie"] == 2 and summary["files"][0]["kind"] == "connections"
    again = json.loads(cli(db, "import", "linkedin", str(export), "--as", "me", "--json").stdout)
    assert again["unchanged"] is True
    for command in (
        ["people"],
        ["orgs"],
        ["events"],
        ["members"],
        ["imports"],
        ["matches"],
        ["note", "list"],
        ["orgs", "suggest-merges"],
    ):
        result = cli(db, *command, "--json")
        assert result.exit_code == 0, (command, result.output)
        assert isinstance(json.loads(result.stdout), list), command
    person = json.loads(cli(db, "person", "bob@stone.io", "--json").stdout)
    assert person["name"] == "Bob Stone" and person["degree"] == 1
    assert person["positions"][0]["org"] == "Globex"


def test_people_filters(tmp_path, export):
    db = tmp_path / "w.sqlite"
    cli(db, "import", "linkedin", str(export), "--as", "me")
    by_org = json.loads(cli(db, "people", "--org", "globex", "--json").stdout)
    assert [p["name"] for p in by_org] == ["Bob Stone"]
    by_name = json.loads(cli(db, "people", "--search", "ANN", "--json").stdout)
    assert [p["name"] for p in by_name] == ["Ann Lee"]


def test_notes_are_shown_with_the_person_and_private(tmp_path, export):
    db = tmp_path / "w.sqlite"
    cli(db, "import", "linkedin", str(export), "--as", "me")
    other = write_files(tmp_path / "other", {"Connections.csv": connections(ROWS[:1])})
    cli(db, "import", "linkedin", str(other), "--as", "you")
    result = cli(
        db,
        "note",
        "add",
        "Ann Lee",
        "Met at the Lyon meetup",
        "--kind",
        "meeting",
        "--date",
        "2024-03-02",
        "--as",
        "me",
    )
    assert result.exit_code == 0, result.output
    mine = json.loads(cli(db, "person", "Ann Lee", "--json", "--as", "me").stdout)
    assert mine["notes"] == [
        {"id": 1, "kind": "meeting", "date": "2024-03-02", "text": "Met at the Lyon meetup"}
    ]
    theirs = json.loads(cli(db, "person", "Ann Lee", "--json", "--as", "you").stdout)
    assert theirs["notes"] == []
    bad_kind = cli(db, "note", "add", "Ann Lee", "x", "--kind", "lunch")
    assert bad_kind.exit_code != 0


def test_orgs_merge_on_command_only(tmp_path):
    db = tmp_path / "w.sqlite"
    rows = [
        ["Ann", "Lee", url("ann"), "", "Accenture", "CTO", "01 Jan 2024"],
        ["Bob", "Stone", url("bob"), "", "Acenture", "Dev", "02 Jan 2024"],  # a typo
    ]
    cli(
        db,
        "import",
        "linkedin",
        str(write_files(tmp_path / "e", {"Connections.csv": connections(rows)})),
        "--as",
        "me",
    )
    suggestions = json.loads(cli(db, "orgs", "suggest-merges", "--json").stdout)
    assert [(s["a"]["name"], s["b"]["name"]) for s in suggestions] == [("Accenture", "Acenture")]
    assert len(json.loads(cli(db, "orgs", "--json").stdout)) == 2  # nothing merged yet
    result = cli(db, "orgs", "merge", "Acenture", "--into", "Accenture")
    assert result.exit_code == 0, result.output
    orgs = json.loads(cli(db, "orgs", "--json").stdout)
    assert [(o["name"], o["people_now"], o["aliases"]) for o in orgs] == [
        ("Accenture", 2, ["Acenture"])
    ]


def test_errors_are_one_line_with_exit_codes(tmp_path, export):
    db = tmp_path / "w.sqlite"
    env = env_with_db(db)
    done = subprocess.run([*weakties_exe(), "people"], env=env, capture_output=True, text=True)
    assert done.returncode == 4 and "no member yet" in done.stderr
    subprocess.run(
        [*weakties_exe(), "import", "linkedin", str(export), "--as", "me"],
        env=env,
        check=True,
        capture_output=True,
    )
    done = subprocess.run(
        [*weakties_exe(), "person", "Nobody Here"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 4 and "nobody called 'Nobody Here'" in done.stderr
    assert "Traceback" not in done.stderr
    missing = subprocess.run(
        [*weakties_exe(), "import", "linkedin", str(tmp_path / "nope.zip"), "--as", "me"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_default_database_location_is_the_user_data_dir(tmp_path, export):
    env = dict(os.environ)
    env.pop("WEAKTIES_DB", None)
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    env["HOME"] = str(tmp_path / "home")
    done = subprocess.run(
        [*weakties_exe(), "db", "info", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    info = json.loads(done.stdout)
    assert info["url"] == f"sqlite:///{tmp_path / 'xdg' / 'weakties' / 'weakties.sqlite'}"
    assert info["revision"] == info["head"]

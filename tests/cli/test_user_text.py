"""People's own text prints as written (never read as markup), odd input gets a clean
error, and machine output stays valid JSON."""

import json
import math

import pytest
from typer.testing import CliRunner

from tests.support import connections, url, write_files
from weakties.cli.main import app
from weakties.cli.output import print_json
from weakties.model.identity import linkedin_slug

runner = CliRunner()
ROWS = [
    ["Adrien", "Masse [he/him]", url("adrien"), "", "Acme [Paris]", "CTO", "01 Jan 2024"],
    ["Bob", "Stone", url("bob"), "", "Globex", "Dev", "02 Jan 2024"],
    ["Ann", "Le_e", url("ann"), "", "Initech", "Ops", "03 Jan 2024"],
    ["Eve", "Lee", url("eve"), "", "Initech", "Ops", "04 Jan 2024"],  # "eve" is like "e_e"
]


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "u.sqlite"
    export = write_files(tmp_path / "export", {"Connections.csv": connections(ROWS)})
    done = runner.invoke(app, ["--db", str(path), "import", "linkedin", str(export), "--as", "me"])
    assert done.exit_code == 0, done.output
    return path


def cli(db, *args):
    return runner.invoke(app, ["--db", str(db), *args])


def test_names_and_notes_with_brackets_print_as_written(db):
    shown = cli(db, "people")
    assert shown.exit_code == 0, shown.output
    assert "Masse [he/him]" in shown.output.replace("\n", " ") or "[he/him]" in shown.output
    assert cli(db, "note", "add", "Adrien", "met at [/] conf [bold]x").exit_code == 0
    record = cli(db, "person", "Adrien")
    assert record.exit_code == 0, record.output
    assert "met at [/] conf [bold]x" in record.output
    assert "[he/him]" in record.output


def test_a_lookup_with_brackets_or_wildcards_is_a_clean_answer(db):
    for text in ("[/]", "[bold]"):
        done = cli(db, "degree", text)
        assert done.exit_code != 0 and "Traceback" not in done.output
        assert f"nobody called '{text}'" in done.output
    # "_" is a letter here, not a LIKE wildcard: only Ann Le_e matches
    found = cli(db, "people", "--search", "e_e", "--json")
    assert found.exit_code == 0, found.output
    assert [p["name"] for p in json.loads(found.stdout)] == ["Ann Le_e"]
    one = cli(db, "degree", "e_e", "--json")  # Ann only: Eve is no match
    assert one.exit_code == 0, one.output
    assert json.loads(one.stdout)["name"] == "Ann Le_e"
    assert linkedin_slug("[bold]") is None


def test_degree_of_someone_without_visible_ties_and_of_yourself(db):
    done = cli(db, "degree", "Bob", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["degree"] == 1
    assert json.loads(done.stdout)["shortest_paths"] == 1
    me = cli(db, "degree", "me")
    assert me.exit_code != 0 and "that is you" in me.output


def test_report_to_a_path_that_cannot_be_written(db, tmp_path):
    done = cli(db, "report", "--html", str(tmp_path / "missing" / "r.html"))
    assert done.exit_code != 0
    assert "cannot write the report" in done.output and "Traceback" not in done.output


def test_json_never_holds_nan(capsys):
    print_json({"x": math.nan, "y": [1.0, math.inf], "z": "ok"})
    assert json.loads(capsys.readouterr().out) == {"x": None, "y": [1.0, None], "z": "ok"}

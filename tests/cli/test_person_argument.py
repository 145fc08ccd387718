"""How a person argument is read when the imported data names people by numbers
(a generic message log such as CollegeMsg): a bare number is the person the
file calls so, ``#number`` the record — for every command, through the one
look-up (:meth:`weakties.store.read_people.PeopleReads.find_person`)."""

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from weakties.cli.main import app

runner = CliRunner()


def _log(path, ids, start=dt.datetime(2024, 1, 1)):
    rows = ["sender,recipient,when"]
    for i in range(len(ids) - 1):
        for week in range(3):
            when = start + dt.timedelta(days=7 * week + i)
            rows.append(f"{ids[i]},{ids[i + 1]},{when:%Y-%m-%dT%H:%M}")
    path.write_text("\n".join(rows) + "\n")
    return path


def _run(db, *args):
    return runner.invoke(app, ["--db", str(db), *args])


@pytest.fixture
def numbered(tmp_path):
    """A log whose people are called 40 down to 5: imported in that order, the
    person the file calls 30 is not the record #30, which is someone else."""
    db = tmp_path / "t.db"
    log = _log(tmp_path / "log.csv", [str(k) for k in range(40, 4, -1)])
    done = _run(db, "import", "interactions", str(log), "--sender", "sender",
                "--recipient", "recipient", "--timestamp", "when")  # fmt: skip
    assert done.exit_code == 0, done.output
    return db


def _person(db, query):
    done = _run(db, "person", query, "--json")
    assert done.exit_code == 0, done.output
    return json.loads(done.output[done.output.index("{") :])


def test_a_bare_number_is_the_person_the_file_calls_so_and_hash_number_the_record(numbered):
    by_name, by_record = _person(numbered, "30"), _person(numbered, "#30")
    assert by_name["name"] == "30"
    assert by_record["id"] == 30 and by_record["name"] != "30"  # the premise
    assert by_name["id"] != 30
    # ties --explain resolves its argument the same way
    explained = _run(numbered, "ties", "--as", "owner", "--explain", "30", "--json")
    assert explained.exit_code == 0, explained.output
    assert json.loads(explained.output[explained.output.index("{") :])["id"] == by_name["id"]


def test_a_number_the_file_never_names_is_not_taken_for_a_log_persons_record(numbered):
    done = _run(numbered, "person", "3")
    assert done.exit_code != 0
    assert "'#3'" in done.output and "nobody is called '3'" in done.output


def test_the_same_number_in_two_namespaces_is_ambiguous_and_lists_both(numbered, tmp_path):
    first = _person(numbered, "30")["id"]
    other = _log(tmp_path / "other.csv", ["30", "99"])
    done = _run(numbered, "import", "interactions", str(other), "--sender", "sender",
                "--recipient", "recipient", "--timestamp", "when",
                "--namespace", "mail")  # fmt: skip
    assert done.exit_code == 0, done.output
    found = _run(numbered, "person", "30")
    assert found.exit_code == 4, found.output
    assert "2 people are called '30'" in found.output
    assert "(30)" in found.output and "(mail:30)" in found.output
    # the namespace names one of them
    assert _person(numbered, "mail:30")["id"] != first

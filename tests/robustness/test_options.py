"""Options checked at the edge, settings checked when read.

Each hostile value is built here: a date before any trace or past what the
dates can hold, a count or a record number larger than a database integer, a
hand-edited etiquette setting. Each is refused in one line naming the option
or the setting, with exit status 2, no traceback, and the database unchanged.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.support import connections, copy_sqlite, url, write_files
from weakties.cli.main import app

HUGE = "99999999999999999999"  # past a 64-bit integer
ROWS = [
    ["Ann", "Lee", url("ann"), "", "Acme", "CTO", "01 Jan 2024"],
    ["Bob", "Stone", url("bob"), "bob@stone.io", "Globex", "Dev", "02 Jan 2024"],
]


def cli(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--db", str(db), *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback: the test fails with it
    return result.exit_code, result.stdout, result.stderr


def dump(db: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The export imported once per module (``db`` hands each test a copy)."""
    folder = tmp_path_factory.mktemp("options")
    path = folder / "w.sqlite"
    export = write_files(folder / "export", {"Connections.csv": connections(ROWS)})
    code, _, err = cli(path, "import", "linkedin", str(export), "--as", "me")
    assert code == 0, err
    return path


@pytest.fixture
def db(imported: Path, tmp_path: Path) -> Path:
    """A database of the test's own holding the import: what one test writes
    (a hand-edited setting) no other sees."""
    return copy_sqlite(imported, tmp_path / "w.sqlite")


def refused(db: Path, *args: str, naming: str) -> str:
    """Run a command that must be refused: one line, exit 2, nothing written."""
    before = dump(db)
    code, out, err = cli(db, *args)
    assert code == 2, (args, code, out, err)
    assert "Traceback" not in out + err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: "), lines[0]
    assert naming in lines[0], (naming, lines[0])
    assert dump(db) == before
    return lines[0]


@pytest.mark.parametrize(
    ("args", "naming"),
    [
        (("report", "--as-of", "0001-01-01"), "'--as-of'"),
        (("report", "--as-of", "9999-12-31"), "'--as-of'"),
        (("report", "--as-of", "2004-13-01"), "'--as-of'"),
        (("ties", "--as-of", "1899-12-31T23:00:00Z"), "'--as-of'"),
        (("intro", "--to", "Acme", "--as-of", "0001-01-01T00:00:00-05:00"), "'--as-of'"),
        (("opportunities", "--days", "800000"), "'--days'"),
        (("opportunities", "--days", "0"), "'--days'"),
        (("opportunities", "--limit", HUGE), "'--limit'"),
        (("people", "--limit", HUGE), "'--limit'"),
        (("events", "--limit", HUGE), "'--limit'"),
        (("events", "--since", "0001-01-01"), "'--since'"),
        (("orgs", "--limit", HUGE), "'--limit'"),
        (("orgs", "suggest-merges", "--limit", HUGE), "'--limit'"),
        (("ties", "--limit", HUGE), "'--limit'"),
        (("ties", "--layer", HUGE), "'--layer'"),
        (("ties", "label", "Ann", "--closeness", "6"), "'--closeness'"),
        (("intro", "--to", "Acme", "--per-broker", HUGE), "'--per-broker'"),
        (("reach", "--top", HUGE), "'--top'"),
        (("suggest", "--top", HUGE), "'--top'"),
        (("note", "add", "Ann", "hello", "--date", "0001-01-01"), "'--date'"),
        (("asks", "outcome", HUGE, "declined"), "'ID'"),
        (("matches", "accept", HUGE), "'ID'"),
        (("matches", "reject", "0"), "'ID'"),
        (("etiquette", "set", "cooldown_declined_days", "99999999999"), "cooldown_declined_days"),
        (("etiquette", "set", "asks_per_week", "--", "-1"), "asks_per_week"),
        (("etiquette", "set", "asks_per_week", "2.5"), "asks_per_week"),
        (("etiquette", "set", "no_answer_after_days", "off"), "no_answer_after_days"),
        (("etiquette", "set", "contacts_only", "maybe"), "contacts_only"),
    ],
)
def test_an_option_out_of_range_is_refused_in_one_line(db, args, naming):
    refused(db, *args, naming=naming)


def test_the_range_is_said(db):
    line = refused(db, "report", "--as-of", "0001-01-01", naming="'--as-of'")
    assert "between 1900-01-01 and 2100-12-31" in line
    line = refused(db, "opportunities", "--days", "800000", naming="'--days'")
    assert "36500" in line
    line = refused(db, "etiquette", "set", "cooldown_declined_days", "99999999999", naming="takes")
    assert "36,500" in line and "'99999999999'" in line


@pytest.mark.parametrize(
    "when",
    ["2004-06-01", "2004-06-01T00:00:00Z", "2004-06-01T02:00:00+02:00", "2004-06-01 00:00"],
)
def test_as_of_takes_iso_dates_with_or_without_a_time_and_zone(db, when):
    code, out, err = cli(db, "ties", "--as-of", when, "--json")
    assert code == 0, err
    assert json.loads(out) == []  # nobody was a contact yet in 2004


def _set_stored(db: Path, value: str) -> None:
    with sqlite3.connect(db) as conn:
        member = conn.execute("select id from member where handle = 'me'").fetchone()[0]
        conn.execute("delete from setting where key = ?", (f"etiquette:{member}",))
        conn.execute(
            "insert into setting (key, value) values (?, ?)", (f"etiquette:{member}", value)
        )


@pytest.mark.parametrize(
    ("stored", "naming"),
    [
        ('{"asks_per_week": "five"}', "asks_per_week"),
        ('{"asks_per_week": [5]}', "asks_per_week"),
        ('{"cooldown_declined_days": 99999999999}', "cooldown_declined_days"),
        ('{"contacts_only": 1}', "contacts_only"),
        ('{"no_answer_after_days": null}', "no_answer_after_days"),
        ('{"asks_per_week": 5', "etiquette rules"),
        ("[1, 2]", "etiquette rules"),
    ],
)
def test_a_hand_edited_setting_is_named_with_how_to_reset_it(db, stored, naming):
    _set_stored(db, stored)
    for args in (
        ("etiquette",),
        ("ask", "Ann", "--org", "Acme"),
        ("asks",),
        ("intro", "--to", "Acme"),
    ):
        line = refused(db, *args, naming=naming)
        assert "weakties etiquette set" in line
    # setting a rule again repairs the stored rules
    code, _, err = cli(db, "etiquette", "set", "open_per_broker", "2")
    assert code == 0, err
    code, out, err = cli(db, "etiquette", "--json")
    assert code == 0, err
    assert json.loads(out)["open_per_broker"] == 2


def test_unknown_stored_rules_are_ignored(db):
    """A rule written by a newer weakties does not stop an older one."""
    _set_stored(db, '{"asks_per_week": 3, "asks_per_fortnight": 4}')
    code, out, err = cli(db, "etiquette", "--json")
    assert code == 0, err
    assert json.loads(out)["asks_per_week"] == 3


def test_a_member_name_with_an_escape_from_the_environment_is_refused(db, monkeypatch):
    monkeypatch.setenv("WEAKTIES_MEMBER", "me\x1b[2J")
    line = refused(db, "people", naming="'--as'")
    assert "U+001B" in line and "\x1b" not in line


@pytest.mark.parametrize(
    "args",
    [
        ("target", "add", f"org:#{HUGE}"),
        ("orgs", "merge", f"#{HUGE}", "--into", "Acme"),
        ("intro", "--to", "org:#²"),
        ("degree", f"#{HUGE}"),
    ],
)
def test_a_record_number_past_any_record_is_not_found(db, args):
    before = dump(db)
    code, out, err = cli(db, *args)
    assert code == 4, (code, out, err)
    assert "Traceback" not in out + err
    assert len([line for line in err.splitlines() if line.strip()]) == 1, err
    assert dump(db) == before

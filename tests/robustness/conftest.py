"""Helpers of the robustness suite: run a command as a user would, compare dumps."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.support import connections, url, write_files
from weakties.cli.main import app

GOOD_ROWS = [
    ["Ann", "Lee", url("ann"), "", "Acme", "CTO", "01 Jan 2024"],
    ["Bob", "Stone", url("bob"), "bob@stone.io", "Globex", "Dev", "02 Jan 2024"],
]


@dataclass
class Ran:
    code: int
    out: str
    err: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


def run(db: Path | str, *args: str) -> Ran:
    """``weakties --db DB ARGS...`` in process, as the command line runs it."""
    result = CliRunner().invoke(app, ["--db", str(db), *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback: the test fails with it
    return Ran(result.exit_code, result.stdout, result.stderr)


def dump(db: Path) -> list[str] | None:
    """The whole database as SQL (``iterdump``), or ``None`` when there is no file."""
    if not db.exists():
        return None
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def refused(ran: Ran, code: int, *needles: str) -> str:
    """The one line of a refusal, checked: exit status, no traceback, the words."""
    assert ran.code == code, (ran.code, ran.out, ran.err)
    assert "Traceback" not in ran.err + ran.out
    assert len(ran.error_lines) == 1, ran.err
    line = ran.error_lines[0]
    assert line.startswith("error: "), line
    for needle in needles:
        assert needle in line, (needle, line)
    return line


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Path, list[str] | None]:
    """A database holding one good import (member ``me``), and its dump."""
    db = tmp_path / "db" / "weakties.sqlite"
    db.parent.mkdir()
    export = write_files(tmp_path / "good", {"Connections.csv": connections(GOOD_ROWS)})
    ran = run(db, "import", "linkedin", str(export), "--as", "me")
    assert ran.code == 0, ran.err
    return db, dump(db)

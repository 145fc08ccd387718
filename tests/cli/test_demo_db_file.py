"""``weakties demo --db-file``: where the demo writes, and what it never overwrites."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from weakties.cli.main import app
from weakties.demo import _sqlite_file

runner = CliRunner()


def test_a_tilde_in_db_file_is_the_home_folder(tmp_path, monkeypatch):
    """``--db-file=~/x``: no shell expands a tilde after ``=``. The demo checked
    ``./~/x`` (absent, so nothing to refuse) and then wrote into ``$HOME/x``, which
    the store opened: a database of the user's own, not a demo."""
    home, here = tmp_path / "home", tmp_path / "here"
    home.mkdir()
    here.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(here)
    assert _sqlite_file("~/x.sqlite") == home / "x.sqlite"
    assert _sqlite_file(Path("~/x.sqlite")) == home / "x.sqlite"
    assert _sqlite_file("sqlite:///~/x.sqlite") == home / "x.sqlite"
    mine = home / "mine.sqlite"
    mine.write_bytes(b"not a demo database: my own")
    shown = runner.invoke(app, ["demo", "--db-file=~/mine.sqlite", "--people", "200"])
    assert shown.exit_code != 0
    assert "is not a weakties demo database" in shown.output
    assert mine.read_bytes() == b"not a demo database: my own"
    assert list(here.iterdir()) == []

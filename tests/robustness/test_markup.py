"""Names from an archive are data: on a terminal they show as written.

ZIP member names reach the import's progress bar and its "Ignored" and
"Unknown files" lines, which are Rich markup. A member named ``notes[/].txt``
used to end the import in a markup error (after it had committed), one named
``[link=https://evil.example/]Click me[/link].txt`` printed a hyperlink. The
consoles are forced to act as a colour terminal here, so an OSC sequence
(hyperlink, window title) made from a name would be seen.
"""

from __future__ import annotations

import re

import pytest
from rich.console import ColorSystem

from tests.robustness.conftest import GOOD_ROWS, run
from tests.support import connections, write_zip
from weakties.cli import output

LINK = "[link=https://evil.example/]Click me[/link].txt"
CLOSE = "notes[/].txt"
TITLE = "\x1b]0;pwned\x07.txt"
FOLDER = "[link=https://evil.example/]in[/link][/]"


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both consoles write as to a colour terminal (progress bar shown)."""
    for console in (output.console, output.err):
        monkeypatch.setattr(console, "_force_terminal", True)
        monkeypatch.setattr(console, "_color_system", ColorSystem.STANDARD)
        monkeypatch.setattr(console, "is_interactive", True)
        monkeypatch.setenv("TERM", "xterm-256color")


def test_member_names_print_as_written_on_a_terminal(tmp_path, terminal):
    archive = write_zip(
        tmp_path / "Basic_LinkedInDataExport_01-02-2024.zip",
        {
            # the progress bar names the file it reads: its folder is markup too
            f"{FOLDER}/Connections.csv": connections(GOOD_ROWS),
            CLOSE: "x",
            LINK: "x",
            TITLE: "x",
        },
    )
    db = tmp_path / "w.sqlite"
    ran = run(db, "import", "linkedin", str(archive), "--as", "me")
    assert ran.code == 0, ran.err
    both = ran.out + ran.err
    assert "Traceback" not in both
    assert "\x1b[1m" in both  # styled: the consoles did write as to a terminal
    # no escape but Rich's own CSI styles and cursor moves: no OSC (hyperlink, title)
    assert not re.search(r"\x1b(?!\[[0-9;?]*[A-Za-z])", both), repr(both)
    assert "evil.example" in both  # shown as text ...
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", both)
    assert CLOSE in text
    assert LINK in text  # ... exactly as the archive names it
    assert "\\x1b]0;pwned\\x07.txt" in text
    assert f"{FOLDER}/Connections.csv" in text, repr(ran.err)  # the progress bar

"""The "waiting for the database" line names the other writer as text.

The other writer's operation comes from its command line, which may hold
anything (a file name with an escape sequence): the warning shows its control
characters like the final error line does, and names the command even when
``--db`` comes before it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time

import pytest

from tests.robustness.conftest import dump, run
from weakties.store import engine

CLEAR = "\x1b[2J\x1b]0;pwned\x07"


def test_the_waiting_line_shows_the_other_operation_visibly(seeded, monkeypatch):
    db, before = seeded
    other = os.getppid()  # a live process that is not this one
    db.with_name(db.name + "-writer").write_text(
        json.dumps(
            {"operation": f"import linkedin {CLEAR}x.zip", "pid": other, "since": time.time()}
        )
    )
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # the other writer holds the lock
    monkeypatch.setenv("WEAKTIES_WAIT", "0.6")
    try:
        ran = run(db, "etiquette", "set", "asks_per_week", "3", "--as", "me")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert ran.code == 6, (ran.out, ran.err)
    assert "Traceback" not in ran.err
    assert "\x1b" not in ran.err and "\x07" not in ran.err, repr(ran.err)
    waiting, error = ran.error_lines
    assert "waiting for the database: 'import linkedin \\x1b[2J\\x1b]0;pwned\\x07x.zip'" in waiting
    assert error.startswith("error: ") and "is busy: 'import linkedin \\x1b[2J" in error
    assert dump(db) == before


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["weakties", "--db", "w.sqlite", "-v", "import", "linkedin", "x.zip"], "import linkedin"),
        (["weakties", "--db=w.sqlite", "report", "--as", "me"], "report"),
        (["weakties", "import", "vcard", "--as", "me"], "import vcard"),
    ],
)
def test_the_operation_is_the_command_not_the_program(monkeypatch, argv, named):
    monkeypatch.setattr(sys, "argv", argv)
    assert engine._operation() == f"weakties {named}"

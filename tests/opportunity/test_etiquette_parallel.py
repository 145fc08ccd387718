"""Seven asks at once, against a limit of three a week: exactly three are recorded.

Each ask is a real ``weakties ask`` process. They are released together once
all have started, and each one's check takes a little longer than usual (a
wrapper sleeps after it), so that without a lock held from the check to the
insert every check would see the same empty week and all seven would be
recorded (each process imports the whole command line: seven keep the test's
cost down while still more than twice the limit race for it). The others are
refused with the rule and the day it lifts. On SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.support import connections, url, write_files
from weakties.cli.main import app

CONTACTS = [f"c{k:02d}" for k in range(7)]

# `weakties ARGS...` once everything is imported and the start is given, with a
# check that dawdles: the window a check-then-insert race needs.
ASK_SLOWLY = """
import sys, time
from pathlib import Path

import weakties.opportunity.etiquette as etiquette
import weakties.service.outreach
from weakties.cli.main import main

checked = etiquette.check_ask


def slow_check(*args, **kwargs):
    decision = checked(*args, **kwargs)
    time.sleep(0.3)
    return decision


etiquette.check_ask = slow_check
ready, go = Path(sys.argv[1]), Path(sys.argv[2])
ready.touch()
while not go.exists():
    time.sleep(0.005)
sys.argv = ["weakties", *sys.argv[3:]]
main()
"""


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "w.sqlite")
        return
    server = request.getfixturevalue("postgres")
    name = server.new_database()
    yield name
    server.drop(name)


def cli(db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--db", db, *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.slow
def test_seven_asks_at_once_record_exactly_three(database, tmp_path):
    rows = [[c.title(), "Lee", url(c), "", "Acme", "Dev", "01 Jan 2024"] for c in CONTACTS]
    export = write_files(tmp_path / "export", {"Connections.csv": connections(rows)})
    code, _, err = cli(database, "import", "linkedin", str(export), "--as", "me")
    assert code == 0, err
    code, out, err = cli(database, "people", "--json")
    ids = [person["id"] for person in json.loads(out)]
    assert len(ids) == 7, out
    assert cli(database, "etiquette", "set", "asks_per_week", "3")[0] == 0

    env = {k: v for k, v in os.environ.items() if k not in ("WEAKTIES_DB", "WEAKTIES_MEMBER")}
    script = tmp_path / "ask_slowly.py"
    script.write_text(ASK_SLOWLY)
    go = tmp_path / "go"
    ready = [tmp_path / f"ready{k}" for k in range(len(ids))]
    ask = ["--db", database, "ask", "--json"]
    started = [
        subprocess.Popen(
            # each through another broker, for another person (an ask names whom it is for)
            [sys.executable, str(script), str(flag), str(go), *ask, f"#{pid}", "--for", f"#{to}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        for pid, to, flag in zip(ids, ids[1:] + ids[:1], ready, strict=True)
    ]
    deadline = time.monotonic() + 300
    while not all(flag.exists() for flag in ready) and time.monotonic() < deadline:
        assert all(p.poll() is None for p in started), [p.communicate() for p in started]
        time.sleep(0.05)
    go.touch()
    done = [(p, *p.communicate(timeout=600)) for p in started]

    recorded = [json.loads(out) for p, out, _ in done if p.returncode == 0]
    refused = [(p.returncode, json.loads(out), err) for p, out, err in done if p.returncode != 0]
    assert len(recorded) == 3, [(p.returncode, out, err) for p, out, err in done]
    assert len(refused) == 4
    code, out, _ = cli(database, "asks", "--json")
    ledger = json.loads(out)
    assert sorted(a["id"] for a in ledger) == sorted(r["id"] for r in recorded)
    first_day = min(dt.date.fromisoformat(a["asked_on"]) for a in ledger)
    for status, answer, err in refused:
        assert status == 5, err
        assert "Traceback" not in err
        assert answer["refused"] is True
        assert [r["rule"] for r in answer["reasons"]] == ["asks_per_week"]
        assert "limit 3" in answer["reasons"][0]["message"]
        lifts = dt.date.fromisoformat(answer["reasons"][0]["possible_on"])
        assert lifts == first_day + dt.timedelta(days=7)
        assert f"possible on {lifts.isoformat()}" in answer["message"]

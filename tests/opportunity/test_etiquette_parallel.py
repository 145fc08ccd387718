"""Seven asks at once, against a limit of three a week: exactly three are recorded.

Each ask is a real ``weakties ask`` process, with its own connection. They are
released together once all have started, and each one's check takes a little
longer than usual (a wrapper sleeps after it), so that without a lock held from
the check to the insert every check would see the same empty week and all seven
would be recorded. The others are refused with the rule and the day it lifts.
On SQLite and on PostgreSQL.

The seven are forked from one process that imported the command line and drew
a draft once (what an ask computes before its check: the draft's path, the
ties' features and their compiled kernels), so that they race from the start
instead of each spending seconds importing it first: seven imports on a
two-core machine took most of the test's minute. Nothing is open in that
process when it forks: each ask opens the database itself, as a command does.
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

# FOLDER ASKS_JSON: `weakties ARGS...` for each argument list of ASKS_JSON, each
# in a process forked once everything is imported, started together when
# FOLDER/go appears, with a check that dawdles: the window a check-then-insert
# race needs. Each one's output goes to FOLDER/K.out, K.err, its exit code to K.rc.
ASK_SLOWLY = """
import json, os, sys, threading, time, traceback
from pathlib import Path

import weakties.opportunity.etiquette as etiquette
from weakties import service
from weakties.cli.main import app_for, main
from weakties.service.context import transaction
from weakties.service.opportunities import draft_text
from weakties.store.engine import open_store

folder = Path(sys.argv[1])
asks = json.loads(sys.argv[2])
db, broker, target = json.loads(sys.argv[3])

app_for(asks[0])  # the ask command's module
store = open_store(db)
with transaction(store) as conn:
    draft_text(conn, service.viewer(conn, None), broker, target, purpose="job", lang="en")
store.close()
assert threading.active_count() == 1, threading.enumerate()
# nor numba's thread pool, which a fork would leave broken in the children
import numba.np.ufunc.parallel as numba_threads

assert not getattr(numba_threads, "_is_initialized", False), "numba's threads started"

checked = etiquette.check_ask


def slow_check(*args, **kwargs):
    decision = checked(*args, **kwargs)
    time.sleep(0.3)
    return decision


etiquette.check_ask = slow_check
go = folder / "go"
sys.stdout.flush()
sys.stderr.flush()
children = []
for k, args in enumerate(asks):
    pid = os.fork()
    if pid:
        children.append(pid)
        continue
    code = 1
    try:
        for fd, name in ((1, f"{k}.out"), (2, f"{k}.err")):
            os.dup2(os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
        (folder / f"ready{k}").touch()
        while not go.exists():
            time.sleep(0.005)
        sys.argv = ["weakties", *args]
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
for k, pid in enumerate(children):
    _, status = os.waitpid(pid, 0)
    (folder / f"{k}.rc").write_text(str(os.waitstatus_to_exitcode(status)))
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
    folder = tmp_path / "asks"
    folder.mkdir()
    # each through another broker, for another person (an ask names whom it is for)
    asks = [
        ["--db", database, "ask", "--json", f"#{pid}", "--for", f"#{to}"]
        for pid, to in zip(ids, ids[1:] + ids[:1], strict=True)
    ]
    forker = subprocess.Popen(
        [
            sys.executable,
            str(script),
            str(folder),
            json.dumps(asks),
            json.dumps([database, *ids[:2]]),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    ready = [folder / f"ready{k}" for k in range(len(asks))]
    deadline = time.monotonic() + 300
    while not all(flag.exists() for flag in ready) and time.monotonic() < deadline:
        assert forker.poll() is None, forker.communicate()
        time.sleep(0.02)
    (folder / "go").touch()
    _, forker_err = forker.communicate(timeout=600)
    assert forker.returncode == 0, forker_err
    done = [
        (
            int((folder / f"{k}.rc").read_text()),
            *((folder / f"{k}.{stream}").read_text() for stream in ("out", "err")),
        )
        for k in range(len(asks))
    ]

    recorded = [json.loads(out) for code, out, _ in done if code == 0]
    refused = [(code, json.loads(out), err) for code, out, err in done if code != 0]
    assert len(recorded) == 3, done
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

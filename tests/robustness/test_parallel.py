"""Two imports and two readers at once on one database, in real processes.

The first import holds the write lock for its whole transaction; the second
waits for it, saying what it waits for, then completes; a listing reads while
the first import is still running (WAL: readers never wait); the report reads
too and saves its figures once the writers are done.

The first import holds the lock until the others have done what the test
watches (:func:`_holding`), rather than for as long as a large export takes to
import: seconds more on a fast machine, possibly too short on a loaded one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.robustness.conftest import dump, run
from tests.support import connections, url, write_files

pytestmark = pytest.mark.slow
IMPORT = ("import", "linkedin", "--export-date", "2024-02-01")


def _weakties(db: Path, *args: str) -> subprocess.Popen[str]:
    exe = shutil.which("weakties", path=str(Path(sys.executable).parent))
    command = [exe] if exe else [sys.executable, "-m", "weakties.cli.main"]
    env = {k: v for k, v in os.environ.items() if k not in ("WEAKTIES_DB", "WEAKTIES_MEMBER")}
    env["WEAKTIES_WAIT"] = "600"
    return subprocess.Popen(
        [*command, "--db", str(db), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


# HOLDING RELEASE ARGS...: `weakties ARGS...`, whose import, once it holds the write
# lock, creates HOLDING and keeps the lock until RELEASE exists
HOLD = """
import sys, time
from contextlib import contextmanager
from pathlib import Path

from weakties.cli.main import main
from weakties.store.engine import Store

holding, release = Path(sys.argv[1]), Path(sys.argv[2])
write = Store.write


@contextmanager
def held(self, operation=None):
    with write(self, operation) as conn:
        if operation and operation.startswith("import "):
            holding.touch()
            while not release.exists():
                time.sleep(0.02)
        yield conn


Store.write = held
sys.argv = ["weakties", *sys.argv[3:]]
main()
"""


class Holding:
    """An import that keeps the write lock until :meth:`release` (see HOLD)."""

    def __init__(self, folder: Path, db: Path | str, *args: str) -> None:
        script = folder / "hold.py"
        script.write_text(HOLD)
        self.holding, self._release = folder / "holding", folder / "release"
        env = {k: v for k, v in os.environ.items() if k not in ("WEAKTIES_DB", "WEAKTIES_MEMBER")}
        db_args = ("--db", str(db), *args)
        self.process = subprocess.Popen(
            [sys.executable, str(script), str(self.holding), str(self._release), *db_args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )

    def wait_holding(self) -> None:
        deadline = time.monotonic() + 120
        while not self.holding.exists():
            assert self.process.poll() is None, self.process.communicate()
            assert time.monotonic() < deadline, "the import did not take the lock"
            time.sleep(0.02)

    def release(self) -> None:
        self._release.touch()


def first_line(process: subprocess.Popen[str], timeout: float = 120) -> str:
    """The first line ``process`` writes to its standard error (read in a thread:
    '' if it writes none within ``timeout`` s)."""
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(process.stderr.readline()))  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout)
    return line[0] if line else ""


#: seconds the lock is held after a waiting writer said so: several of its tries
#: (every 0.25 s), each of which would say it again if it told more than once
STILL_HELD = 1.0


def _export(folder: Path, prefix: str, n: int) -> Path:
    rows = [
        [
            f"{prefix}{i}",
            f"Person{i}",
            url(f"{prefix}-{i}"),
            "",
            f"Org {i % 500}",
            "Dev",
            "03 Jan 2024",
        ]
        for i in range(n)
    ]
    return write_files(folder, {"Connections.csv": connections(rows)})


def test_two_imports_and_readers_at_once(tmp_path):
    db = tmp_path / "shared.sqlite"
    seed = write_files(tmp_path / "seed", {"Connections.csv": connections([])})
    assert run(db, *IMPORT, str(seed), "--as", "me").code == 0
    big = _export(tmp_path / "big", "a", 2_000)
    small = _export(tmp_path / "small", "b", 200)
    marker = db.with_name(db.name + "-writer")

    first = Holding(tmp_path, db, *IMPORT, str(big), "--as", "me", "--json")
    first.wait_holding()
    assert marker.exists()  # the first import holds the write lock
    second = _weakties(db, *IMPORT, str(small), "--as", "you", "--json")
    listing = _weakties(db, "members", "--json")
    report = _weakties(db, "report", "--as", "me", "--json")

    # the first import holds the lock until the listing is done: a listing that
    # waited for it would never end
    listed, listing_err = listing.communicate(timeout=120)
    assert listing.returncode == 0, listing_err
    # It read while the import was writing: what was committed before it (the
    # member, none of the 2,000 people being imported). A reader that waited
    # for the import would have seen them.
    assert [(m["handle"], m["people"]) for m in json.loads(listed)] == [("me", 0)]
    told = first_line(second)
    time.sleep(STILL_HELD)
    first.release()

    out1, err1 = first.process.communicate(timeout=600)
    out2, err2 = second.communicate(timeout=600)
    err2 = told + err2
    _out3, err3 = report.communicate(timeout=600)
    assert first.process.returncode == 0, err1
    assert second.returncode == 0, err2
    assert report.returncode == 0, err3
    assert "Traceback" not in err1 + err2 + err3
    # The second import said once what it waited for, in one line.
    waiting = [line for line in err2.splitlines() if line.strip()]
    assert len(waiting) == 1, err2
    assert "waiting for the database: 'import linkedin for me'" in waiting[0]
    assert json.loads(out1)["added"]["tie"] == 2_000
    assert json.loads(out2)["added"]["tie"] == 200
    lines = "\n".join(dump(db) or [])
    assert lines.count('INSERT INTO "member"') == 2


def test_a_writer_that_gives_up_says_why_in_one_line(tmp_path):
    db = tmp_path / "shared.sqlite"
    seed = write_files(tmp_path / "seed", {"Connections.csv": connections([])})
    assert run(db, *IMPORT, str(seed), "--as", "me").code == 0
    big = _export(tmp_path / "big", "a", 200)
    small = _export(tmp_path / "small", "b", 10)
    marker = db.with_name(db.name + "-writer")
    first = Holding(tmp_path, db, *IMPORT, str(big), "--as", "me")
    first.wait_holding()
    assert marker.exists()
    before = dump(db)
    env_wait = os.environ.get("WEAKTIES_WAIT")
    os.environ["WEAKTIES_WAIT"] = "0"
    try:
        ran = run(db, *IMPORT, str(small), "--as", "you")
    finally:
        if env_wait is None:
            os.environ.pop("WEAKTIES_WAIT")
        else:
            os.environ["WEAKTIES_WAIT"] = env_wait
        first.release()
    first.process.communicate(timeout=600)
    assert first.process.returncode == 0
    assert ran.code == 6, ran.err
    lines = [line for line in ran.err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), ran.err
    assert "is busy: 'import linkedin for me' (process" in lines[0]
    assert "WEAKTIES_WAIT" in lines[0]
    assert before is not None

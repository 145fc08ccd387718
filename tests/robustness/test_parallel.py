"""Two imports and two readers at once on one database, in real processes.

The first import holds the write lock for its whole transaction; the second
waits for it, saying what it waits for, then completes; a listing reads while
the first import is still running (WAL: readers never wait); the report reads
too and saves its figures once the writers are done.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
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
    big = _export(tmp_path / "big", "a", 20_000)
    small = _export(tmp_path / "small", "b", 2_000)
    marker = db.with_name(db.name + "-writer")

    first = _weakties(db, *IMPORT, str(big), "--as", "me", "--json")
    deadline = time.monotonic() + 120
    while not marker.exists():  # the first import holds the write lock
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    second = _weakties(db, *IMPORT, str(small), "--as", "you", "--json")
    listing = _weakties(db, "members", "--json")
    report = _weakties(db, "report", "--as", "me", "--json")

    listed, listing_err = listing.communicate(timeout=300)
    assert listing.returncode == 0, listing_err
    # It read while the import was writing: what was committed before it (the
    # member, none of the 20,000 people being imported). A reader that waited
    # for the import would have seen them.
    assert [(m["handle"], m["people"]) for m in json.loads(listed)] == [("me", 0)]

    out1, err1 = first.communicate(timeout=600)
    out2, err2 = second.communicate(timeout=600)
    _out3, err3 = report.communicate(timeout=600)
    assert first.returncode == 0, err1
    assert second.returncode == 0, err2
    assert report.returncode == 0, err3
    assert "Traceback" not in err1 + err2 + err3
    # The second import said once what it waited for, in one line.
    waiting = [line for line in err2.splitlines() if line.strip()]
    assert len(waiting) == 1, err2
    assert "waiting for the database: 'import linkedin for me'" in waiting[0]
    assert json.loads(out1)["added"]["tie"] == 20_000
    assert json.loads(out2)["added"]["tie"] == 2_000
    lines = "\n".join(dump(db) or [])
    assert lines.count('INSERT INTO "member"') == 2


def test_a_writer_that_gives_up_says_why_in_one_line(tmp_path):
    db = tmp_path / "shared.sqlite"
    seed = write_files(tmp_path / "seed", {"Connections.csv": connections([])})
    assert run(db, *IMPORT, str(seed), "--as", "me").code == 0
    big = _export(tmp_path / "big", "a", 8_000)
    small = _export(tmp_path / "small", "b", 10)
    marker = db.with_name(db.name + "-writer")
    first = _weakties(db, *IMPORT, str(big), "--as", "me")
    while not marker.exists():
        assert first.poll() is None, first.communicate()
        time.sleep(0.05)
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
    still_running = first.poll() is None
    first.communicate(timeout=600)
    assert first.returncode == 0
    if not still_running:
        pytest.skip("the first import ended before the second could try")
    assert ran.code == 6, ran.err
    lines = [line for line in ran.err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), ran.err
    assert "is busy: 'import linkedin for me' (process" in lines[0]
    assert "WEAKTIES_WAIT" in lines[0]
    assert before is not None

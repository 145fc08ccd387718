"""The throwaway PostgreSQL of a test session goes away however the session ends."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.servers import Unavailable, _pg_bindir, in_ci

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
SESSION = """
import time
from tests.servers import start_postgres
server = start_postgres()
print(server.folder, flush=True)
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    """Running (an exited process not yet reaped by its parent is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


def _wait_gone(folder: Path, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not folder.exists():
            return True
        time.sleep(0.2)
    return not folder.exists()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["TERM", "KILL"])
def test_a_killed_session_leaves_no_postgres(signum: int) -> None:
    if _pg_bindir() is None:
        if in_ci():
            pytest.fail("PostgreSQL needed in CI")
        pytest.skip(str(Unavailable("Debian package 'postgresql' is missing")))
    session = subprocess.Popen(
        [sys.executable, "-c", SESSION],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert session.stdout is not None
        line = session.stdout.readline().strip()
        assert line, session.stderr.read() if session.stderr else "no output"
        folder = Path(line)
        postmaster = int((folder / "data" / "postmaster.pid").read_text().split()[0])
        assert _alive(postmaster)
        session.send_signal(signum)
        assert session.wait(timeout=60) == -signum  # it still dies of the signal
        assert _wait_gone(folder), f"{folder} left behind"
        assert not _alive(postmaster)
    finally:
        if session.poll() is None:
            session.kill()
            session.wait()

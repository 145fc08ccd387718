"""``weakties serve --workers N``: N processes answer, each sees what another wrote,
and the background loop runs in one process only (:mod:`weakties.web.serving`).

One server per back end (two workers on an SQLite file or a PostgreSQL
database, Ana and Bo signed up with API tokens, not connected); which
worker answered a request is read from ``/proc``: the process holding the
server's end of the request's connection.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from tests.servers import free_port
from tests.support import lock_holders
from weakties.service.accounts import create_access_token, sign_up
from weakties.store.engine import open_store

pytestmark = pytest.mark.skipif(
    not Path("/proc/net/tcp").exists(), reason="reads which process answered from /proc"
)
SECRET = "serve-secret-" + "x" * 40


class Served:
    """The running server: its process, port, workers and the members' tokens."""

    def __init__(self, process: subprocess.Popen[str], port: int, db: str, tokens: dict[str, str]):
        self.process = process
        self.port = port
        self.db = db
        self.tokens = tokens

    def workers(self) -> set[int]:
        """The worker processes: the children started to run the app."""
        found = set()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == self.process.pid and b"multiprocessing" in cmdline:
                if b"resource_tracker" not in cmdline:
                    found.add(int(entry.name))
        return found


def _owner(server_port: int, client_port: int, candidates: set[int]) -> int | None:
    """The process among ``candidates`` holding the server's end of a connection."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, state = fields[1], fields[2], fields[3]
        if (
            state == "01"  # established
            and int(local.split(":")[1], 16) == server_port
            and int(remote.split(":")[1], 16) == client_port
        ):
            inode = fields[9]
    if inode is None:
        return None
    for pid in candidates:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    if os.readlink(fd) == f"socket:[{inode}]":
                        return pid
                except OSError:
                    continue
        except OSError:
            continue
    return None


class Browser:
    """One kept-alive connection: each request says which worker answered it."""

    def __init__(self, served: Served) -> None:
        self.served = served
        self.conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)

    def call(self, who: str, method: str, path: str, body: Any = None) -> tuple[int, Any, int]:
        headers = {"Authorization": f"Bearer {self.served.tokens[who]}"}
        data = None
        if body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        self.conn.request(method, "/api/v1" + path, body=data, headers=headers)
        answer = self.conn.getresponse()
        payload = json.loads(answer.read() or b"null")
        assert self.conn.sock is not None
        client_port = self.conn.sock.getsockname()[1]
        pid = _owner(self.served.port, client_port, self.served.workers())
        assert pid is not None, "no worker holds the connection"
        return answer.status, payload, pid

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def served(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Served]:
    """The server on the test's back end (one test uses it: a test of its own
    would start another, seconds of three interpreters' start-up each)."""
    with ExitStack() as stack:
        yield _serve(stack, tmp_path, backend, request)


def _serve(stack: Any, folder: Path, backend: str, request: pytest.FixtureRequest) -> Served:
    """``weakties serve --workers 2`` on a new database (stopped when ``stack`` closes)."""
    if backend == "sqlite":
        db = str(folder / "platform.sqlite")
    else:
        server = request.getfixturevalue("postgres")
        db = server.new_database()
        stack.callback(server.drop, db)
    store = open_store(db)
    tokens = {}
    with store.engine.begin() as conn:
        for handle in ("ana", "bob"):
            account = sign_up(
                conn,
                email=f"{handle}@example.org",
                password="correct horse battery staple",
                name=handle.title(),
                handle=handle,
            )
            tokens[handle] = create_access_token(conn, account, "test")[0]
    store.close()
    port = free_port()
    env = {
        **os.environ,
        "WEAKTIES_ENVIRONMENT": "test",
        "WEAKTIES_SECRET_KEY": SECRET,
        "WEAKTIES_WORKER_INTERVAL": "0.2",
    }
    log = folder / "serve.log"  # a file, not a pipe nobody reads while it runs
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "weakties.cli.main", "serve", "--workers", "2"),
                *("--port", str(port), "--db", db, "--log-level", "warning"),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    result = Served(process, port, db, tokens)
    stack.callback(_stopped, process, log)
    deadline = time.monotonic() + 60
    while len(result.workers()) < 2 or not _answers(port):
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "weakties serve --workers 2 did not answer"
        time.sleep(0.1)
    return result


def _stopped(process: subprocess.Popen[str], log: Path) -> None:
    process.terminate()
    process.wait(timeout=30)
    output = log.read_text()
    assert "2 worker processes" in output, output
    assert "Traceback" not in output, output


def _answers(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/signin")
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except OSError:
        return False


def _one_per_worker(served: Served) -> dict[int, Browser]:
    """A kept-alive connection to each worker (new ones until each has one)."""
    found: dict[int, Browser] = {}
    # a worker still starting takes no connection (minutes on a loaded machine)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        browser = Browser(served)
        status, _, pid = browser.call("ana", "GET", "/profiles/ana")
        assert status == 200
        if pid in found:
            browser.close()
        else:
            found[pid] = browser
        if len(found) == len(served.workers()):
            return found
    raise AssertionError(f"the connections all went to {sorted(found)}")


def _from_each_worker(served: Served, who: str, path: str) -> dict[int, Any]:
    """``GET path`` as ``who`` answered by every worker: {worker: answer}."""
    browsers = _one_per_worker(served)
    answers = {}
    try:
        for pid, browser in browsers.items():
            status, body, answered = browser.call(who, "GET", path)
            assert (status, answered) == (200, pid), body
            answers[pid] = body
    finally:
        for browser in browsers.values():
            browser.close()
    return answers


def test_two_workers_answer_a_write_in_one_is_seen_by_the_other_and_one_runs_the_loop(served):
    assert len(served.workers()) == 2
    # exactly one process holds the ``tasks`` lock: the serving process, not a
    # worker (a ``flock`` beside an SQLite file, an advisory lock on PostgreSQL)
    deadline = time.monotonic() + 20
    while True:
        holders = lock_holders(served.db, "tasks")
        if holders or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert holders == [served.process.pid]
    assert served.process.pid not in served.workers()
    # each worker computes, and keeps, Ana's view of Bo and Bo's of Ana: not connected
    for who, whom in (("ana", "bob"), ("bob", "ana")):
        seen = _from_each_worker(served, who, f"/profiles/{whom}")
        assert sorted(seen) == sorted(served.workers())
        assert [profile["degree"] for profile in seen.values()] == [None, None]
    # Ana invites Bo through one worker, Bo accepts through the other
    browsers = _one_per_worker(served)
    (first, a), (second, b) = sorted(browsers.items())
    try:
        status, sent, answered = a.call(
            "ana", "POST", "/invitations", {"handle": "bob", "note": "Hi"}
        )
        assert (status, answered) == (201, first), sent
        status, done, answered = b.call("bob", "POST", f"/invitations/{sent['id']}/accept", {})
        assert (status, answered) == (200, second), done
    finally:
        for browser in browsers.values():
            browser.close()
    # every worker shows the connection at once, none its kept "not connected"
    for who, whom in (("ana", "bob"), ("bob", "ana")):
        seen = _from_each_worker(served, who, f"/profiles/{whom}")
        assert [profile["degree"] for profile in seen.values()] == [1, 1]


def test_the_loop_runs_in_one_process_at_a_time(store, store_url):
    """Two servers' loops on one database: one runs, until it stops; then the other."""
    from weakties.service.tasks import Worker

    other = open_store(store_url)
    loops = [Worker(store, 0.05), Worker(other, 0.05)]
    try:
        for loop in loops:
            loop.start()
        deadline = time.monotonic() + 20
        while sum(loop.passes for loop in loops) < 3:
            assert time.monotonic() < deadline, "the background loop did not run"
            time.sleep(0.05)
        running = [loop for loop in loops if loop.passes]
        assert len(running) == 1
        idle = next(loop for loop in loops if not loop.passes)
        running[0].stop()  # the holder stops: the other takes over
        while not idle.passes:
            assert time.monotonic() < deadline, "the other loop did not take over"
            time.sleep(0.05)
    finally:
        for loop in loops:
            loop.stop()
        other.close()


def test_a_loop_told_to_stop_gives_back_the_tasks_it_did_not_run(store, monkeypatch):
    """The loop stops after the task it runs: the tasks it claimed with it are
    pending again, as before the claim, for the next pass here or elsewhere."""
    import threading

    from sqlalchemy import select

    from weakties.model.tables import Task
    from weakties.service import tasks

    stop = threading.Event()
    ran: list[int] = []

    def probe(conn: Any, payload: dict[str, Any]) -> None:
        ran.append(payload["n"])
        stop.set()  # the process is told to stop while this one runs

    monkeypatch.setitem(tasks.HANDLERS, "probe", probe)
    with store.engine.begin() as conn:
        for n in range(3):
            tasks.enqueue(conn, "probe", {"n": n})
    assert tasks.run_due(store, stop=stop) == 1
    assert ran == [0]
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(Task.status, Task.attempts, Task.locked_until)
            .where(Task.kind == "probe")
            .order_by(Task.id)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("done", 1, None),
        ("pending", 0, None),
        ("pending", 0, None),
    ]
    stop.clear()
    assert tasks.run_due(store, stop=stop) == 1 and ran == [0, 1]


def test_a_process_waits_at_exit_for_the_task_its_loop_runs(store_url, tmp_path):
    """A daemon thread still running when the interpreter shuts down is ended
    inside what it runs (numba's kernels: the process aborted, status 134): the
    process waits for the loop's task, which ends, then exits cleanly."""
    done = tmp_path / "done"
    script = f"""
import time
from weakties.service import tasks
from weakties.store.engine import open_store

store = open_store({store_url!r})

def slow(conn, payload):
    started.write_text("yes")
    time.sleep(1.0)
    open({str(done)!r}, "w").write("finished")

import pathlib
started = pathlib.Path({str(tmp_path / "started")!r})
tasks.HANDLERS["slow"] = slow
with store.engine.begin() as conn:
    tasks.enqueue(conn, "slow")
loop = tasks.Worker(store, 0.05)
loop.start()
while not started.exists():
    time.sleep(0.02)
"""  # the script ends while the task runs, without stopping the loop
    finished = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert finished.returncode == 0, finished.stderr
    assert done.read_text() == "finished"

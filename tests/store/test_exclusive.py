"""The database's named locks (:mod:`weakties.store.exclusive`): one process at a
time, on SQLite and PostgreSQL; a holder that dies, however, lets another take it.

Two stores opened on the same database stand for two processes (each has its own
engine, file handles and connections, as a second process would)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from tests.support import lock_holders
from weakties.store import exclusive
from weakties.store.engine import open_store
from weakties.store.exclusive import Exclusive


def test_one_holder_at_a_time(store, store_url):
    other = open_store(store_url)
    mine, theirs = Exclusive(store, "tasks"), Exclusive(other, "tasks")
    try:
        assert mine.acquire() and mine.held
        assert not theirs.acquire() and not theirs.held
        assert mine.acquire()  # still ours: asking again keeps it
        # another name is another lock
        with Exclusive(other, "digest") as digest:
            assert digest.acquire()
        mine.release()
        assert not mine.held
        assert theirs.acquire()
        assert not mine.acquire()
    finally:
        mine.release()
        theirs.release()
        other.close()


def test_a_holder_killed_lets_another_take_over(store, store_url):
    code = (
        "import sys\n"
        "from weakties.store.engine import open_store\n"
        "from weakties.store.exclusive import Exclusive\n"
        f"lock = Exclusive(open_store({store_url!r}), 'tasks')\n"
        "print(lock.acquire(), flush=True)\n"
        "sys.stdin.read()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    lock = Exclusive(store, "tasks")
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "True"
        assert not lock.acquire()
        holder.kill()  # no release, no clean exit
        holder.wait(timeout=30)
        deadline = time.monotonic() + 10  # PostgreSQL ends the session a moment later
        while not lock.acquire():
            assert time.monotonic() < deadline, "the lock of a killed process stayed held"
            time.sleep(0.05)
    finally:
        lock.release()
        if holder.poll() is None:
            holder.kill()
            holder.wait()


def test_an_in_memory_database_is_this_process_alone():
    store = open_store("sqlite://", upgrade=False)
    try:
        with Exclusive(store, "tasks") as lock:
            assert lock.acquire()
    finally:
        store.close()


def test_who_holds_the_lock_is_seen_from_outside(store, store_url):
    """The holder can be told from outside the process: the ``flock`` in
    ``/proc/locks``, the advisory lock's connection named after its process."""
    lock = Exclusive(store, "tasks")
    try:
        assert lock_holders(store_url, "tasks") == []
        assert lock.acquire()
        assert lock_holders(store_url, "tasks") == [os.getpid()]
        assert lock_holders(store_url, "digest") == []
    finally:
        lock.release()
    assert lock_holders(store_url, "tasks") == []


def test_a_release_whose_unlock_fails_names_nobody_and_frees_the_lock(
    store, store_url, monkeypatch
):
    """The lock's connection no longer names this process once released, even when
    the unlock itself fails (the name was reset after it, and not at all then): a
    pooled connection went on naming it as the holder, and held the lock."""
    lock = Exclusive(store, "tasks")
    assert lock.acquire()
    real_text = exclusive.text

    def failing_unlock(sql: str):
        return real_text(sql.replace("pg_advisory_unlock(", "pg_advisory_unlock_nothing("))

    monkeypatch.setattr(exclusive, "text", failing_unlock)
    lock.release()
    monkeypatch.undo()
    assert not lock.held
    deadline = time.monotonic() + 10  # PostgreSQL ends a closed session a moment later
    while lock_holders(store_url, "tasks"):
        assert time.monotonic() < deadline, "the lock stayed held after its release"
        time.sleep(0.05)
    with Exclusive(open_store(store_url), "tasks") as again:
        assert again.acquire()
        again.store.close()

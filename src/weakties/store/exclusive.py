"""One process per database at a time: a lock for what must run once per installation.

A server may run several worker processes (``weakties serve --workers N``), and an
installation may run several servers on one PostgreSQL database. Work that must
happen once per installation — the background loop that fans out notifications,
closes expired jobs and fits tie models — runs in whichever process holds the
database's lock of that name; the others try again later and take over when the
holder stops, however it stops:

- SQLite: an exclusive ``flock`` on a small file beside the database
  (``weakties.sqlite-NAME.lock``); the kernel releases it when the process ends.
- PostgreSQL: a session-level advisory lock on a connection kept for it; the
  server releases it when that connection ends (the process gone, its socket
  closed). The connection is left idle between checks, never inside a
  transaction, and names its process in ``pg_stat_activity``
  (``application_name`` "weakties tasks lock (process PID)").
- A database only this process can reach (SQLite in memory): always granted.

The lock only decides who runs the work; the work itself stays safe to run twice
(tasks are claimed row by row, :mod:`weakties.service.tasks`).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError

from weakties.store.engine import Store

__all__ = ["Exclusive", "holder_name"]

log = logging.getLogger(__name__)


def holder_name(name: str, pid: int | None = None) -> str:
    """The ``application_name`` of the PostgreSQL connection holding the lock
    ``name`` in process ``pid`` (this one by default)."""
    return f"weakties {name} lock (process {os.getpid() if pid is None else pid})"


def _pg_key(name: str) -> int:
    """A signed 64-bit advisory lock key for ``name`` (apart from the import lock's)."""
    digest = hashlib.blake2b(f"weakties:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class Exclusive:
    """The lock ``name`` of ``store``'s database, for one process at a time.

    >>> from weakties.store.engine import open_store
    >>> store = open_store("sqlite://", upgrade=False)
    >>> lock = Exclusive(store, "tasks")
    >>> lock.acquire(), lock.held
    (True, True)
    >>> lock.release(); lock.held
    False
    """

    def __init__(self, store: Store, name: str) -> None:
        if not name.isidentifier():
            raise ValueError(f"a lock name is a word, not {name!r}")
        self.store = store
        self.name = name
        self._file: IO[bytes] | None = None
        self._conn: Connection | None = None
        self._local = False  # granted because nobody else can reach the database
        self._warned = False  # a lock that cannot be taken is said once, not every try

    @property
    def path(self) -> Path | None:
        """The lock file (SQLite on a file), else None."""
        if self.store.path is None:
            return None
        return self.store.path.with_name(f"{self.store.path.name}-{self.name}.lock")

    @property
    def held(self) -> bool:
        return self._local or self._file is not None or self._conn is not None

    def acquire(self) -> bool:
        """Take the lock if nobody holds it; True when this process holds it (now
        or already). Never waits."""
        if self.held:
            return self._still_held()
        dialect = self.store.engine.dialect.name
        if dialect == "postgresql":
            return self._pg_acquire()
        if dialect == "sqlite" and self.path is not None:
            return self._file_acquire()
        if dialect == "sqlite":  # in memory: this process's own database
            self._local = True
            return True
        raise NotImplementedError(f"no lock for {dialect} databases")

    def release(self) -> None:
        """Let another process take the lock (nothing if this one does not hold it)."""
        self._local = False
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()  # closing the file drops its flock
            self._file = None
        if self._conn is not None:
            conn, self._conn = self._conn, None
            unlocked = False
            try:
                with contextlib.suppress(SQLAlchemyError):
                    conn.execute(text("select pg_advisory_unlock(:k)"), {"k": _pg_key(self.name)})
                    conn.commit()
                    unlocked = True
            finally:
                # the connection goes back to the pool: it no longer names this
                # process as the holder (lock_holders, pg_stat_activity), whether the
                # unlock worked or not; one that failed to unlock is not pooled but
                # closed, so that its session ends, and the lock with it
                with contextlib.suppress(SQLAlchemyError):
                    conn.rollback()
                    conn.execute(text("select set_config('application_name', '', false)"))
                    conn.commit()
                with contextlib.suppress(SQLAlchemyError):
                    if not unlocked:
                        conn.invalidate()
                    conn.close()

    # -- SQLite: flock on a file beside the database ---------------------------------
    def _file_acquire(self) -> bool:
        import fcntl

        path = self.path
        assert path is not None
        try:
            handle = open(path, "ab")  # noqa: SIM115 (held open while the lock is held)
        except OSError as exc:  # a read-only folder: nothing could be written there anyway
            self._warn(f"cannot take the {self.name} lock ({path}): {exc}")
            return False
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    # -- PostgreSQL: a session-level advisory lock -----------------------------------
    def _pg_acquire(self) -> bool:
        conn: Connection | None = None
        try:
            conn = self.store.engine.connect()
            won = bool(
                conn.execute(
                    text("select pg_try_advisory_lock(:k)"), {"k": _pg_key(self.name)}
                ).scalar()
            )
            conn.commit()  # the session keeps the lock; the connection stays idle
        except SQLAlchemyError as exc:
            self._warn(f"cannot take the {self.name} lock: {exc}")
            if conn is not None:
                with contextlib.suppress(SQLAlchemyError):
                    conn.close()
            return False
        if not won:
            conn.close()
            return False
        # who holds it, for whoever looks at pg_stat_activity (and the tests)
        with contextlib.suppress(SQLAlchemyError):
            conn.execute(
                text("select set_config('application_name', :name, false)"),
                {"name": holder_name(self.name)},
            )
            conn.commit()
        self._conn = conn
        return True

    def _still_held(self) -> bool:
        """Whether the lock is still ours (a PostgreSQL connection may have been
        closed by the server: then it is not, and is taken again if free)."""
        if self._conn is None:
            return True
        try:
            self._conn.execute(text("select 1")).scalar()
            self._conn.commit()
            return True
        except SQLAlchemyError:
            # the connection is gone, and with it the lock: take it again if free
            with contextlib.suppress(SQLAlchemyError):
                self._conn.close()
            self._conn = None
            return self.acquire()

    def _warn(self, message: str) -> None:
        if not self._warned:
            self._warned = True
            log.warning("%s", message)

    def __enter__(self) -> Exclusive:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release()

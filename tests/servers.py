"""Throwaway servers for the test session: PostgreSQL 15 and headless Chromium.

Both come from Debian's packages. When a binary is missing and the session runs
in CI (``WEAKTIES_CI`` or ``CI`` set) as root, the package is installed with
``apt-get``; elsewhere the tests that need it are skipped with the reason (and
in CI they fail instead: a missing server must not pass silently).

PostgreSQL runs as the ``postgres`` user (``initdb`` refuses root) in a
temporary folder, listening only on a unix socket inside that folder, and is
stopped and removed when the session ends — at exit, on SIGTERM or SIGHUP, and,
should the session die any other way (SIGKILL, a crash), by a small watcher
process that outlives it. Each test gets its own database, holding what a
template that the migrations built once holds (or what the database it copies
held when first copied).

``CREATE DATABASE … TEMPLATE`` costs 0.07 s on a quiet machine but 0.3 to 1.3 s
on a loaded one (it writes the whole catalogue again), and some 500 tests ask
for a database: a database a test gives back (``drop``) is kept, renamed (a
connection the test left behind can no longer reach it) and, when lent again,
emptied and filled with the rows it must hold (``COPY``) in 0.01–0.05 s. A
database whose schema a test changed is dropped instead (its shape is checked
against the template's when it comes back).
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import itertools
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "PostgresServer",
    "Unavailable",
    "ensure_chromium",
    "in_ci",
    "install_in_background",
    "start_postgres",
]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_install_lock = threading.Lock()


class Unavailable(RuntimeError):
    """A server the tests need cannot be had here (the message says why)."""


def in_ci() -> bool:
    return bool(os.environ.get("WEAKTIES_CI") or os.environ.get("CI"))


# what the tests install in CI when it is missing: Debian package -> a file it brings
NEEDED = {
    "postgresql": "/usr/lib/postgresql/*/bin/initdb",
    "chromium": CHROMIUM,
    "libpostgresql-jdbc-java": "/usr/share/java/postgresql.jar",
}
# held by whoever runs apt-get (the session's background install, a test's own)
_APT_LOCK = Path(tempfile.gettempdir()) / "weakties-tests-apt.lock"
_APT_ENV = {"DEBIAN_FRONTEND": "noninteractive"}
_APT_WAIT = ["-o", "DPkg::Lock::Timeout=600"]


def _apt_run(packages: list[str]) -> None:
    env = {**os.environ, **_APT_ENV}
    for cmd in (
        ["apt-get", *_APT_WAIT, "update", "-q"],
        ["apt-get", *_APT_WAIT, "install", "-y", "-q", *packages],
    ):
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise Unavailable(f"{' '.join(cmd)} failed: {done.stderr[-2000:]}")


def _installed(package: str) -> bool:
    done = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() == "install ok installed"


@contextlib.contextmanager
def _apt_lock() -> Iterator[None]:
    import fcntl

    with open(_APT_LOCK, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        yield


def _apt_install(package: str) -> None:
    """``apt-get install -y PACKAGE`` in CI as root (after the session's background
    install, if one runs: it may have brought it); otherwise refuse with the command."""
    if not in_ci() or os.geteuid() != 0:
        raise Unavailable(f"Debian package {package!r} is missing (apt-get install {package})")
    with _install_lock, _apt_lock():
        if not _installed(package):
            _apt_run([package])


def install_in_background() -> threading.Thread | None:
    """In CI as root, start installing what the tests need and this machine lacks
    (``NEEDED``), while the session collects and runs its first tests: the first
    test that needs it waits for the lock instead of installing it then (minutes
    in which that test's process did nothing else). What fails here is installed
    again, and reported, by that test."""
    import fcntl

    missing = [package for package, path in NEEDED.items() if not glob.glob(path)]
    if not missing or not in_ci() or os.geteuid() != 0:
        return None
    held = open(_APT_LOCK, "a")  # noqa: SIM115 - closed by the thread
    fcntl.flock(held, fcntl.LOCK_EX)  # before any worker starts

    def install() -> None:
        try:
            with contextlib.suppress(Unavailable):
                _apt_run(missing)
        finally:
            held.close()

    thread = threading.Thread(target=install, name="apt-get", daemon=True)
    thread.start()
    return thread


def _pg_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


# one line per relation of the public schema and column, and how many triggers and
# functions there are: what a test must not change
_SHAPE = """
SELECT md5(coalesce(string_agg(c.relname || ':' || c.relkind::text || ':' || coalesce(a.attname, '')
       || ':' || coalesce(a.atttypid::text, '') || ':' || coalesce(a.attnotnull::text, ''),
       ',' ORDER BY c.relname, a.attnum), '')
       || (SELECT count(*) FROM pg_trigger)::text
       || (SELECT count(*) FROM pg_proc p JOIN pg_namespace s ON s.oid = p.pronamespace
           WHERE s.nspname = 'public')::text)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname = 'public'
"""


@dataclass(frozen=True)
class _Snapshot:
    """What a database holds: the rows of its tables that have rows (``COPY``'s
    binary form) and where each of its sequences stands."""

    shape: str
    tables: tuple[str, ...]
    rows: dict[str, bytes]
    # (sequence, value, is_called) as setval takes them
    sequences: tuple[tuple[str, int, bool], ...]


@dataclass
class PostgresServer:
    """A running throwaway cluster; ``new_database()`` gives each test its own."""

    bindir: Path
    folder: Path
    user: str
    template: str = "weakties_template"
    _counter: itertools.count[int] = field(default_factory=itertools.count, repr=False)
    _template_ready: bool = False
    _watcher: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    # databases given back, ready to be lent again (renamed when given back)
    _free: list[str] = field(default_factory=list, repr=False)
    # database -> what it held when it was first copied (it may not change after)
    _snapshots: dict[str, _Snapshot] = field(default_factory=dict, repr=False)

    @property
    def data(self) -> str:
        return str(self.folder / "data")

    @property
    def socket_dir(self) -> str:
        return str(self.folder)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@/{database}?host={self.socket_dir}"

    def _connect(self, database: str = "postgres", **options: Any) -> Any:
        import psycopg

        return psycopg.connect(host=self.socket_dir, user=self.user, dbname=database, **options)

    def _admin(self, sql: str) -> None:
        with self._connect(autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def _name(self, prefix: str) -> str:
        return f"{prefix}{os.getpid()}_{next(self._counter)}"

    def _build_template(self) -> None:
        from weakties.store.engine import open_store

        self._admin(f"CREATE DATABASE {self.template}")
        open_store(self.url(self.template)).close()
        self._snapshots[self.template] = self._snapshot(self.template)
        self._template_ready = True

    def _snapshot(self, database: str) -> _Snapshot:
        with self._connect(database) as conn:
            shape = conn.execute(_SHAPE).fetchone()[0]
            tables = tuple(
                row[0]
                for row in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
                )
            )
            rows: dict[str, bytes] = {}
            for table in tables:
                if conn.execute(f'SELECT EXISTS (SELECT FROM "{table}")').fetchone()[0]:
                    data = bytearray()
                    with conn.cursor().copy(f'COPY "{table}" TO STDOUT (FORMAT binary)') as copy:
                        for chunk in copy:
                            data += chunk
                    rows[table] = bytes(data)
            sequences = tuple(
                (f"{schema}.{name}", int(last if last is not None else start), last is not None)
                for schema, name, last, start in conn.execute(
                    "SELECT schemaname, sequencename, last_value, start_value FROM pg_sequences "
                    "WHERE schemaname = 'public' ORDER BY sequencename"
                )
            )
        return _Snapshot(shape, tables, rows, sequences)

    def _fill(self, database: str, snapshot: _Snapshot) -> bool:
        """Make ``database`` hold what ``snapshot`` holds; False when its schema is
        not the snapshot's (a test changed it)."""
        with self._connect(database) as conn:
            if conn.execute(_SHAPE).fetchone()[0] != snapshot.shape:
                return False
            # no trigger nor foreign-key check: the rows go back as they were
            conn.execute("SET LOCAL session_replication_role = replica")
            conn.execute("; ".join(f'DELETE FROM "{table}"' for table in snapshot.tables))
            for table, data in snapshot.rows.items():
                with conn.cursor().copy(f'COPY "{table}" FROM STDIN (FORMAT binary)') as copy:
                    copy.write(data)
            if snapshot.sequences:
                conn.execute(
                    "SELECT " + ", ".join("setval(%s, %s, %s)" for _ in snapshot.sequences),
                    [value for sequence in snapshot.sequences for value in sequence],
                )
            conn.commit()
        return True

    def _lend(self, snapshot: _Snapshot) -> str:
        while self._free:
            name = self._free.pop()
            if self._fill(name, snapshot):
                return name
            self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        name = self._name("t")
        self._admin(f"CREATE DATABASE {name} TEMPLATE {self.template}")
        if snapshot is not self._snapshots[self.template]:
            self._fill(name, snapshot)
        return name

    def new_database(self) -> str:
        """A fresh database at the newest schema, holding what the migrated template holds."""
        if not self._template_ready:
            self._build_template()
        return self.url(self._lend(self._snapshots[self.template]))

    def copy_of(self, url: str) -> str:
        """A new database holding what ``url``'s holds. ``url``'s database may not
        change after it is first copied: it is made read-only then (a connection to
        it may stay open; a write through one fails)."""
        from sqlalchemy.engine import make_url

        source = str(make_url(url).database)
        snapshot = self._snapshots.get(source)
        if snapshot is None:
            snapshot = self._snapshots[source] = self._snapshot(source)
            self._admin(f"ALTER DATABASE {source} SET default_transaction_read_only = on")
        if not self._template_ready:
            self._build_template()
        return self.url(self._lend(snapshot))

    def empty_database(self) -> str:
        """A fresh database with no tables at all (for the migration tests)."""
        name = self._name("e")
        self._admin(f"CREATE DATABASE {name}")
        return self.url(name)

    def drop(self, url: str) -> None:
        """Give back a database: no connection to it is left, and it is kept under a
        new name to be lent again (or dropped when it was not lent)."""
        from sqlalchemy.engine import make_url

        name = str(make_url(url).database)
        self._snapshots.pop(name, None)
        if name.startswith("e"):
            self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            return
        renamed = self._name("t")
        with self._connect(autocommit=True) as conn:
            for _attempt in range(50):
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    [name],
                )
                try:
                    conn.execute(f"ALTER DATABASE {name} RENAME TO {renamed}")  # type: ignore[arg-type]
                except Exception as exc:  # still a connection (it is going), or gone
                    import psycopg.errors

                    if isinstance(exc, psycopg.errors.InvalidCatalogName):
                        return
                    if not isinstance(exc, psycopg.errors.ObjectInUse):
                        raise
                    time.sleep(0.02)
                    continue
                conn.execute(f"ALTER DATABASE {renamed} RESET ALL")  # type: ignore[arg-type]
                self._free.append(renamed)
                return
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # type: ignore[arg-type]

    def _stop_command(self) -> list[str]:
        return _as_user(
            self.user,
            [str(self.bindir / "pg_ctl"), "stop", "-m", "immediate", "-s", "-D", self.data],
        )

    def watch(self) -> None:
        """Stop and remove the cluster when this process dies, however it dies."""
        script = (
            'while kill -0 "$1" 2>/dev/null; do sleep 1; done; shift; dir="$1"; shift; '
            '"$@" >/dev/null 2>&1; rm -rf "$dir"'
        )
        command = ["sh", "-c", script, "watch", str(os.getpid()), str(self.folder)]
        self._watcher = subprocess.Popen(
            [*command, *self._stop_command()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a signal to the session's group does not reach it
        )

    def stop(self) -> None:
        if not self.folder.exists():
            return
        subprocess.run(self._stop_command(), capture_output=True, check=False)
        shutil.rmtree(self.folder, ignore_errors=True)
        if self._watcher is not None:
            self._watcher.kill()
            self._watcher.wait()
            self._watcher = None


_running: list[PostgresServer] = []


def _stop_on_signal(signum: int, frame: object) -> None:
    """SIGTERM/SIGHUP: stop the servers, then die of the signal as before."""
    while _running:
        _running.pop().stop()
    previous = _previous_handlers.get(signum, signal.SIG_DFL)
    if callable(previous):
        previous(signum, frame)
        return
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


_previous_handlers: dict[int, object] = {}


def _install_signal_handlers() -> None:
    if _previous_handlers or threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGTERM, signal.SIGHUP):
        previous = signal.getsignal(signum)
        if previous in (signal.SIG_IGN,):
            continue
        _previous_handlers[signum] = previous
        signal.signal(signum, _stop_on_signal)


def _as_user(user: str, cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", user, "--", *cmd]
    return cmd


def start_postgres() -> PostgresServer:
    """initdb + pg_ctl start in a temporary folder; raises :class:`Unavailable`."""
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise Unavailable("no PostgreSQL driver: pip install 'weakties[postgres]'") from exc
    bindir = _pg_bindir()
    if bindir is None:
        _apt_install("postgresql")
        bindir = _pg_bindir()
        if bindir is None:
            raise Unavailable("postgresql installed but no initdb under /usr/lib/postgresql")
    user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")
    folder = Path(tempfile.mkdtemp(prefix="weakties-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, user=user)
    data = folder / "data"
    server = PostgresServer(bindir, folder, user)
    atexit.register(server.stop)
    _running.append(server)
    _install_signal_handlers()
    steps = [
        [
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            user,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ],
        [
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(folder / "server.log"),
            "-w",
            "-t",
            "60",
            "-o",
            # a socket in our folder only; tests want speed, not durability
            f"-k {folder} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=200 -c shared_buffers=64MB",
            "start",
        ],
    ]
    for step in steps:
        done = subprocess.run(_as_user(user, step), capture_output=True, text=True, check=False)
        if done.returncode != 0:
            log = ""
            with contextlib.suppress(OSError):
                log = (folder / "server.log").read_text()[-2000:]
            server.stop()
            raise Unavailable(f"{Path(step[0]).name} failed: {done.stderr[-2000:]} {log}")
    server.watch()
    return server


def ensure_chromium() -> str:
    """The path of Debian's chromium, installing it in CI when missing."""
    if not os.path.exists(CHROMIUM):
        _apt_install("chromium")
    if not os.path.exists(CHROMIUM):
        raise Unavailable(f"chromium installed but {CHROMIUM} is missing")
    return CHROMIUM


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class LiveServer:
    """An ASGI app served by uvicorn in a thread on 127.0.0.1 (a free port)."""

    url: str
    _server: object
    _thread: threading.Thread

    def stop(self) -> None:
        self._server.should_exit = True  # type: ignore[attr-defined]
        self._thread.join(timeout=10)


def serve_in_thread(app: object) -> LiveServer:
    import time

    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"live-server-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live server did not start")
        time.sleep(0.02)
    return LiveServer(f"http://127.0.0.1:{port}", server, thread)

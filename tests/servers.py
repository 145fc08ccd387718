"""Throwaway servers for the test session: PostgreSQL 15 and headless Chromium.

Both come from Debian's packages. When a binary is missing and the session runs
in CI (``WEAKTIES_CI`` or ``CI`` set) as root, the package is installed with
``apt-get``; elsewhere the tests that need it are skipped with the reason (and
in CI they fail instead: a missing server must not pass silently).

PostgreSQL runs as the ``postgres`` user (``initdb`` refuses root) in a
temporary folder, listening only on a unix socket inside that folder, and is
stopped and removed when the session ends — at exit, on SIGTERM or SIGHUP, and,
should the session die any other way (SIGKILL, a crash), by a small watcher
process that outlives it. Each test gets its own database, copied from a
template that the migrations built once.
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
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "PostgresServer",
    "Unavailable",
    "ensure_chromium",
    "in_ci",
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


def _apt_install(package: str) -> None:
    """``apt-get install -y PACKAGE`` in CI as root; otherwise refuse with the command."""
    if not in_ci() or os.geteuid() != 0:
        raise Unavailable(f"Debian package {package!r} is missing (apt-get install {package})")
    with _install_lock:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for cmd in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", package]):
            done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise Unavailable(f"{' '.join(cmd)} failed: {done.stderr[-2000:]}")


def _pg_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


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

    @property
    def data(self) -> str:
        return str(self.folder / "data")

    @property
    def socket_dir(self) -> str:
        return str(self.folder)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@/{database}?host={self.socket_dir}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host=self.socket_dir, user=self.user, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def _build_template(self) -> None:
        from weakties.store.engine import open_store

        self._admin(f"CREATE DATABASE {self.template}")
        open_store(self.url(self.template)).close()
        self._template_ready = True

    def new_database(self) -> str:
        """A fresh database at the newest schema (a copy of the migrated template)."""
        if not self._template_ready:
            self._build_template()
        name = f"t{os.getpid()}_{next(self._counter)}"
        self._admin(f"CREATE DATABASE {name} TEMPLATE {self.template}")
        return self.url(name)

    def copy_of(self, url: str) -> str:
        """A new database holding what ``url``'s holds (nobody may be connected to it)."""
        from sqlalchemy.engine import make_url

        name = f"c{os.getpid()}_{next(self._counter)}"
        self._admin(f"CREATE DATABASE {name} TEMPLATE {make_url(url).database}")
        return self.url(name)

    def empty_database(self) -> str:
        """A fresh database with no tables at all (for the migration tests)."""
        name = f"e{os.getpid()}_{next(self._counter)}"
        self._admin(f"CREATE DATABASE {name}")
        return self.url(name)

    def drop(self, url: str) -> None:
        from sqlalchemy.engine import make_url

        name = make_url(url).database
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

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

"""What the platform benchmarks share: the server as an operator starts it, and the
load model of its users.

The server is ``weakties serve --workers N`` in a process of its own (the
background loop in its main process, N workers answering on loopback). A user
is a client thread with its own connection sending one request after another;
between two requests it waits a *think time* drawn uniformly from ``[low,
high]`` seconds (locust's ``wait_time = between(low, high)``):

- with a think time, N users are N people using the site: the figure the
  "p95 at 20 users" goal speaks of;
- without one (``--think 0``), the users send back to back: a closed loop that
  keeps the server saturated, measuring its throughput — every request waits
  for the ones before it, so its latencies are those of a queue, not of a
  person's page.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Think",
    "advance_sequences",
    "default_workers",
    "free_port",
    "get_page",
    "load_model",
    "start_server",
    "stop_server",
]


def advance_sequences(store: object, tables: list[str]) -> None:
    """After rows written with their own ids, PostgreSQL's id sequences are moved past
    them (SQLite needs nothing): else the platform's next row of such a table — a
    new conversation, a message — would take an id already used."""
    from sqlalchemy import text

    engine = store.engine  # type: ignore[attr-defined]
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for table in tables:
            conn.execute(
                text(
                    f"select setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"coalesce((select max(id) from {table}), 0) + 1, false)"
                )
            )


def default_workers() -> int:
    """What ``weakties serve`` uses without ``--workers``."""
    from weakties.web.settings import default_workers as serve_default

    return serve_default()


@dataclass(frozen=True)
class Think:
    """The wait between two requests of a user: uniform in ``[low, high]`` seconds."""

    low: float = 0.0
    high: float = 0.0

    @classmethod
    def parse(cls, text: str) -> Think:
        """``0`` (none), ``S`` (uniform between S/2 and 3S/2: S on average) or ``A:B``."""
        try:
            if ":" in text:
                low, high = (float(x) for x in text.split(":", 1))
            else:
                mean = float(text)
                low, high = mean / 2, 3 * mean / 2
        except ValueError:
            raise SystemExit(f"--think {text!r}: give SECONDS or MIN:MAX") from None
        if not 0 <= low <= high:
            raise SystemExit(f"--think {text!r}: 0 <= MIN <= MAX")
        return cls(low, high)

    @property
    def active(self) -> bool:
        return self.high > 0

    def wait(self, rng: random.Random) -> float:
        return rng.uniform(self.low, self.high) if self.active else 0.0

    def __str__(self) -> str:
        if not self.active:
            return "none: each user sends its next request as soon as it has an answer"
        return f"uniform between {self.low:g} and {self.high:g} s between a user's requests"


def load_model(users: int, think: Think, workers: int, how: str) -> list[str]:
    """The lines that open a result file: who asks, how often, and who answers."""
    phases = (
        f"first with think time ({think}) — the '{users} users' figure —, then the same "
        "requests back to back, no think time (saturation: throughput; its latencies "
        "are a queue's)"
        if think.active
        else "back to back, no think time (a closed loop: saturation, the throughput "
        "figure; its latencies are a queue's, not a person's page)"
    )
    return [
        f"Load model: {users} users, each with its own connection, one request after "
        f"another; {phases}.",
        f"Server: {how}, {workers} worker process{'es' if workers > 1 else ''}.",
    ]


def get_page(client: Any, path: str) -> tuple[Any, bool]:
    """``GET path`` as a browser sends it (no redirect followed), and whether it was
    sent twice: when the server closed the idle connection as the request left
    (uvicorn's keep-alive ends after 5 s, and a think time may be longer), the
    request goes again on a new connection, as a browser sends it again; the
    caller's clock runs through both."""
    import httpx

    try:
        return client.get(path, follow_redirects=False), False
    except (httpx.ReadError, httpx.RemoteProtocolError):
        return client.get(path, follow_redirects=False), True


def free_port() -> int:
    """A loopback port nobody listens on now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, port: int, workers: int, secret: str) -> subprocess.Popen[bytes]:
    """``weakties serve`` on ``url`` at 127.0.0.1:``port``; returns once it answers."""
    import httpx

    env = {**os.environ, "WEAKTIES_ENVIRONMENT": "test", "WEAKTIES_SECRET_KEY": secret}
    command = [sys.executable, "-m", "weakties.cli.main", "serve", "--db", url]
    command += ["--port", str(port), "--workers", str(workers), "--log-level", "warning"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"weakties serve stopped (exit status {process.returncode})")
        try:
            if httpx.get(base + "/signin", timeout=5).status_code == 200:
                # the first worker answers; give the others the moment their start takes
                time.sleep(3 if workers > 1 else 0)
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop_server(process)
    raise SystemExit("weakties serve did not answer within 300 s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Ctrl-C's equivalent: the workers stop with their server."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

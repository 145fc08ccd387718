"""A server process loads numba's compiled kernels in the background as it starts
(:mod:`weakties.web.serving`), by running the network pages once on a tiny world
of its own: every kernel the pages call is loaded, the server is ready before the
loading ends, and a failure is logged and changes nothing else."""

from __future__ import annotations

import logging
import sys
import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import make_settings
from weakties.web import serving
from weakties.web.app import create_app

#: in a fresh interpreter: the warm-up, then the network pages for a member of
#: another world (the pages' own calls); what the pages compiled or loaded more
PAGES_AFTER_WARMING = """
import json
from weakties.web import serving

warmed = serving.warm_kernels()
after = serving._compiled()
serving.warm_kernels(people=45, seed=11)  # another world: the pages' calls again
print(json.dumps({"warmed": warmed, "more": serving._compiled() - after}))
"""


@pytest.mark.slow
def test_warming_loads_every_kernel_the_network_pages_call():
    """A fresh process warmed at start holds every kernel version the network
    pages call (with the types they call it with): the pages of another member
    of another world load or compile nothing more."""
    import json
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", PAGES_AFTER_WARMING],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["warmed"] >= 10  # the report's, the ego graph's, the paths' kernels …
    assert found["more"] == 0


def test_warming_reads_and_writes_nothing_of_the_servers_database(tmp_path, monkeypatch):
    """The warm-up's world is its own, in memory: the server's database is not
    opened by it."""
    opened: list[str] = []
    real = serving.open_store

    def watch(db: Any = None, **kwargs: Any) -> Any:
        opened.append(str(db))
        return real(db, **kwargs)

    monkeypatch.setattr(serving, "open_store", watch)
    monkeypatch.setenv("WEAKTIES_DB", str(tmp_path / "server.sqlite"))
    serving.warm_kernels(people=20, seed=3)
    assert opened == ["sqlite://"]
    assert not (tmp_path / "server.sqlite").exists()


def test_a_failure_is_logged_and_changes_nothing(monkeypatch, caplog):
    def broken(*_args: Any) -> int:
        raise RuntimeError("no kernels here")

    monkeypatch.setattr(serving, "warm_kernels", broken)
    with caplog.at_level(logging.INFO, logger="weakties.web.serving"):
        serving._warm()  # no exception
    said = [r for r in caplog.records if r.name == "weakties.web.serving"]
    assert [r.levelno for r in said] == [logging.WARNING]
    assert "could not load the graph kernels" in said[0].getMessage()
    assert said[0].exc_info is not None and "no kernels here" in str(said[0].exc_info[1])


def test_the_server_is_ready_before_the_kernels_are_and_warms_once(store, store_url, monkeypatch):
    """The app's start-up starts the loading and does not wait for it: the server
    answers while it is still going; a second app in the same process (a second
    start) starts no second loading; with the setting off there is none."""
    release = threading.Event()
    started: list[str] = []

    def slow() -> None:
        started.append(threading.current_thread().name)
        release.wait(10)

    monkeypatch.setattr(serving, "_warm", slow)
    off = create_app(make_settings(store_url), store=store)
    with TestClient(off) as client:
        assert client.get("/").status_code == 200
    assert serving._warming is None and started == []

    app = create_app(make_settings(store_url, warm_kernels=True), store=store)
    try:
        with TestClient(app) as client:
            assert client.get("/").status_code == 200  # answered while still loading
            thread = serving._warming
            assert thread is not None and thread.is_alive()
        with TestClient(create_app(make_settings(store_url, warm_kernels=True), store=store)):
            assert serving._warming is thread
    finally:
        release.set()
    thread.join(10)
    assert started == ["weakties-warm-kernels"]


@pytest.fixture(autouse=True)
def _no_warming_left(monkeypatch):
    """Each test starts without a loading of this process's (and leaves none)."""
    monkeypatch.setattr(serving, "_warming", None)

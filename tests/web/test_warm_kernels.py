"""A server process loads numba's compiled kernels in the background as it starts
(:mod:`weakties.web.serving`): what numba keeps on disk is loaded, nothing is
compiled, the server is ready before the loading ends, and a failure is logged
and changes nothing else."""

from __future__ import annotations

import importlib
import logging
import sys
import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import make_settings
from weakties.store.engine import open_store
from weakties.web import serving
from weakties.web.app import create_app

KERNEL = """
from numba import njit


@njit(cache=True)
def total(values):
    found = 0
    for v in values:
        found += v
    return found
"""


def test_warming_loads_what_numba_keeps_and_compiles_nothing(tmp_path, monkeypatch):
    """A kernel compiled by an earlier process (here: an earlier import of its
    module) is loaded from numba's cache by a fresh one, without compiling; a
    module whose kernels were never compiled loads nothing."""
    import numpy as np

    (tmp_path / "warm_probe.py").write_text(KERNEL)
    monkeypatch.syspath_prepend(str(tmp_path))
    first = importlib.import_module("warm_probe")
    assert serving.warm_kernels(("warm_probe",)) == 0  # never compiled: nothing to load
    assert first.total.signatures == []
    assert first.total(np.arange(4, dtype=np.int64)) == 6  # compiled and kept on disk

    del sys.modules["warm_probe"]  # as a new process would see it: nothing loaded
    fresh = importlib.import_module("warm_probe")
    assert fresh.total is not first.total and fresh.total.signatures == []
    assert serving.warm_kernels(("warm_probe",)) == 1
    assert len(fresh.total.signatures) == 1
    assert fresh.total.stats.cache_hits and not fresh.total.stats.cache_misses
    assert fresh.total(np.arange(5, dtype=np.int64)) == 10
    assert len(fresh.total.signatures) == 1  # the loaded one served the call
    monkeypatch.delitem(sys.modules, "warm_probe")


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


def test_the_server_is_ready_before_the_kernels_are_and_warms_once(tmp_path, monkeypatch):
    """The app's start-up starts the loading and does not wait for it: the server
    answers while it is still going; a second app in the same process (a second
    start) starts no second loading; with the setting off there is none."""
    release = threading.Event()
    started: list[str] = []

    def slow() -> None:
        started.append(threading.current_thread().name)
        release.wait(10)

    monkeypatch.setattr(serving, "_warm", slow)
    store = open_store(str(tmp_path / "w.sqlite"))  # one backend is enough here
    store_url = store.url
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

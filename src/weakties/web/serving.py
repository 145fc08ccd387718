"""Serving the platform: N worker processes, and what runs once per installation.

:func:`serve` is what ``weakties serve`` and ``weakties demo --serve`` run:

- this process opens the database first — migrating it, once — and runs the
  background loop (:class:`weakties.service.tasks.Worker`, behind the database's
  ``tasks`` lock, so a second server on the same database does not run it too);
- uvicorn then serves the app: in this process with one worker, else in
  ``workers`` processes it starts and restarts (each one builds the app from the
  same settings, passed to it as ``WEAKTIES_*`` variables, with no loop of its
  own), all answering on the one listening socket.

Each worker keeps its own memory of its members' pages; a write through any of
them is seen by the others at their next request (the database's change
counters, :mod:`weakties.service.live`).

**Warm kernels.** The graph engine's kernels are compiled by numba and kept on
disk (``cache=True``), but every process loads them again, on first use: numba's
import and the loading of the kernels cost a process about 2.5 s, which the
first member to open a network page after a start would wait for. Each server
process (the app's lifespan: every worker, or the one process) therefore loads
them in a background thread as it starts (:func:`start_warming`; the setting
``WEAKTIES_WARM_KERNELS``, on by default): the server answers at once, and a
request that needs a kernel still being loaded waits for numba's own lock, as
before. What is loaded is every compiled version numba keeps on disk for the
kernels of :data:`KERNELS` and that matches the current source and machine —
those this installation's pages have used; nothing is compiled or run (a
kernel not compiled yet is left to its first use) — and imports the modules
behind the network pages (:data:`PAGES`). A failure is logged and
changes nothing else: the kernels then load on first use.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from weakties.store.engine import Store, open_store
from weakties.web.settings import Settings

__all__ = [
    "KERNELS",
    "PAGES",
    "serve",
    "start_warming",
    "warm_kernels",
    "worker_app",
    "worker_count",
]

log = logging.getLogger(__name__)

#: the modules whose compiled kernels a server process loads as it starts
KERNELS = (
    "weakties.graph._build",
    "weakties.graph._kernels",
    "weakties.graph.structural_holes",
    "weakties.graph.structure",
    "weakties.ties.features",
    "weakties.ties.history",
    "weakties.opportunity._kernels",
)
#: the modules behind the network pages, imported with the kernels (their first
#: import costs the first page about half a second more)
PAGES = (
    "weakties.graph.communities",
    "weakties.report.overview",
    "weakties.report.value",
    "weakties.service.brief",
    "weakties.service.dashboard",
    "weakties.service.ego",
    "weakties.service.introductions",
    "weakties.service.keep_in_touch",
    "weakties.service.network",
    "weakties.service.report",
    "weakties.service.tie_review",
    "weakties.ties.strength",
)
_warming: threading.Thread | None = None
_warming_lock = threading.Lock()


def warm_kernels(modules: tuple[str, ...] = KERNELS + PAGES) -> int:
    """Import ``modules`` and load every compiled kernel numba keeps on disk for
    those defined in them (the versions that match the current source and
    machine) into this process; the number of kernel versions loaded.

    Nothing is compiled and no kernel runs: only what is in numba's cache index
    (numba's own cache files, read through its dispatchers) is loaded."""
    import importlib

    from numba.core.registry import CPUDispatcher

    loaded = 0
    for name in modules:
        module = importlib.import_module(name)
        for kernel in vars(module).values():
            if isinstance(kernel, CPUDispatcher) and kernel.py_func.__module__ == name:
                loaded += _load_cached(kernel)
    return loaded


def _load_cached(kernel: Any) -> int:
    cache = kernel._cache
    if not hasattr(cache, "_cache_file"):  # a kernel without an on-disk cache
        return 0
    codegen = kernel.targetctx.codegen()
    count = 0
    for key in cache._cache_file._load_index():
        # an entry for another machine or an older source would be compiled, not loaded
        if key == cache._index_key(key[0], codegen):
            kernel.compile(key[0])
            count += 1
    return count


def _warm() -> None:
    start = time.perf_counter()
    try:
        count = warm_kernels()
    except Exception:  # a failure only means the kernels load on first use, as before
        log.warning("could not load the graph kernels in advance", exc_info=True)
        return
    log.info("loaded %d compiled graph kernels in %.1f s", count, time.perf_counter() - start)


def start_warming() -> threading.Thread:
    """Load the kernels in a background thread, once per process (the thread)."""
    global _warming
    with _warming_lock:
        if _warming is None:
            # a daemon: a process that stops while it loads does not wait for it
            _warming = threading.Thread(target=_warm, name="weakties-warm-kernels", daemon=True)
            _warming.start()
        return _warming


def _environment(settings: Settings) -> dict[str, str]:
    """The settings as the ``WEAKTIES_*`` variables a worker process reads them from."""
    from pydantic import SecretStr

    found: dict[str, str] = {}
    for name in settings.model_fields_set:
        value = getattr(settings, name)
        if value is None:
            continue
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        found[f"WEAKTIES_{name.upper()}"] = str(value)
    return found


def worker_app() -> Any:
    """The app of one worker process (uvicorn's factory): the settings from the
    environment, no background loop (the serving process runs it)."""
    from weakties.web.app import create_app

    return create_app(Settings(worker_interval=0))


def worker_count(settings: Settings, store: Store, workers: int | None = None) -> int:
    """The worker processes to serve ``store`` with: ``workers``, else the settings'
    (one for an in-memory database, which another process could not see)."""
    if store.engine.dialect.name == "sqlite" and store.path is None:
        return 1
    return workers or settings.serving_workers


def serve(
    settings: Settings,
    *,
    host: str,
    port: int,
    workers: int | None = None,
    store: Store | None = None,
    log_level: str = "info",
) -> None:
    """Serve until Ctrl-C (or SIGTERM): the loop here, the app in ``workers``
    processes (default ``settings.serving_workers``; one for an in-memory database,
    which other processes could not see)."""
    import uvicorn

    from weakties.service.tasks import Worker

    store = store or open_store(settings.db)  # migrates, here and only here
    count = worker_count(settings, store, workers)
    loop = Worker(store, settings.worker_interval) if settings.worker_interval > 0 else None
    if loop is not None:
        loop.start()
    common: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": log_level,
        "proxy_headers": False,
        "lifespan": "on",
    }
    try:
        if count == 1:
            from weakties.web.app import create_app

            app = create_app(settings.model_copy(update={"worker_interval": 0}), store=store)
            uvicorn.run(app, **common)
        else:
            # the workers are new interpreters: they read the settings from here
            os.environ.update(_environment(settings))
            os.environ["WEAKTIES_DB"] = store.url
            uvicorn.run("weakties.web.serving:worker_app", factory=True, workers=count, **common)
    finally:
        if loop is not None:
            loop.stop()

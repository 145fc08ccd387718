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
before. The loading is done the way a page does it, through numba's public
face only: the network pages' computations (:data:`PAGES`: the value report,
the ego graph, the tie table, keep in touch, people you may know, who can
introduce me) run once for a member of a tiny world of their own, generated in
an in-memory database that nothing else sees. Every kernel they call is then
loaded with the types the pages give it: from numba's cache on disk, or
compiled (and kept there) when it is not yet — the first start of an
installation compiles in the background what its first member would have
waited for. A failure is logged and changes nothing else: the kernels then load
on first use.

**Exit.** The warm-up and the background loop run in daemon threads, and the
process waits for both at exit (an ``atexit`` hook: the loop is told to stop and
ends after the task it runs): a thread still inside numba's compiled code when
the interpreter shuts down is ended there, and the process aborted (exit
status 134) after its work was done.
"""

from __future__ import annotations

import atexit
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

#: the modules of the compiled kernels a server process loads as it starts (what
#: :func:`warm_kernels` counts)
KERNELS = (
    "weakties.graph._build",
    "weakties.graph._kernels",
    "weakties.graph.structural_holes",
    "weakties.graph.structure",
    "weakties.ties.features",
    "weakties.ties.history",
    "weakties.opportunity._kernels",
)
#: the modules behind the network pages, which the warm-up runs (their first
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


def warm_kernels(people: int = 30, seed: int = 7) -> int:
    """Run the network pages' computations once, for the best-connected member of
    a world of ``people`` generated in an in-memory database of its own; the
    number of compiled kernel versions this process holds more afterwards (of
    the kernels defined in :data:`KERNELS`: each loaded from numba's cache, or
    compiled when not there yet).

    The pages' own code gives the kernels their arguments, so what is loaded is
    exactly what a page needs — with the same types — and nothing but numba's
    public face is used (a kernel's ``signatures``)."""
    import importlib

    from weakties.service import (
        dashboard,
        discover,
        ego,
        introductions,
        keep_in_touch,
        network,
        tie_review,
    )
    from weakties.service.context import viewer
    from weakties.synth.generate import generate
    from weakties.synth.load import load_world

    for name in PAGES:
        importlib.import_module(name)
    before = _compiled()
    world = generate(n_people=people, seed=seed)
    tied: dict[int, set[int]] = {p.id: {p.id} for p in world.people}
    for t in world.ties:
        tied[t.a].add(t.b)
        tied[t.b].add(t.a)
    # the best-connected member with someone they are not tied to (the paths to a
    # stranger are part of the pages too)
    me = max((p for p in tied if len(tied[p]) < len(tied)), key=lambda p: (len(tied[p]), -p))
    handle = world.people[me].slug
    other = next(p.slug for p in reversed(world.people) if p.id not in tied[me])
    store = open_store("sqlite://")
    try:
        load_world(store, world)
        with store.engine.begin() as conn:
            who = viewer(conn, handle)
            dashboard.dashboard(conn, who)
            ego.ego_graph(conn, who)
            tie_review.tie_table(conn, who)
            keep_in_touch.reminders(conn, who)
            discover.people_you_may_know(conn, who)
            network.degree(conn, who, other)
            introductions.who_can_introduce(conn, who, handle=other)
    finally:
        store.close()
    return _compiled() - before


def _compiled() -> int:
    """The compiled versions of the kernels of :data:`KERNELS` this process holds."""
    import importlib

    count = 0
    for name in KERNELS:
        module = importlib.import_module(name)
        for kernel in vars(module).values():
            # numba's dispatchers: a Python function and the versions compiled of it
            py_func = getattr(kernel, "py_func", None)
            if py_func is not None and py_func.__module__ == name:
                count += len(getattr(kernel, "signatures", ()))
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
            # a daemon, waited for at exit (before the interpreter shuts down): a
            # daemon thread still inside numba (compiling, or in a kernel) when the
            # interpreter shuts down is ended there and the process aborts
            _warming = threading.Thread(target=_warm, name="weakties-warm-kernels", daemon=True)
            atexit.register(_warming.join)
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


#: seconds a worker may take to answer the supervisor's health check before it is
#: killed as hung and started again (uvicorn's default is 5)
HEALTHCHECK_S = 120


def _patient_supervisor(config: Any) -> dict[str, Any]:
    """uvicorn's option for how long a worker may take to answer its supervisor.

    The answer needs the interpreter's lock: a worker building the introduction
    network of a platform (:func:`weakties.service.live.built_apart`) holds it in
    long numpy and SQLite calls, and on a busy machine (load 10 on 2 cores) did
    not answer within uvicorn's 5 s; the supervisor killed it and started another,
    which began the same build again. A worker that is really hung is still
    killed, after :data:`HEALTHCHECK_S`."""
    import inspect

    if "timeout_worker_healthcheck" in inspect.signature(config).parameters:
        return {"timeout_worker_healthcheck": HEALTHCHECK_S}
    return {}  # an older uvicorn checks nothing


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
            uvicorn.run(
                "weakties.web.serving:worker_app",
                factory=True,
                workers=count,
                **common,
                **_patient_supervisor(uvicorn.Config),
            )
    finally:
        if loop is not None:
            loop.stop()

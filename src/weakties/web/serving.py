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
"""

from __future__ import annotations

import os
from typing import Any

from weakties.store.engine import Store, open_store
from weakties.web.settings import Settings

__all__ = ["serve", "worker_app", "worker_count"]


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

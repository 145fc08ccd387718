"""``weakties serve``: the platform in a browser, on the same database."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from weakties.cli.context import state
from weakties.cli.output import console, err, esc

LOG_LEVELS = ("debug", "info", "warning", "error")


def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option(metavar="ADDRESS", help="Address to listen on (127.0.0.1: this machine).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="N", min=1, max=65535, help="Port.")] = 8000,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="FILE|URL",
            help="Database file or URL, e.g. postgresql+psycopg://user@host/name "
            "(default: the global --db, else weakties.sqlite in your data folder).",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            min=1,
            max=64,
            help="Worker processes answering requests (default: WEAKTIES_WORKERS, else 2, "
            "or 1 on a one-core machine).",
        ),
    ] = None,
    log_level: Annotated[
        str,
        typer.Option(
            metavar="LEVEL",
            help="What the server logs: debug, info (every request), warning, error.",
        ),
    ] = "info",
) -> None:
    """Serve the platform (pages and /api/v1) until Ctrl-C.

    The database is migrated and the background loop (notifications, job expiry,
    model fits) runs once, in this process; requests are answered by --workers
    processes. Settings come from WEAKTIES_* variables (WEAKTIES_ENVIRONMENT,
    WEAKTIES_SECRET_KEY, WEAKTIES_SIGNUP, WEAKTIES_BASE_URL, WEAKTIES_SMTP_HOST...;
    see docs/platform.md).
    """
    if log_level not in LOG_LEVELS:
        raise typer.BadParameter(", ".join(LOG_LEVELS), param_hint="--log-level")
    try:
        import uvicorn  # noqa: F401 (the platform's server: checked before anything starts)
        from pydantic import ValidationError

        from weakties.web.serving import serve as serve_platform
        from weakties.web.serving import worker_count
        from weakties.web.settings import Settings
    except ImportError as exc:
        err.print(f"[red]error:[/] the platform needs: pip install 'weakties[web]' ({exc})")
        raise typer.Exit(2) from exc
    try:
        overrides: dict[str, object] = {}
        chosen = db or state(ctx).db
        if chosen:
            overrides["db"] = chosen
        if not os.environ.get("WEAKTIES_BASE_URL"):
            overrides["base_url"] = f"http://{host}:{port}"
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        for problem in exc.errors():
            err.print(f"[red]error:[/] {esc(problem['msg'])}", markup=True, soft_wrap=True)
        raise typer.Exit(2) from exc
    from sqlalchemy.engine import make_url

    from weakties.store.engine import open_store

    store = open_store(settings.db)  # migrated here, once, before any worker starts
    count = worker_count(settings, store, workers)
    shown = make_url(store.url).render_as_string(hide_password=True)
    console.print(
        f"weakties serves {shown} at http://{host}:{port}/ "
        f"({count} worker process{'es' if count > 1 else ''})",
        markup=False,
        soft_wrap=True,
    )
    console.print("Ctrl-C stops it.")
    serve_platform(settings, host=host, port=port, workers=count, store=store, log_level=log_level)

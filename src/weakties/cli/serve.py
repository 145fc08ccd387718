"""``weakties serve``: the platform in a browser, on the same database."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from weakties.cli.context import state
from weakties.cli.output import console, err


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
) -> None:
    """Serve the platform (pages and /api/v1) until Ctrl-C.

    Settings come from WEAKTIES_* variables (WEAKTIES_ENVIRONMENT, WEAKTIES_SECRET_KEY,
    WEAKTIES_SIGNUP, WEAKTIES_BASE_URL, WEAKTIES_SMTP_HOST...; see docs/platform.md).
    """
    try:
        import uvicorn
        from pydantic import ValidationError

        from weakties.web.app import create_app
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
            err.print(f"[red]error:[/] {problem['msg']}", markup=True, soft_wrap=True)
        raise typer.Exit(2) from exc
    app = create_app(settings)
    from sqlalchemy.engine import make_url

    shown = make_url(app.state.store.url).render_as_string(hide_password=True)
    console.print(f"weakties serves {shown} at http://{host}:{port}/", markup=False, soft_wrap=True)
    console.print("Ctrl-C stops it.")
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False, lifespan="off")

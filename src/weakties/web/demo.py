"""The demo as a platform: ``weakties demo --serve`` serves the demo world.

Every person of the demo world gets an account
(:func:`weakties.service.demo_accounts.open_demo_accounts`), then the platform
runs until Ctrl-C (:func:`weakties.web.serving.serve`, one worker process), in
development mode: for one machine only.
"""

from __future__ import annotations

from weakties.service.demo_accounts import DEMO_DOMAIN, open_demo_accounts
from weakties.store.engine import Store

__all__ = ["serve_demo"]


def serve_demo(store: Store, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Open an account for every demo person, print how to sign in, serve until Ctrl-C."""
    from weakties.cli.output import console
    from weakties.web.serving import serve
    from weakties.web.settings import Settings

    accounts = open_demo_accounts(store)
    address = f"http://{host}:{port}/"
    settings = Settings(environment="development", base_url=address)
    console.print(
        f"\n[bold]The demo as a platform[/] at {address}\n"
        f"  sign in as {accounts.operator_email} (the operator), password "
        f"{accounts.password}\n"
        f"  every person of the demo signs in as HANDLE@{DEMO_DOMAIN} with the same password\n"
        "  Ctrl-C stops it.",
        soft_wrap=True,
        highlight=False,
    )
    # one worker: the demo is one person trying it; the background loop (notifications,
    # model fits) runs beside it as on any server
    serve(settings, host=host, port=port, workers=1, store=store, log_level="warning")
    console.print("stopped.")

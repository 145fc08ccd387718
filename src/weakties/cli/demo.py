"""``weakties demo`` (filled in once the synthetic world lands)."""

from __future__ import annotations

import typer


def demo(ctx: typer.Context) -> None:
    """Generate a synthetic world, import three members' exports, show the network."""
    raise typer.Exit(1)

"""Rendering for the command line: Rich tables for people, JSON for machines."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

__all__ = ["console", "err", "print_json", "table"]

console = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def print_json(data: Any) -> None:
    """JSON on stdout, UTF-8, stable key order as given (no Rich markup)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    sys.stdout.write("\n")


def table(
    title: str | None,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    caption: str | None = None,
) -> None:
    grid = Table(title=title, caption=caption, title_justify="left", show_lines=False)
    for column in columns:
        numeric = column.startswith("#") or column in ("rows", "added", "n")
        grid.add_column(column, justify="right" if numeric else "left", overflow="fold")
    for row in rows:
        grid.add_row(*["" if v is None else str(v) for v in row])
    console.print(grid)

"""Rendering for the command line: Rich tables for people, JSON for machines."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

__all__ = ["console", "err", "esc", "plain", "print_json", "table"]

#: Escape a value for a Rich markup string: names, notes and organisations come
#: from people's own data, and "[he/him]" or "[/]" must print as written.
esc = escape


def plain(value: Any) -> Text:
    """A value shown as written (never read as markup)."""
    return Text("" if value is None else str(value))


console = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def _finite(value: Any) -> Any:
    """NaN and infinities as null: they are not JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def print_json(data: Any) -> None:
    """JSON on stdout, UTF-8, stable key order as given (no Rich markup); a
    number that is not finite is written as null."""
    text = json.dumps(_finite(data), ensure_ascii=False, indent=2, default=str, allow_nan=False)
    sys.stdout.write(text)
    sys.stdout.write("\n")


def table(
    title: str | None,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    caption: str | None = None,
) -> None:
    grid = Table(
        title=plain(title) if title is not None else None,
        caption=plain(caption) if caption is not None else None,
        title_justify="left",
        show_lines=False,
    )
    for column in columns:
        numeric = column.startswith("#") or column in ("rows", "added", "n")
        grid.add_column(column, justify="right" if numeric else "left", overflow="fold")
    for row in rows:
        grid.add_row(*[plain(v) for v in row])
    console.print(grid)

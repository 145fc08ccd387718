"""Rendering for the command line: Rich tables for people, JSON for machines.

Every string that comes from people's data (names, notes, organisations,
titles) is shown through :func:`shown`, the one place that turns a value into
display text; :func:`esc` (inside markup) and :func:`plain` (as a Rich text)
both go through it.
"""

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

__all__ = ["console", "err", "esc", "note", "plain", "print_json", "shown", "table"]


def shown(value: Any) -> str:
    """A value from people's data as display text (None shows as nothing)."""
    return "" if value is None else str(value)


def esc(value: Any) -> str:
    """A value from people's data inside a Rich markup string: "[he/him]" or "[/]"
    print as written."""
    return escape(shown(value))


def plain(value: Any) -> Text:
    """A value from people's data as a Rich text (never read as markup)."""
    return Text(shown(value))


console = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def note(text: str) -> None:
    """One line about how the answer was computed, on stderr (stdout stays data)."""
    err.print(f"[dim]note: {esc(text)}[/]", soft_wrap=True)


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
    """JSON on stdout, UTF-8, stable key order as given (no Rich markup): typed
    results through :func:`weakties.records.to_json`; a number that is not
    finite is written as null."""
    from weakties.records import to_json

    text = json.dumps(
        _finite(to_json(data)), ensure_ascii=False, indent=2, default=str, allow_nan=False
    )
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

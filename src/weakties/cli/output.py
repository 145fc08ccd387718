"""Rendering for the command line: Rich tables for people, JSON for machines.

Every string that comes from people's data (names, notes, organisations,
titles) is shown through :func:`shown`, the one place that turns a value into
display text; :func:`esc` (inside markup) and :func:`plain` (as a Rich text)
both go through it. It writes control characters as visible text (``\\x1b``,
``\\r``, ``\\u202e``): an escape sequence hidden in a name — a screen clear, a
colour, a window title, a hyperlink — is shown, never obeyed. Newlines stay
(a note may have several lines).

The consoles below apply the same rule once more to whatever text reaches them,
so that a string that skipped :func:`shown` cannot drive the terminal either;
only Rich's own styling (when writing to a terminal) sends escape sequences.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

__all__ = [
    "console",
    "err",
    "esc",
    "note",
    "plain",
    "print_json",
    "shown",
    "table",
    "visible",
]

# C0 controls but the newline, DEL, C1 controls (0x9b is a one-byte CSI), and the
# characters that reorder or break a line on screen: bidirectional embeddings,
# overrides and isolates, line and paragraph separators.
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\t": "\\t", "\r": "\\r"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with its control characters written as text (``\\x1b[2J`` for a
    screen clear); newlines are kept.

    >>> visible("Eve\\x1b[2J Lee\\r")
    'Eve\\\\x1b[2J Lee\\\\r'
    """
    return _CONTROL.sub(_escaped, text)


def shown(value: Any) -> str:
    """A value from people's data as display text: None shows as nothing, control
    characters as visible text (:func:`visible`)."""
    return "" if value is None else visible(str(value))


def esc(value: Any) -> str:
    """A value from people's data inside a Rich markup string: "[he/him]" or "[/]"
    print as written."""
    return escape(shown(value))


def plain(value: Any) -> Text:
    """A value from people's data as a Rich text (never read as markup)."""
    return Text(shown(value))


class _Console(Console):
    """A console whose text can only show: control characters that reach it
    inside text (not Rich's own control segments and styles) are made visible."""

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            segment if segment.control else Segment(visible(segment.text), segment.style)
            for segment in buffer
        )


console: Console = _Console(highlight=False)
err: Console = _Console(stderr=True, highlight=False)


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
    finite is written as null; every control character is escaped (``\\u001b``)."""
    from weakties.records import to_json

    text = json.dumps(
        _finite(to_json(data)), ensure_ascii=False, indent=2, default=str, allow_nan=False
    )
    # JSON escapes C0 controls itself; C1 controls and line reordering characters
    # (which can only stand inside strings) are escaped too: the same value.
    text = _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
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

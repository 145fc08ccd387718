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

Rich is imported when something is first shown, not when a command module is
imported: ``weakties --help`` and a typo answered with the names it may have
meant never load it (with :mod:`logging`, a fifth of the help's CPU time).
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from rich.console import Console
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
    from rich.markup import escape

    return escape(shown(value))


def plain(value: Any) -> Text:
    """A value from people's data as a Rich text (never read as markup)."""
    from rich.text import Text

    return Text(shown(value))


def __getattr__(name: str) -> Any:
    if name == "_Console":  # the console class, for a console of one's own
        from weakties.cli.terminal import SafeConsole

        return SafeConsole
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Deferred:
    """A console made on first use: every attribute read or set goes to it (its
    ``__dict__`` too, so that a test may patch an attribute and put it back)."""

    __slots__ = ("_made", "_options")

    def __init__(self, **options: Any) -> None:
        object.__setattr__(self, "_options", options)
        object.__setattr__(self, "_made", None)

    def _console(self) -> Console:
        made = object.__getattribute__(self, "_made")
        if made is None:
            from weakties.cli.terminal import SafeConsole

            made = SafeConsole(**object.__getattribute__(self, "_options"))
            object.__setattr__(self, "_made", made)
        return cast("Console", made)

    @property
    def __dict__(self) -> dict[str, Any]:  # type: ignore[override]
        return self._console().__dict__

    def __getattr__(self, name: str) -> Any:
        return getattr(self._console(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._console(), name, value)

    def __delattr__(self, name: str) -> None:
        delattr(self._console(), name)


console: Console = cast("Console", _Deferred(highlight=False))
err: Console = cast("Console", _Deferred(stderr=True, highlight=False))


def made(shown_on: Console) -> Console:
    """The console behind :data:`console` or :data:`err` itself, for a Rich object
    that is given a console rather than printing to one (a progress bar)."""
    return shown_on._console() if isinstance(shown_on, _Deferred) else shown_on


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
    from rich.table import Table

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

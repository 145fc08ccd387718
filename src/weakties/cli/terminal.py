"""The console class of the command line (kept apart so that Rich is imported
only when something is shown: see :mod:`weakties.cli.output`)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.segment import Segment

from weakties.cli.output import visible


class SafeConsole(Console):
    """A console whose text can only show: control characters that reach it
    inside text (not Rich's own control segments and styles) are made visible."""

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            segment if segment.control else Segment(visible(segment.text), segment.style)
            for segment in buffer
        )

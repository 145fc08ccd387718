"""weakties' own log on stderr (``--verbose``, ``-vv``), set up by the root
command when a command runs (``--help`` never loads :mod:`logging`)."""

from __future__ import annotations

import logging
import sys
from typing import Any

from weakties.cli.output import visible


def log_to_stderr(verbose: int) -> None:
    """weakties' own log on stderr at the chosen level: one handler on the
    ``weakties`` logger, none on the root logger (libraries keep theirs)."""
    logger = logging.getLogger("weakties")
    levels = {0: logging.WARNING, 1: logging.INFO}
    logger.setLevel(levels.get(verbose, logging.DEBUG))
    if not any(isinstance(h, _Stderr) for h in logger.handlers):
        handler = _Stderr()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)


class _Stderr(logging.StreamHandler):
    """A handler that writes to whatever ``sys.stderr`` is when a record comes
    (a test runner swaps it between commands)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass

    def format(self, record: logging.LogRecord) -> str:
        # a log line may quote data (a name, the other writer's command line):
        # its control characters are shown, never sent to the terminal
        return visible(super().format(record))

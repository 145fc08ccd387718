"""Typed errors of weakties: the root of every error it raises on purpose.

The command line and the web app turn them into user messages and exit codes
(or HTTP statuses); no layer below them prints anything.
"""

from __future__ import annotations

__all__ = [
    "AmbiguousError",
    "InputError",
    "NotFoundError",
    "RefusedError",
    "StoreError",
    "WeaktiesError",
]


class WeaktiesError(Exception):
    """Base class of every error weakties raises on purpose."""

    exit_code = 1


class StoreError(WeaktiesError):
    """The database cannot be opened, migrated or written."""

    exit_code = 3


class NotFoundError(WeaktiesError):
    """A person, member or organisation named by the user does not exist."""

    exit_code = 4


class AmbiguousError(WeaktiesError):
    """A name given by the user matches several records."""

    exit_code = 4

    def __init__(self, message: str, candidates: list[str]):
        super().__init__(message)
        self.candidates = candidates


class InputError(WeaktiesError):
    """Bad input: names the file, the line and the field that are wrong.

    Nothing is written when an import raises it: one transaction per import.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ):
        self.file = file
        self.line = line
        self.field = field
        self.reason = message
        where = []
        if file:
            where.append(file)
        if line is not None:
            where.append(f"line {line}")
        if field:
            where.append(f"field {field!r}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class RefusedError(WeaktiesError):
    """An action that etiquette refuses (an ask too many): says why and from when
    it becomes possible."""

    exit_code = 5

    def __init__(self, message: str, reasons: list[dict[str, object]] | None = None):
        super().__init__(message)
        self.reasons = reasons or []

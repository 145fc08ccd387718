"""The errors of the core, re-exported where the import pipeline has always found
them (:mod:`weakties.errors` is their home)."""

from weakties.errors import (
    AmbiguousError,
    InputError,
    NotFoundError,
    RefusedError,
    StoreError,
    WeaktiesError,
)

__all__ = [
    "AmbiguousError",
    "InputError",
    "NotFoundError",
    "RefusedError",
    "StoreError",
    "WeaktiesError",
]

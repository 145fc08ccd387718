"""Settings kept in the database that no longer read as what they hold.

A setting is written by weakties and read back on every command; a hand edit,
a bad copy or a damaged page can leave anything there. Each reader checks its
setting and decides: one with a sound default (a kept model fit, a calibration,
the last report's headline) is ignored, with one warning naming the setting,
what is used instead and how to make a new one; one without (the demo's clock)
is refused in one line naming the setting and how to remove it.
"""

from __future__ import annotations

import logging
import math
from typing import Any

__all__ = ["finite", "ignored_setting", "reset_hint"]

log = logging.getLogger(__name__)

_told: set[tuple[str, str]] = set()  # each damaged value is told once per process


def reset_hint(key: str) -> str:
    """How to remove a setting by hand (there is no command that writes any value)."""
    return f"remove it with: delete from setting where key = '{key}'"


def ignored_setting(key: str, value: str, what: str, instead: str) -> None:
    """Warn once that the setting ``key`` (``what``: "the kept model fit") is
    damaged and ignored, and what happens ``instead``."""
    if (key, value) in _told:
        return
    _told.add((key, value))
    log.warning("%s (setting '%s') is damaged and ignored: %s", what, key, instead)


def finite(*values: Any) -> bool:
    """Whether every value is a finite number (not a string, NaN or infinity)."""
    return all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in values
    )

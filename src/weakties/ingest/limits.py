"""Safety limits for reading exports: light, so that the command line can show
their defaults without loading the readers."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["GiB", "Limits", "MiB"]

MiB = 1024 * 1024
GiB = 1024 * MiB


@dataclass(frozen=True)
class Limits:
    """Safety limits for reading exports (the total is configurable from the CLI)."""

    max_unzipped_total: int = 4 * GiB
    # A CSV compresses 5-20x; zeros or repeated bytes compress 1000x and more.
    max_ratio: float = 200.0
    ratio_applies_above: int = 8 * MiB

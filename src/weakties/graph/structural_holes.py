"""Burt's structural holes (placeholder until the vectorised kernels land)."""

from __future__ import annotations

import numpy as np

__all__ = ["constraint", "effective_size", "efficiency", "hierarchy"]


def constraint(g, nodes=None):  # type: ignore[no-untyped-def]
    raise NotImplementedError


def effective_size(g, nodes=None):  # type: ignore[no-untyped-def]
    raise NotImplementedError


def efficiency(g, nodes=None):  # type: ignore[no-untyped-def]
    raise NotImplementedError


def hierarchy(g, nodes=None):  # type: ignore[no-untyped-def]
    raise NotImplementedError


del np

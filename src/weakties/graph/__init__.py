"""The graph engine: an immutable CSR snapshot of the network and the algorithms on it.

>>> import numpy as np
>>> from weakties.graph import Graph, constraint, effective_size
>>> star = Graph.from_edges(np.zeros(4, dtype=int), np.arange(1, 5))
>>> float(constraint(star)[0]), float(effective_size(star)[0])
(0.25, 4.0)

The structural-hole measures are compiled kernels (numba): they are imported
when first named, so that a command asking about one pair never loads numba.
"""

from typing import TYPE_CHECKING, Any

from weakties.graph.errors import GraphError, NodeNotFound
from weakties.graph.snapshot import Graph, PathSet

if TYPE_CHECKING:
    from weakties.graph.structural_holes import (
        constraint,
        effective_size,
        efficiency,
        hierarchy,
    )

__all__ = [
    "Graph",
    "GraphError",
    "NodeNotFound",
    "PathSet",
    "constraint",
    "effective_size",
    "efficiency",
    "hierarchy",
]

_COMPILED = ("constraint", "effective_size", "efficiency", "hierarchy")


def __getattr__(name: str) -> Any:
    if name in _COMPILED:
        from weakties.graph import structural_holes

        return getattr(structural_holes, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

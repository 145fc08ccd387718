"""The graph engine: an immutable CSR snapshot of the network and the algorithms on it.

>>> import numpy as np
>>> from weakties.graph import Graph, constraint, effective_size
>>> star = Graph.from_edges(np.zeros(4, dtype=int), np.arange(1, 5))
>>> float(constraint(star)[0]), float(effective_size(star)[0])
(0.25, 4.0)
"""

from weakties.graph.errors import GraphError, NodeNotFound
from weakties.graph.snapshot import Graph, PathSet
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

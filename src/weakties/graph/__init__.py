"""The graph engine: an immutable CSR snapshot of the network and the algorithms on it.

>>> import numpy as np
>>> from weakties.graph import Graph, constraint, effective_size
>>> star = Graph.from_edges(np.zeros(4, dtype=int), np.arange(1, 5))
>>> float(constraint(star)[0]), float(effective_size(star)[0])
(0.25, 4.0)
"""

import os

# Parallel kernels run on numba's OpenMP pool. Its threads spin between parallel
# regions by default, which costs milliseconds per region as soon as another
# process shares the cores (a web server, a database): let them sleep instead.
# Set before the first parallel call, which is when the runtime reads it.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

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

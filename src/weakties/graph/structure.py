"""Whole-graph structure: connected components, k-hop reach, local bridges.

>>> import numpy as np
>>> from weakties.graph import Graph
>>> g = Graph.from_edges(np.array([0, 1, 3]), np.array([1, 2, 4]), n_nodes=6)
>>> connected_components(g).tolist()
[0, 0, 0, 1, 1, 2]
>>> reach(g, 0).sizes
[1, 1, 1, 0]
>>> local_bridges(g)
[(0, 1, inf), (1, 2, inf), (3, 4, inf)]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from weakties.graph.snapshot import Graph

__all__ = ["Reach", "connected_components", "local_bridges", "reach"]


def connected_components(g: Graph) -> np.ndarray:
    """Component label of every node (0, 1, ... in order of each component's smallest node)."""
    from scipy.sparse.csgraph import connected_components as scipy_components

    _, labels = scipy_components(g.to_scipy(), directed=False)
    # relabel in order of each component's first node, whatever scipy's numbering
    _, first = np.unique(labels, return_index=True)
    rank = np.empty(first.size, dtype=np.int64)
    rank[np.argsort(first)] = np.arange(first.size)
    return rank[labels]


@dataclass(frozen=True)
class Reach:
    """Who is within ``max_hops`` of a node: distances, and the count per hop."""

    source: int
    distance: np.ndarray  # int32 per node, -1 beyond max_hops
    max_hops: int

    @property
    def sizes(self) -> list[int]:
        """Number of nodes at 0, 1, ..., max_hops hops."""
        counts = np.bincount(self.distance[self.distance >= 0], minlength=self.max_hops + 1)
        return [int(c) for c in counts[: self.max_hops + 1]]

    def at(self, hops: int) -> np.ndarray:
        """The nodes at exactly ``hops`` hops (sorted)."""
        return np.flatnonzero(self.distance == hops)


def reach(g: Graph, source: int, max_hops: int = 3) -> Reach:
    """Exact k-hop reach of ``source``: the 2nd and 3rd degree, with their sizes."""
    return Reach(int(source), g.bfs(source, max_hops=max_hops), int(max_hops))


@njit(cache=True)
def _no_common_neighbour(indptr, indices, u, v):  # pragma: no cover - compiled
    i = indptr[u]
    j = indptr[v]
    while i < indptr[u + 1] and j < indptr[v + 1]:
        if indices[i] == indices[j]:
            return False
        if indices[i] < indices[j]:
            i += 1
        else:
            j += 1
    return True


@njit(cache=True)
def _local_bridges(indptr, indices):  # pragma: no cover - compiled
    n = indptr.shape[0] - 1
    count = 0
    for fill in range(2):
        if fill == 1:
            us = np.empty(count, dtype=np.int32)
            vs = np.empty(count, dtype=np.int32)
        else:
            us = np.empty(0, dtype=np.int32)
            vs = np.empty(0, dtype=np.int32)
        count = 0
        for u in range(n):
            for k in range(indptr[u], indptr[u + 1]):
                v = indices[k]
                if v > u and _no_common_neighbour(indptr, indices, u, v):
                    if fill == 1:
                        us[count] = u
                        vs[count] = v
                    count += 1
    return us, vs


@njit(cache=True)
def _span(indptr, indices, u, v):  # pragma: no cover - compiled
    """Hops from u to v without the edge u-v (-1 if they are then disconnected)."""
    n = indptr.shape[0] - 1
    dist = np.full(n, -1, dtype=np.int32)
    queue = np.empty(n, dtype=np.int32)
    dist[u] = 0
    queue[0] = u
    head = 0
    tail = 1
    while head < tail:
        x = queue[head]
        head += 1
        for k in range(indptr[x], indptr[x + 1]):
            y = indices[k]
            if dist[y] >= 0 or (x == u and y == v):
                continue
            dist[y] = dist[x] + 1
            if y == v:
                return dist[y]
            queue[tail] = y
            tail += 1
    return -1


def local_bridges(g: Graph, with_span: bool = True) -> list[tuple[int, int, float]]:
    """Ties whose two ends share no contact (Granovetter's local bridges).

    Returns ``(u, v, span)`` with ``u < v``; the span is the distance between the
    two ends once the tie is removed (``inf`` when nothing else connects them),
    as ``networkx.local_bridges(G, with_span=True)``. A local bridge of span 3+
    is the only short way between two circles: new information travels over it.

    References
    ----------
    Granovetter, M. (1973). The strength of weak ties. American Journal of
    Sociology 78(6), 1360-1380.
    """
    us, vs = _local_bridges(g.indptr, g.indices)
    out = []
    for u, v in zip(us.tolist(), vs.tolist(), strict=True):
        if with_span:
            span = int(_span(g.indptr, g.indices, u, v))
            out.append((int(u), int(v), float(span) if span >= 0 else math.inf))
        else:
            out.append((int(u), int(v), math.nan))
    return out

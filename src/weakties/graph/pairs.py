"""One pair's questions, and small snapshots, with numpy alone.

A command line call builds one snapshot and asks one question of it
(``weakties degree``, ``mutual``, ``paths``): bringing numba into its process —
importing it and loading the compiled kernels from the disk cache — costs about
0.6 s of CPU, the question itself milliseconds. The functions here answer those
questions with numpy (two rows and the rows of one side's contacts), as the
:class:`~weakties.graph.Graph` methods of the same names do with the compiled
kernels that a server, which keeps its snapshots and asks thousands of
questions, uses (a test checks that both give the same answers). A snapshot of
up to :data:`SMALL_BUILD` edges is likewise sorted into CSR with numpy, in tens
of milliseconds, unless the process has the compiled kernel loaded already;
larger ones with the compiled kernel, to the same arrays.

>>> import numpy as np
>>> from weakties.graph import Graph
>>> g = Graph.from_edges(np.array([0, 1, 2, 0]), np.array([1, 2, 3, 4]))
>>> distance(g, 0, 3), distance(g, 0, 3, max_hops=2), mutual(g, 0, 2).tolist()
(3, None, [1])
>>> shortest_paths(g, 4, 2)
[[4, 0, 1, 2]]

Conventions as in :mod:`weakties.graph._kernels`: ``indptr`` int64 (n + 1),
``indices`` int32, rows sorted, no self-loops, symmetric.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from weakties.graph.errors import GraphError

if TYPE_CHECKING:
    from weakties.graph.snapshot import Graph

__all__ = [
    "SMALL_BUILD",
    "csr_from_edges",
    "csr_from_members",
    "distance",
    "mutual",
    "shortest_paths",
]

#: edge lists up to this length are built with numpy (about 40 ms at this size,
#: against about 0.6 s to bring numba into a process that has not loaded it)
SMALL_BUILD = 100_000


def csr_from_edges(
    u: np.ndarray, v: np.ndarray, w: np.ndarray, n: int, has_weights: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Symmetric CSR (indptr, indices, weights) of an undirected edge list:
    self-loops dropped, a repeated edge kept once with its largest weight."""
    keep = u != v
    rows = np.concatenate((u[keep], v[keep]))
    cols = np.concatenate((v[keep], u[keep]))
    key = rows * max(n, 1) + cols  # n < 2**31: no overflow
    order = np.argsort(key, kind="stable")
    key = key[order]
    first = np.ones(key.size, dtype=bool)
    first[1:] = key[1:] != key[:-1]
    starts = np.flatnonzero(first)
    if has_weights and key.size:
        weights = np.concatenate((w[keep], w[keep]))[order]
        weights = np.maximum.reduceat(weights, starts).astype(np.float32)
    else:
        weights = np.empty(0, dtype=np.float32)
    key = key[starts]
    rows = key // max(n, 1)
    indices = (key - rows * max(n, 1)).astype(np.int32)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return indptr, indices, weights


def csr_from_members(owner: np.ndarray, item: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """CSR of a many-to-many relation (e.g. person -> organisations), rows sorted."""
    order = np.lexsort((item, owner))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner, minlength=n), out=indptr[1:])
    return indptr, item[order].astype(np.int32)


def _row(indptr: np.ndarray, indices: np.ndarray, node: int) -> np.ndarray:
    return indices[indptr[node] : indptr[node + 1]]


def _contains(row: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Which of ``values`` are in the sorted ``row``."""
    if not row.size:
        return np.zeros(values.shape, dtype=bool)
    at = np.minimum(np.searchsorted(row, values), row.size - 1)
    return row[at] == values


def _rows_of(
    indptr: np.ndarray, indices: np.ndarray, nodes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``(node, neighbour)`` for every entry of the rows of ``nodes``, in order."""
    starts = indptr[nodes]
    lengths = indptr[nodes + 1] - starts
    # position of each entry: its row's start, plus its rank within the row
    before = np.cumsum(lengths) - lengths
    at = np.repeat(starts - before, lengths) + np.arange(int(lengths.sum()))
    return np.repeat(nodes, lengths), indices[at]


def _adjacent(indptr: np.ndarray, indices: np.ndarray, a: int, b: int) -> bool:
    """Whether a and b are tied (a binary search in the shorter row)."""
    if indptr[a + 1] - indptr[a] > indptr[b + 1] - indptr[b]:
        a, b = b, a
    return bool(_contains(_row(indptr, indices, a), np.array([b]))[0])


def _common(indptr: np.ndarray, indices: np.ndarray, a: int, b: int) -> np.ndarray:
    """Sorted common neighbours of a and b (int32)."""
    return np.intersect1d(
        _row(indptr, indices, a), _row(indptr, indices, b), assume_unique=True
    ).astype(np.int32)


def _sides(volume: np.ndarray, a: int, b: int) -> tuple[int, int, bool]:
    """(near, far, swapped): the side with the smaller two-hop volume is walked."""
    return (b, a, True) if volume[a] > volume[b] else (a, b, False)


def _distance3(indptr: np.ndarray, indices: np.ndarray, volume: np.ndarray, a: int, b: int) -> int:
    """Hop distance between a and b if at most 3, else -1 (no full BFS)."""
    if a == b:
        return 0
    if _adjacent(indptr, indices, a, b):
        return 1
    if _common(indptr, indices, a, b).size:
        return 2
    near, far, _ = _sides(volume, a, b)
    _, two_hops = _rows_of(indptr, indices, _row(indptr, indices, near))
    return 3 if _contains(_row(indptr, indices, far), two_hops).any() else -1


def _shortest_paths3(
    indptr: np.ndarray, indices: np.ndarray, volume: np.ndarray, a: int, b: int, max_len: int
) -> tuple[int, np.ndarray, np.ndarray]:
    """Every shortest path of at most ``max_len`` (<= 3) hops from a to b.

    Returns (length, first, second): length -1 when farther, 0..3 otherwise;
    for length 2 the middles are ``first``; for length 3 the middle edges are
    (first[i], second[i]).
    """
    empty = np.empty(0, dtype=np.int32)
    if a == b:
        return 0, empty, empty
    if max_len < 1:
        return -1, empty, empty
    if _adjacent(indptr, indices, a, b):
        return 1, empty, empty
    if max_len < 2:
        return -1, empty, empty
    middles = _common(indptr, indices, a, b)
    if middles.size:
        return 2, middles, empty
    if max_len < 3:
        return -1, empty, empty
    near, far, swapped = _sides(volume, a, b)
    x, y = _rows_of(indptr, indices, _row(indptr, indices, near))
    keep = _contains(_row(indptr, indices, far), y) & (y != near)
    if not keep.any():
        return -1, empty, empty
    first, second = x[keep].astype(np.int32), y[keep].astype(np.int32)
    return (3, second, first) if swapped else (3, first, second)


# -- the questions, as the Graph methods of the same names ask them ---------------


def distance(g: Graph, a: int, b: int, max_hops: int = 3) -> int | None:
    """Hop distance between a and b, or None if farther than ``max_hops``
    (:meth:`Graph.distance`)."""
    if max_hops > 3:
        return g.distance(a, b, max_hops)
    a, b = g._check(a), g._check(b)
    d = _distance3(g.indptr, g.indices, g.volume, a, b)
    return d if 0 <= d <= max_hops else None


def mutual(g: Graph, a: int, b: int) -> np.ndarray:
    """The contacts a and b share, sorted nodes (:meth:`Graph.mutual`)."""
    return _common(g.indptr, g.indices, g._check(a), g._check(b))


def shortest_paths(g: Graph, a: int, b: int, max_len: int = 3) -> list[list[int]]:
    """Every shortest path between a and b of at most ``max_len`` hops (<= 3), each
    a list of nodes from a to b, sorted; ``[]`` if none (:meth:`Graph.shortest_paths`)."""
    if max_len > 3:
        raise GraphError("shortest_paths enumerates paths of at most 3 hops")
    a, b = g._check(a), g._check(b)
    hops, first, second = _shortest_paths3(g.indptr, g.indices, g.volume, a, b, max_len)
    if hops < 0:
        return []
    if hops == 0:
        return [[a]]
    if hops == 1:
        return [[a, b]]
    if hops == 2:
        return [[a, x, b] for x in first.tolist()]
    return sorted([a, x, y, b] for x, y in zip(first.tolist(), second.tolist(), strict=True))

"""Compiled kernels that build CSR adjacency from edge arrays (numba).

Building sorts every row and drops self-loops and repeated edges, so that the
snapshot is a simple undirected graph like ``networkx.Graph``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["csr_from_edges", "csr_from_members"]


@njit(cache=True)
def _sort_row(indices, weights, start, stop, has_weights):  # pragma: no cover - compiled
    length = stop - start
    if length < 2:
        return
    if not has_weights:
        indices[start:stop] = np.sort(indices[start:stop])
        return
    order = np.argsort(indices[start:stop], kind="mergesort")
    idx = indices[start:stop][order]
    wts = weights[start:stop][order]
    indices[start:stop] = idx
    weights[start:stop] = wts


@njit(cache=True)
def csr_from_edges(u, v, w, n, has_weights):  # pragma: no cover - compiled
    """Symmetric CSR (indptr, indices, weights) of an undirected edge list.

    Self-loops are dropped; a repeated edge keeps its largest weight.
    """
    m = u.shape[0]
    degree = np.zeros(n + 1, dtype=np.int64)
    for e in range(m):
        a = u[e]
        b = v[e]
        if a != b:
            degree[a + 1] += 1
            degree[b + 1] += 1
    indptr = np.cumsum(degree)
    fill = indptr[:-1].copy()
    indices = np.empty(indptr[n], dtype=np.int32)
    weights = np.empty(indptr[n] if has_weights else 0, dtype=np.float32)
    for e in range(m):
        a = u[e]
        b = v[e]
        if a == b:
            continue
        indices[fill[a]] = b
        indices[fill[b]] = a
        if has_weights:
            weights[fill[a]] = w[e]
            weights[fill[b]] = w[e]
        fill[a] += 1
        fill[b] += 1
    # sort each row, then squeeze out repeated neighbours
    out = 0
    new_indptr = np.empty(n + 1, dtype=np.int64)
    new_indptr[0] = 0
    for node in range(n):
        start = indptr[node]
        stop = indptr[node + 1]
        _sort_row(indices, weights, start, stop, has_weights)
        last = -1
        for k in range(start, stop):
            x = indices[k]
            if x == last:
                if has_weights and weights[k] > weights[out - 1]:
                    weights[out - 1] = weights[k]
                continue
            indices[out] = x
            if has_weights:
                weights[out] = weights[k]
            out += 1
            last = x
        new_indptr[node + 1] = out
    return new_indptr, indices[:out].copy(), weights[:out].copy() if has_weights else weights


@njit(cache=True)
def csr_from_members(owner, item, n):  # pragma: no cover - compiled
    """CSR of a many-to-many relation (e.g. person -> organisations), rows sorted."""
    m = owner.shape[0]
    counts = np.zeros(n + 1, dtype=np.int64)
    for e in range(m):
        counts[owner[e] + 1] += 1
    indptr = np.cumsum(counts)
    fill = indptr[:-1].copy()
    items = np.empty(m, dtype=np.int32)
    for e in range(m):
        items[fill[owner[e]]] = item[e]
        fill[owner[e]] += 1
    for node in range(n):
        items[indptr[node] : indptr[node + 1]] = np.sort(items[indptr[node] : indptr[node + 1]])
    return indptr, items

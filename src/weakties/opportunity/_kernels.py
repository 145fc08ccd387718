"""Compiled kernels for opportunities: broker novelty, per-target flags, the best
path per broker, the warmest two-hop reach (link strengths along paths come
from :meth:`weakties.graph.Graph.paths_to`).

Same conventions as :mod:`weakties.graph._kernels`: CSR ``indptr`` (int64),
``indices`` (int32, rows sorted), ``strength`` (float32 per CSR entry).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def ego_novelty(indptr, indices, source):  # pragma: no cover - compiled
    """For each contact b of ``source`` (in row order): how many of b's contacts
    are outside the source's circle (not the source, not its contacts)."""
    n = indptr.shape[0] - 1
    inside = np.zeros((n + 63) // 64, dtype=np.uint64)
    one = np.uint64(1)
    inside[source >> 6] |= one << np.uint64(source & 63)
    for k in range(indptr[source], indptr[source + 1]):
        x = indices[k]
        inside[x >> 6] |= one << np.uint64(x & 63)
    out = np.zeros(indptr[source + 1] - indptr[source], dtype=np.int64)
    for j in range(out.shape[0]):
        b = indices[indptr[source] + j]
        outside = 0
        for k in range(indptr[b], indptr[b + 1]):
            y = indices[k]
            if (inside[y >> 6] >> np.uint64(y & 63)) & one == 0:
                outside += 1
        out[j] = outside
    return out


@njit(cache=True)
def warmest_reach(indptr, indices, strength, source):  # pragma: no cover - compiled
    """The warmest way to each node within two hops.

    Returns (nodes, warmth, broker): for a contact, warmth is the tie's
    strength and broker is -1; for a second-degree node, the best over brokers
    b of min(strength(source, b), strength(b, node)), and that broker.
    """
    n = indptr.shape[0] - 1
    best = np.full(n, np.float32(-1.0), dtype=np.float32)
    via = np.full(n, -1, dtype=np.int32)
    seen = np.empty(0, dtype=np.int32)
    count = 0
    # a generous buffer: the two-hop volume bounds the number of touched nodes
    volume = 0
    for k in range(indptr[source], indptr[source + 1]):
        b = indices[k]
        volume += indptr[b + 1] - indptr[b] + 1
    seen = np.empty(volume, dtype=np.int32)
    for k in range(indptr[source], indptr[source + 1]):
        b = indices[k]
        if best[b] < 0:
            seen[count] = b
            count += 1
        best[b] = strength[k]
        via[b] = -1
    for k in range(indptr[source], indptr[source + 1]):
        b = indices[k]
        first = strength[k]
        for j in range(indptr[b], indptr[b + 1]):
            x = indices[j]
            if x == source or (via[x] == -1 and best[x] >= 0):
                continue  # the source itself, or a contact (warmth is its own tie)
            value = min(first, strength[j])
            if best[x] < 0:
                seen[count] = x
                count += 1
                best[x] = value
                via[x] = b
            elif value > best[x]:
                best[x] = value
                via[x] = b
    nodes = np.sort(seen[:count])
    return nodes, best[nodes], via[nodes]


@njit(cache=True)
def target_flags(target, first, length, mark, best, direct, stamp):  # pragma: no cover
    """Per path: is its broker the only one reaching its target (``only``), and
    is its target a contact of the source (``known``)?

    ``mark``, ``best`` and ``direct`` are int32 scratch arrays of the graph's size,
    compared with ``stamp`` (see :meth:`Graph._scratch_arrays`).
    """
    m = target.shape[0]
    for i in range(m):
        t = target[i]
        if length[i] == 1:
            direct[t] = stamp
        elif mark[t] != stamp:
            mark[t] = stamp
            best[t] = first[i]
        elif best[t] != first[i]:
            best[t] = -1  # a second broker
    only = np.zeros(m, dtype=np.bool_)
    known = np.zeros(m, dtype=np.bool_)
    for i in range(m):
        t = target[i]
        known[i] = direct[t] == stamp
        if length[i] > 1 and best[t] >= 0:
            only[i] = True
    return only, known


@njit(cache=True)
def best_per_slot(slot, n_slots, key, length, keep):  # pragma: no cover - compiled
    """For each slot (a broker), the kept path with the highest key (the shorter
    path on equal keys); -1 where none."""
    best = np.full(n_slots, -1, dtype=np.int64)
    for i in range(slot.shape[0]):
        if not keep[i]:
            continue
        s = slot[i]
        j = best[s]
        if j < 0 or key[i] > key[j] or (key[i] == key[j] and length[i] < length[j]):
            best[s] = i
    return best

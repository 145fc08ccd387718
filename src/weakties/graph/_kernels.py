"""Compiled graph kernels (numba) on CSR arrays: BFS, bounded distances, mutual
counts, paths of length <= 3.

Conventions: ``indptr`` int64 (n + 1), ``indices`` int32, rows sorted, no
self-loops, symmetric. ``mark`` is a caller-owned int32 scratch array of size n
compared with an ever-increasing ``stamp``, so that no query pays to clear it.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

# Beamer et al.'s switching parameters for direction-optimising BFS (SC 2012).
ALPHA = 14
BETA = 24


@njit(cache=True)
def _top_down_step(indptr, indices, dist, frontier, n_frontier, level, out):  # pragma: no cover
    n_next = 0
    edges = 0
    for i in range(n_frontier):
        u = frontier[i]
        for k in range(indptr[u], indptr[u + 1]):
            v = indices[k]
            if dist[v] < 0:
                dist[v] = level + 1
                out[n_next] = v
                n_next += 1
                edges += indptr[v + 1] - indptr[v]
    return n_next, edges


@njit(cache=True, parallel=True)
def _bottom_up_step(indptr, indices, dist, level):  # pragma: no cover
    n = indptr.shape[0] - 1
    n_next = 0
    edges = 0
    for v in prange(n):
        if dist[v] < 0:
            for k in range(indptr[v], indptr[v + 1]):
                if dist[indices[k]] == level:
                    dist[v] = level + 1
                    n_next += 1
                    edges += indptr[v + 1] - indptr[v]
                    break
    return n_next, edges


@njit(cache=True)
def _gather(dist, level, out):  # pragma: no cover
    count = 0
    for v in range(dist.shape[0]):
        if dist[v] == level:
            out[count] = v
            count += 1
    return count


@njit(cache=True)
def bfs(indptr, indices, source, max_level):  # pragma: no cover - compiled
    """Hop distances from ``source`` (-1 unreachable or beyond ``max_level``).

    Direction-optimising: top-down while the frontier is small, bottom-up
    (every unvisited node looks for a parent in the frontier) while it is large.
    """
    n = indptr.shape[0] - 1
    dist = np.full(n, -1, dtype=np.int32)
    dist[source] = 0
    frontier = np.empty(n, dtype=np.int32)
    nxt = np.empty(n, dtype=np.int32)
    frontier[0] = source
    n_frontier = 1
    frontier_edges = indptr[source + 1] - indptr[source]
    unexplored = indptr[n] - frontier_edges
    level = 0
    bottom_up = False
    while n_frontier > 0 and (max_level < 0 or level < max_level):
        if not bottom_up and frontier_edges > unexplored // ALPHA:
            bottom_up = True
        elif bottom_up and n_frontier < n // BETA:
            bottom_up = False
            n_frontier = _gather(dist, level, frontier)
        if bottom_up:
            n_next, edges = _bottom_up_step(indptr, indices, dist, level)
        else:
            n_next, edges = _top_down_step(indptr, indices, dist, frontier, n_frontier, level, nxt)
            frontier, nxt = nxt, frontier
        unexplored -= edges
        frontier_edges = edges
        n_frontier = n_next
        level += 1
    return dist


@njit(cache=True, inline="always")
def _pick(flip, a, b):  # pragma: no cover - compiled
    """(b, a) if flip else (a, b). Swapping two arguments in place (``a, b = b, a``)
    makes numba compile the loops that follow an order of magnitude slower."""
    if flip:
        return b, a
    return a, b


@njit(cache=True)
def _adjacent(indptr, indices, a, b):  # pragma: no cover - compiled
    # binary search in the shorter row (new names, not a swap: see _pick)
    row, wanted = _pick(indptr[a + 1] - indptr[a] > indptr[b + 1] - indptr[b], a, b)
    lo = indptr[row]
    hi = indptr[row + 1]
    while lo < hi:
        mid = (lo + hi) // 2
        if indices[mid] < wanted:
            lo = mid + 1
        else:
            hi = mid
    return lo < indptr[row + 1] and indices[lo] == wanted


@njit(cache=True)
def _share_neighbour(indptr, indices, a, b):  # pragma: no cover - compiled
    i = indptr[a]
    j = indptr[b]
    ie = indptr[a + 1]
    je = indptr[b + 1]
    while i < ie and j < je:
        x = indices[i]
        y = indices[j]
        if x == y:
            return True
        if x < y:
            i += 1
        else:
            j += 1
    return False


@njit(cache=True)
def distance3(indptr, indices, volume, mark, stamp, a, b):  # pragma: no cover - compiled
    """Hop distance between a and b if at most 3, else -1 (no full BFS)."""
    if a == b:
        return 0
    if _adjacent(indptr, indices, a, b):
        return 1
    if _share_neighbour(indptr, indices, a, b):
        return 2
    # mark one side's neighbours, scan the other side's two-hop volume
    near, far = _pick(volume[a] > volume[b], a, b)
    for k in range(indptr[far], indptr[far + 1]):
        mark[indices[k]] = stamp
    for k in range(indptr[near], indptr[near + 1]):
        x = indices[k]
        for q in range(indptr[x], indptr[x + 1]):
            if mark[indices[q]] == stamp:
                return 3
    return -1


@njit(cache=True)
def common_neighbours(indptr, indices, a, b):  # pragma: no cover - compiled
    """Sorted common neighbours of a and b."""
    i = indptr[a]
    j = indptr[b]
    ie = indptr[a + 1]
    je = indptr[b + 1]
    out = np.empty(min(ie - i, je - j), dtype=np.int32)
    n = 0
    while i < ie and j < je:
        x = indices[i]
        y = indices[j]
        if x == y:
            out[n] = x
            n += 1
            i += 1
            j += 1
        elif x < y:
            i += 1
        else:
            j += 1
    return out[:n]


@njit(cache=True)
def _walk_paths(
    indptr,
    indices,
    strength,
    tmark,
    vmark,
    vstart,
    stamp,
    source,
    via,
    tgt,
    tpos,
    max_len,
    fill,
    weights,
    o_t,
    o_1,
    o_2,
    o_l,
    o_wa,
    o_wb,
    o_wc,
):  # pragma: no cover - compiled
    """Count (``fill`` False) or write the paths; with ``weights``, the strength of
    each link too: source-first (or source-target), first-second (or
    first-target), second-target; 1.0 for the unused ones. ``tpos[g]`` is the
    CSR position of the edge target-via of entry g, so no link is searched."""
    c = 0
    m = via.shape[0]
    one = np.float32(1.0)
    for k in range(indptr[source], indptr[source + 1]):
        x = indices[k]
        if tmark[x] == stamp:  # length 1: a target the source knows
            if fill:
                o_t[c] = x
                o_1[c] = -1
                o_2[c] = -1
                o_l[c] = 1
                if weights:
                    o_wa[c] = strength[k]
                    o_wb[c] = one
                    o_wc[c] = one
            c += 1
        if max_len < 2:
            continue
        if vmark[x] == stamp:  # length 2: targets adjacent to x
            g = vstart[x]
            while g < m and via[g] == x:
                t = tgt[g]
                if t != source:
                    if fill:
                        o_t[c] = t
                        o_1[c] = x
                        o_2[c] = -1
                        o_l[c] = 2
                        if weights:
                            o_wa[c] = strength[k]
                            o_wb[c] = strength[tpos[g]]
                            o_wc[c] = one
                    c += 1
                g += 1
        if max_len < 3:
            continue
        for q in range(indptr[x], indptr[x + 1]):
            y = indices[q]
            if y == source or vmark[y] != stamp:
                continue
            g = vstart[y]
            while g < m and via[g] == y:
                t = tgt[g]
                if t != source and t != x:
                    if fill:
                        o_t[c] = t
                        o_1[c] = x
                        o_2[c] = y
                        o_l[c] = 3
                        if weights:
                            o_wa[c] = strength[k]
                            o_wb[c] = strength[q]
                            o_wc[c] = strength[tpos[g]]
                    c += 1
                g += 1
    return c


@njit(cache=True)
def paths_to_targets(
    indptr, indices, strength, tmark, vmark, vstart, stamp, source, targets, max_len, weights
):  # pragma: no cover - compiled
    """Every simple path of length <= max_len (<= 3) from ``source`` to a target.

    Returns parallel arrays (target, first, second, length, and with ``weights``
    the three link strengths — else empty): the path is source-target (length
    1), source-first-target (2) or source-first-second-target (3); unused hops
    are -1.

    Meet in the middle: the targets' neighbours are grouped by neighbour
    ("via"), then the source's two-hop neighbourhood is scanned once, so the cost
    is the targets' degrees plus the source's two-hop volume.
    """
    for i in range(targets.shape[0]):
        tmark[targets[i]] = stamp
    pairs = 0
    for i in range(targets.shape[0]):
        t = targets[i]
        pairs += indptr[t + 1] - indptr[t]
    via = np.empty(pairs, dtype=np.int32)
    tgt = np.empty(pairs, dtype=np.int32)
    tpos = np.empty(pairs, dtype=np.int64)
    p = 0
    for i in range(targets.shape[0]):
        t = targets[i]
        for k in range(indptr[t], indptr[t + 1]):
            via[p] = indices[k]
            tgt[p] = t
            tpos[p] = k
            p += 1
    order = np.argsort(via, kind="mergesort")
    via = via[order]
    tgt = tgt[order]
    tpos = tpos[order]
    for g in range(pairs):
        y = via[g]
        if vmark[y] != stamp:
            vmark[y] = stamp
            vstart[y] = g
    empty = np.empty(0, dtype=np.int32)
    none = np.empty(0, dtype=np.int8)
    nof = np.empty(0, dtype=np.float32)
    total = _walk_paths(
        indptr,
        indices,
        strength,
        tmark,
        vmark,
        vstart,
        stamp,
        source,
        via,
        tgt,
        tpos,
        max_len,
        False,
        False,
        empty,
        empty,
        empty,
        none,
        nof,
        nof,
        nof,
    )
    o_t = np.empty(total, dtype=np.int32)
    o_1 = np.empty(total, dtype=np.int32)
    o_2 = np.empty(total, dtype=np.int32)
    o_l = np.empty(total, dtype=np.int8)
    size = total if weights else 0
    o_wa = np.empty(size, dtype=np.float32)
    o_wb = np.empty(size, dtype=np.float32)
    o_wc = np.empty(size, dtype=np.float32)
    _walk_paths(
        indptr,
        indices,
        strength,
        tmark,
        vmark,
        vstart,
        stamp,
        source,
        via,
        tgt,
        tpos,
        max_len,
        True,
        weights,
        o_t,
        o_1,
        o_2,
        o_l,
        o_wa,
        o_wb,
        o_wc,
    )
    return o_t, o_1, o_2, o_l, o_wa, o_wb, o_wc


# -- bitmap variants: marks packed 64 per word stay in cache on big graphs ----------


@njit(cache=True, inline="always")
def _bit_set(bits, x):  # pragma: no cover - compiled
    bits[x >> 6] |= np.uint64(1) << np.uint64(x & 63)


@njit(cache=True, inline="always")
def _bit_get(bits, x):  # pragma: no cover - compiled
    return (bits[x >> 6] >> np.uint64(x & 63)) & np.uint64(1)


@njit(cache=True, inline="always")
def _bit_clear(bits, x):  # pragma: no cover - compiled
    bits[x >> 6] = np.uint64(0)


@njit(cache=True)
def shortest_paths3(indptr, indices, volume, bits, a, b, max_len):  # pragma: no cover
    """Every shortest path of at most max_len (<= 3) hops from a to b, in one pass.

    Returns (length, first, second): length -1 when farther, 0..3 otherwise;
    for length 2 the middles are ``first``; for length 3 the middle edges are
    (first[i], second[i]). ``bits`` is a zeroed bitmap, left zeroed.
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
    middles = common_neighbours(indptr, indices, a, b)
    if middles.shape[0]:
        return 2, middles, empty
    if max_len < 3:
        return -1, empty, empty
    flip = volume[a] > volume[b]
    near, far = _pick(flip, a, b)
    for k in range(indptr[far], indptr[far + 1]):
        _bit_set(bits, indices[k])
    # at most deg(near) x deg(far) middle edges: room for all, no growth in the loop
    bound = min((indptr[near + 1] - indptr[near]) * (indptr[far + 1] - indptr[far]), volume[near])
    first = np.empty(bound, dtype=np.int32)
    second = np.empty(bound, dtype=np.int32)
    count = 0
    for k in range(indptr[near], indptr[near + 1]):
        x = indices[k]
        for q in range(indptr[x], indptr[x + 1]):
            y = indices[q]
            if _bit_get(bits, y) and y != near and y != x:
                first[count] = x
                second[count] = y
                count += 1
    for k in range(indptr[far], indptr[far + 1]):
        _bit_clear(bits, indices[k])
    if count == 0:
        return -1, empty, empty
    if flip:
        return 3, second[:count].copy(), first[:count].copy()
    return 3, first[:count].copy(), second[:count].copy()


@njit(cache=True)
def first_out_of_range(values, n):  # pragma: no cover - compiled
    """Position of the first value outside ``0..n-1``, or -1."""
    for i in range(values.shape[0]):
        if values[i] < 0 or values[i] >= n:
            return i
    return -1


@njit(cache=True)
def badges_bits(indptr, indices, volume, one, two, source, targets):  # pragma: no cover
    """Distances (<= 3, else -1) from ``source`` to each target, with bitmaps.

    ``one`` and ``two`` are zeroed bitmaps (first and second degree), left zeroed.
    The second degree is marked when that is cheaper than looking two hops around
    every target.
    """
    out = np.full(targets.shape[0], -1, dtype=np.int32)
    for k in range(indptr[source], indptr[source + 1]):
        _bit_set(one, indices[k])
    around_targets = 0
    for i in range(targets.shape[0]):
        around_targets += volume[targets[i]]
    # Marking the second degree costs the source's whole two-hop volume; looking
    # around a target usually stops long before its volume (at the first contact
    # of the source found): so mark only when clearly cheaper.
    second = volume[source] * 8 < around_targets
    if second:
        for k in range(indptr[source], indptr[source + 1]):
            x = indices[k]
            for q in range(indptr[x], indptr[x + 1]):
                _bit_set(two, indices[q])
    for i in range(targets.shape[0]):
        t = targets[i]
        if t == source:
            out[i] = 0
            continue
        if _bit_get(one, t):
            out[i] = 1
            continue
        if second and _bit_get(two, t):
            out[i] = 2
            continue
        best = -1
        for k in range(indptr[t], indptr[t + 1]):
            y = indices[k]
            if _bit_get(one, y):
                best = 2
                break
            if second:
                if _bit_get(two, y):
                    best = 3
            elif best < 0:
                for q in range(indptr[y], indptr[y + 1]):
                    if _bit_get(one, indices[q]):
                        best = 3
                        break
        out[i] = best
    # Clearing: bit by bit, unless the second degree touched more bits than the
    # bitmap has words (then one sequential fill is cheaper than random clears).
    wipe = second and volume[source] > two.shape[0] // 2
    for k in range(indptr[source], indptr[source + 1]):
        x = indices[k]
        _bit_clear(one, x)
        if second and not wipe:
            for q in range(indptr[x], indptr[x + 1]):
                _bit_clear(two, indices[q])
    if wipe:
        two[:] = 0
    return out


@njit(cache=True)
def _radix_sort(values, n_nodes):  # pragma: no cover - compiled
    """Sort non-negative int32 values (< n_nodes) with 11-bit LSD passes."""
    out = values
    tmp = np.empty_like(values)
    shift = 0
    while shift == 0 or (n_nodes - 1) >> shift:
        count = np.zeros(2049, dtype=np.int64)
        for v in out:
            count[((v >> shift) & 2047) + 1] += 1
        for d in range(2048):
            count[d + 1] += count[d]
        for v in out:
            d = (v >> shift) & 2047
            tmp[count[d]] = v
            count[d] += 1
        out, tmp = tmp, out
        shift += 11
    return out


@njit(cache=True)
def mutual_counts_bits(indptr, indices, volume, bits, counts, source):  # pragma: no cover
    """Second-degree nodes of ``source`` (sorted) and the contacts each shares.

    Typical nodes: the two-hop neighbours are collected, radix-sorted and counted
    by runs (no random access to an n-sized array). Hubs, whose two hops cover a
    good part of the graph: counted in ``counts`` (zeroed, left zeroed).
    """
    n = indptr.shape[0] - 1
    for k in range(indptr[source], indptr[source + 1]):
        _bit_set(bits, indices[k])
    _bit_set(bits, source)
    vol = volume[source]
    if vol * 8 < n:
        buf = np.empty(vol, dtype=np.int32)
        m = 0
        for k in range(indptr[source], indptr[source + 1]):
            x = indices[k]
            for q in range(indptr[x], indptr[x + 1]):
                y = indices[q]
                if not _bit_get(bits, y):
                    buf[m] = y
                    m += 1
        ordered = _radix_sort(buf[:m], n)
        nodes = np.empty(m, dtype=np.int32)
        out = np.empty(m, dtype=np.int32)
        runs = 0
        i = 0
        while i < m:
            j = i
            while j < m and ordered[j] == ordered[i]:
                j += 1
            nodes[runs] = ordered[i]
            out[runs] = j - i
            runs += 1
            i = j
        nodes = nodes[:runs].copy()
        out = out[:runs].copy()
    else:
        for k in range(indptr[source], indptr[source + 1]):
            x = indices[k]
            for q in range(indptr[x], indptr[x + 1]):
                y = indices[q]
                if not _bit_get(bits, y):
                    counts[y] += 1
        runs = 0
        for y in range(n):
            if counts[y]:
                runs += 1
        nodes = np.empty(runs, dtype=np.int32)
        out = np.empty(runs, dtype=np.int32)
        runs = 0
        for y in range(n):
            if counts[y]:
                nodes[runs] = y
                out[runs] = counts[y]
                counts[y] = 0
                runs += 1
    for k in range(indptr[source], indptr[source + 1]):
        _bit_clear(bits, indices[k])
    _bit_clear(bits, source)
    return nodes, out

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


@njit(cache=True)
def _link_score(ra, t2, t3, pl, c2, c3, kw, ow, katz_only):  # pragma: no cover - compiled
    """A suggestion's score from its parts, with the floating-point operations in
    the order :func:`weakties.opportunity.suggest.score_rows` applies them (an
    absent part adds an exact zero)."""
    katz = c2 * t2 + c3 * t3
    if katz_only:
        return katz
    return (ra + kw * katz) + ow * pl


@njit(cache=True)
def best_suggestions(
    indptr,
    indices,
    ra_weight,
    p_indptr,
    p_indices,
    pt_indptr,
    pt_indices,
    place_weight,
    rows,
    k,
    c2,
    c3,
    kw,
    ow,
    katz_only,
):  # pragma: no cover - compiled
    """Each of ``rows``' ``k`` best candidates by the ``weakties`` score (or, with
    ``katz_only``, Katz's index truncated at three steps), as
    :func:`weakties.opportunity.suggest.top_k` of
    :func:`~weakties.opportunity.suggest.score_rows` orders them — computing the
    three-step walks only where they can change the list.

    Per row: the two-step walks (common neighbours ``t2``, resource allocation)
    and shared places are counted first; with ``t3`` set to 0 each candidate's
    score is a lower bound, and with ``t3`` at its bound (the walks of two steps
    from either end: no more three-step walks reach ``v`` from ``u``) an upper
    one, both exact in floating point because every operation is monotone. A
    candidate whose upper bound is below the ``k``-th best lower bound cannot
    be in the list; the others get their exact three-step count (the two-step
    counts summed over their neighbours). Someone three steps away and no
    closer is looked for (every three-step walk) only when fewer than ``k``
    candidates are known or the bound of such a score reaches the ``k``-th.

    ``p_*`` are the person x place CSR (``pt_*`` its transpose), empty without
    places. Returns ``(cols, scores, counts)``: row ``i``'s list is
    ``cols[i * k : i * k + counts[i]]``, best first, equal scores by column."""
    n = indptr.shape[0] - 1
    deg = np.diff(indptr)
    w2 = np.zeros(n)
    for x in range(n):
        s = 0.0
        for j in range(indptr[x], indptr[x + 1]):
            s += deg[indices[j]]
        w2[x] = s
    t2 = np.zeros(n)
    ra = np.zeros(n)
    pl = np.zeros(n)
    t3 = np.zeros(n)
    seen = np.zeros(n, dtype=np.bool_)
    known = np.zeros(n, dtype=np.bool_)
    touched = np.empty(n, dtype=np.int64)
    out_cols = np.full(rows.shape[0] * k, -1, dtype=np.int64)
    out_vals = np.zeros(rows.shape[0] * k)
    counts = np.zeros(rows.shape[0], dtype=np.int64)
    for i in range(rows.shape[0]):
        u = rows[i]
        m = 0
        known[u] = True
        for j in range(indptr[u], indptr[u + 1]):
            known[indices[j]] = True
        # two-step walks, summed in the order of the sparse product of
        # score_rows (the middles descending: scipy's product with the diagonal
        # lists a row's columns in reverse), so that the scores are the same to
        # the last bit and equal scores stay equal
        for j in range(indptr[u + 1] - 1, indptr[u] - 1, -1):
            z = indices[j]
            for q in range(indptr[z], indptr[z + 1]):
                x = indices[q]
                if not seen[x]:
                    seen[x] = True
                    touched[m] = x
                    m += 1
                t2[x] += 1.0
                ra[x] += ra_weight[z]
        two_end = m
        if not katz_only:
            for j in range(p_indptr[u + 1] - 1, p_indptr[u] - 1, -1):
                o = p_indices[j]
                for q in range(pt_indptr[o], pt_indptr[o + 1]):
                    x = pt_indices[q]
                    if not seen[x]:
                        seen[x] = True
                        touched[m] = x
                        m += 1
                    pl[x] += place_weight[o]
        # the k-th best lower bound among the candidates known so far
        lows = np.empty(m)
        c = 0
        for j in range(m):
            x = touched[j]
            if not known[x]:
                lows[c] = _link_score(ra[x], t2[x], 0.0, pl[x], c2, c3, kw, ow, katz_only)
                c += 1
        kth = -np.inf
        if c >= k:
            kth = np.partition(lows[:c], c - k)[c - k]
        far = c < k or _link_score(0.0, 0.0, w2[u], 0.0, c2, c3, kw, ow, katz_only) >= kth
        if far:
            # every three-step walk: the two-step counts times the ends' neighbours
            for j in range(two_end):
                w = touched[j]
                for q in range(indptr[w], indptr[w + 1]):
                    x = indices[q]
                    if not seen[x]:
                        seen[x] = True
                        touched[m] = x
                        m += 1
                    t3[x] += t2[w]
        cand = np.empty(m, dtype=np.int64)
        score = np.empty(m)
        c = 0
        for j in range(m):
            x = touched[j]
            if known[x]:
                continue
            if not far:
                bound = min(w2[u], w2[x])
                top = _link_score(ra[x], t2[x], bound, pl[x], c2, c3, kw, ow, katz_only)
                if top < kth:
                    continue
                s = 0.0
                for q in range(indptr[x], indptr[x + 1]):
                    s += t2[indices[q]]
                t3[x] = s
            cand[c] = x
            score[c] = _link_score(ra[x], t2[x], t3[x], pl[x], c2, c3, kw, ow, katz_only)
            c += 1
        cand = cand[:c]
        score = score[:c]
        if c > k:
            # only those scoring at least the k-th best are sorted
            least = np.partition(score, c - k)[c - k]
            keep = score >= least
            cand = cand[keep]
            score = score[keep]
            c = cand.shape[0]
        order = np.argsort(cand)
        cand = cand[order]
        score = score[order]
        order = np.argsort(-score, kind="mergesort")
        got = min(k, c)
        for j in range(got):
            out_cols[i * k + j] = cand[order[j]]
            out_vals[i * k + j] = score[order[j]]
        counts[i] = got
        for j in range(m):
            x = touched[j]
            seen[x] = False
            t2[x] = 0.0
            ra[x] = 0.0
            pl[x] = 0.0
            t3[x] = 0.0
        known[u] = False
        for j in range(indptr[u], indptr[u + 1]):
            known[indices[j]] = False
    return out_cols, out_vals, counts

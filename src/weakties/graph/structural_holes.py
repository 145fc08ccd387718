r"""Burt's structural holes on the CSR snapshot: constraint, effective size,
efficiency and hierarchy, computed by compiled kernels.

For ego :math:`i` with contacts :math:`N(i)` and tie weights :math:`w_{ij}` (1 for
every tie when unweighted), the proportion of :math:`i`'s network invested in
:math:`j` is :math:`p_{ij} = w_{ij} / \sum_k w_{ik}` (Burt's normalised mutual
weight; the graph is undirected, so :math:`w_{ij} = w_{ji}`). Then

* local (dyadic) constraint :math:`c_{ij} = (p_{ij} + \sum_{q \ne i,j} p_{iq}
  p_{qj})^2` and constraint :math:`C_i = \sum_{j \in N(i)} c_{ij}` (Burt 1992,
  eq. 2.4);
* effective size :math:`E_i = \sum_{j \in N(i)} (1 - \sum_{q \ne i,j} p_{iq}
  m_{jq})` with :math:`m_{jq} = w_{jq} / \max_k w_{jk}` (Burt 1992, p. 52), which
  for unweighted graphs is Borgatti's :math:`n - 2t/n` (Borgatti 1997);
* efficiency :math:`E_i / |N(i)|`;
* hierarchy, the Coleman-Theil disorder index of the :math:`c_{ij}` (Burt 1992,
  p. 71).

Constraint and effective size equal NetworkX's ``nx.constraint`` and
``nx.effective_size`` (to rounding) for the same graph and weights. (For weighted
effective size that is NetworkX's per-node computation, ``nodes=`` given: up to
NetworkX 3.6 its sparse all-nodes path divides each tie by the wrong node's
strongest tie, networkx/networkx#8906; unweighted results are unaffected.)
A node whose ties all have strength 0 has no constraint (NaN: no proportion of
nothing), as NetworkX's whole-graph path; its per-node path reads 0/0 as 0.

Every measure returns a float64 array indexed by node, NaN for the nodes that were
not requested and where the measure is undefined (isolated nodes), so that
``constraint(g)[v] == constraint(g, nodes=[v])[v]``.

>>> import numpy as np
>>> from weakties.graph import Graph
>>> star = Graph.from_edges(np.zeros(4, dtype=int), np.arange(1, 5))
>>> constraint(star).round(3).tolist()
[0.25, 1.0, 1.0, 1.0, 1.0]
>>> effective_size(star, nodes=0).tolist()
[4.0, nan, nan, nan, nan]

Cost: for each requested node :math:`i`, the kernels mark :math:`N(i)` in a
scratch array and read each contact's CSR row once (weighted measures add one
sequential pass per row for its total or maximum), so a query costs
:math:`O(\sum_{j \in N(i)} \deg j)` per node, never the :math:`O(n^2)` of a
dense formulation. Requested nodes are shared among numba's threads; the kernels
compile on first use and are cached on disk.

References
----------
.. [1] Burt, Ronald S. *Structural Holes: The Social Structure of Competition.*
       Cambridge, MA: Harvard University Press, 1992. Constraint eq. 2.4 p. 55,
       effective size and efficiency pp. 51-53, hierarchy p. 71.
.. [2] Borgatti, Stephen P. "Structural Holes: Unpacking Burt's Redundancy
       Measures." *Connections* 20(1): 35-38, 1997.
"""

from __future__ import annotations

from collections.abc import Sequence

import numba
import numpy as np
from numba import njit, prange

from weakties.graph._threads import before_parallel
from weakties.graph.errors import GraphError, NodeNotFound
from weakties.graph.snapshot import Graph

__all__ = ["constraint", "effective_size", "efficiency", "hierarchy", "local_constraint"]

NodeSelection = int | np.integer | Sequence[int] | np.ndarray | None

# -- kernels -----------------------------------------------------------------------
#
# Scratch memory. Each parallel task owns one int64 array ``key`` of size n and
# two small float64 arrays (``pv``, ``acc``) one longer than the largest degree
# among its nodes, allocated once per task (one task per thread, so per call that is
# ``threads`` arrays of size n, whatever the number of requested nodes; nothing
# is shared, so concurrent calls from several Python threads are safe).
# Marking ego i's contacts writes ``key[j] = base + a`` for the a-th contact j of
# i, then ``base`` advances by deg(i). Entries written for earlier egos are all
# below the current ``base`` (and untouched entries are 0 < base), so
# ``key[x] - base`` is x's position in i's row when x is a contact and negative
# otherwise: one read per scanned CSR entry, and the array never needs clearing.
# ``pv[a]`` holds p_{i j_a}. The small arrays have one slot more than the degree,
# ``[d]``, set to 0: a non-contact x reads that slot (``pos if pos >= 0 else d``)
# instead of taking a branch, which on clustered graphs (half the scanned entries
# are contacts on ego-Facebook) is an order of magnitude faster than a
# mispredicted ``if``.


@njit(cache=True)
def _row_total(indptr, strength, weighted, node):  # pragma: no cover - compiled
    if not weighted:
        return float(indptr[node + 1] - indptr[node])
    total = 0.0
    for k in range(indptr[node], indptr[node + 1]):
        total += strength[k]
    return total


@njit(cache=True)
def _constraint_node(
    indptr, indices, strength, weighted, i, key, base, pv, acc, want_hierarchy
):  # pragma: no cover - compiled
    """(constraint, hierarchy) of ego i; marks i's contacts from ``base``."""
    start = indptr[i]
    d = indptr[i + 1] - start
    total = _row_total(indptr, strength, weighted, i)
    if total <= 0:
        return np.nan, np.nan  # no strength invested anywhere: proportions undefined
    for a in range(d):
        key[indices[start + a]] = base + a
        w = strength[start + a] if weighted else 1.0
        pv[a] = w / total if total > 0 else 0.0
    # acc[a] = p_iq / sum_k w_qk for the a-th contact q: then the indirect investment
    # in contact j, sum_q p_iq p_qj, sums acc[position of q] * w_jq over j's row
    for a in range(d):
        q_total = _row_total(indptr, strength, weighted, indices[start + a])
        acc[a] = pv[a] / q_total if q_total > 0 else 0.0
    acc[d] = 0.0  # the slot non-contacts read: no branch in the inner loops
    c = 0.0
    for a in range(d):
        j = indices[start + a]
        x = 0.0
        if weighted:
            for k in range(indptr[j], indptr[j + 1]):
                pos = key[indices[k]] - base
                x += acc[pos if pos >= 0 else d] * strength[k]
        else:
            for k in range(indptr[j], indptr[j + 1]):
                pos = key[indices[k]] - base
                x += acc[pos if pos >= 0 else d]
        x += pv[a]
        pv[a] = x * x  # pv now holds c_ij
        c += pv[a]
    h = np.nan
    if want_hierarchy and d > 1 and c > 0:
        mean = c / d
        s = 0.0
        for a in range(d):
            if pv[a] > 0:
                r = pv[a] / mean
                s += r * np.log(r)
        h = min(max(s / (d * np.log(d)), 0.0), 1.0)
    return c, h


@njit(cache=True)
def _effective_size_node(
    indptr, indices, strength, weighted, i, key, base, pv
):  # pragma: no cover - compiled
    """Effective size of ego i; marks i's contacts from ``base``."""
    start = indptr[i]
    d = indptr[i + 1] - start
    if not weighted:
        # every p_iq = 1/d and m_jq = 1: E = d - (ties among contacts, counted
        # from both ends) / d, i.e. Borgatti's n - 2t/n
        for a in range(d):
            key[indices[start + a]] = base + a
        seen = 0
        for a in range(d):
            j = indices[start + a]
            for k in range(indptr[j], indptr[j + 1]):
                seen += key[indices[k]] >= base
        return d - seen / d
    total = _row_total(indptr, strength, weighted, i)
    for a in range(d):
        key[indices[start + a]] = base + a
        # every tie of strength 0: no contact is redundant, the size is the degree
        # (as NetworkX's normalised mutual weight, which is 0 over a zero sum)
        pv[a] = strength[start + a] / total if total > 0 else 0.0
    pv[d] = 0.0  # the slot non-contacts read
    size = 0.0
    for a in range(d):
        j = indices[start + a]
        top = 0.0
        for k in range(indptr[j], indptr[j + 1]):
            top = max(top, strength[k])
        if top <= 0:  # every m_jq is 0: j is wholly non-redundant
            size += 1.0
            continue
        r = 0.0
        for k in range(indptr[j], indptr[j + 1]):
            pos = key[indices[k]] - base
            r += pv[pos if pos >= 0 else d] * strength[k]
        size += 1.0 - r / top
    return size


@njit(cache=True)
def _max_degree(indptr, nodes, first, step):  # pragma: no cover - compiled
    top = 1
    for t in range(first, nodes.shape[0], step):
        top = max(top, indptr[nodes[t] + 1] - indptr[nodes[t]])
    return top


@njit(cache=True, parallel=True)
def _constraint_all(
    indptr, indices, strength, weighted, nodes, n_tasks, want_hierarchy, out_c, out_h
):  # pragma: no cover - compiled
    n = indptr.shape[0] - 1
    for task in prange(n_tasks):
        # task t takes nodes t, t + n_tasks, ...: interleaving spreads hubs
        key = np.zeros(n, dtype=np.int64)
        width = _max_degree(indptr, nodes, task, n_tasks) + 1  # + the slot of non-contacts
        pv = np.empty(width, dtype=np.float64)
        acc = np.empty(width, dtype=np.float64)
        base = 1
        for t in range(task, nodes.shape[0], n_tasks):
            i = nodes[t]
            d = indptr[i + 1] - indptr[i]
            if d == 0:
                continue  # isolated: stays NaN
            c, h = _constraint_node(
                indptr, indices, strength, weighted, i, key, base, pv, acc, want_hierarchy
            )
            base += d
            out_c[i] = c
            out_h[i] = h


@njit(cache=True, parallel=True)
def _effective_size_all(
    indptr, indices, strength, weighted, nodes, n_tasks, out
):  # pragma: no cover - compiled
    n = indptr.shape[0] - 1
    for task in prange(n_tasks):
        key = np.zeros(n, dtype=np.int64)
        pv = np.empty(_max_degree(indptr, nodes, task, n_tasks) + 1, dtype=np.float64)
        base = 1
        for t in range(task, nodes.shape[0], n_tasks):
            i = nodes[t]
            d = indptr[i + 1] - indptr[i]
            if d == 0:
                continue
            out[i] = _effective_size_node(indptr, indices, strength, weighted, i, key, base, pv)
            base += d


@njit(cache=True)
def _tie(indptr, indices, strength, weighted, a, b):  # pragma: no cover - compiled
    """Weight of the tie a-b (0.0 when absent), by binary search in a's row."""
    lo = indptr[a]
    hi = indptr[a + 1]
    while lo < hi:
        mid = (lo + hi) // 2
        if indices[mid] < b:
            lo = mid + 1
        else:
            hi = mid
    if lo < indptr[a + 1] and indices[lo] == b:
        return strength[lo] if weighted else 1.0
    return 0.0


@njit(cache=True)
def _local_constraint(indptr, indices, strength, weighted, u, v):  # pragma: no cover
    total = _row_total(indptr, strength, weighted, u)
    if total <= 0:
        return 0.0
    x = _tie(indptr, indices, strength, weighted, u, v) / total
    for k in range(indptr[u], indptr[u + 1]):
        q = indices[k]
        w_qv = _tie(indptr, indices, strength, weighted, q, v)
        if w_qv == 0.0:
            continue
        p_uq = (strength[k] if weighted else 1.0) / total
        x += p_uq * w_qv / _row_total(indptr, strength, weighted, q)
    return x * x


# -- arguments -----------------------------------------------------------------------


def _weighted(g: Graph, weight: str | None) -> bool:
    if weight is None:
        return False
    if weight != "strength":
        raise GraphError(f"weight must be None or 'strength', not {weight!r}")
    if g.strength.size and float(g.strength.min()) < 0:
        raise GraphError("structural holes need non-negative tie strengths")
    return True


def _requested(g: Graph, nodes: NodeSelection) -> np.ndarray:
    """The requested nodes as sorted unique int64, checked against the graph."""
    n = g.n_nodes
    if nodes is None:
        return np.arange(n, dtype=np.int64)
    array = np.asarray(nodes)
    if array.size == 0:
        return np.empty(0, dtype=np.int64)
    if array.dtype.kind not in "iu":
        raise TypeError(f"nodes must be integers, not {array.dtype}")
    array = np.unique(array.astype(np.int64, copy=False).ravel())
    if array[0] < 0 or array[-1] >= n:
        bad = int(array[0]) if array[0] < 0 else int(array[-1])
        raise NodeNotFound(f"node {bad} is not in the graph (0..{n - 1})")
    return array


def _check_node(g: Graph, node: int) -> int:
    if isinstance(node, bool) or not isinstance(node, int | np.integer):
        raise TypeError(f"a node is an integer, not {type(node).__name__}")
    value = int(node)
    if not 0 <= value < g.n_nodes:
        raise NodeNotFound(f"node {node} is not in the graph (0..{g.n_nodes - 1})")
    return value


def _tasks(count: int) -> int:
    before_parallel()  # called just before each parallel kernel
    return max(1, min(numba.get_num_threads(), count))


def _constraint_and_hierarchy(
    g: Graph, nodes: NodeSelection, weight: str | None, want_hierarchy: bool
) -> tuple[np.ndarray, np.ndarray]:
    weighted = _weighted(g, weight)
    chosen = _requested(g, nodes)
    out_c = np.full(g.n_nodes, np.nan)
    out_h = np.full(g.n_nodes, np.nan)
    if chosen.size:
        _constraint_all(
            g.indptr,
            g.indices,
            g.strength,
            weighted,
            chosen,
            _tasks(chosen.size),
            want_hierarchy,
            out_c,
            out_h,
        )
    return out_c, out_h


# -- public functions ------------------------------------------------------------------


def constraint(g: Graph, nodes: NodeSelection = None, weight: str | None = None) -> np.ndarray:
    r"""Burt's constraint on each node: how much its contacts are tied to each other.

    :math:`C_i = \sum_{j \in N(i)} (p_{ij} + \sum_{q \ne i,j} p_{iq} p_{qj})^2`,
    where :math:`p_{ij}` is the share of :math:`i`'s tie weight invested in
    :math:`j`. Low constraint means many structural holes (contacts who do not know
    each other); a node with a single contact has constraint 1; a hub of a star
    with :math:`n` leaves has :math:`1/n`. Same values as ``nx.constraint``.

    Parameters
    ----------
    g : Graph
        The snapshot.
    nodes : int, sequence of int, array or None, optional
        The nodes to compute (default every node).
    weight : {None, "strength"}, optional
        None counts every tie as 1; ``"strength"`` weights ties by ``g.strength``
        (which must be non-negative). A zero-strength tie still counts as a contact.

    Returns
    -------
    numpy.ndarray
        float64, length ``g.n_nodes``, indexed by node; NaN for isolated nodes and
        for nodes not requested.

    Raises
    ------
    NodeNotFound
        If a requested node is not in ``0 .. g.n_nodes - 1``.
    GraphError
        For an unknown ``weight`` or a negative strength.
    TypeError
        If ``nodes`` are not integers.

    Examples
    --------
    A triangle with a pendant node 3 on node 0:

    >>> import numpy as np
    >>> from weakties.graph import Graph
    >>> g = Graph.from_edges(np.array([0, 0, 1, 0]), np.array([1, 2, 2, 3]))
    >>> constraint(g).round(4).tolist()
    [0.6111, 1.0069, 1.0069, 1.0]
    >>> constraint(g, nodes=[3]).tolist()
    [nan, nan, nan, 1.0]

    References
    ----------
    .. [1] Burt, R. S. *Structural Holes: The Social Structure of Competition.*
           Harvard University Press, 1992, eq. 2.4 p. 55.
    .. [2] Borgatti, S. P. "Structural Holes: Unpacking Burt's Redundancy
           Measures." *Connections* 20(1): 35-38, 1997.
    """
    return _constraint_and_hierarchy(g, nodes, weight, False)[0]


def effective_size(g: Graph, nodes: NodeSelection = None, weight: str | None = None) -> np.ndarray:
    r"""Burt's effective size: the number of non-redundant contacts of each node.

    :math:`E_i = \sum_{j \in N(i)} (1 - \sum_{q \ne i,j} p_{iq} m_{jq})`, where
    :math:`m_{jq}` is the weight of the tie j-q divided by j's strongest tie. With
    unit weights this is Borgatti's :math:`n - 2t/n` (:math:`n` contacts, :math:`t`
    ties among them). Same values as ``nx.effective_size`` (for weighted graphs,
    as its per-node computation: see the module notes on networkx/networkx#8906).

    Parameters
    ----------
    g : Graph
        The snapshot.
    nodes : int, sequence of int, array or None, optional
        The nodes to compute (default every node).
    weight : {None, "strength"}, optional
        None counts every tie as 1; ``"strength"`` weights ties by ``g.strength``.

    Returns
    -------
    numpy.ndarray
        float64, length ``g.n_nodes``, indexed by node; NaN for isolated nodes (as
        NetworkX) and for nodes not requested.

    Raises
    ------
    NodeNotFound
        If a requested node is not in the graph.
    GraphError
        For an unknown ``weight`` or a negative strength.
    TypeError
        If ``nodes`` are not integers.

    Examples
    --------
    Node 0 has contacts 1, 2, 3 and one tie among them (1-2): :math:`3 - 2/3`.

    >>> import numpy as np
    >>> from weakties.graph import Graph
    >>> g = Graph.from_edges(np.array([0, 0, 1, 0]), np.array([1, 2, 2, 3]))
    >>> effective_size(g).round(4).tolist()
    [2.3333, 1.0, 1.0, 1.0]

    References
    ----------
    .. [1] Burt, R. S. *Structural Holes: The Social Structure of Competition.*
           Harvard University Press, 1992, pp. 51-53.
    .. [2] Borgatti, S. P. "Structural Holes: Unpacking Burt's Redundancy
           Measures." *Connections* 20(1): 35-38, 1997.
    """
    weighted = _weighted(g, weight)
    chosen = _requested(g, nodes)
    out = np.full(g.n_nodes, np.nan)
    if chosen.size:
        _effective_size_all(
            g.indptr, g.indices, g.strength, weighted, chosen, _tasks(chosen.size), out
        )
    return out


def efficiency(g: Graph, nodes: NodeSelection = None, weight: str | None = None) -> np.ndarray:
    r"""Burt's efficiency: effective size divided by the number of contacts.

    1 when no two contacts are tied; :math:`1/n` within an :math:`(n+1)`-clique.

    Parameters
    ----------
    g : Graph
        The snapshot.
    nodes : int, sequence of int, array or None, optional
        The nodes to compute (default every node).
    weight : {None, "strength"}, optional
        Passed to :func:`effective_size`; the denominator is the degree either way.

    Returns
    -------
    numpy.ndarray
        float64, length ``g.n_nodes``, indexed by node; NaN for isolated nodes and
        for nodes not requested.

    Raises
    ------
    NodeNotFound
        If a requested node is not in the graph.
    GraphError
        For an unknown ``weight`` or a negative strength.

    Examples
    --------
    >>> import numpy as np
    >>> from weakties.graph import Graph
    >>> g = Graph.from_edges(np.array([0, 0, 1, 0]), np.array([1, 2, 2, 3]))
    >>> efficiency(g).round(4).tolist()
    [0.7778, 0.5, 0.5, 1.0]

    References
    ----------
    .. [1] Burt, R. S. *Structural Holes: The Social Structure of Competition.*
           Harvard University Press, 1992, p. 53.
    .. [2] Borgatti, S. P. "Structural Holes: Unpacking Burt's Redundancy
           Measures." *Connections* 20(1): 35-38, 1997.
    """
    size = effective_size(g, nodes, weight)
    degree = np.diff(g.indptr).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return size / degree  # NaN stays NaN; isolated nodes already NaN


def hierarchy(g: Graph, nodes: NodeSelection = None, weight: str | None = None) -> np.ndarray:
    r"""Burt's hierarchy: how far constraint is concentrated in one contact.

    The Coleman-Theil disorder index of the local constraints (Burt 1992, p. 71):

    .. math::

       H_i = \frac{\sum_{j \in N(i)} r_{ij} \ln r_{ij}}{N \ln N},\qquad
       r_{ij} = \frac{c_{ij}}{C_i / N},

    with :math:`N = |N(i)|`, :math:`c_{ij}` the local constraint (see
    :func:`local_constraint`) and :math:`C_i = \sum_j c_{ij}`. It is 0 when every
    contact constrains :math:`i` equally and approaches 1 when one contact holds
    all of the constraint (terms with :math:`c_{ij} = 0` contribute 0, the limit of
    :math:`r \ln r`; the result is clipped to [0, 1] against rounding).

    Undefined values are NaN: isolated nodes, nodes whose constraint is 0 (every
    tie of zero strength), and nodes with a single contact. For one contact
    :math:`N \ln N = 0` and the numerator is :math:`1 \cdot \ln 1 = 0`, so the
    formula is 0/0; the two poles of the index ("evenly spread", 0, and "all in one
    contact", 1) coincide, and any number would be a convention rather than a
    measurement. (JUNG's ``StructuralHoles.hierarchy`` reports 1 there; filter
    with ``np.isnan`` or ``np.nan_to_num(h, nan=1.0)`` to follow it.)

    Parameters
    ----------
    g : Graph
        The snapshot.
    nodes : int, sequence of int, array or None, optional
        The nodes to compute (default every node).
    weight : {None, "strength"}, optional
        None counts every tie as 1; ``"strength"`` weights ties by ``g.strength``.

    Returns
    -------
    numpy.ndarray
        float64 in [0, 1], length ``g.n_nodes``, indexed by node; NaN where
        undefined (see above) and for nodes not requested.

    Raises
    ------
    NodeNotFound
        If a requested node is not in the graph.
    GraphError
        For an unknown ``weight`` or a negative strength.

    Examples
    --------
    Node 0's contacts 1 and 2 are tied, contact 3 is not, so 1 and 2 constrain 0
    more than 3 does; in a triangle constraint is spread evenly.

    >>> import numpy as np
    >>> from weakties.graph import Graph
    >>> g = Graph.from_edges(np.array([0, 0, 1, 0]), np.array([1, 2, 2, 3]))
    >>> hierarchy(g).round(4).tolist()
    [0.0522, 0.0099, 0.0099, nan]
    >>> triangle = Graph.from_edges(np.array([0, 1, 2]), np.array([1, 2, 0]))
    >>> hierarchy(triangle).tolist()
    [0.0, 0.0, 0.0]

    References
    ----------
    .. [1] Burt, R. S. *Structural Holes: The Social Structure of Competition.*
           Harvard University Press, 1992, pp. 70-71.
    .. [2] Borgatti, S. P. "Structural Holes: Unpacking Burt's Redundancy
           Measures." *Connections* 20(1): 35-38, 1997.
    """
    return _constraint_and_hierarchy(g, nodes, weight, True)[1]


def local_constraint(g: Graph, u: int, v: int, weight: str | None = None) -> float:
    r"""The local (dyadic) constraint on ``u`` from ``v``: :math:`(p_{uv} +
    \sum_q p_{uq} p_{qv})^2`.

    The term summed by :func:`constraint` over ``u``'s contacts; as
    ``nx.local_constraint`` it is the *square* of the direct plus indirect
    investment, defined for any pair (0 when ``u`` is isolated or neither tied to
    ``v`` nor through a common contact).

    Parameters
    ----------
    g : Graph
        The snapshot.
    u, v : int
        The constrained node and the constraining contact.
    weight : {None, "strength"}, optional
        None counts every tie as 1; ``"strength"`` weights ties by ``g.strength``.

    Returns
    -------
    float
        The local constraint :math:`c_{uv}`.

    Raises
    ------
    NodeNotFound
        If ``u`` or ``v`` is not in the graph.
    GraphError
        For an unknown ``weight`` or a negative strength.

    Examples
    --------
    In a triangle each p is 1/2: :math:`(1/2 + 1/2 \cdot 1/2)^2 = 0.5625`.

    >>> import numpy as np
    >>> from weakties.graph import Graph
    >>> triangle = Graph.from_edges(np.array([0, 1, 2]), np.array([1, 2, 0]))
    >>> local_constraint(triangle, 0, 1)
    0.5625

    References
    ----------
    .. [1] Burt, R. S. *Structural Holes: The Social Structure of Competition.*
           Harvard University Press, 1992, eq. 2.4 p. 55.
    .. [2] Borgatti, S. P. "Structural Holes: Unpacking Burt's Redundancy
           Measures." *Connections* 20(1): 35-38, 1997.
    """
    weighted = _weighted(g, weight)
    a, b = _check_node(g, u), _check_node(g, v)
    return float(_local_constraint(g.indptr, g.indices, g.strength, weighted, a, b))

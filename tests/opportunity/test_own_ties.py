"""A viewer's contacts made since the shared introduction network's build are
added to a copy of its graph (``opportunity.network._with_own_ties``): the copy
must be the graph of the union of the edges — rows sorted, symmetric, no tie to
oneself — wherever the viewer's node falls (none yet, first, last, between), and
whichever nodes the contacts are (next to the viewer's, at either end)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from weakties.graph.snapshot import Graph
from weakties.opportunity.network import _with_own_ties


def _graph(ids: list[int], edges: list[tuple[int, int]]) -> Graph:
    """The graph of ``edges`` between person ids, its nodes in id order."""
    node = {p: i for i, p in enumerate(ids)}
    u = [node[a] for a, _ in edges]
    v = [node[b] for _, b in edges]
    g = Graph.from_edges(u, v, [0.5] * len(edges), n_nodes=len(ids))
    return Graph(g.indptr, g.indices, g.strength, person_ids=np.array(ids, dtype=np.int64))


def _edges(g: Graph) -> set[tuple[int, int, float]]:
    ids = g.person_ids
    assert ids is not None
    out = set()
    for r in range(g.n_nodes):
        row = g.indices[g.indptr[r] : g.indptr[r + 1]]
        assert list(row) == sorted(set(row.tolist())), f"row {r} not sorted or repeated"
        assert r not in row, f"node {r} tied to itself"
        for at, c in zip(range(g.indptr[r], g.indptr[r + 1]), row.tolist(), strict=True):
            out.add((int(ids[r]), int(ids[c]), round(float(g.strength[at]), 3)))
    assert all((b, a, s) in out for a, b, s in out), "not symmetric"
    return out


IDS = [30, 40, 50, 60]
BASE = [(30, 40), (40, 50), (50, 60), (30, 60)]


@pytest.mark.parametrize("me", [10, 35, 45, 55, 70, 30, 40, 60])
def test_the_copy_is_the_graph_of_every_edge(me: int) -> None:
    ids = sorted(set(IDS) | {me})
    base = _graph(IDS, BASE)
    others = [p for p in IDS if p != me and (me, p) not in BASE and (p, me) not in BASE]
    for k in range(1, len(others) + 1):
        for chosen in itertools.combinations(others, k):
            nodes = np.searchsorted(np.array(IDS), np.array(chosen))
            copy, node = _with_own_ties(base, me, nodes, 0.25)
            assert copy.person_ids is not None
            assert copy.person_ids.tolist() == ids
            assert int(copy.person_ids[node]) == me
            expected = {(a, b, 0.5) for a, b in BASE} | {(b, a, 0.5) for a, b in BASE}
            expected |= {(me, c, 0.25) for c in chosen} | {(c, me, 0.25) for c in chosen}
            assert _edges(copy) == expected, (me, chosen)
    assert _edges(base) == {(a, b, 0.5) for a, b in BASE} | {(b, a, 0.5) for a, b in BASE}

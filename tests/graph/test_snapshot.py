import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings

from tests.graph.conftest import graphs
from weakties.graph import Graph, GraphError, NodeNotFound


def test_build_drops_self_loops_and_repeats_keeping_the_largest_weight():
    g = Graph.from_edges([0, 1, 1, 2, 2], [1, 0, 1, 3, 3], [0.5, 0.9, 1.0, 0.2, 0.4])
    assert (g.n_nodes, g.n_edges) == (4, 2)
    assert g.indptr.tolist() == [0, 1, 2, 3, 4]
    assert g.indices.tolist() == [1, 0, 3, 2]
    assert g.strength.tolist() == pytest.approx([0.9, 0.9, 0.4, 0.4])
    assert g.indices.dtype == np.int32 and g.strength.dtype == np.float32
    u, v, _ = g.edges()
    assert list(zip(u.tolist(), v.tolist(), strict=True)) == [(0, 1), (2, 3)]


def test_isolated_nodes_and_errors():
    g = Graph.from_edges([0], [1], n_nodes=5)
    assert g.degree().tolist() == [1, 1, 0, 0, 0]
    assert g.volume.tolist() == [1, 1, 0, 0, 0]
    with pytest.raises(GraphError):
        Graph.from_edges([0, 1], [1])
    with pytest.raises(GraphError):
        Graph.from_edges([-1], [1])
    with pytest.raises(GraphError):
        Graph.from_edges([0], [5], n_nodes=3)
    with pytest.raises(GraphError):
        Graph.from_edges([0], [1], [float("nan")])
    with pytest.raises(NodeNotFound):
        g.bfs(5)
    with pytest.raises(GraphError):
        g.node_of(3)  # no person ids on a plain graph
    empty = Graph.from_edges([], [], n_nodes=0)
    assert (empty.n_nodes, empty.n_edges) == (0, 0)


@settings(max_examples=60, deadline=None)
@given(graphs())
def test_same_graph_as_networkx(pair):
    g, reference = pair
    assert nx.utils.graphs_equal(g.to_networkx(), nx.Graph(reference)) or (
        set(g.to_networkx().edges()) == {tuple(sorted(e)) for e in reference.edges()}
        and g.n_nodes == reference.number_of_nodes()
    )
    for node in reference:
        assert g.neighbors(node).tolist() == sorted(reference[node])


def test_subgraph_and_scipy():
    g = Graph.from_edges([0, 1, 2, 3], [1, 2, 3, 0], [1, 2, 3, 4])
    sub, original = g.subgraph([1, 2, 3])
    assert original.tolist() == [1, 2, 3]
    assert sub.n_edges == 2
    assert sub.strength.tolist() == pytest.approx([2, 2, 3, 3])
    assert g.to_scipy().toarray()[0].tolist() == [0, 1, 0, 4]


@pytest.mark.parametrize("seed", range(4))
def test_small_and_large_builds_give_the_same_arrays(seed):
    """Up to SMALL_BUILD edges a snapshot is built with numpy, above it with the
    compiled kernel: both give the same CSR (repeats keep their largest weight)."""
    from weakties.graph import _build, pairs

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 60))
    m = int(rng.integers(0, 400))
    u, v = rng.integers(0, n, m), rng.integers(0, n, m)  # self-loops and repeats
    w = rng.choice([0.25, 0.5, 1.0], m).astype(np.float32)
    for has_weights in (True, False):
        small = pairs.csr_from_edges(u, v, w, n, has_weights)
        large = _build.csr_from_edges(u, v, w, n, has_weights)
        for got, want in zip(small, large, strict=True):
            assert got.dtype == want.dtype and got.tolist() == want.tolist()
    owner, item = rng.integers(0, n, m), rng.integers(0, 9, m)
    for got, want in zip(
        pairs.csr_from_members(owner, item, n),
        _build.csr_from_members(owner, item, n),
        strict=True,
    ):
        assert got.dtype == want.dtype and got.tolist() == want.tolist()

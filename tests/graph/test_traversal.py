"""BFS, bounded distances, degree badges and reach, against NetworkX."""

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.graph.conftest import graphs
from weakties.graph import Graph
from weakties.graph.structure import reach


def nx_dist(reference, s, cutoff=None):
    lengths = nx.single_source_shortest_path_length(reference, s, cutoff=cutoff)
    out = np.full(reference.number_of_nodes(), -1)
    for node, d in lengths.items():
        out[node] = d
    return out


@settings(max_examples=80, deadline=None)
@given(graphs(), st.data())
def test_bfs_distance_badges_on_random_graphs(pair, data):
    g, reference = pair
    s = data.draw(st.integers(0, g.n_nodes - 1))
    assert g.bfs(s).tolist() == nx_dist(reference, s).tolist()
    assert g.bfs(s, max_hops=2).tolist() == nx_dist(reference, s, cutoff=2).tolist()
    truth = nx_dist(reference, s)
    for t in range(g.n_nodes):
        want = int(truth[t]) if 0 <= truth[t] <= 3 else None
        assert g.distance(s, t, max_hops=3) == want
        assert g.distance(s, t, max_hops=10) == (int(truth[t]) if truth[t] >= 0 else None)
    targets = np.arange(g.n_nodes)
    badges = np.where((truth >= 0) & (truth <= 3), truth, -1)
    assert g.distances(s, targets).tolist() == badges.tolist()
    assert (
        g.distances(s, targets, max_hops=2).tolist()
        == np.where((truth >= 0) & (truth <= 2), truth, -1).tolist()
    )


def test_facebook_bfs_and_badges_equal_networkx(facebook):
    g, reference = facebook
    rng = np.random.default_rng(0)
    for s in [0, 107, 1684, *rng.integers(0, g.n_nodes, 5).tolist()]:
        truth = nx_dist(reference, s)
        assert g.bfs(s).tolist() == truth.tolist()
        targets = rng.integers(0, g.n_nodes, 300)
        want = np.where((truth[targets] >= 0) & (truth[targets] <= 3), truth[targets], -1)
        assert g.distances(s, targets).tolist() == want.tolist()
        for t in targets[:40].tolist():
            assert g.distance(s, t) == (int(truth[t]) if 0 <= truth[t] <= 3 else None)


def test_reach_sizes_and_members(facebook):
    g, reference = facebook
    r = reach(g, 107, max_hops=3)
    lengths = nx.single_source_shortest_path_length(reference, 107, cutoff=3)
    for hops in range(4):
        members = sorted(n for n, d in lengths.items() if d == hops)
        assert r.at(hops).tolist() == members
        assert r.sizes[hops] == len(members)


def test_direction_optimising_bfs_on_a_dense_graph():
    # a complete graph makes the first frontier huge: the bottom-up steps run
    n = 300
    u, v = np.triu_indices(n, 1)
    g = Graph.from_edges(u, v)
    assert g.bfs(5).tolist() == [1] * 5 + [0] + [1] * (n - 6)
    path = Graph.from_edges(np.arange(999), np.arange(1, 1000))
    assert g.bfs(0).max() == 1 and path.bfs(0)[-1] == 999


@pytest.mark.parametrize("max_hops", [0, 1, 3])
def test_bfs_limits(max_hops):
    path = Graph.from_edges(np.arange(9), np.arange(1, 10))
    dist = path.bfs(0, max_hops=max_hops)
    assert dist.tolist() == [i if i <= max_hops else -1 for i in range(10)]

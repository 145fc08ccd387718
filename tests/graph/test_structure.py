import math

import networkx as nx
import numpy as np
from hypothesis import given, settings

from tests.graph.conftest import graphs
from weakties.graph import Graph
from weakties.graph.communities import ego_communities
from weakties.graph.structure import connected_components, local_bridges


@settings(max_examples=60, deadline=None)
@given(graphs())
def test_components_and_local_bridges_equal_networkx(pair):
    g, reference = pair
    labels = connected_components(g)
    groups = {}
    for node, label in enumerate(labels.tolist()):
        groups.setdefault(label, set()).add(node)
    assert sorted(map(sorted, groups.values())) == sorted(
        map(sorted, nx.connected_components(reference))
    )
    want = sorted(
        (min(u, v), max(u, v), float(span))
        for u, v, span in nx.local_bridges(reference, with_span=True)
    )
    assert local_bridges(g) == want


def test_facebook_components_and_bridges(facebook):
    g, reference = facebook
    assert connected_components(g).max() == 0  # ego-Facebook is one component
    want = sorted(
        (min(u, v), max(u, v), float(span))
        for u, v, span in nx.local_bridges(reference, with_span=True)
    )
    got = local_bridges(g)
    assert got == want
    assert any(math.isinf(s) for *_, s in got)  # the pendant ties


def test_ego_communities_find_two_circles_and_are_deterministic():
    rng = np.random.default_rng(3)
    # ego 0 with two dense circles of 8 joined by one tie
    circle_a, circle_b = np.arange(1, 9), np.arange(9, 17)
    u, v = [], []
    for circle in (circle_a, circle_b):
        for i, j in zip(*np.triu_indices(8, 1), strict=True):
            if rng.random() < 0.8:
                u.append(circle[i])
                v.append(circle[j])
    u += [0] * 16 + [4]
    v += [*range(1, 17), 12]
    g = Graph.from_edges(u, v)
    found = ego_communities(g, 0)
    assert [c.tolist() for c in found] == [circle_a.tolist(), circle_b.tolist()]
    assert [c.tolist() for c in ego_communities(g, 0)] == [c.tolist() for c in found]
    assert ego_communities(Graph.from_edges([0], [1], n_nodes=3), 2) == []

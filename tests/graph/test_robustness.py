"""Ids are never narrowed into another node, buffers do not pile up, communities are
deterministic under threads."""

from concurrent.futures import ThreadPoolExecutor

import networkx as nx
import numpy as np
import pytest

from weakties.graph import Graph
from weakties.graph import snapshot as snap
from weakties.graph.communities import ego_communities
from weakties.graph.errors import GraphError, NodeNotFound


def path4() -> Graph:
    return Graph.from_edges(np.array([0, 1, 2]), np.array([1, 2, 3]))


@pytest.mark.parametrize(
    "call",
    [
        lambda g: g.distances(0, np.array([2**32 + 1], dtype=np.int64)),
        lambda g: g.paths_to(0, np.array([2**32 + 3], dtype=np.int64)),
        lambda g: g.distances(0, [2**40]),
        lambda g: g.subgraph([-1, 0]),
    ],
)
def test_wide_or_negative_ids_are_refused_not_wrapped(call):
    with pytest.raises(NodeNotFound):
        call(path4())


def test_non_integer_ids_are_refused():
    with pytest.raises(GraphError):
        Graph.from_edges(np.array([0.7]), np.array([1.2]))
    with pytest.raises(GraphError):
        path4().distances(0, [1.5])


def test_scratch_buffers_are_kept_for_a_few_sizes_only():
    for n in range(50, 60):
        g = Graph.from_edges(np.array([0]), np.array([1]), n_nodes=n)
        g.distances(0, [1])
        g.mutual_counts(0)
    sizes = {key[0] for key in snap._scratch.arrays}
    assert len(sizes) <= snap._SCRATCH_SIZES and 59 in sizes


def test_communities_are_the_same_from_many_threads():
    # a random ego network: Leiden's partition depends on its random numbers
    reference = nx.gnp_random_graph(200, 0.06, seed=1)
    reference.add_edges_from((0, k) for k in range(1, 200))
    u, v = np.array(list(reference.edges())).T
    g = Graph.from_edges(u, v)
    alone = [c.tolist() for c in ego_communities(g, 0, seed=3)]
    assert alone != [c.tolist() for c in ego_communities(g, 0, seed=4)]
    with ThreadPoolExecutor(4) as pool:
        runs = list(pool.map(lambda _: ego_communities(g, 0, seed=3), range(96)))
    assert all([c.tolist() for c in run] == alone for run in runs)

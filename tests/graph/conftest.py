"""Graphs shared by the graph tests: SNAP ego-Facebook (real data) and small ones."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import strategies as st

from tests.conftest import SHARED
from weakties.graph import Graph

FACEBOOK = SHARED / "ego-facebook" / "facebook_combined.txt"


@pytest.fixture(scope="session")
def facebook() -> tuple[Graph, nx.Graph]:
    """SNAP ego-Facebook: 4,039 nodes, 88,234 edges, as a snapshot and in NetworkX."""
    if not FACEBOOK.is_file():
        pytest.skip(f"SNAP ego-Facebook not available at {FACEBOOK} (a clone without ../shared)")
    edges = np.loadtxt(FACEBOOK, dtype=np.int64)
    g = Graph.from_edges(edges[:, 0], edges[:, 1])
    reference = nx.Graph()
    reference.add_nodes_from(range(g.n_nodes))
    reference.add_edges_from(edges.tolist())
    return g, reference


@st.composite
def graphs(draw, max_nodes: int = 30) -> tuple[Graph, nx.Graph]:  # type: ignore[no-untyped-def]
    """Random simple graphs (with isolated nodes, repeated edges and self-loops in the
    input, which the snapshot must drop like networkx does)."""
    n = draw(st.integers(min_value=1, max_value=max_nodes))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=n * 4))
    u = np.array([p[0] for p in pairs], dtype=np.int64)
    v = np.array([p[1] for p in pairs], dtype=np.int64)
    g = Graph.from_edges(u, v, n_nodes=n)
    reference = nx.Graph()
    reference.add_nodes_from(range(n))
    reference.add_edges_from((a, b) for a, b in pairs if a != b)
    return g, reference

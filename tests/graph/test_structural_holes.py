"""Burt's structural holes: published values, hand-computed graphs and NetworkX."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from weakties.graph import Graph, GraphError, NodeNotFound
from weakties.graph.structural_holes import (
    constraint,
    effective_size,
    efficiency,
    hierarchy,
    local_constraint,
)

MEASURES = [constraint, effective_size, efficiency, hierarchy]
NAN = math.nan
# hypothesis: small graphs, no deadline (the first call may load compiled kernels)
FAST = settings(max_examples=60, deadline=None)


def approx(expected: object, rel: float = 1e-9) -> object:
    return pytest.approx(expected, rel=rel, abs=1e-12, nan_ok=True)


def as_array(values: dict[int, float], n: int) -> np.ndarray:
    return np.array([values.get(node, NAN) for node in range(n)], dtype=np.float64)


def labelled(reference: nx.Graph, weight: str | None = None) -> tuple[Graph, list[str]]:
    """A snapshot of a graph with named nodes; node i is ``names[i]`` (sorted)."""
    names = sorted(reference)
    index = {name: i for i, name in enumerate(names)}
    u, v, w = zip(
        *((index[a], index[b], data.get(weight, 1.0)) for a, b, data in reference.edges(data=True)),
        strict=True,
    )
    return Graph.from_edges(u, v, w if weight else None, n_nodes=len(names)), names


# -- published and hand-computed values -------------------------------------------------


@pytest.mark.parametrize("leaves", [1, 2, 4, 9])
def test_star(leaves: int) -> None:
    g = Graph.from_edges(np.zeros(leaves, dtype=int), np.arange(1, leaves + 1))
    c, e = constraint(g), effective_size(g)
    # centre: each leaf gets p = 1/n and nothing indirect, so C = n (1/n)^2 = 1/n;
    # no two leaves are tied, so every leaf is non-redundant: E = n, efficiency 1
    assert c[0] == pytest.approx(1 / leaves)
    assert e[0] == pytest.approx(leaves)
    assert efficiency(g)[0] == pytest.approx(1.0)
    # a leaf has one contact: constraint 1, effective size 1
    assert c[1:] == approx(np.ones(leaves))
    assert e[1:] == approx(np.ones(leaves))
    h = hierarchy(g)
    assert np.isnan(h[1:]).all()  # one contact: undefined
    if leaves > 1:
        assert h[0] == pytest.approx(0.0, abs=1e-12)  # constraint spread evenly


@pytest.mark.parametrize("k", [3, 4, 5, 8])
def test_clique(k: int) -> None:
    u, v = np.triu_indices(k, 1)
    g = Graph.from_edges(u, v)
    # p = 1/(k-1); each contact is reached through the k-2 others:
    # c_ij = (1/(k-1) + (k-2)/(k-1)^2)^2 = ((2k-3)/(k-1)^2)^2, times k-1 contacts
    want = (2 * k - 3) ** 2 / (k - 1) ** 3
    assert constraint(g) == approx(np.full(k, want))
    assert effective_size(g) == approx(np.ones(k))  # (k-1) - 2 C(k-1, 2) / (k-1) = 1
    assert efficiency(g) == approx(np.full(k, 1 / (k - 1)))
    assert hierarchy(g) == approx(np.zeros(k))


def borgatti() -> nx.Graph:
    """Borgatti's (1997) example, with the weights of NetworkX's test suite
    (networkx/algorithms/tests/test_structuralholes.py)."""
    reference = nx.Graph()
    weights = {
        ("A", "B"): 2,
        ("A", "F"): 3,
        ("A", "G"): 5,
        ("A", "E"): 2,
        ("E", "G"): 8,
        ("F", "G"): 3,
        ("B", "G"): 4,
        ("B", "D"): 1,
        ("D", "G"): 3,
        ("G", "C"): 10,
    }
    for (a, b), w in weights.items():
        reference.add_edge(a, b, weight=float(w))
    return reference


@pytest.mark.parametrize(
    ("weight", "measure", "want", "tolerance"),
    [
        # the values NetworkX checked against UCINET and igraph, with its tolerances
        (None, constraint, {"G": 0.400, "A": 0.595, "C": 1.0}, 1e-3),
        (None, effective_size, {"G": 4.67, "A": 2.50, "C": 1.0}, 1e-2),
        ("strength", constraint, {"G": 0.299, "A": 0.795, "C": 1.0}, 1e-3),
        ("strength", effective_size, {"G": 5.47, "A": 2.47, "C": 1.0}, 1e-2),
    ],
)
def test_borgatti_example_matches_ucinet(weight, measure, want, tolerance) -> None:  # type: ignore[no-untyped-def]
    g, names = labelled(borgatti(), "weight")
    got = measure(g, weight=weight)
    for name, value in want.items():
        assert got[names.index(name)] == pytest.approx(value, abs=tolerance)


def test_borgatti_example_isolated_node_and_unit_weights() -> None:
    reference = borgatti()
    reference.add_node("Z")
    g, names = labelled(reference, "weight")
    z = names.index("Z")
    for measure in MEASURES:
        assert math.isnan(measure(g)[z])
        assert math.isnan(measure(g, weight="strength")[z])
    # with every strength 1, Burt's weighted formula is Borgatti's n - 2t/n
    unit = Graph.from_edges(*g.edges()[:2], np.ones(g.n_edges), n_nodes=g.n_nodes)
    assert effective_size(unit, weight="strength") == approx(effective_size(g))
    assert constraint(unit, weight="strength") == approx(constraint(g))


def florentine() -> tuple[Graph, list[str]]:
    return labelled(nx.florentine_families_graph())


def test_florentine_medici_as_published() -> None:
    # Padgett's marriage network; the values are published to 3 decimals (2 for
    # effective size), so the tolerance is half a unit in the last place
    g, names = florentine()
    medici = names.index("Medici")
    assert constraint(g)[medici] == pytest.approx(0.210, abs=5e-4)
    assert effective_size(g)[medici] == pytest.approx(5.67, abs=5e-3)
    assert efficiency(g)[medici] == pytest.approx(0.944, abs=5e-4)
    assert hierarchy(g)[medici] == pytest.approx(0.022, abs=5e-4)
    # exactly: 6 contacts, one tie among them (Ridolfi-Tornabuoni)
    assert effective_size(g)[medici] == pytest.approx(6 - 2 / 6)


def test_florentine_equals_networkx() -> None:
    reference = nx.florentine_families_graph()
    rng = np.random.default_rng(7)
    for a, b in reference.edges():
        reference[a][b]["weight"] = float(rng.integers(1, 6))
    g, names = labelled(reference, "weight")
    ours = {None: None, "strength": "weight"}
    for weight, nx_weight in ours.items():
        want_c = nx.constraint(reference, weight=nx_weight)
        want_e = nx.effective_size(reference, nodes=names, weight=nx_weight)
        assert constraint(g, weight=weight) == approx([want_c[name] for name in names])
        assert effective_size(g, weight=weight) == approx([want_e[name] for name in names])


def test_hierarchy_and_efficiency_by_hand() -> None:
    # path 1 - 0 - 2 (0's contacts not tied): p = 1/2 each, c_0j = 1/4 each, C = 1/2,
    # H = 0 (even); E = 2, efficiency 1. The ends have one contact: H undefined.
    path = Graph.from_edges([1, 0], [0, 2])
    assert constraint(path) == approx([0.5, 1.0, 1.0])
    assert hierarchy(path) == approx([0.0, NAN, NAN])
    assert efficiency(path) == approx([1.0, 1.0, 1.0])
    # triangle (0's contacts tied): c_0j = (1/2 + 1/4)^2 = 9/16, C = 9/8, H = 0;
    # E = 2 - 2/2 = 1, efficiency 1/2
    triangle = Graph.from_edges([0, 1, 2], [1, 2, 0])
    assert constraint(triangle) == approx(np.full(3, 9 / 8))
    assert hierarchy(triangle) == approx(np.zeros(3))
    assert efficiency(triangle) == approx(np.full(3, 0.5))
    # the paw: triangle 0-1-2 and pendant 3 on 0.
    # node 0: p = 1/3; c_01 = c_02 = (1/3 + 1/3 * 1/2)^2 = 1/4, c_03 = 1/9, C = 11/18,
    #   r = c / (C/3) = 27/22, 27/22, 6/11;
    #   H = (2 (27/22) ln(27/22) + (6/11) ln(6/11)) / (3 ln 3) = 0.052205...
    #   E = 3 - 2/3, efficiency 7/9
    # node 1: c_10 = (1/2 + 1/2 * 1/2)^2 = 9/16, c_12 = (1/2 + 1/2 * 1/3)^2 = 4/9,
    #   C = 145/144, r = 81/72.5, 64/72.5; H = (r0 ln r0 + r2 ln r2) / (2 ln 2);
    #   E = 2 - 2/2 = 1, efficiency 1/2
    paw = Graph.from_edges([0, 0, 1, 0], [1, 2, 2, 3])
    h0 = (2 * (27 / 22) * math.log(27 / 22) + (6 / 11) * math.log(6 / 11)) / (3 * math.log(3))
    r0, r2 = 81 / 72.5, 64 / 72.5
    h1 = (r0 * math.log(r0) + r2 * math.log(r2)) / (2 * math.log(2))
    assert h0 == pytest.approx(0.052205, abs=1e-6)
    assert constraint(paw) == approx([11 / 18, 145 / 144, 145 / 144, 1.0])
    assert hierarchy(paw) == approx([h0, h1, h1, NAN])
    assert efficiency(paw) == approx([7 / 9, 0.5, 0.5, 1.0])
    # weighted path 1 -(1)- 0 -(3)- 2: p = 1/4, 3/4; c = 1/16, 9/16; C = 5/8;
    # r = 0.2, 1.8; H = (0.2 ln 0.2 + 1.8 ln 1.8) / (2 ln 2) = 0.531004...
    weighted = Graph.from_edges([1, 0], [0, 2], [1.0, 3.0])
    assert constraint(weighted, weight="strength")[0] == pytest.approx(10 / 16)
    h = (0.2 * math.log(0.2) + 1.8 * math.log(1.8)) / (2 * math.log(2))
    assert hierarchy(weighted, weight="strength")[0] == pytest.approx(h)
    assert hierarchy(weighted)[0] == pytest.approx(0.0, abs=1e-12)  # unweighted: even


def test_local_constraint() -> None:
    triangle = Graph.from_edges([0, 1, 2], [1, 2, 0])
    assert local_constraint(triangle, 0, 1) == pytest.approx(9 / 16)
    paw = Graph.from_edges([0, 0, 1, 0], [1, 2, 2, 3])
    assert local_constraint(paw, 0, 3) == pytest.approx(1 / 9)
    assert local_constraint(paw, 3, 1) == pytest.approx(1 / 9)  # not tied: (1 * 1/3)^2
    lonely = Graph.from_edges([0], [1], n_nodes=3)
    assert local_constraint(lonely, 2, 0) == 0.0  # as NetworkX: isolated u
    for u in range(4):
        contacts = paw.neighbors(u).tolist()
        total = sum(local_constraint(paw, u, v) for v in contacts)
        assert total == pytest.approx(constraint(paw)[u])


def test_zero_strength_tie_counts_as_contact_like_networkx() -> None:
    # NetworkX's per-node computation: p = 0 for the tie, but it is still a contact
    g = Graph.from_edges([0, 0, 1], [1, 2, 2], [2.0, 0.0, 1.0])
    reference = g.to_networkx()
    nodes = list(range(3))
    want_c = nx.constraint(reference, nodes=nodes, weight="weight")
    want_e = nx.effective_size(reference, nodes=nodes, weight="weight")
    assert constraint(g, weight="strength") == approx(as_array(want_c, 3))
    assert effective_size(g, weight="strength") == approx(as_array(want_e, 3))


# -- NetworkX on random graphs ------------------------------------------------------------

WEIGHTS = [0.5, 1.0, 1.5, 2.0, 3.0, 7.25]  # exact in float32, so NetworkX sees the same


@st.composite
def weighted_graphs(draw, max_nodes: int = 12) -> tuple[Graph, nx.Graph]:  # type: ignore[no-untyped-def]
    """Random graphs with isolated nodes; the input has self-loops and repeated
    edges (the snapshot keeps the largest weight), the reference is built apart."""
    n = draw(st.integers(min_value=1, max_value=max_nodes))
    node = st.integers(0, n - 1)
    triples = draw(st.lists(st.tuples(node, node, st.sampled_from(WEIGHTS)), max_size=3 * n))
    u = np.array([t[0] for t in triples], dtype=np.int64)
    v = np.array([t[1] for t in triples], dtype=np.int64)
    w = np.array([t[2] for t in triples], dtype=np.float64)
    g = Graph.from_edges(u, v, w, n_nodes=n)
    strongest: dict[tuple[int, int], float] = {}
    for a, b, x in triples:
        if a != b:
            key = (min(a, b), max(a, b))
            strongest[key] = max(strongest.get(key, 0.0), x)
    reference = nx.Graph()
    reference.add_nodes_from(range(n))
    reference.add_weighted_edges_from((a, b, x) for (a, b), x in strongest.items())
    return g, reference


@FAST
@given(weighted_graphs())
def test_random_graphs_equal_networkx(pair: tuple[Graph, nx.Graph]) -> None:
    g, reference = pair
    n = g.n_nodes
    nodes = list(range(n))
    for weight, nx_weight in ((None, None), ("strength", "weight")):
        c = constraint(g, weight=weight)
        e = effective_size(g, weight=weight)
        # both of NetworkX's computations: sparse (all nodes) and per node
        assert c == approx(as_array(nx.constraint(reference, weight=nx_weight), n))
        assert c == approx(as_array(nx.constraint(reference, nodes=nodes, weight=nx_weight), n))
        assert e == approx(as_array(nx.effective_size(reference, nodes=nodes, weight=nx_weight), n))
        if weight is None:  # NetworkX's sparse weighted path is wrong (networkx#8906)
            assert e == approx(as_array(nx.effective_size(reference), n))
        degree = np.array([reference.degree(v) for v in nodes], dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            assert efficiency(g, weight=weight) == approx(e / degree)


@settings(max_examples=25, deadline=None)
@given(weighted_graphs(max_nodes=8))
def test_random_local_constraints_equal_networkx(pair: tuple[Graph, nx.Graph]) -> None:
    g, reference = pair
    for u in range(g.n_nodes):
        for v in range(g.n_nodes):
            for weight, nx_weight in ((None, None), ("strength", "weight")):
                want = nx.local_constraint(reference, u, v, weight=nx_weight)
                assert local_constraint(g, u, v, weight=weight) == pytest.approx(want, rel=1e-9)


@FAST
@given(weighted_graphs(), st.data())
def test_nodes_agree_with_all_nodes(pair: tuple[Graph, nx.Graph], data: st.DataObject) -> None:
    g, _ = pair
    n = g.n_nodes
    chosen = data.draw(st.lists(st.integers(0, n - 1), max_size=2 * n))
    mask = np.zeros(n, dtype=bool)
    mask[chosen] = True
    for measure in MEASURES:
        for weight in (None, "strength"):
            full = measure(g, weight=weight)
            part = measure(g, nodes=chosen, weight=weight)
            as_numpy = measure(g, nodes=np.array(chosen, dtype=np.int32), weight=weight)
            assert part == approx(np.where(mask, full, NAN))
            assert as_numpy == approx(part)
            if chosen:
                one = measure(g, nodes=chosen[0], weight=weight)
                assert one[chosen[0]] == approx(full[chosen[0]])
                assert np.isnan(np.delete(one, chosen[0])).all()


# -- arguments ----------------------------------------------------------------------------


@pytest.mark.parametrize("measure", MEASURES)
def test_arguments(measure) -> None:  # type: ignore[no-untyped-def]
    g = Graph.from_edges([0, 1], [1, 2])
    for bad in (3, -1, [0, 7], np.array([-2])):
        with pytest.raises(NodeNotFound):
            measure(g, nodes=bad)
    with pytest.raises(TypeError):
        measure(g, nodes=[0.5])
    with pytest.raises(GraphError):
        measure(g, weight="weight")
    with pytest.raises(GraphError):
        measure(Graph.from_edges([0], [1], [-1.0]), weight="strength")
    assert np.isnan(measure(g, nodes=[])).all()
    assert measure(Graph.from_edges([], [], n_nodes=0)).shape == (0,)
    out = measure(g)
    assert out.dtype == np.float64 and out.shape == (3,)


def test_local_constraint_arguments() -> None:
    g = Graph.from_edges([0, 1], [1, 2])
    with pytest.raises(NodeNotFound):
        local_constraint(g, 0, 3)
    with pytest.raises(NodeNotFound):
        local_constraint(g, -1, 0)
    with pytest.raises(GraphError):
        local_constraint(g, 0, 1, weight="weight")


# -- real data: SNAP ego-Facebook ---------------------------------------------------------


def _sparse_effective_size(g: Graph) -> np.ndarray:
    """NetworkX's sparse weighted effective size with its row maximum broadcast along
    rows (the one-line fix of networkx#8906): a whole-graph reference."""
    w = sp.csr_array((g.strength.astype(np.float64), g.indices, g.indptr))
    degree = np.diff(g.indptr)
    with np.errstate(divide="ignore"):
        share = sp.diags_array(1 / w.sum(axis=1)) @ w
        marginal = sp.diags_array(1 / w.max(axis=1).toarray()) @ w
    redundancy = (share @ marginal.T).multiply(w > 0)
    out = degree - np.asarray(redundancy.sum(axis=1)).ravel()
    out[degree == 0] = NAN
    return out


@pytest.mark.shared_data
def test_facebook_equals_networkx(facebook: tuple[Graph, nx.Graph]) -> None:
    g, reference = facebook  # skipped when ../shared/data is absent
    n = g.n_nodes
    assert (n, g.n_edges) == (4039, 88234)
    # all 4,039 nodes against NetworkX's sparse computation (a second or so)
    assert constraint(g) == approx(as_array(nx.constraint(reference), n))
    assert effective_size(g) == approx(as_array(nx.effective_size(reference), n))

    rng = np.random.default_rng(2024)
    u, v, _ = g.edges()
    w = rng.integers(1, 6, u.size).astype(np.float64)
    weighted = Graph.from_edges(u, v, w, n_nodes=n)
    heavy = weighted.to_networkx()
    assert constraint(weighted, weight="strength") == approx(
        as_array(nx.constraint(heavy, weight="weight"), n)
    )
    e = effective_size(weighted, weight="strength")
    assert e == approx(_sparse_effective_size(weighted))
    # NetworkX's per-node computation takes ~15 ms a node at degree 25 and minutes at
    # the hub (degree 1,045): a sample of low-degree nodes, weighted and not
    sample = rng.choice(np.flatnonzero(g.degree() <= 25), 120, replace=False).tolist()
    want = nx.effective_size(heavy, nodes=sample, weight="weight")
    assert e[sample] == approx([want[x] for x in sample])
    want = nx.constraint(reference, nodes=sample[:40])
    assert constraint(g, nodes=sample[:40])[sample[:40]] == approx([want[x] for x in sample[:40]])


def test_a_node_whose_ties_all_weigh_zero_as_networkx():
    """Effective size is the degree (no contact is redundant when nothing is
    invested), as NetworkX. Constraint is undefined: NaN, as NetworkX's
    whole-graph path says — its per-node path treats 0/0 as 0 and gives 0, the
    value of a perfect broker, which nothing here supports."""
    import warnings

    edges = [(0, 1, 0.0), (0, 2, 0.0), (1, 2, 0.5), (2, 3, 1.0)]
    u, v, w = (np.array(x) for x in zip(*edges, strict=True))
    g = Graph.from_edges(u, v, w.astype(np.float32))
    reference = nx.Graph()
    reference.add_weighted_edges_from(edges)
    got_c = constraint(g, weight="strength")
    got_e = effective_size(g, weight="strength")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for node in range(4):
            want_c = nx.constraint(reference, nodes=[node], weight="weight")[node]
            want_e = nx.effective_size(reference, nodes=[node], weight="weight")[node]
            if node > 0:
                assert got_c[node] == pytest.approx(want_c), node
            assert got_e[node] == pytest.approx(want_e), node
    assert np.isnan(got_c[0]) and got_e[0] == 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert math.isnan(nx.constraint(reference, weight="weight")[0])

"""Shortest paths, paths to a set of targets and mutual contacts, against NetworkX."""

import itertools
from collections import Counter

import networkx as nx
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.graph.conftest import graphs


def nx_shortest(reference, a, b, max_len=3):
    try:
        paths = sorted(nx.all_shortest_paths(reference, a, b))
    except nx.NetworkXNoPath:
        return []
    return [p for p in paths if len(p) - 1 <= max_len]


def brute_paths_to(reference, s, targets, max_len=3):
    found = []
    for t in targets:
        if t == s:
            continue
        for path in nx.all_simple_paths(reference, s, t, cutoff=max_len):
            found.append(tuple(path))
    return Counter(found)


@settings(max_examples=80, deadline=None)
@given(graphs(max_nodes=20), st.data())
def test_shortest_paths_and_mutual_on_random_graphs(pair, data):
    g, reference = pair
    a = data.draw(st.integers(0, g.n_nodes - 1))
    b = data.draw(st.integers(0, g.n_nodes - 1))
    if a != b:
        assert g.shortest_paths(a, b) == nx_shortest(reference, a, b)
        assert g.shortest_paths(a, b, max_len=2) == nx_shortest(reference, a, b, 2)
    assert g.mutual(a, b).tolist() == sorted(nx.common_neighbors(reference, a, b)) or a == b
    nodes, counts = g.mutual_counts(a)
    first = set(reference[a])
    expected = Counter(y for x in first for y in reference[x] if y != a and y not in first)
    assert dict(zip(nodes.tolist(), counts.tolist(), strict=True)) == dict(expected)
    assert nodes.tolist() == sorted(expected)


@settings(max_examples=60, deadline=None)
@given(graphs(max_nodes=16), st.data())
def test_paths_to_targets_equal_all_simple_paths(pair, data):
    g, reference = pair
    s = data.draw(st.integers(0, g.n_nodes - 1))
    targets = data.draw(st.lists(st.integers(0, g.n_nodes - 1), max_size=6))
    for max_len in (1, 2, 3):
        found = g.paths_to(s, targets, max_len=max_len)
        got = Counter(tuple(p) for p in found.as_lists())
        assert got == brute_paths_to(reference, s, set(targets), max_len)
        assert len(found) == sum(got.values())


def test_facebook_paths_and_mutual_counts(facebook):
    g, reference = facebook
    rng = np.random.default_rng(1)
    pairs = list(
        itertools.islice(
            zip(
                rng.integers(0, g.n_nodes, 200).tolist(),
                rng.integers(0, g.n_nodes, 200).tolist(),
                strict=True,
            ),
            200,
        )
    )
    checked = Counter()
    for a, b in pairs:
        if a == b:
            continue
        want = nx_shortest(reference, a, b)
        assert g.shortest_paths(a, b) == want
        checked[len(want[0]) - 1 if want else None] += 1
    assert checked[2] and checked[3]  # both kinds of pair were exercised
    for a in [0, 348, 3980, *rng.integers(0, g.n_nodes, 5).tolist()]:
        nodes, counts = g.mutual_counts(a)
        first = set(reference[a])
        expected = Counter(y for x in first for y in reference[x] if y != a and y not in first)
        assert dict(zip(nodes.tolist(), counts.tolist(), strict=True)) == dict(expected)
    # everyone within 3 hops of 3437 among 40 targets, by brute force on a small cut
    targets = rng.integers(0, g.n_nodes, 40).tolist()
    found = g.paths_to(686, targets, max_len=2)
    assert Counter(map(tuple, found.as_lists())) == brute_paths_to(reference, 686, set(targets), 2)


@settings(max_examples=80, deadline=None)
@given(graphs(max_nodes=20), st.data())
def test_one_pair_in_numpy_answers_as_the_compiled_kernels(pair, data):
    """weakties.graph.pairs (numpy, for a process that asks one question) gives
    what the Graph methods (compiled kernels) give, and NetworkX."""
    from weakties.graph import pairs

    g, reference = pair
    a = data.draw(st.integers(0, g.n_nodes - 1))
    b = data.draw(st.integers(0, g.n_nodes - 1))
    for hops in (1, 2, 3):
        assert pairs.distance(g, a, b, hops) == g.distance(a, b, hops)
        assert pairs.shortest_paths(g, a, b, hops) == g.shortest_paths(a, b, hops)
    if a != b:
        assert pairs.shortest_paths(g, a, b) == nx_shortest(reference, a, b)
    found = pairs.mutual(g, a, b)
    assert found.dtype == g.mutual(a, b).dtype
    assert found.tolist() == g.mutual(a, b).tolist()

"""Introduction paths: every path found (against NetworkX), scored as documented."""

import itertools
import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.graph.conftest import facebook, graphs  # noqa: F401 (fixture)
from weakties.graph import Graph
from weakties.opportunity import _kernels
from weakties.opportunity.network import BrokerHistory, EgoTies, network_from_graph
from weakties.opportunity.paths import DO_NOT_ASK, OK, PENDING, PURPOSES, RESTING, find_paths


def brute(reference: nx.Graph, source: int, targets, max_len: int = 3) -> set[tuple[int, ...]]:
    out = set()
    for t in set(targets) - {source}:
        out |= {tuple(p) for p in nx.all_simple_paths(reference, source, t, cutoff=max_len)}
    # a third step through one of the source's own contacts is no introduction
    return {p for p in out if len(p) < 4 or not reference.has_edge(source, p[2])}


@settings(max_examples=60, deadline=None)
@given(graphs(max_nodes=18), st.data())
def test_every_path_of_length_three_is_found(pair, data):
    g, reference = pair
    source = data.draw(st.integers(0, g.n_nodes - 1))
    targets = data.draw(st.lists(st.integers(0, g.n_nodes - 1), max_size=6))
    paths = find_paths(network_from_graph(g, source), np.array(targets, dtype=np.int64))
    assert paths.as_node_paths() == brute(reference, source, targets)
    assert len(paths) == len(paths.as_node_paths())  # each path once


def test_paths_on_real_data_equal_brute_force(facebook):  # noqa: F811
    g, reference = facebook
    rng = np.random.default_rng(5)
    degree = g.degree()
    sources = rng.choice(np.flatnonzero((degree >= 10) & (degree <= 60)), size=6, replace=False)
    adjacency = {x: set(reference[x]) for x in reference}
    for source in sources.tolist():
        # a small "organisation": people within reach of the source
        ball = np.flatnonzero(g.bfs(source, 3) >= 1)
        targets = set(rng.choice(ball, size=min(40, ball.size), replace=False).tolist())
        paths = find_paths(network_from_graph(g, source), np.array(sorted(targets)))
        expected = set()
        for a in adjacency[source]:
            expected |= {(source, a)} if a in targets else set()
            for b in adjacency[a] - {source}:
                expected |= {(source, a, b)} if b in targets else set()
                if b in adjacency[source]:
                    continue  # the source's own contact: asked directly, not through a
                for c in adjacency[b] - {source, a}:
                    expected |= {(source, a, b, c)} if c in targets else set()
        assert paths.as_node_paths() == expected
        assert len(expected) > 0


def weighted(edges: dict[tuple[int, int], float], n: int) -> Graph:
    u = np.array([a for a, _ in edges])
    v = np.array([b for _, b in edges])
    w = np.array(list(edges.values()))
    return Graph.from_edges(u, v, w, n_nodes=n)


@settings(max_examples=40, deadline=None)
@given(graphs(max_nodes=14), st.data())
def test_link_strengths_along_each_path(pair, data):
    g0, _ = pair
    u, v, _ = g0.edges()
    weights = data.draw(st.lists(st.floats(0.0, 1.0, width=32), min_size=u.size, max_size=u.size))
    g = Graph.from_edges(u, v, np.array(weights, dtype=np.float32), n_nodes=g0.n_nodes)
    w = {}
    for a, b, x in zip(u.tolist(), v.tolist(), weights, strict=True):
        w[(a, b)] = w[(b, a)] = x
    source = data.draw(st.integers(0, g.n_nodes - 1))
    targets = np.arange(g.n_nodes)
    found = g.paths_to(source, targets, strengths=True)
    ask, onward, last = found.links
    for i, path in enumerate(found.as_lists()):
        links = [w[(p, q)] for p, q in itertools.pairwise(path)] + [1.0, 1.0]
        assert [ask[i], onward[i], last[i]] == pytest.approx(links[:3])


def test_the_weakest_link_carries_the_ask():
    # 0 = viewer. Broker 1: strong tie to the viewer, weak to the target 5.
    # Broker 2: moderate to the viewer, strong to the target.
    g = weighted({(0, 1): 0.9, (1, 5): 0.1, (0, 2): 0.5, (2, 5): 0.9}, 6)
    net = network_from_graph(g, 0)
    paths = find_paths(net, np.array([5]), purpose="client")
    best = paths.top(1)[0]
    assert paths.first[best] == 2
    # the score never exceeds the weakest link (client: ask term = strength)
    assert np.all(paths.score <= np.minimum(paths.ask, np.minimum(paths.onward, paths.last)) + 1e-9)


def test_the_purpose_changes_the_ranking():
    """job peaks at a moderately weak tie (Rajkumar et al. 2022); client grows with
    strength."""
    g = weighted({(0, 1): 0.95, (1, 5): 0.9, (0, 2): 0.35, (2, 6): 0.9}, 7)
    net = network_from_graph(g, 0)
    job = find_paths(net, np.array([5, 6]), purpose="job")
    client = find_paths(net, np.array([5, 6]), purpose="client")
    assert job.first[job.top(1)[0]] == 2
    assert client.first[client.top(1)[0]] == 1
    term = PURPOSES["job"].ask_term(np.array([0.0, 0.35, 1.0]))
    assert term.tolist() == pytest.approx([0.0, 1.0, PURPOSES["job"].strong_floor])


def test_novelty_and_only_way_are_hand_computed():
    # viewer 0 knows 1, 2, 3. 1 knows 2 and 3 (all redundant); 2 knows 10, 11 (new).
    edges = {(0, 1): 0.5, (0, 2): 0.5, (0, 3): 0.5, (1, 2): 0.5, (1, 3): 0.5}
    edges |= {(2, 10): 0.5, (2, 11): 0.5, (3, 11): 0.5}
    g = weighted(edges, 12)
    net = network_from_graph(g, 0)
    # contacts 1, 2, 3: 1 -> {0,2,3}: 0 of 2 outside; 2 -> {0,1,10,11}: 2 of 3;
    # 3 -> {0,1,11}: 1 of 2
    assert net.novelty().tolist() == pytest.approx([0.0, 2 / 3, 0.5])
    paths = find_paths(net, np.array([10, 11]), max_len=2)
    only = {
        (int(paths.first[i]), int(paths.target[i])): bool(paths.only_way[i])
        for i in range(len(paths))
    }
    assert only == {(2, 10): True, (2, 11): False, (3, 11): False}


def test_three_step_paths_are_discounted_and_direct_ties_listed_apart():
    g = weighted({(0, 1): 0.6, (1, 2): 0.6, (2, 3): 0.6, (0, 3): 0.4}, 4)
    paths = find_paths(network_from_graph(g, 0), np.array([3]), purpose="client")
    lengths = sorted(paths.length.tolist())
    assert lengths == [1, 3]
    three = int(np.flatnonzero(paths.length == 3)[0])
    assert paths.weakest[three] == pytest.approx(0.6 * PURPOSES["client"].third_hop)
    # a brokered path; the direct tie is listed apart
    assert paths.top(5, skip_known=False).tolist() == [three]
    assert paths.top(5).tolist() == []  # no introduction to someone you know yourself
    assert paths.direct().tolist() == [int(np.flatnonzero(paths.length == 1)[0])]


def test_no_path_goes_on_through_the_viewers_own_contact():
    """0 knows 1 and 2, who know each other; 2 knows the target 3. Asking 1 to ask
    2, the viewer's own contact, is no introduction: the path is 0-2-3 only."""
    g = weighted({(0, 1): 0.9, (0, 2): 0.05, (1, 2): 0.9, (2, 3): 0.9}, 4)
    paths = find_paths(network_from_graph(g, 0), np.array([3]))
    assert paths.as_node_paths() == {(0, 2, 3)}


def test_outcomes_feed_back_and_an_open_ask_puts_the_path_on_hold():
    g = weighted({(0, 1): 0.5, (1, 5): 0.5, (0, 2): 0.5, (2, 5): 0.5}, 6)
    net = network_from_graph(g, 0)
    before = find_paths(net, np.array([5]))
    assert before.score[0] == pytest.approx(before.score[1])
    net.history = {1: BrokerHistory(introduced=1), 2: BrokerHistory(declined=1)}
    after = find_paths(net, np.array([5]))
    by_broker = {int(after.first[i]): float(after.score[i]) for i in range(len(after))}
    assert by_broker[1] > before.score[0] > by_broker[2]
    net.history = {1: BrokerHistory(open_since=net.as_of)}
    held = find_paths(net, np.array([5]))
    status = {int(held.first[i]): int(held.status[i]) for i in range(len(held))}
    assert status == {1: PENDING, 2: OK}
    assert held.first[held.top(1)[0]] == 2  # askable paths first


def test_freshness_uses_recent_contact_and_tenure():
    g = weighted({(0, 1): 0.5, (1, 5): 0.5, (0, 2): 0.5, (2, 5): 0.5}, 6)
    ego = EgoTies(
        np.array([1, 2], dtype=np.int32),
        np.array([0.5, 0.5]),
        np.array(["weak", "weak"], dtype=object),
        np.array([10.0, 2000.0]),
        np.array([5.0, 0.0]),
        np.array([20.0, 3.0]),
    )
    net = network_from_graph(g, 0, ego=ego)
    paths = find_paths(net, np.array([5]), tenure_years={1: 4.0, 2: 0.5})
    fresh = {int(paths.first[i]): float(paths.freshness[i]) for i in range(len(paths))}
    assert fresh[1] == pytest.approx(0.6 * math.exp(-10 / 365) + 0.4 * 1.0)
    assert fresh[2] == pytest.approx(0.6 * math.exp(-2000 / 365) + 0.4 * 0.25)
    # brokers who work at the target's organisation stay in the ranking
    assert sorted(int(paths.first[i]) for i in paths.top(5)) == [1, 2]
    assert int(paths.first[paths.top(1)[0]]) == 1


def test_tenure_does_not_hide_targets_or_show_known_ones():
    # the viewer knows target 5 directly and reaches target 6 through 1
    g = weighted({(0, 1): 0.5, (1, 5): 0.5, (0, 5): 0.5, (1, 6): 0.5}, 7)
    paths = find_paths(network_from_graph(g, 0), np.array([5, 6]), tenure_years={1: 3.0})
    top = paths.top(5, per_broker=None)
    assert {int(paths.target[i]) for i in top} == {6}
    assert paths.known.tolist() == [bool(t == 5) for t in paths.target.tolist()]


def test_do_not_ask_holds_for_every_person_a_path_would_ask():
    # 0 - 1 - 5 (target); 0 - 2 - 3 - 6; 0 - 4 - 6
    edges = {(0, 1): 0.5, (1, 5): 0.5, (0, 2): 0.5, (2, 3): 0.5, (3, 6): 0.5, (0, 4): 0.5}
    g = weighted(edges | {(4, 6): 0.5}, 7)
    net = network_from_graph(g, 0)
    for marked, expected in (
        ({1}, {(1, 5): DO_NOT_ASK, (2, 6): OK, (4, 6): OK}),  # a broker
        ({3}, {(1, 5): OK, (2, 6): DO_NOT_ASK, (4, 6): OK}),  # the second intermediary
        ({6}, {(1, 5): OK, (2, 6): DO_NOT_ASK, (4, 6): DO_NOT_ASK}),  # the target
    ):
        paths = find_paths(net, np.array([5, 6]), do_not_ask=marked)
        got = {
            (int(paths.first[i]), int(paths.target[i])): int(paths.status[i])
            for i in range(len(paths))
        }
        assert got == expected, marked


def test_a_broker_resting_after_an_ask_is_on_hold():
    import datetime as dt

    g = weighted({(0, 1): 0.5, (1, 5): 0.5, (0, 2): 0.4, (2, 5): 0.4}, 6)
    net = network_from_graph(g, 0)
    net.history = {1: BrokerHistory(declined=1, resting_until=dt.date(2099, 1, 1))}
    paths = find_paths(net, np.array([5]))
    status = {int(paths.first[i]): int(paths.status[i]) for i in range(len(paths))}
    assert status == {1: RESTING, 2: OK}
    assert paths.first[paths.top(1)[0]] == 2


def test_warmest_reach_is_the_best_weakest_link():
    edges = {(0, 1): 0.9, (0, 2): 0.3, (1, 3): 0.2, (2, 3): 0.8, (1, 4): 0.7, (3, 5): 1.0}
    g = weighted(edges, 6)
    nodes, warmth, via = _kernels.warmest_reach(g.indptr, g.indices, g.strength, 0)
    got = dict(zip(nodes.tolist(), zip(warmth.tolist(), via.tolist(), strict=True), strict=True))
    assert got.keys() == {1, 2, 3, 4}
    assert got[1] == (pytest.approx(0.9), -1)
    assert got[3] == (pytest.approx(0.3), 2)  # max(min(.9,.2), min(.3,.8))
    assert got[4] == (pytest.approx(0.7), 1)

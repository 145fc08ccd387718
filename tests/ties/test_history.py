"""Features at a cut date from traces with a known answer, worked out by hand."""

import networkx as nx
import numpy as np
import pytest

from weakties.ties.history import (
    DAY,
    KIND,
    TIE_FEATURES,
    Traces,
    cut_schedule,
    embeddedness,
    network_at,
    pair_key,
    tie_features,
    tie_samples,
)

CUT = 100 * DAY


def at(day: float) -> float:
    return day * DAY


# (sender, recipient, day, recipients, kind)
ROWS = [
    (1, 2, 10, 1, "message"),
    (2, 1, 50, 1, "message"),
    (1, 2, 95, 1, "message"),
    (2, 1, 95.5, 1, "message"),
    (1, 3, 60, 1, "meeting"),
    (1, 3, 80, 4, "email"),
    (2, 3, 30, 1, "message"),
    (3, 4, 99, 1, "message"),
    (3, 4, 99.2, 1, "endorsement"),  # not contact
    (1, 2, 101, 1, "message"),  # after the cut
    (1, 2, 120, 1, "message"),  # in the next month
]


def traces(rows=ROWS) -> Traces:
    s, r, d, g, k = zip(*rows, strict=True)
    return Traces.of(
        np.array(s),
        np.array(r),
        np.array([at(x) for x in d]),
        np.array(g),
        np.array([KIND[x] for x in k]),
    )


@pytest.fixture
def features():
    net = network_at(traces().conversations(), CUT)
    x = tie_features(net)
    rows = {
        (int(a), int(b)): i
        for i, (a, b) in enumerate(zip(net.people[net.u], net.people[net.v], strict=True))
    }
    return net, x, rows


def test_pairs_before_the_cut_only(features):
    net, _x, rows = features
    assert sorted(rows) == [(1, 2), (1, 3), (2, 3), (3, 4)]
    assert net.pair["count"][rows[(1, 2)]] == 4  # the messages on days 101 and 120 are later


def test_intensity_recency_duration(features):
    _net, x, rows = features
    i = rows[(1, 2)]
    # ages at the cut: 90, 50, 5, 4.5 days
    assert x["n7"][i] == 2
    assert x["n30"][i] == 2
    assert x["n90"][i] == 3  # 90 days is not within the last 90
    assert x["n365"][i] == 4
    assert x["days_since"][i] == pytest.approx(4.5)
    assert x["tie_age"][i] == pytest.approx(90)
    assert x["decayed30"][i] == pytest.approx(sum(np.exp(-a / 30) for a in (90, 50, 5, 4.5)))
    # an e-mail to four people weighs 1/2
    j = rows[(1, 3)]
    assert x["n30"][j] == pytest.approx(0.5)
    assert x["n90"][j] == pytest.approx(1.5)


def test_regularity_burstiness_trajectory(features):
    _net, x, rows = features
    i = rows[(1, 2)]
    # contact days 10, 50, 95 (two messages on day 95): weeks 1, 7, 13 of 13 weeks known
    assert x["regularity"][i] == pytest.approx(3 / 13)
    gaps = np.array([40.0, 45.0])
    assert x["burstiness"][i] == pytest.approx(
        (gaps.std() - gaps.mean()) / (gaps.std() + gaps.mean())
    )
    # 2 contacts in the last 30 days, 1 in the 30 before
    assert x["trend"][i] == pytest.approx(np.log(3 / 2))
    # 4.5 days since the last contact, usually every 90 / 3 = 30 days
    assert x["overdue"][i] == pytest.approx(4.5 / 30)
    assert x["days30"][i] == 1


def test_reciprocity_channels_closeness(features):
    _net, x, rows = features
    i = rows[(1, 2)]
    assert x["balance"][i] == 1.0  # two each way
    assert x["turns"][i] == 1.0  # every message answers the previous one
    j = rows[(1, 3)]
    assert x["balance"][j] == 0.0  # 1 wrote both
    assert x["channels"][j] == 2  # a meeting and an e-mail
    assert x["closeness"][j] == pytest.approx((1 + 0.5) / 2)
    assert x["channels"][i] == 1


def test_structure_and_context(features):
    _net, x, rows = features
    i = rows[(1, 2)]
    # 1 and 2 share 3; 3 is in touch with 1, 2, 4
    assert x["mutual"][i] == 1
    assert x["jaccard"][i] == 1.0
    assert x["adamic_adar"][i] == pytest.approx(1 / np.log(3))
    # contacts with anyone in the last 30 days: 1 has 2 with 2 and 1 with 3; 2 has 2
    assert x["active_min"][i] == 2
    assert x["active_max"][i] == 3
    assert x["idle_min"][i] == pytest.approx(4.5)
    # since 1 and 3 last spoke (day 80): 1 wrote twice with 2, 3 once with 4
    j = rows[(1, 3)]
    assert x["elsewhere_min"][j] == 1
    assert x["elsewhere_max"][j] == 2
    # the pair's share of each side's contact in the last year: 4 of 1's 6, 4 of 2's 5
    assert x["share_min"][i] == pytest.approx(4 / 6)
    assert x["share_max"][i] == pytest.approx(4 / 5)


def test_every_feature_is_computed_and_finite(features):
    _net, x, _rows = features
    assert set(x) == set(TIE_FEATURES)
    assert all(np.isfinite(v).all() for v in x.values())


def test_nothing_at_or_after_the_cut_changes_the_features():
    before = tie_features(network_at(traces().conversations(), CUT))
    later = [*ROWS, (1, 4, 100, 1, "message"), (2, 4, 150, 1, "message")]
    after = tie_features(network_at(traces(later).conversations(), CUT))
    for name in before:
        np.testing.assert_array_equal(before[name], after[name], err_msg=name)


def test_labels_are_the_next_period():
    samples = tie_samples(traces().conversations(), [CUT], horizon_days=30)
    y = dict(zip(samples.keys.tolist(), samples.y.tolist(), strict=True))
    key = pair_key(np.array([1, 1, 2, 3]), np.array([2, 3, 3, 4])).tolist()
    # 1-2 wrote on days 101 and 120; nobody else did
    assert [y[k] for k in key] == [1.0, 0.0, 0.0, 0.0]
    short = tie_samples(traces().conversations(), [CUT], horizon_days=10)
    assert dict(zip(short.keys.tolist(), short.y.tolist(), strict=True))[key[0]] == 1.0


def test_cut_schedule_leaves_the_label_period_before_the_date():
    cuts = cut_schedule(at(0), at(100), horizon_days=30, step_days=7, min_history_days=14)
    # the latest cut's month ends by day 100; the earliest has two weeks of history
    assert cuts[0] == at(70)
    assert cuts.min() >= at(14)
    assert np.all(np.diff(cuts) == -7 * DAY)
    assert cut_schedule(at(0), at(40), horizon_days=30, min_history_days=14).size == 0


def test_embeddedness_equals_networkx():
    rng = np.random.default_rng(1)
    g = nx.gnm_random_graph(60, 240, seed=2)
    edges = np.array(g.edges())
    days = rng.uniform(0, 50, len(edges))
    tr = Traces.of(edges[:, 0], edges[:, 1], days * DAY)
    net = network_at(tr, at(60))
    pairs = rng.choice(60, size=(200, 2))
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    pairs = pairs[np.isin(pairs, net.people).all(axis=1)]
    u, v = net.index(pairs[:, 0]), net.index(pairs[:, 1])
    cn, jaccard, aa, ra = embeddedness(net, u, v)
    for k, (a, b) in enumerate(pairs.tolist()):
        assert cn[k] == len(list(nx.common_neighbors(g, a, b)))
        ((_, _, expected_aa),) = nx.adamic_adar_index(g, [(a, b)])
        ((_, _, expected_ra),) = nx.resource_allocation_index(g, [(a, b)])
        assert aa[k] == pytest.approx(expected_aa)
        assert ra[k] == pytest.approx(expected_ra)
        # Jaccard of the neighbourhoods without the pair itself
        na, nb = set(g[a]) - {b}, set(g[b]) - {a}
        assert jaccard[k] == pytest.approx(len(na & nb) / len(na | nb) if na | nb else 0.0)

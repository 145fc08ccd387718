"""evaluation/stats.py: the bootstrap that resamples people, not pairs, on cases
small enough to know what it must give."""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "evaluation" / "stats.py"


@pytest.fixture(scope="module")
def stats():
    spec = importlib.util.spec_from_file_location("evaluation_stats", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def width(values: np.ndarray, stats) -> float:
    lo, hi = stats.interval(values)
    return hi - lo


def hubs(n_hubs: int = 20, leaves: int = 50) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each hub writes to its own leaves; whether a pair is in touch again is the
    hub's habit: every pair of an even hub, none of an odd one."""
    hub = np.repeat(np.arange(n_hubs), leaves)
    leaf = 1000 + np.arange(n_hubs * leaves)
    y = (hub % 2 == 0).astype(float)
    return hub, leaf, y


def test_every_replicate_draws_as_many_people_as_there_are(stats):
    people = stats.People.draw(np.random.default_rng(0), np.array([5, 3, 9, 3]), 200)
    assert people.ids.tolist() == [3, 5, 9]
    assert people.draws.shape == (200, 3)
    assert (people.draws.sum(axis=1) == 3).all()
    # a pair counts as often as its two people were drawn together
    w = people.pairs(np.array([3, 9]), np.array([5, 5]))
    assert np.array_equal(w[:, 0], people.draws[:, 0] * people.draws[:, 1])
    assert np.array_equal(w[:, 1], people.draws[:, 2] * people.draws[:, 1])
    with pytest.raises(ValueError, match="outside"):
        people.of(np.array([4]))


def test_pairs_that_share_people_get_a_wider_interval_than_pairs_resampled(stats):
    """1,000 pairs, but the outcome is decided by 20 people: the share in touch
    again is known to within about ±0.22 (20 clusters), not ±0.03 (1,000 pairs)."""
    hub, leaf, y = hubs()
    rng = np.random.default_rng(1)
    pairwise = stats.weighted_mean(y, stats.multiplicities(rng, y.size))
    people = stats.People.draw(rng, np.r_[hub, leaf])
    clustered = stats.weighted_mean(y, people.pairs(hub, leaf))
    assert width(pairwise, stats) < 0.08
    assert width(clustered, stats) > 0.3
    assert width(clustered, stats) > 4 * width(pairwise, stats)
    # and the interval is around the value, not shifted
    assert np.nanmedian(clustered) == pytest.approx(0.5, abs=0.06)


def test_the_auc_interval_widens_with_people_too(stats):
    """A score that only knows the hub (with noise): its AUC's interval over
    people is wider than over pairs."""
    hub, leaf, y = hubs()
    rng = np.random.default_rng(2)
    score = (hub % 4 == 0) + rng.random(y.size)  # right for half the even hubs
    ranked = stats.ranked(score, y)
    pairwise = np.array([stats.weighted_auc(ranked, w) for w in stats.multiplicities(rng, y.size)])
    people = stats.People.draw(rng, np.r_[hub, leaf])
    clustered = np.array([stats.weighted_auc(ranked, w) for w in people.pairs(hub, leaf)])
    assert stats.auc(score, y) == pytest.approx(0.75, abs=0.03)
    assert width(clustered, stats) > 3 * width(pairwise, stats)


def test_one_draw_for_every_cut_keeps_their_correlation(stats):
    """Two cuts with the same people and the same outcomes: the mean over the cuts
    is no better known than one cut. Drawing each cut's people apart would halve
    the variance (the interval narrower by about √2)."""
    hub, leaf, y = hubs()
    rng = np.random.default_rng(3)
    shared = stats.People.draw(rng, np.r_[hub, leaf])
    w = shared.pairs(hub, leaf)
    one_cut = stats.weighted_mean(y, w)
    both = (stats.weighted_mean(y, w) + stats.weighted_mean(y, w)) / 2
    assert np.allclose(both, one_cut, equal_nan=True)
    apart = stats.People.draw(rng, np.r_[hub, leaf])
    independent = (one_cut + stats.weighted_mean(y, apart.pairs(hub, leaf))) / 2
    assert width(both, stats) > 1.2 * width(independent, stats)


def test_a_unit_of_one_person_weighs_what_that_person_was_drawn(stats):
    """Per-person precision: the replicate's mean is the mean over the people
    drawn, each as many times as drawn."""
    people = stats.People.draw(np.random.default_rng(4), np.array([1, 2, 3]), 50)
    values = np.array([0.0, 0.5, 1.0])
    got = stats.weighted_mean(values, people.of(np.array([1, 2, 3])))
    for r in range(50):
        drawn = np.repeat(values, people.draws[r].astype(int))
        assert got[r] == pytest.approx(drawn.mean())


def test_wilson_interval_matches_its_published_values(stats):
    """Wilson's score interval: 81 of 263 is [0.2553, 0.3662] (Newcombe 1998,
    Statistics in Medicine 17: 857-872, table II, method 3), 0 of 10 starts at 0
    and 10 of 10 ends at 1, and the interval holds the share."""
    lo, hi = stats.wilson(81, 263)
    assert (round(lo, 4), round(hi, 4)) == (0.2553, 0.3662)
    assert stats.wilson(0, 10)[0] == pytest.approx(0.0, abs=1e-12)
    assert stats.wilson(10, 10)[1] == pytest.approx(1.0, abs=1e-12)
    lo, hi = stats.wilson(84, 100)
    assert lo < 0.84 < hi and (round(lo, 2), round(hi, 2)) == (0.76, 0.90)

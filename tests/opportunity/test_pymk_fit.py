"""The fitted people-you-may-know ranker orders the very top of a ranking: a
person's ten suggestions come from the highest values of the inputs, beyond the
99th percentile of the training rows when candidates number in the thousands."""

import numpy as np

from weakties.opportunity.pymk_model import PYMK_FEATURES, fit_pymk
from weakties.ties.history import DAY, Samples


def history(n: int, seed: int) -> Samples:
    """Rows of three cuts where only the candidate's new contacts of the month
    raise the chance of a first contact, all the way up; the other inputs are
    noise."""
    rng = np.random.default_rng(seed)
    x = {name: rng.exponential(3.0, n) for name in PYMK_FEATURES}
    x["jaccard"] = rng.uniform(0, 1, n)
    x["new"] = np.floor(rng.lognormal(1.0, 1.2, n))
    z = -5.0 + 1.2 * np.log1p(x["new"])
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(float)
    cut = np.repeat(np.arange(3) * 7 * DAY, -(-n // 3))[:n]
    return Samples(x, y, cut, np.arange(n, dtype=np.int64))


def test_the_shapes_keep_rising_beyond_the_99th_percentile():
    samples = history(60_000, 0)
    model = fit_pymk(samples)
    new = samples.x["new"]
    q99, top = np.quantile(new, 0.99), new.max()
    assert top > 3 * q99  # the top 1 % spans a wide range of the input
    shape = model.shapes["new"]
    gain = float(shape.values(np.array([top]))[0] - shape.values(np.array([q99]))[0])
    # the truth rises by 1.2 x (log1p(top) - log1p(q99)) there; a shape capped
    # at the 99th percentile is flat (gain 0) and ties the top candidates
    truth = 1.2 * (np.log1p(top) - np.log1p(q99))
    assert gain > 0.4 * truth, (gain, truth)
    # the ten rows with the most new contacts, the rest alike, come out in that order
    best = np.argsort(-new, kind="stable")[:10]
    by_new = np.argsort(-new[best], kind="stable")
    assert np.all(np.diff(new[best][by_new]) < 0)  # distinct values
    noise = {k: np.full(10, np.median(v)) for k, v in samples.x.items() if k != "new"}
    alone = model.score({**noise, "new": new[best]})
    assert np.all(np.diff(alone[by_new]) < 0)

"""The additive model and the self-supervised fit: known shapes come back, the
constraints hold, contributions are exact, and a fit on history predicts the future
of a process whose answer is known."""

import numpy as np
import pytest

from weakties.ties.fit import AdditiveModel, fit_additive, fit_with_validation
from weakties.ties.history import DAY, TIE_FEATURES, Traces, network_at, tie_features
from weakties.ties.learned import MIN_POSITIVES, FittedModels, fit_models


def draw(n: int, seed: int):
    rng = np.random.default_rng(seed)
    x = {
        "count": rng.exponential(5.0, n),
        "share": rng.uniform(0, 1, n),
        "noise": rng.normal(0, 1, n),
    }
    z = -1.0 + 1.5 * np.log1p(x["count"]) - 2.0 * x["share"]
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(float)
    return x, y, z


TRANSFORMS = {"count": "log1p", "share": "identity", "noise": "identity"}


def test_known_shapes_come_back():
    x, y, z = draw(60_000, 0)
    model = fit_additive(
        x, y, monotone={"count": 1, "share": -1, "noise": 0}, transforms=TRANSFORMS, penalty=1.0
    )
    # differences along each shape, inside the data's range, are the known ones
    grid = np.array([0.0, 1.0, 3.0, 8.0, 15.0])
    f = model.shapes["count"].values(grid)
    np.testing.assert_allclose(f - f[0], 1.5 * np.log1p(grid), atol=0.15)
    g = model.shapes["share"].values(np.linspace(0, 0.98, 6))
    np.testing.assert_allclose(g - g[0], -2.0 * np.linspace(0, 0.98, 6), atol=0.15)
    h = model.shapes["noise"].values(np.linspace(-2, 2, 5))
    assert np.ptp(h) < 0.15  # no effect, none found
    assert np.mean(np.abs(model.z(x) - z)) < 0.1


def test_constraints_hold_even_against_the_data():
    x, y, _ = draw(20_000, 1)
    # forbid the decrease the data shows: the shape stays flat rather than fall
    model = fit_additive(x, y, monotone={"count": 1, "share": 1}, transforms=TRANSFORMS)
    assert np.all(model.shapes["share"].rises >= 0)
    assert np.ptp(model.shapes["share"].values(np.linspace(0, 1, 20))) < 0.05
    assert np.all(np.diff(model.shapes["count"].values(np.linspace(0, 50, 200))) >= 0)


def test_contributions_add_up_to_the_score_exactly():
    x, y, _ = draw(5000, 2)
    model = fit_additive(
        x, y, monotone={"count": 1, "share": -1, "noise": 0}, transforms=TRANSFORMS
    )
    parts = model.contributions(x)
    total = model.base + sum(parts.values())
    np.testing.assert_allclose(total, model.z(x), atol=1e-9)
    # measured from the average row: each contribution averages zero on the training rows
    assert all(abs(float(np.mean(v))) < 1e-9 for v in parts.values())


def test_json_keeps_the_model():
    x, y, _ = draw(3000, 3)
    model = fit_additive(x, y, monotone={"count": 1, "share": -1}, transforms=TRANSFORMS)
    again = AdditiveModel.from_json(model.to_json())
    np.testing.assert_allclose(again.score(x), model.score(x), atol=1e-5)


def test_penalty_chosen_on_the_latest_cut_only():
    x, y, _ = draw(9000, 4)
    cut = np.repeat([1.0, 2.0, 3.0], 3000)
    model = fit_with_validation(
        x, y, cut, monotone={"count": 1, "share": -1}, transforms=TRANSFORMS
    )
    assert set(model.info["validation_log_loss"]) == {"0.3", "3.0", "30.0"}
    assert model.info["cuts"] == 3
    single = fit_with_validation(
        x, y, np.ones(9000), monotone={"count": 1, "share": -1}, transforms=TRANSFORMS
    )
    assert single.info["validation_log_loss"] == {}


def poisson_world(pairs: int, days: float, seed: int):
    """Pairs writing at their own steady rate (a Poisson process per pair): the best
    possible prediction of contact in the next 30 days is 1 - exp(-30 rate)."""
    rng = np.random.default_rng(seed)
    rate = np.exp(rng.normal(np.log(1 / 40), 1.2, pairs))  # per day
    senders, recipients, times = [], [], []
    for p in range(pairs):
        n = rng.poisson(rate[p] * days)
        t = np.sort(rng.uniform(0, days, n))
        senders.append(np.full(n, 2 * p))
        recipients.append(np.full(n, 2 * p + 1))
        times.append(t * DAY)
    return (
        Traces.of(np.concatenate(senders), np.concatenate(recipients), np.concatenate(times)),
        rate,
    )


def test_fit_on_history_predicts_the_next_month():
    from sklearn.metrics import roc_auc_score

    traces, rate = poisson_world(3000, 400, 5)
    as_of = 370 * DAY
    fitted = fit_models(traces, as_of, pymk=False)
    assert fitted.ties is not None, fitted.notes
    net = network_at(traces, as_of)
    score = fitted.ties.score(tie_features(net))
    later = traces.between(as_of, as_of + 30 * DAY)
    y = np.isin(net.keys, np.unique(later.pair_keys()))
    pair = (net.people[net.u] // 2).astype(int)
    best = roc_auc_score(y, rate[pair])  # knowing each pair's true rate
    got = roc_auc_score(y, score)
    assert got > best - 0.03, (got, best)
    # and the score is a probability of the month's contact, right on average within
    # a few points (the pairs of today are older than those of the training cuts)
    assert abs(score.mean() - y.mean()) < 0.05
    # more recent contact never lowers the score, with everything else kept
    shape = fitted.ties.shapes["days_since"]
    assert np.all(np.diff(shape.values(np.linspace(0, 400, 100))) <= 0)


def test_too_short_a_history_falls_back_and_says_why():
    traces, _ = poisson_world(300, 40, 6)
    fitted = fit_models(traces, 40 * DAY)
    assert fitted.ties is None and fitted.pymk is None
    assert "days of history" in fitted.notes["ties"]
    few, _ = poisson_world(6, 200, 7)
    thin = fit_models(few, 200 * DAY, pymk=False)
    assert thin.ties is None
    assert f"needs {MIN_POSITIVES['ties']}" in thin.notes["ties"]
    kept = FittedModels.from_json(thin.to_json())
    assert kept.notes == thin.notes and kept.ties is None


def test_the_minimum_history_counts_distinct_pairs_not_rows():
    """Fewer distinct pairs than the measured minimum, each writing every 25 days
    or so for 150 days: across the overlapping weekly cuts they give more rows of
    each kind than the minimum, but the rows repeat the same pairs — so the
    priors are used and the note says so."""
    need = MIN_POSITIVES["ties"]
    rng = np.random.default_rng(0)
    every = np.array([(a, b) for a in range(30) for b in range(a + 1, 30)])
    n_pairs = need - 10
    pairs = every[rng.choice(len(every), n_pairs, replace=False)]
    n = 6 * n_pairs
    k = rng.integers(0, n_pairs, n)
    flip = rng.random(n) < 0.5
    a, b = pairs[k, 0], pairs[k, 1]
    t = np.sort(rng.uniform(0, 150, n)) * DAY
    traces = Traces.of(np.where(flip, a, b), np.where(flip, b, a), t)
    fitted = fit_models(traces, 150 * DAY, pymk=False)
    seen = fitted.summary["ties"]
    # counted in rows, both sides would pass: the rows repeat the same pairs
    assert seen["positives"] >= need and seen["rows"] - seen["positives"] >= need
    assert seen["pairs"] <= n_pairs and seen["positive_pairs"] < need
    assert fitted.ties is None
    note = fitted.notes["ties"]
    assert note == (
        f"{seen['positive_pairs']} distinct pairs in touch again and "
        f"{seen['negative_pairs']} not in the past periods; a fit needs {need} of each"
    )
    # the same history with the minimum at its distinct pairs is fitted
    enough = min(seen["positive_pairs"], seen["negative_pairs"])
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(MIN_POSITIVES, "ties", enough)
        assert fit_models(traces, 150 * DAY, pymk=False).ties is not None


def test_the_rankers_minimum_history_counts_distinct_new_pairs_not_rows():
    """Fewer distinct new pairs than the ranker's measured minimum, each first in
    touch some weeks after the cuts begin: every pair is new at each weekly cut of
    the 30 days before it meets, so the rows outnumber the minimum while the new
    pairs do not — Katz's index is used and the note says so."""
    need = MIN_POSITIVES["pymk"]
    rng = np.random.default_rng(1)
    people = 40
    # everyone writes to person 0 in the first days: every pair is two steps apart
    hub = np.arange(1, people)
    early = np.sort(rng.uniform(0, 10, hub.size)) * DAY
    every = np.array([(a, b) for a in range(1, people) for b in range(a + 1, people)])
    n_pairs = need - 5
    met = every[rng.choice(len(every), n_pairs, replace=False)]
    first = rng.uniform(55, 140, n_pairs) * DAY
    traces = Traces.of(
        np.r_[hub, met[:, 0]], np.r_[np.zeros(hub.size, np.int64), met[:, 1]], np.r_[early, first]
    )
    fitted = fit_models(traces, 150 * DAY)
    seen = fitted.summary["pymk"]
    # counted in rows, the history would pass: a pair is new at several cuts
    assert seen["positives"] >= need
    assert seen["positive_pairs"] == n_pairs < need
    assert fitted.pymk is None
    assert fitted.notes["pymk"] == (
        f"{n_pairs} distinct new pairs in the past periods; a fit needs {need}"
    )
    # the same history with the minimum at its distinct new pairs is fitted
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(MIN_POSITIVES, "pymk", n_pairs)
        assert fit_models(traces, 150 * DAY).pymk is not None


def test_every_tie_feature_has_a_documented_dimension():
    dims = {d for d, _ in TIE_FEATURES.values()}
    assert dims <= {
        "intensity",
        "recency",
        "duration",
        "regularity",
        "trajectory",
        "reciprocity",
        "channel",
        "intimacy",
        "structural",
        "context",
    }


@pytest.mark.parametrize("direction", [1, -1])
def test_monotone_directions_are_bounds(direction):
    x, y, _ = draw(4000, 8)
    model = fit_additive(x, y, monotone={"noise": direction}, transforms=TRANSFORMS)
    assert np.all(direction * model.shapes["noise"].rises >= 0)


def test_a_fit_stamp_tells_fits_apart_and_when_one_stops_serving():
    """What is kept of a member's scored pages is checked against this stamp: it
    changes with the fit kept, and within a day when the fit stops serving."""
    import datetime as dt

    from weakties.ties.learned import FRESH_DAYS, fit_stamp

    made = dt.datetime(2024, 3, 1, 9, 0)
    at = made.replace(tzinfo=dt.UTC).timestamp()
    one = FittedModels(at, 30.0, AdditiveModel(1.0, {}), None).to_json()
    two = FittedModels(at, 30.0, AdditiveModel(-1.0, {}), None).to_json()
    assert fit_stamp(None, made) is None and fit_stamp("", made) is None
    assert fit_stamp(one, made) == fit_stamp(one, made)
    assert fit_stamp(one, made)[1] is True
    assert fit_stamp(one, made)[0] != fit_stamp(two, made)[0]
    last = made + dt.timedelta(days=FRESH_DAYS)  # its last moment; a minute later, same day
    assert fit_stamp(one, last)[1] is True
    assert fit_stamp(one, last + dt.timedelta(minutes=1))[1] is False
    assert fit_stamp(one, made - dt.timedelta(minutes=1))[1] is False  # saw that date's future
    assert fit_stamp(one, last.replace(tzinfo=dt.UTC)) == fit_stamp(one, last)
    assert fit_stamp("garbage", made)[1] is False
    assert fit_stamp('{"as_of": "x"}', made)[1] is False

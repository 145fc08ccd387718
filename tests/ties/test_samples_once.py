"""``weakties model fit`` builds each past cut's network once for both models'
rows (pymk_model.samples_at_cuts): the rows must be those tie_samples and
formation_samples give apart, negatives drawn alike."""

import numpy as np

from weakties.opportunity.pymk_model import PlaceSpans, formation_samples, samples_at_cuts
from weakties.ties.history import DAY, Samples, Traces, cut_schedule, tie_samples


def world(seed: int = 4) -> tuple[Traces, np.ndarray, PlaceSpans, float]:
    """Messages among 80 people in eight circles over 200 days (a circle's members
    meet one another over time), some dated ties, and two workplaces."""
    rng = np.random.default_rng(seed)
    n, days = 80, 200
    circle = rng.integers(0, 8, n)
    rows = []
    for _ in range(3000):
        a = int(rng.integers(0, n))
        mates = np.flatnonzero(circle == circle[a])
        b = int(rng.choice(mates)) if rng.random() < 0.8 else int(rng.integers(0, n))
        if a != b:
            rows.append((a, b, rng.random() * days * DAY))
    rows.sort(key=lambda r: r[2])
    s, r, t = map(np.array, zip(*rows, strict=True))
    traces = Traces.of(s, r, t.astype(np.float64))
    pairs = rng.integers(0, n, (60, 2))
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    since = np.where(rng.random(len(pairs)) < 0.2, np.nan, rng.random(len(pairs)) * days * DAY)
    ties = np.column_stack([pairs.astype(np.float64), since])
    people = np.arange(n)
    spans = PlaceSpans(
        people,
        people % 2,
        np.where(people % 3 == 0, np.nan, 20 * DAY),
        np.full(n, np.nan),
    )
    return traces, ties, spans, days * DAY


def same(a: Samples, b: Samples) -> None:
    assert a.x.keys() == b.x.keys()
    for name in a.x:
        np.testing.assert_array_equal(a.x[name], b.x[name], err_msg=name)
    for field in ("y", "cut", "keys"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field), err_msg=field)


def test_one_pass_gives_the_rows_of_both_functions():
    traces, ties, spans, end = world()
    cuts = cut_schedule(float(traces.t[0]), end)
    assert cuts.size >= 3
    ties_rows, formed = samples_at_cuts(traces, cuts, ties=ties, spans=spans, seed=2)
    apart = formation_samples(traces, cuts, ties=ties, spans=spans, seed=2)
    assert formed is not None and apart.y.sum() > 0 and (apart.y == 0).any()
    same(ties_rows, tie_samples(traces, cuts, ties=ties))
    same(formed, apart)
    only, none = samples_at_cuts(traces, cuts, ties=ties, formation=False)
    assert none is None
    same(only, ties_rows)

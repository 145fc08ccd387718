"""evaluation/rolling_eval.py: an input of the ranker without a direction from
theory (the candidate's partners, their age here) is a baseline in the direction
it ranks alone on the training rows, not in its fitted shape's, which beside the
other inputs can go the other way (on CollegeMsg the partners' shape fell, and
the baseline ranked the least connected first: precision@10 0.0000)."""

import sys
from pathlib import Path

import numpy as np

from weakties.opportunity.pymk_model import PYMK_FEATURES
from weakties.ties.history import Samples

EVALUATION = Path(__file__).resolve().parents[1] / "evaluation"


def rows(sign: float, seed: int) -> Samples:
    rng = np.random.default_rng(seed)
    n = 4000
    x = {name: rng.exponential(2.0, n) for name in PYMK_FEATURES}
    z = -2.0 + sign * np.log1p(x["degree"]) - 0.5 * np.log1p(x["age"])
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(float)
    return Samples(x, y, np.zeros(n), np.arange(n, dtype=np.int64))


def test_free_inputs_rank_the_way_they_rank_alone_on_the_training_rows():
    sys.path.insert(0, str(EVALUATION))
    try:
        import rolling_eval
    finally:
        sys.path.remove(str(EVALUATION))
    up, down = rows(1.0, 0), rows(-1.0, 1)
    assert rolling_eval.directions_alone(up) == {"degree": 1, "age": -1}
    assert rolling_eval.directions_alone(down) == {"degree": -1, "age": -1}
    # the baseline ranks by that direction: highest partners first when upward
    x = {name: np.array([1.0, 50.0, 5.0]) for name in PYMK_FEATURES}
    score = rolling_eval.single_inputs(x, {"degree": 1, "age": -1})
    assert np.argmax(score["feature:degree"]) == 1
    assert np.argmax(rolling_eval.single_inputs(x, {"degree": -1})["feature:degree"]) == 0

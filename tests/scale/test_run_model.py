"""Which tie model a batch run scores with: the embedded engine's choice for the
export's viewer, checked again against the run's date (no Spark needed)."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np

from weakties.scale.fitted import run_model
from weakties.scale.source import Source
from weakties.ties.fit import AdditiveModel, Shape
from weakties.ties.learned import FittedModels
from weakties.ties.model import DEFAULT, TieModel

FIT_DAY = dt.datetime(2024, 12, 2)


def _fit(evidence: bool = False) -> dict:
    shape = Shape("n30", "log1p", np.array([0.0, 1.0]), np.array([1.5]), 1, 0.5)
    fit = FittedModels(
        FIT_DAY.replace(tzinfo=dt.UTC).timestamp(), 30.0, AdditiveModel(-1.0, {"n30": shape}), None
    )
    if evidence:
        fit.summary["evidence"] = {"labels": 2, "introductions": 0, "digest": "abc"}
    return json.loads(fit.to_json())


def _source(tie_model: dict | None, *, operator: bool = False) -> Source:
    return Source({}, "you", operator, FIT_DAY, "x", [], None, tie_model, FIT_DAY)


def test_the_operators_view_and_a_member_without_a_fit_have_the_priors():
    for source in (_source(None, operator=True), _source(None)):
        prior, fit, words = run_model(source, FIT_DAY)
        assert prior is DEFAULT and fit is None and "priors" in words


def test_a_members_fit_serves_the_next_30_days_only():
    source = _source({"calibration": None, "fit": _fit()})
    for days in (0, 29):
        prior, fit, words = run_model(source, FIT_DAY + dt.timedelta(days=days))
        assert prior is DEFAULT and fit is not None and fit.ties is not None
        assert "kept fit" in words and "2024-12-02" in words
    for when in (FIT_DAY + dt.timedelta(days=31), FIT_DAY - dt.timedelta(days=1)):
        _prior, fit, words = run_model(source, when)
        assert fit is None and "does not serve" in words


def test_a_fit_made_with_labels_serves_no_date_before_the_export():
    source = _source({"calibration": None, "fit": _fit(evidence=True)})
    source.present = FIT_DAY + dt.timedelta(days=5)
    assert run_model(source, FIT_DAY + dt.timedelta(days=5))[1] is not None
    _prior, fit, words = run_model(source, FIT_DAY + dt.timedelta(days=2))
    assert fit is None and "labels" in words


def test_a_calibration_wins():
    calibrated = TieModel({**DEFAULT.weights, "recency": -2.0}, 0.5, name="calibrated for you")
    source = _source({"calibration": json.loads(calibrated.to_json()), "fit": None})
    prior, fit, words = run_model(source, FIT_DAY)
    assert fit is None and prior.name == "calibrated for you"
    assert prior.weights["recency"] == -2.0 and "calibration" in words

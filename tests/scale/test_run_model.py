"""Which tie model a batch run scores with: the embedded engine's choice for the
export's viewer, checked again against the run's date (no Spark needed)."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from weakties.errors import InputError
from weakties.scale.fitted import run_model
from weakties.scale.ranker import person_column, run_ranker
from weakties.scale.source import Source
from weakties.ties.fit import AdditiveModel, Shape
from weakties.ties.learned import FittedModels
from weakties.ties.model import DEFAULT, TieModel

FIT_DAY = dt.datetime(2024, 12, 2)


def _fit(evidence: bool = False, ranker: bool = False) -> dict:
    shape = Shape("n30", "log1p", np.array([0.0, 1.0]), np.array([1.5]), 1, 0.5)
    cn = Shape("cn", "log1p", np.array([0.0, 1.0]), np.array([0.5]), 1, 0.1)
    fit = FittedModels(
        FIT_DAY.replace(tzinfo=dt.UTC).timestamp(),
        30.0,
        AdditiveModel(-1.0, {"n30": shape}),
        AdditiveModel(-2.0, {"cn": cn}) if ranker else None,
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


def _ranked(fit: dict | None, *, present: dt.datetime = FIT_DAY) -> Source:
    source = _source(None)
    source.ranker, source.present = fit, present
    return source


def test_the_run_ranks_with_the_members_ranker_while_it_serves_the_date():
    source = _ranked(_fit(ranker=True))
    for days in (0, 29):
        fit, words = run_ranker(source, FIT_DAY + dt.timedelta(days=days))
        assert fit is not None and fit.pymk is not None and "2024-12-02" in words
    for when in (FIT_DAY + dt.timedelta(days=31), FIT_DAY - dt.timedelta(days=1)):
        fit, words = run_ranker(source, when)
        assert fit is None and "does not serve" in words


def test_no_ranker_without_one_kept_nor_before_the_export():
    assert run_ranker(_ranked(None), FIT_DAY)[0] is None
    assert run_ranker(_ranked(_fit()), FIT_DAY)[0] is None  # a fit with no ranker
    later = _ranked(_fit(ranker=True), present=FIT_DAY + dt.timedelta(days=3))
    fit, words = run_ranker(later, FIT_DAY + dt.timedelta(days=1))
    assert fit is None and "before the export" in words


def test_each_side_of_a_persons_quantity_is_named():
    assert person_column("active") == ("active", "v")
    assert person_column("idle_min") == ("idle", "min")
    assert person_column("age_max") == ("age", "max")
    assert person_column("new_own") == ("new", "u")
    with pytest.raises(InputError, match="does not compute"):
        person_column("sunshine_min")

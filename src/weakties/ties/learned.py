"""Models learned from the installation's own history: fit, keep, score, explain.

``fit_models`` fits, as of a date, the tie persistence model (is a pair in touch
again within the next 30 days?) and the people-you-may-know ranker (do two
people not yet in touch get in touch within the next 30 days?) on past cut dates
(:mod:`weakties.ties.history`), each only when the history holds enough
examples (:data:`MIN_POSITIVES`, measured: ``evaluation/min_history.py``);
otherwise that part is left to the documented priors (the hand-set tie model of
:mod:`weakties.ties.model`, Katz's index for suggestions) and the reason is
kept with the fit.

A fitted strength is the probability of contact within the next 30 days. A tie
is **strong** from :data:`STRONG_AT` = 1 - e^(-1/2) ≈ 0.39: the chance of contact
within a month of a pair in touch every two months at random — the line between
monthly and quarterly contact that the default model draws too. Nominal and
dormant stay rules (:func:`weakties.ties.model.is_dormant`).

Everything here works on arrays; the store and the service layer feed it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from weakties.ties.fit import AdditiveModel, fit_with_validation
from weakties.ties.history import (
    DAY,
    HORIZON_DAYS,
    TIE_FEATURES,
    TIE_TRANSFORMS,
    Network,
    Traces,
    cut_schedule,
    network_at,
    tie_features,
    tie_samples,
)

__all__ = [
    "MIN_POSITIVES",
    "STRONG_AT",
    "FittedModels",
    "TieExplanation",
    "fit_models",
    "reasons",
    "score_network",
]

STRONG_AT = 1.0 - math.exp(-0.5)
# Fewer positive examples than this across the training cuts and the fit is
# not used (see evaluation/results/min_history.md).
MIN_POSITIVES = {"ties": 100, "pymk": 50}


@dataclass
class FittedModels:
    """What ``weakties model fit`` keeps: the fits (or why there is none)."""

    as_of: float  # Unix seconds: the fit saw nothing at or after it
    horizon_days: float
    ties: AdditiveModel | None
    pymk: AdditiveModel | None
    notes: dict[str, str] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(
            {
                "as_of": self.as_of,
                "horizon_days": self.horizon_days,
                "ties": None if self.ties is None else json.loads(self.ties.to_json()),
                "pymk": None if self.pymk is None else json.loads(self.pymk.to_json()),
                "notes": self.notes,
                "summary": self.summary,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> FittedModels:
        data = json.loads(text)

        def model(part: Any) -> AdditiveModel | None:
            return None if part is None else AdditiveModel.from_json(json.dumps(part))

        return cls(
            float(data["as_of"]),
            float(data["horizon_days"]),
            model(data.get("ties")),
            model(data.get("pymk")),
            dict(data.get("notes", {})),
            dict(data.get("summary", {})),
        )


def fit_models(
    traces: Traces,
    as_of: float,
    *,
    ties: np.ndarray | None = None,
    spans: Any = None,
    pymk: bool = True,
    horizon_days: float = HORIZON_DAYS,
) -> FittedModels:
    """Fit both models from the traces before ``as_of`` (conversations only are
    read: :meth:`Traces.conversations` is applied here).

    ``ties``: known ties ``(a, b, since)``; ``spans``: places held
    (:class:`weakties.opportunity.pymk_model.PlaceSpans`), for the ranker.
    """
    from weakties.opportunity.pymk_model import fit_pymk, formation_samples

    known = traces.conversations().before(as_of)
    out = FittedModels(as_of, horizon_days, None, None)
    if not len(known):
        out.notes["ties"] = out.notes["pymk"] = "no contact before the date"
        return out
    cuts = cut_schedule(float(known.t[0]), as_of, horizon_days=horizon_days)
    out.summary["cuts"] = int(cuts.size)
    out.summary["first_trace"] = float(known.t[0])
    if not cuts.size:
        days = (as_of - float(known.t[0])) / DAY
        need = horizon_days + 14
        note = f"{days:.0f} days of history; a fit needs at least {need:.0f}"
        out.notes["ties"] = out.notes["pymk"] = note
        return out
    samples = tie_samples(known, cuts, horizon_days=horizon_days, ties=ties)
    positives = int(samples.y.sum())
    negatives = len(samples) - positives
    out.summary["ties"] = {"rows": len(samples), "positives": positives}
    if min(positives, negatives) >= MIN_POSITIVES["ties"]:
        out.ties = fit_with_validation(
            samples.x,
            samples.y,
            samples.cut,
            monotone={k: d for k, (_, d) in TIE_FEATURES.items()},
            transforms=TIE_TRANSFORMS,
        )
        out.ties.info["task"] = f"in touch again within {horizon_days:.0f} days"
    else:
        out.notes["ties"] = (
            f"{positives} pairs in touch again and {negatives} not in the past periods; "
            f"a fit needs {MIN_POSITIVES['ties']} of each"
        )
    if pymk:
        formed = formation_samples(known, cuts, horizon_days=horizon_days, ties=ties, spans=spans)
        new = int(formed.y.sum())
        out.summary["pymk"] = {"rows": len(formed), "positives": new}
        if new >= MIN_POSITIVES["pymk"]:
            out.pymk = fit_pymk(formed)
        else:
            out.notes["pymk"] = (
                f"{new} new pairs in the past periods; a fit needs {MIN_POSITIVES['pymk']}"
            )
    return out


def score_network(model: AdditiveModel, net: Network) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The features and fitted strength of every pair in touch before the cut."""
    x = tie_features(net)
    return x, model.score(x)


@dataclass(frozen=True)
class TieExplanation:
    """One dimension's push on a pair's score, in words."""

    dimension: str
    push: float  # log-odds, from the average pair of the training cuts
    text: str


def reasons(
    model: AdditiveModel, net: Network, x: dict[str, np.ndarray], i: int, top: int = 4
) -> list[TieExplanation]:
    """The dimensions that decided pair ``i``'s fitted score, largest push first.

    Contributions of the features of one dimension add up (the model is
    additive): a dimension's push is exact, not an approximation.
    """
    row = {name: np.asarray(values[i : i + 1]) for name, values in x.items()}
    pushes: dict[str, float] = {}
    for name, value in model.contributions(row).items():
        dimension = TIE_FEATURES[name][0]
        pushes[dimension] = pushes.get(dimension, 0.0) + float(value[0])
    raw = {name: float(values[i]) for name, values in x.items()}
    raw.update({f"pair:{k}": float(v[i]) for k, v in net.pair.items()})
    out = [
        TieExplanation(dimension, round(push, 2), describe(dimension, raw))
        for dimension, push in sorted(pushes.items(), key=lambda kv: -abs(kv[1]))
        if abs(push) >= 0.05
    ]
    return out[:top]


def describe(dimension: str, raw: dict[str, float]) -> str:
    """A dimension of a pair's history as a sentence."""
    if dimension == "recency":
        return f"last contact {_ago(raw['days_since'])}"
    if dimension == "intensity":
        return (
            f"{int(raw['pair:raw30'])} contact(s) in the last month, "
            f"{int(raw['pair:raw365'])} in the last year, {int(raw['pair:count'])} in all"
        )
    if dimension == "duration":
        return f"in touch for {_span(raw['tie_age'])}"
    if dimension == "regularity":
        weeks = int(min(52, math.floor(raw["tie_age"] / 7) + 1))
        active = round(raw["regularity"] * weeks)
        rhythm = " in bursts" if raw["burstiness"] > 0.3 else ""
        return f"in touch in {active} of the last {weeks} week(s){rhythm}"
    if dimension == "trajectory":
        now, before = raw["pair:raw30"], raw["pair:n30_60"]
        usual = raw["tie_age"] / max(raw["pair:contact_days"], 1.0)
        if raw["overdue"] > 2:
            return f"quiet for {_span(raw['days_since'])}, usually every {_span(usual)}"
        if raw["trend"] > 0.1:
            return f"more contact this month than the month before ({int(now)} vs {int(before)})"
        if raw["trend"] < -0.1:
            return "less contact this month than the month before"
        return f"in touch about every {_span(usual)}, as usual"
    if dimension == "reciprocity":
        if raw["balance"] >= 0.5:
            return "both sides write"
        if raw["balance"] > 0:
            return "mostly one side writes"
        return "only one side writes"
    if dimension == "channel":
        n = int(raw["channels"])
        return f"in touch by {n} channel{'s' if n != 1 else ''}"
    if dimension == "intimacy":
        if raw["closeness"] >= 0.99:
            return "one-to-one contact"
        group = 1.0 / max(raw["closeness"], 1e-6) ** 2
        return f"mostly in groups (about {group:.0f} recipients)"
    if dimension == "structural":
        return f"{int(raw['mutual'])} mutual contact(s)"
    if dimension == "context":
        if raw["elsewhere_max"] >= 1 and raw["days_since"] > 7:
            return (
                f"since they last spoke, one of them was in touch with others "
                f"{int(raw['elsewhere_max'])} time(s)"
            )
        if raw["idle_max"] > 30:
            return f"one of them has been in touch with nobody for {_span(raw['idle_max'])}"
        return (
            f"the quieter of the two was in touch {int(raw['active_min'])} time(s) "
            "with anyone this month"
        )
    return dimension


def _ago(days: float) -> str:
    if days < 1:
        return "today"
    return f"{_span(days)} ago"


def _span(days: float) -> str:
    if days < 1:
        return "less than a day"
    if days < 60:
        return f"{int(days)} day(s)"
    if days < 730:
        return f"{int(days / 30.4)} month(s)"
    return f"{days / 365.25:.1f} years"


def strong(score: np.ndarray) -> np.ndarray:
    return score >= STRONG_AT


def fitted_network(traces: Traces, as_of: float, ties: np.ndarray | None = None) -> Network:
    """The network the fitted model scores: conversations before ``as_of``."""
    return network_at(traces.conversations(), as_of, ties=ties)

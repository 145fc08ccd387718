"""An additive logistic model with monotone shapes, fitted on the network's history.

The score of a row is ``p = 1 / (1 + exp(-z))`` with

    z = intercept + sum_k f_k(x_k)

one shape ``f_k`` per feature: a piecewise-linear function of the feature's
transformed value (``log1p`` for counts and days), with knots at quantiles of
the training rows. A shape is a sum of ramps ``c_j * clip((u - k_j) / (k_{j+1}
- k_j), 0, 1)``: with every ``c_j >= 0`` it never decreases, with every
``c_j <= 0`` it never increases — so the constraints theory gives (more recent
contact never lowers strength, more contact never lowers it) are bounds, and
L-BFGS-B fits them exactly (log-loss plus an L2 penalty on the ``c_j``).

Being additive, the score splits exactly into per-feature contributions: the
contribution of feature ``k`` to a row is ``f_k(x_k) - mean f_k`` over the
training rows (for an additive model these are its exact Shapley values), and
``base + sum of contributions = z``, with ``base`` the intercept plus the mean
shapes. Explanations show them in words.

The penalty is chosen among a few values by the log-loss on the most recent
training cut, fitted on the earlier ones (never on the period reported); the
final fit uses every cut.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> x = {"a": rng.normal(size=4000)}
>>> y = (rng.random(4000) < 1 / (1 + np.exp(-2 * x["a"]))).astype(float)
>>> m = fit_additive(x, y, monotone={"a": 1}, transforms={"a": "identity"})
>>> bool(np.all(np.diff(m.shapes["a"].values(np.linspace(-3, 3, 50))) >= 0))
True
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numba import njit

__all__ = ["AdditiveModel", "Shape", "fit_additive", "fit_with_validation", "transform_value"]

TRANSFORMS = ("log1p", "identity")
PENALTIES = (0.3, 3.0, 30.0)
MAX_SEGMENTS = 4
MAX_ROWS = 300_000
# quantile of the training rows where a shape's last knot sits (flat beyond it)
TOP_KNOT = 0.99


def transform_value(x: np.ndarray, how: str) -> np.ndarray:
    """A feature on the scale its shape is fitted on (finite: NaN -> 0)."""
    x = np.nan_to_num(np.asarray(x, dtype=np.float64), nan=0.0, posinf=1e9, neginf=-1e9)
    if how == "log1p":
        return np.log1p(np.maximum(x, 0.0))
    return x


@dataclass(frozen=True)
class Shape:
    """One feature's piecewise-linear contribution (see the module doc)."""

    name: str
    transform: str
    knots: np.ndarray  # K + 1 increasing values on the transformed scale
    rises: np.ndarray  # K rises, one per segment
    direction: int
    mean: float  # mean of the shape over the training rows

    def ramps(self, x: np.ndarray) -> np.ndarray:
        u = transform_value(x, self.transform)
        lo, hi = self.knots[:-1], self.knots[1:]
        return np.clip((u[:, None] - lo[None, :]) / (hi - lo)[None, :], 0.0, 1.0)

    def values(self, x: np.ndarray) -> np.ndarray:
        """``f(x)``: 0 at the lowest knot."""
        return self.ramps(np.asarray(x, dtype=np.float64)) @ self.rises

    def contribution(self, x: np.ndarray) -> np.ndarray:
        return self.values(x) - self.mean

    def as_dict(self) -> dict[str, Any]:
        return {
            "transform": self.transform,
            "knots": [round(float(k), 6) for k in self.knots],
            "rises": [round(float(c), 6) for c in self.rises],
            "direction": self.direction,
            "mean": round(self.mean, 6),
        }


@dataclass(frozen=True)
class AdditiveModel:
    """``z = intercept + sum_k f_k(x_k)``; score = logistic(z)."""

    intercept: float
    shapes: dict[str, Shape]
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def features(self) -> list[str]:
        return list(self.shapes)

    @property
    def base(self) -> float:
        """z of a row whose every contribution is zero (the average shapes)."""
        return self.intercept + sum(s.mean for s in self.shapes.values())

    def z(self, x: dict[str, np.ndarray]) -> np.ndarray:
        n = np.asarray(next(iter(x.values()))).shape[0]
        total = np.full(n, self.intercept)
        for name, shape in self.shapes.items():
            total += shape.values(x[name])
        return total

    def score(self, x: dict[str, np.ndarray]) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.z(x)))

    def contributions(self, x: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Each feature's push on ``z`` (log-odds) from the average, per row:
        ``base + sum(contributions) == z`` exactly."""
        return {name: shape.contribution(x[name]) for name, shape in self.shapes.items()}

    def to_json(self) -> str:
        return json.dumps(
            {
                "intercept": round(self.intercept, 6),
                "shapes": {k: s.as_dict() for k, s in self.shapes.items()},
                "info": self.info,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> AdditiveModel:
        data = json.loads(text)
        shapes = {
            name: Shape(
                name,
                s["transform"],
                np.array(s["knots"], dtype=np.float64),
                np.array(s["rises"], dtype=np.float64),
                int(s["direction"]),
                float(s["mean"]),
            )
            for name, s in data["shapes"].items()
        }
        return cls(float(data["intercept"]), shapes, data.get("info", {}))


def _knots(u: np.ndarray, segments: int, top: float = TOP_KNOT) -> np.ndarray:
    """``segments + 1`` knots evenly spaced from the lowest value to the ``top``
    quantile, the 99th percentile by default (the shape is flat beyond the last
    knot)."""
    lo, hi = np.quantile(u, [0.0, top])
    if hi <= lo:
        hi = max(float(u.max()), lo)
    if hi <= lo:
        hi = lo + 1.0
    return np.linspace(lo, hi, segments + 1)


@dataclass(frozen=True)
class _Design:
    """The ramps of every row without the dense matrix: per row and feature, the
    number of whole segments below the value (``seg``) and the fraction of the
    next one (``frac``); ``offset[f]`` is the first parameter of feature ``f``."""

    seg: np.ndarray  # n x F int64
    frac: np.ndarray  # n x F float64
    offset: np.ndarray  # F + 1
    names: list[str]


def _design(
    x: dict[str, np.ndarray], transforms: dict[str, str], knots: dict[str, np.ndarray]
) -> _Design:
    names = list(knots)
    n = np.asarray(x[names[0]]).shape[0]
    seg = np.empty((n, len(names)), dtype=np.int64)
    frac = np.empty((n, len(names)), dtype=np.float64)
    sizes = []
    for f, name in enumerate(names):
        k = knots[name]
        u = transform_value(x[name], transforms.get(name, "log1p"))
        s_ = np.clip(np.searchsorted(k, u, side="right") - 1, 0, k.size - 1)
        inner = s_ < k.size - 1
        width = np.diff(k)
        fr = np.zeros(n)
        fr[inner] = np.clip((u[inner] - k[s_[inner]]) / width[s_[inner]], 0.0, 1.0)
        seg[:, f] = np.where(u <= k[0], 0, s_)
        frac[:, f] = np.where(u <= k[0], 0.0, fr)
        sizes.append(k.size - 1)
    offset = np.r_[0, np.cumsum(sizes)].astype(np.int64)
    return _Design(seg, frac, offset, names)


@njit(cache=True)
def _loss_grad(seg, frac, offset, theta, y, w, penalty):  # pragma: no cover - compiled
    n, nf = seg.shape
    p = theta.shape[0] - 1
    c = theta[1:]
    # prefix sums of the rises of each feature: the value below segment k
    cum = np.zeros(p + nf)
    for f in range(nf):
        total = 0.0
        for j in range(offset[f], offset[f + 1]):
            cum[j + f] = total
            total += c[j]
        cum[offset[f + 1] + f] = total
    full = np.zeros(p + nf)
    part = np.zeros(p)
    value = 0.0
    g0 = 0.0
    for i in range(n):
        z = theta[0]
        for f in range(nf):
            k = seg[i, f]
            z += cum[offset[f] + f + k]
            if offset[f] + k < offset[f + 1]:
                z += c[offset[f] + k] * frac[i, f]
        if z > 0:
            value += w[i] * (z + np.log1p(np.exp(-z)) - y[i] * z)
            prob = 1.0 / (1.0 + np.exp(-z))
        else:
            value += w[i] * (np.log1p(np.exp(z)) - y[i] * z)
            ez = np.exp(z)
            prob = ez / (1.0 + ez)
        r = w[i] * (prob - y[i])
        g0 += r
        for f in range(nf):
            k = seg[i, f]
            full[offset[f] + f + k] += r
            if offset[f] + k < offset[f + 1]:
                part[offset[f] + k] += r * frac[i, f]
    grad = np.zeros(p + 1)
    grad[0] = g0
    for f in range(nf):
        # a segment j is whole for every row whose seg is above j
        above = 0.0
        for j in range(offset[f + 1] - 1, offset[f] - 1, -1):
            above += full[j + 1 + f]
            grad[1 + j] = above + part[j] + 2.0 * penalty * c[j]
    for j in range(p):
        value += penalty * c[j] * c[j]
    return value, grad


@njit(cache=True)
def _moments(seg, frac, offset):  # pragma: no cover - compiled
    """Mean and mean square of every ramp column."""
    n, nf = seg.shape
    p = offset[nf]
    whole = np.zeros(p + nf)
    part = np.zeros(p)
    part2 = np.zeros(p)
    for i in range(n):
        for f in range(nf):
            k = seg[i, f]
            whole[offset[f] + f + k] += 1.0
            if offset[f] + k < offset[f + 1]:
                part[offset[f] + k] += frac[i, f]
                part2[offset[f] + k] += frac[i, f] * frac[i, f]
    mean = np.zeros(p)
    square = np.zeros(p)
    for f in range(nf):
        above = 0.0
        for j in range(offset[f + 1] - 1, offset[f] - 1, -1):
            above += whole[j + 1 + f]
            mean[j] = (above + part[j]) / n
            square[j] = (above + part2[j]) / n
    return mean, square


def fit_additive(
    x: dict[str, np.ndarray],
    y: np.ndarray,
    *,
    monotone: dict[str, int],
    transforms: dict[str, str] | None = None,
    penalty: float = 3.0,
    segments: int = MAX_SEGMENTS,
    knots: dict[str, np.ndarray] | None = None,
    sample_weight: np.ndarray | None = None,
    start: np.ndarray | None = None,
    top_knot: float = TOP_KNOT,
) -> AdditiveModel:
    """Fit the shapes and the intercept by penalised maximum likelihood.

    Parameters
    ----------
    x
        Feature name -> raw values (one per row).
    y
        0/1 labels.
    monotone
        Feature name -> +1 (never decreasing), -1 (never increasing) or 0 (free).
        Features absent from ``monotone`` are not used.
    transforms
        Feature name -> ``"log1p"`` (default) or ``"identity"``.
    penalty
        L2 penalty on the rises, added to the summed log-loss.
    knots
        Reuse these knots (transformed scale) instead of quantiles of ``x``.
    top_knot
        Quantile of the training rows where the last knot sits: the shape is
        flat beyond it. 1.0 (the largest value) for a ranking decided among the
        highest values (see :func:`weakties.opportunity.pymk_model.fit_pymk`).
    """
    from scipy.optimize import minimize
    from threadpoolctl import threadpool_limits

    transforms = transforms or {}
    names = [name for name in monotone if name in x]
    y = np.asarray(y, dtype=np.float64)
    if not names:
        raise ValueError("no feature to fit")
    if knots is None:
        knots = {
            name: _knots(
                transform_value(x[name], transforms.get(name, "log1p")), segments, top_knot
            )
            for name in names
        }
    knots = {name: knots[name] for name in names}
    design = _design(x, transforms, knots)
    p = int(design.offset[-1])
    w = np.ones(y.size) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    bounds: list[tuple[float | None, float | None]] = [(None, None)]
    for f, name in enumerate(names):
        d = monotone[name]
        bound: tuple[float | None, float | None] = (
            (0.0, None) if d > 0 else (None, 0.0) if d < 0 else (None, None)
        )
        bounds += [bound] * int(design.offset[f + 1] - design.offset[f])
    if start is None:
        prior = float(np.clip(np.average(y, weights=w), 1e-6, 1 - 1e-6))
        start = np.zeros(p + 1)
        start[0] = np.log(prior / (1 - prior))

    # The optimiser works on centred, scaled columns (the same bounds hold, the
    # intercept absorbs the centring): far better conditioned than raw ramps.
    mean, square = _moments(design.seg, design.frac, design.offset)
    scale = np.sqrt(np.maximum(square - mean * mean, 1e-12))

    def original(t: np.ndarray) -> np.ndarray:
        c = t[1:] / scale
        return np.r_[t[0] - float(c @ mean), c]

    def loss(t: np.ndarray) -> tuple[float, np.ndarray]:
        theta = original(t)
        value, grad = _loss_grad(design.seg, design.frac, design.offset, theta, y, w, penalty)
        out = np.empty_like(grad)
        out[0] = grad[0]
        out[1:] = (grad[1:] - grad[0] * mean) / scale
        return float(value), out

    begin = np.asarray(start, dtype=np.float64)
    begin = np.r_[begin[0] + float(begin[1:] @ mean), begin[1:] * scale]
    # vectors of a few hundred numbers: BLAS threads only wait on each other
    with threadpool_limits(1):
        result = minimize(
            loss,
            begin,
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": 1000, "ftol": 1e-9},
        )
    theta = original(result.x)
    shapes = {}
    for f, name in enumerate(names):
        rises = theta[1 + design.offset[f] : 1 + design.offset[f + 1]]
        shape = Shape(name, transforms.get(name, "log1p"), knots[name], rises, monotone[name], 0.0)
        values = shape.values(x[name])
        shapes[name] = Shape(
            name,
            shape.transform,
            shape.knots,
            rises,
            monotone[name],
            float(np.average(values, weights=w)),
        )
    return AdditiveModel(
        float(theta[0]),
        shapes,
        {"rows": int(y.size), "positives": int(y.sum()), "penalty": penalty},
    )


def _theta(model: AdditiveModel) -> np.ndarray:
    return np.r_[model.intercept, *[s.rises for s in model.shapes.values()]]


def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def fit_with_validation(
    x: dict[str, np.ndarray],
    y: np.ndarray,
    cut: np.ndarray,
    *,
    monotone: dict[str, int],
    transforms: dict[str, str] | None = None,
    penalties: tuple[float, ...] = PENALTIES,
    seed: int = 0,
    top_knot: float = TOP_KNOT,
) -> AdditiveModel:
    """Choose the penalty on the latest cut (fitted on the earlier ones), then fit
    on every cut. With a single cut, the middle penalty is used."""
    rng = np.random.default_rng(seed)
    if y.size > MAX_ROWS:
        keep = np.sort(rng.choice(y.size, MAX_ROWS, replace=False))
        x = {k: v[keep] for k, v in x.items()}
        y, cut = y[keep], cut[keep]
    cuts = np.unique(cut)
    chosen = penalties[len(penalties) // 2]
    losses: dict[str, float] = {}
    start = None
    if cuts.size >= 2:
        latest = cut == cuts[-1]
        train = ~latest
        if 0 < y[train].sum() < train.sum() and 0 < y[latest].sum() < latest.sum():
            for penalty in penalties:
                model = fit_additive(
                    {k: v[train] for k, v in x.items()},
                    y[train],
                    monotone=monotone,
                    transforms=transforms,
                    penalty=penalty,
                    start=start,
                    top_knot=top_knot,
                )
                start = _theta(model)
                held = {k: v[latest] for k, v in x.items()}
                losses[str(penalty)] = round(log_loss(y[latest], model.score(held)), 5)
            chosen = float(min(losses, key=lambda k: losses[k]))
    model = fit_additive(
        x, y, monotone=monotone, transforms=transforms, penalty=chosen, top_knot=top_knot
    )
    model.info.update({"validation_log_loss": losses, "cuts": int(cuts.size)})
    return model

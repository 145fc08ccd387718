"""Bootstrap intervals for AUC and per-person precision, shared by the evaluations.

AUC with ties counted half (Mann-Whitney U), computed for bootstrap replicates
from multiplicity weights: the scores are sorted once and each replicate is a
weighted count, so a thousand replicates cost a thousand passes over the data
rather than a thousand sorts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

REPLICATES = 1000


@dataclass(frozen=True)
class Ranked:
    """Scores grouped by distinct value, in increasing order."""

    group: np.ndarray  # group of each row
    groups: int
    positive: np.ndarray  # bool per row


def ranked(score: np.ndarray, y: np.ndarray) -> Ranked:
    _, group = np.unique(score, return_inverse=True)
    return Ranked(group, int(group.max()) + 1 if group.size else 0, y.astype(bool))


def weighted_auc(r: Ranked, w: np.ndarray) -> float:
    """AUC with row weights ``w`` (bootstrap multiplicities)."""
    pos = np.bincount(r.group, weights=w * r.positive, minlength=r.groups)
    neg = np.bincount(r.group, weights=w * ~r.positive, minlength=r.groups)
    below = np.cumsum(neg) - neg
    total = pos.sum() * neg.sum()
    if total == 0:
        return float("nan")
    return float((pos * (below + 0.5 * neg)).sum() / total)


def auc(score: np.ndarray, y: np.ndarray) -> float:
    return weighted_auc(ranked(score, y), np.ones(y.size))


def multiplicities(rng: np.random.Generator, n: int, replicates: int = REPLICATES) -> np.ndarray:
    """``replicates`` x ``n`` counts of a resample with replacement (Poisson
    bootstrap: each row drawn Poisson(1) times, Hanley & MacGibbon 2006)."""
    return rng.poisson(1.0, size=(replicates, n)).astype(np.float32)


def interval(values: np.ndarray) -> tuple[float, float]:
    lo, hi = np.nanpercentile(values, [2.5, 97.5])
    return float(lo), float(hi)


def fmt(value: float, ci: tuple[float, float], digits: int = 3) -> str:
    return f"{value:.{digits}f} [{ci[0]:.{digits}f}, {ci[1]:.{digits}f}]"

"""Bootstrap intervals for AUC, precision and recall, shared by the evaluations.

AUC with ties counted half (Mann-Whitney U), computed for bootstrap replicates
from multiplicity weights: the scores are sorted once and each replicate is a
weighted count, so a thousand replicates cost a thousand passes over the data
rather than a thousand sorts.

**People, not pairs, are resampled** (:class:`People`). The units of a tie
evaluation are pairs of people, and pairs share people: one person's habits
decide the outcome of all of their pairs at once, and the rolling cuts, two
weeks apart with 30-day outcomes, hold the same people and largely the same
pairs. Resampling pairs as if they were independent, within each cut, gives
intervals that are too narrow. Here each replicate draws the people with
replacement (as many draws as there are people: the ordinary bootstrap, with
people as the clusters), and

- a pair counts as often as its two people were drawn together, the product of
  their multiplicities: the vertex bootstrap for data on pairs of a population
  (Snijders & Borgatti 1999; shown consistent for such jointly exchangeable
  arrays by Davezies, D'Haultfoeuille & Guyonvarch 2021), which keeps the
  dependence through *both* ends of a pair, where a one-way cluster bootstrap
  on one end (say the lower id) would keep only half of it;
- a unit that belongs to one person (their precision@k as the one who is
  suggested to) counts as often as that person was drawn (one-way clusters);
- every cut and every method reads **the same draw**, so the correlation across
  overlapping cuts is kept in the interval of a mean over the cuts, and a
  difference between two methods is paired.

The draws come from a fixed seed, :data:`REPLICATES` of them.
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


@dataclass(frozen=True)
class People:
    """One bootstrap draw of people, shared by every cut and every method.

    ``ids`` are the people (sorted), ``draws[r, i]`` how many times replicate
    ``r`` drew ``ids[i]`` (each replicate draws ``ids.size`` times with
    replacement)."""

    ids: np.ndarray
    draws: np.ndarray

    @classmethod
    def draw(
        cls, rng: np.random.Generator, ids: np.ndarray, replicates: int = REPLICATES
    ) -> People:
        ids = np.unique(np.asarray(ids, dtype=np.int64))
        n = ids.size
        picks = rng.integers(0, n, size=(replicates, n))
        offset = (np.arange(replicates) * n)[:, None]
        draws = np.bincount((picks + offset).ravel(), minlength=replicates * n)
        return cls(ids, draws.reshape(replicates, n).astype(np.float32))

    @property
    def replicates(self) -> int:
        return int(self.draws.shape[0])

    def _column(self, person: np.ndarray) -> np.ndarray:
        person = np.asarray(person, dtype=np.int64)
        col = np.searchsorted(self.ids, person)
        if person.size and (
            col.max() >= self.ids.size or not np.array_equal(self.ids[col], person)
        ):
            raise ValueError("a person outside the drawn population")
        return col

    def of(self, person: np.ndarray) -> np.ndarray:
        """``replicates`` x ``len(person)`` weights of units that belong to one person."""
        return self.draws[:, self._column(person)]

    def pairs(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """``replicates`` x ``len(a)`` weights of the pairs ``(a[i], b[i])``: the
        product of their two people's multiplicities."""
        return self.draws[:, self._column(a)] * self.draws[:, self._column(b)]


def weighted_mean(values: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The mean of ``values`` under each replicate's weights (rows of ``w``)."""
    total = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (w @ values) / np.where(total > 0, total, 1), np.nan)


def interval(values: np.ndarray) -> tuple[float, float]:
    lo, hi = np.nanpercentile(values, [2.5, 97.5])
    return float(lo), float(hi)


def fmt(value: float, ci: tuple[float, float], digits: int = 3) -> str:
    return f"{value:.{digits}f} [{ci[0]:.{digits}f}, {ci[1]:.{digits}f}]"


def wilson(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson's 95 % score interval of a share ``successes / n`` (Wilson 1927):
    for a share of fits ahead, where a bootstrap has nothing to resample."""
    if n <= 0:
        return (float("nan"), float("nan"))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (float(centre - half), float(centre + half))

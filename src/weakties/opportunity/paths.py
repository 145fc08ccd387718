"""Introduction paths: every path of length <= 3 from the viewer to the targets,
ranked by whether the ask can really be made.

A path ``viewer - broker [- middle] - target`` is scored from four things
(the weights are in :data:`PURPOSES`, the reasoning in docs/opportunities.md):

- **the weakest link that must carry the ask**: the viewer-broker tie, shaped
  by the purpose (below), and the broker's onward tie(s) towards the target
  (can the broker vouch?). A three-hop path needs a second intermediary to
  agree, and is discounted (``third_hop``);
- **novelty**: the share of the broker's contacts the viewer does not otherwise
  reach, and whether the broker is the *only* way to that target;
- **freshness**: how recently the viewer was in touch with the broker
  (e-folding time one year), and the broker's tenure at the target's
  organisation when they work there (two years or more counts fully);
- **history**: past asks through this broker (introduced: up, declined or
  unanswered: down); an open ask with the broker, or the etiquette's wait
  after a past one, puts the path on hold; so does a "do not ask" from anyone
  the path would ask (the broker, a second intermediary, or the target).

The purpose shapes the viewer-broker term. Rajkumar et al. (Science 2022, 20 M
LinkedIn members) find that moderately weak ties carry the most job moves, and
that strong ties matter more where trust does; so ``job`` peaks at a moderately
weak tie, ``client`` grows with strength (a sale needs a voucher), and ``info``
grows fast then flattens (weak ties carry new information, Granovetter 1973).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from weakties.opportunity import _kernels
from weakties.opportunity.network import IntroNetwork

__all__ = ["PURPOSES", "IntroPaths", "Purpose", "find_paths"]

DAY = 86400.0


@dataclass(frozen=True)
class Purpose:
    """How a purpose ranks paths (see the module doc)."""

    name: str
    shape: str  # "peaked" / "linear" / "sqrt": the viewer-broker term
    novelty: float  # weight of novelty in the score
    freshness: float  # weight of freshness
    third_hop: float  # multiplier of a path through a second intermediary
    peak: float = 0.35  # for "peaked": the tie strength that is best to ask
    strong_floor: float = 0.6  # for "peaked": the value at strength 1

    def ask_term(self, strength: np.ndarray) -> np.ndarray:
        s = np.clip(strength, 0.0, 1.0)
        if self.shape == "linear":
            return s
        if self.shape == "sqrt":
            return np.sqrt(s)
        rising = s / self.peak
        falling = 1.0 - (1.0 - self.strong_floor) * (s - self.peak) / (1.0 - self.peak)
        return np.where(s < self.peak, rising, falling)


PURPOSES: dict[str, Purpose] = {
    "job": Purpose("job", "peaked", novelty=0.30, freshness=0.15, third_hop=0.6),
    "client": Purpose("client", "linear", novelty=0.10, freshness=0.20, third_hop=0.5),
    "info": Purpose("info", "sqrt", novelty=0.35, freshness=0.10, third_hop=0.7),
}

# statuses of a path, by why it cannot (yet) be asked
OK, PENDING, RESTING, DO_NOT_ASK = 0, 1, 2, 3
STATUS_NAMES = ("ok", "pending", "resting", "do_not_ask")


@dataclass
class IntroPaths:
    """Every path to the targets, with its score and the parts of it."""

    net: IntroNetwork
    purpose: Purpose
    target: np.ndarray  # nodes
    first: np.ndarray  # -1 for a direct tie
    second: np.ndarray  # -1 unless length 3
    length: np.ndarray  # int8: 1, 2, 3
    ask: np.ndarray  # viewer-first (or viewer-target) strength
    onward: np.ndarray  # first-second or first-target
    last: np.ndarray  # second-target
    weakest: np.ndarray
    novelty: np.ndarray
    only_way: np.ndarray  # bool
    freshness: np.ndarray
    score: np.ndarray
    status: np.ndarray  # int8: OK / PENDING / RESTING / DO_NOT_ASK
    slot: np.ndarray  # the broker's index among the viewer's contacts (row order)
    known: np.ndarray  # bool: the target is one of the viewer's contacts
    targets_total: int = 0
    targets_in_network: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.target.shape[0])

    def order(self, idx: np.ndarray | None = None) -> np.ndarray:
        """Paths (all, or ``idx``) best first: askable before on-hold, then by
        score, then shorter."""
        chosen = np.arange(len(self)) if idx is None else idx
        blocked = self.status[chosen] != OK
        return chosen[np.lexsort((self.length[chosen], -self.score[chosen], blocked))]

    def _key(self) -> np.ndarray:
        """One number that orders like :meth:`order` (on-hold paths below all others)."""
        return self.score - 2.0 * (self.status != OK)

    def people(self, i: int) -> list[int]:
        """Path ``i``'s people (person ids), the viewer first, the target last."""
        g = self.net.graph
        steps = [self.first[i], self.target[i]] if self.length[i] > 1 else [self.target[i]]
        if self.length[i] == 3:
            steps.insert(1, self.second[i])
        return [g.person_of(self.net.viewer), *(g.person_of(int(x)) for x in steps)]

    def brokered(self) -> np.ndarray:
        """Indices of the paths through a broker (length 2 and 3)."""
        return np.flatnonzero(self.length > 1)

    def known_directly(self) -> np.ndarray:
        """Targets the viewer is tied to (sorted nodes)."""
        return np.unique(self.target[self.length == 1])

    def top(
        self, k: int | None = 10, *, per_broker: int | None = 1, skip_known: bool = True
    ) -> np.ndarray:
        """The best brokered paths, at most ``per_broker`` through the same broker;
        with ``skip_known``, none to a target the viewer knows directly (no
        introduction needed: write to them)."""
        keep = self.length > 1
        if skip_known:
            keep &= ~self.known
        if per_broker == 1:
            n_slots = int(self.slot.max()) + 1 if self.slot.size else 0
            best = _kernels.best_per_slot(self.slot, n_slots, self._key(), self.length, keep)
            ranked = self.order(best[best >= 0])
            return ranked if k is None else ranked[:k]
        ranked = self.order(np.flatnonzero(keep))
        if per_broker is None:
            return ranked if k is None else ranked[:k]
        seen: dict[int, int] = {}
        out = []
        for i in ranked.tolist():
            b = int(self.first[i])
            if seen.get(b, 0) >= per_broker:
                continue
            seen[b] = seen.get(b, 0) + 1
            out.append(i)
            if k is not None and len(out) >= k:
                break
        return np.array(out, dtype=np.int64)

    def direct(self) -> np.ndarray:
        """Targets the viewer knows directly, strongest tie first."""
        idx = np.flatnonzero(self.length == 1)
        return idx[np.argsort(-self.ask[idx], kind="stable")]

    def as_node_paths(self) -> set[tuple[int, ...]]:
        """Every path as a tuple of nodes from the viewer (for comparisons)."""
        out: set[tuple[int, ...]] = set()
        v = self.net.viewer
        for t, a, b, n in zip(
            self.target.tolist(),
            self.first.tolist(),
            self.second.tolist(),
            self.length.tolist(),
            strict=True,
        ):
            out.add((v, t) if n == 1 else (v, a, t) if n == 2 else (v, a, b, t))
        return out

    def brokers(self) -> np.ndarray:
        return np.unique(self.first[self.length > 1])

    def summary(self) -> dict[str, Any]:
        direct = self.known_directly()
        second = np.setdiff1d(np.unique(self.target[self.length == 2]), direct)
        third = np.setdiff1d(np.unique(self.target[self.length == 3]), np.union1d(direct, second))
        fresh = (self.length > 1) & ~np.isin(self.target, direct)
        return {
            "targets": self.targets_total,
            "targets_in_network": self.targets_in_network,
            "targets_known_directly": int(direct.size),
            "second_degree": int(second.size),
            "third_degree": int(third.size),
            "paths": len(self),
            "paths_by_length": {str(n): int((self.length == n).sum()) for n in (1, 2, 3)},
            "brokers": int(np.unique(self.first[fresh]).size),
        }


def find_paths(
    net: IntroNetwork,
    targets: np.ndarray,
    *,
    purpose: str | Purpose = "job",
    max_len: int = 3,
    tenure_years: dict[int, float] | None = None,
    do_not_ask: set[int] | None = None,
) -> IntroPaths:
    """Every path of length <= ``max_len`` from the viewer to ``targets`` (nodes), scored.

    Parameters
    ----------
    net : IntroNetwork
    targets : array of int
        Target nodes (the viewer is dropped if present).
    purpose : {"job", "client", "info"} or Purpose
    max_len : int
        2 or 3.
    tenure_years : dict, optional
        Node -> years the broker has worked at the target's organisation.
    do_not_ask : set of int, optional
        Nodes that asked not to be asked for introductions.
    """
    chosen = PURPOSES[purpose] if isinstance(purpose, str) else purpose
    g = net.graph
    tgt = np.unique(np.asarray(targets, dtype=np.int32))
    tgt = tgt[tgt != net.viewer]
    found = g.paths_to(net.viewer, tgt, max_len=max_len, strengths=True)
    t, a, b, n = found.target, found.first, found.second, found.length
    assert found.links is not None
    ask, onward, last = found.links
    # a third step through one of the viewer's own contacts is no introduction:
    # the viewer can ask that contact, whose own path is the two-step one
    own = (n == 3) & np.isin(b, net.contacts)
    if own.any():
        keep = ~own
        t, a, b, n = t[keep], a[keep], b[keep], n[keep]
        ask, onward, last = ask[keep], onward[keep], last[keep]
    # the broker: the viewer's contact on the path (the target itself if direct)
    broker = np.where(n == 1, t, a)
    contacts = net.contacts
    slot = np.searchsorted(contacts, broker)
    if net.ask is not None and slot.size:
        # a shared network: the viewer's own tie strengths are kept beside it
        ask = net.ask[slot].astype(ask.dtype)
    novelty_all = net.novelty()
    novelty = novelty_all[slot] if slot.size else np.zeros(0)
    # the only way: a target reached through a single broker
    (mark, best, direct), stamp = g._scratch_arrays("mark", "via", "start")
    only_way, known = _kernels.target_flags(t, a, n, mark, best, direct, stamp)
    # the viewer's tie facts, per contact, then per path
    days = net.ego.take(contacts)["days_since_contact"][slot] if slot.size else np.zeros(0)
    recency = np.where(np.isnan(days), 0.0, np.exp(-np.nan_to_num(days) / 365.0))
    freshness = recency
    if tenure_years:
        tenure = np.array([tenure_years.get(int(x), np.nan) for x in a.tolist()])
        tenured = ~np.isnan(tenure) & (n > 1)
        freshness = np.where(
            tenured, 0.6 * recency + 0.4 * np.minimum(np.nan_to_num(tenure) / 2.0, 1.0), recency
        )
    onward_min = np.minimum(onward, last)
    weakest = np.minimum(chosen.ask_term(ask.astype(np.float64)), onward_min)
    weakest = np.where(n == 3, weakest * chosen.third_hop, weakest)
    novelty_value = 0.7 * novelty + 0.3 * only_way
    mix = (
        1.0
        - chosen.novelty
        - chosen.freshness
        + chosen.novelty * novelty_value
        + chosen.freshness * freshness
    )
    score = weakest * mix
    status = np.zeros(t.size, dtype=np.int8)
    if net.history:
        asked = np.array(sorted(net.history), dtype=np.int64)
        factors = np.array([net.history[x].factor() for x in asked.tolist()])
        open_ = np.array([net.history[x].open_since is not None for x in asked.tolist()])
        resting = np.array([net.history[x].resting_until is not None for x in asked.tolist()])
        pos = np.minimum(np.searchsorted(asked, broker), asked.size - 1)
        hit = (asked[pos] == broker) & (n > 1)
        score = np.where(hit, score * factors[pos], score)
        status[hit & resting[pos]] = RESTING
        status[hit & open_[pos]] = PENDING
    if do_not_ask:
        marked = np.fromiter(do_not_ask, dtype=np.int64)
        asked_people = np.isin(broker, marked) | np.isin(t, marked)
        asked_people |= (n == 3) & np.isin(b, marked)
        status[asked_people & (n > 1)] = DO_NOT_ASK
    score = np.where(n == 1, ask, np.clip(score, 0.0, 1.0))
    return IntroPaths(
        net,
        chosen,
        t,
        np.where(n == 1, -1, a),
        b,
        n,
        ask,
        onward,
        last,
        weakest,
        novelty,
        only_way,
        freshness,
        score,
        status,
        slot.astype(np.int32),
        known,
        targets_total=int(tgt.size),
        targets_in_network=int(tgt.size),
        extra={"do_not_ask": set(do_not_ask or ())},
    )


def describe_score(paths: IntroPaths, i: int) -> dict[str, float]:
    """The parts of path ``i``'s score, rounded for display."""

    def r(x: float) -> float:
        return round(float(x), 3) if not math.isnan(float(x)) else float("nan")

    return {
        "score": r(paths.score[i]),
        "ask": r(paths.ask[i]),
        "onward": r(min(paths.onward[i], paths.last[i])),
        "weakest_link": r(paths.weakest[i]),
        "novelty": r(paths.novelty[i]),
        "only_way": bool(paths.only_way[i]),
        "freshness": r(paths.freshness[i]),
    }

"""People you may know, learned from the ties the network formed before.

At a cut date in the past, every pair not yet in touch (nor tied) has features
computed from what came before it; the label is whether the two got in touch
in the next period. A monotone additive model (:mod:`weakties.ties.fit`) is
fitted on several past cuts and ranks the candidates of today.

Candidates of a person: everyone within three steps of them in the graph of
contacts and ties, and everyone who shares a place (employer, school, group)
held at the date — the people a structural score can say anything about.

Features of a candidate pair (u, v), all from before the date:

==============  ==================================================================
structural      ``cn`` common neighbours, ``jaccard``, ``adamic_adar``,
                ``resource_allocation`` (Zhou, Lü & Zhang 2009), ``katz``:
                Katz's index truncated at three steps, β²(A²)ᵤᵥ + β³(A³)ᵤᵥ with
                β = 0.05 (Liben-Nowell & Kleinberg 2007)
places          ``places``: places both hold at the date, weighted like Adamic–Adar
                on the person–place graph (a 10-person firm says more than a
                10,000-person one)
activity        the candidate's own (``v``): ``active``, contacts with anyone in the
                last 30 days; ``new``, people met for the first time in the last 30
                days; ``idle``, days since their last contact
size, age       the candidate's own: ``degree``, people ever in touch with;
                ``age``, days since their first contact
==============  ==================================================================

Only the candidate's side: the person asking is the same in every row of their
ranking, so what they do themselves cannot order it.

The shapes rise up to the largest value of the training rows
(:data:`PYMK_TOP_KNOT`), not the 99th percentile as the tie model's do: a
person's ten suggestions are drawn from some 1,500 candidates on CollegeMsg,
the top 0.7 %. On its development cuts, 34-99 % of each person's ten
candidates who had met the most new people lay beyond the 99th percentile of
the training rows, where a shape capped there is flat: the fit could not tell
a candidate who met 83 new people in the month from one who met 189.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from weakties.ties.fit import AdditiveModel, fit_with_validation
from weakties.ties.history import (
    DAY,
    HORIZON_DAYS,
    Network,
    Samples,
    Traces,
    contact_between,
    embeddedness,
    network_at,
    pair_key,
    split_key,
    tie_part,
)
from weakties.words import counted

__all__ = [
    "PYMK_FEATURES",
    "PYMK_TOP_KNOT",
    "PlaceSpans",
    "candidate_pairs",
    "fit_pymk",
    "formation_part",
    "formation_samples",
    "pair_features",
    "places_at",
    "samples_at_cuts",
]

KATZ_BETA = 0.05
# quantile of the training rows at the shapes' last knot: the largest value,
# since a ranking is decided among the highest values (module doc)
PYMK_TOP_KNOT = 1.0

# feature -> direction (+1 never lowers the chance, -1 never raises it, 0 free)
PYMK_FEATURES: dict[str, int] = {
    "cn": 1,
    "jaccard": 1,
    "adamic_adar": 1,
    "resource_allocation": 1,
    "katz": 1,
    "places": 1,
    "active": 1,
    "new": 1,
    "idle": -1,
    "degree": 0,
    "age": 0,
}
PYMK_TRANSFORMS = {name: "identity" if name == "jaccard" else "log1p" for name in PYMK_FEATURES}


@dataclass(frozen=True)
class PlaceSpans:
    """Who held which place when: ``person``, ``place`` ids and the span
    ``[start, end]`` in Unix seconds (NaN end: still).

    A NaN start is an undated place (a contact's company read from a connections
    list). With ``seen`` (Unix seconds, per row: the day it was observed) it is
    held only from that day on — at an earlier cut it was not yet known, and
    using it would read the future; NaN ``seen``: never placed in time. Without
    ``seen``, a NaN start means since always (generated worlds)."""

    person: np.ndarray
    place: np.ndarray
    start: np.ndarray
    end: np.ndarray
    seen: np.ndarray | None = None


def places_at(net: Network, spans: PlaceSpans | None) -> sp.csr_array | None:
    """People x places held at the network's cut date (0/1), rows as ``net.people``."""
    if spans is None or not spans.person.size:
        return None
    c = net.cut
    undated = np.isnan(spans.start)
    # a dated place counts once begun; an undated one once observed (see PlaceSpans)
    begun = spans.start < c
    begun |= undated if spans.seen is None else undated & (spans.seen <= c)
    held = begun & (np.isnan(spans.end) | (spans.end >= c))
    rows = net.index(spans.person[held])
    inside = rows >= 0
    if not inside.any():
        return None
    places, cols = np.unique(spans.place[held][inside], return_inverse=True)
    matrix = sp.csr_array((np.ones(cols.size), (rows[inside], cols)), shape=(net.n, places.size))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


def _place_weights(places: sp.csr_array) -> sp.dia_array:
    size = np.asarray(places.sum(axis=0)).ravel()
    weight = np.where(size > 1, 1.0 / np.log(np.maximum(size, 2)), 0.0)
    return sp.dia_array((weight[None, :], [0]), shape=(size.size, size.size))


def candidate_pairs(
    net: Network,
    rows: np.ndarray,
    places: sp.csr_array | None = None,
    chunk: int = 256,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every candidate of each of ``rows`` (dense indices): within three steps or
    sharing a place, not the person, not already in touch or tied.

    Returns ``(u, v, katz)``: pairs as dense indices (``u`` from ``rows``) and
    their truncated Katz index, computed on the way.
    """
    a = net.adjacency()
    us, vs, ks = [], [], []
    for start in range(0, rows.size, chunk):
        block = rows[start : start + chunk]
        one = a[block]
        two = one @ a
        katz = sp.csr_array(KATZ_BETA**2 * two + KATZ_BETA**3 * (two @ a))
        reach = sp.csr_array((katz != 0).astype(np.float64))
        if places is not None:
            shared = sp.csr_array(places[block] @ places.T)
            reach = sp.csr_array(reach + (shared != 0).astype(np.float64))
        reach = sp.coo_array(reach)
        r, c = reach.row, reach.col
        own = block[r]
        keep = own != c
        r, c, own = r[keep], c[keep], own[keep]
        known = _is_neighbour(net, own, c)
        r, c, own = r[~known], c[~known], own[~known]
        us.append(own)
        vs.append(c)
        ks.append(np.asarray(katz[r, c]).ravel() if r.size else np.zeros(0))
    if not us:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    return np.concatenate(us), np.concatenate(vs), np.concatenate(ks)


def _is_neighbour(net: Network, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    rows = np.repeat(np.arange(net.n, dtype=np.int64), np.diff(net.indptr))
    keys = rows * net.n + net.indices
    want = u.astype(np.int64) * net.n + v
    pos = np.searchsorted(keys, want)
    return (pos < keys.size) & (keys[np.minimum(pos, max(keys.size - 1, 0))] == want)


def katz_of(net: Network, u: np.ndarray, v: np.ndarray, chunk: int = 256) -> np.ndarray:
    """Truncated Katz index of arbitrary pairs."""
    out = np.zeros(u.size)
    if not u.size:
        return out
    a = net.adjacency()
    owners, local = np.unique(u, return_inverse=True)
    for start in range(0, owners.size, chunk):
        block = owners[start : start + chunk]
        two = a[block] @ a
        katz = sp.csr_array(KATZ_BETA**2 * two + KATZ_BETA**3 * (two @ a))
        mine = (local >= start) & (local < start + block.size)
        idx = np.flatnonzero(mine)
        out[idx] = np.asarray(katz[local[idx] - start, v[idx]]).ravel()
    return out


def pair_features(
    net: Network,
    u: np.ndarray,
    v: np.ndarray,
    *,
    katz: np.ndarray | None = None,
    places: sp.csr_array | None = None,
) -> dict[str, np.ndarray]:
    """The features of :data:`PYMK_FEATURES` for pairs of dense indices."""
    cn, jaccard, aa, ra = embeddedness(net, u, v)
    node = net.node
    c = net.cut
    out = {
        "cn": cn,
        "jaccard": jaccard,
        "adamic_adar": aa,
        "resource_allocation": ra,
        # Katz's index over beta squared: two-step paths, plus three-step walks
        # at weight beta (the same order as Katz, on a scale a logarithm suits)
        "katz": (katz_of(net, u, v) if katz is None else katz) / KATZ_BETA**2,
    }
    if places is not None:
        weighted = places @ _place_weights(places)
        out["places"] = np.asarray(
            sp.csr_array(weighted[u].multiply(places[v])).sum(axis=1)
        ).ravel()
    else:
        out["places"] = np.zeros(u.size)
    # the candidate's own activity: the person asking is the same in every row
    # of their ranking, so what they do themselves cannot order it
    out["active"] = node["raw30"][v]
    out["new"] = node["new30"][v]
    out["idle"] = (c - node["last"][v]) / DAY
    out["degree"] = node["partners"][v]
    out["age"] = (c - node["first"][v]) / DAY
    return out


def new_pairs(traces: Traces, net: Network, horizon_days: float) -> np.ndarray:
    """Keys of the pairs first in touch in the period after the cut, between two
    people known before it."""
    later = contact_between(traces, net.cut, net.cut + horizon_days * DAY)
    later = later[~np.isin(later, net.keys)]
    lo, hi = split_key(later)
    known = (net.index(lo) >= 0) & (net.index(hi) >= 0)
    later = later[known]
    # a pair tied before the cut (not in touch) is not new either
    iu, iv = net.index(split_key(later)[0]), net.index(split_key(later)[1])
    return later[~_is_neighbour(net, iu, iv)]


def formation_samples(
    traces: Traces,
    cuts: np.ndarray | list[float],
    *,
    horizon_days: float = HORIZON_DAYS,
    ties: np.ndarray | None = None,
    spans: PlaceSpans | None = None,
    negatives: int = 100,
    seed: int = 0,
) -> Samples:
    """At each cut: for every person who met someone new in the next period,
    those new pairs among their candidates (label 1) and up to ``negatives``
    other candidates drawn at random (label 0), with their features."""
    rng = np.random.default_rng(seed)
    parts = []
    for cut in np.asarray(cuts, dtype=np.float64):
        part = formation_part(
            traces, network_at(traces, cut, ties=ties), horizon_days, spans, negatives, rng
        )
        if part is not None:
            parts.append(part)
    return Samples.stack(parts)


def formation_part(
    traces: Traces,
    net: Network,
    horizon_days: float,
    spans: PlaceSpans | None,
    negatives: int,
    rng: np.random.Generator,
) -> Samples | None:
    """The rows of :func:`formation_samples` at one cut, from its network
    (``net``, :func:`network_at` of the same traces at the cut); None when
    nobody met anyone new in the period. ``rng`` draws the negatives."""
    cut = net.cut
    places = places_at(net, spans)
    positive = new_pairs(traces, net, horizon_days)
    lo, hi = split_key(positive)
    rows = np.unique(np.concatenate([net.index(lo), net.index(hi)]))
    if not rows.size:
        return None
    u, v, katz = candidate_pairs(net, rows, places)
    key = pair_key(net.people[u], net.people[v])
    y = np.isin(key, positive)
    # per person: all positives, and a sample of the rest
    shuffled = rng.permutation(np.flatnonzero(~y))
    shuffled = shuffled[np.argsort(u[shuffled], kind="stable")]
    owner = u[shuffled]
    first = np.r_[True, owner[1:] != owner[:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(owner.size), 0))
    rank = np.zeros(u.size, dtype=np.int64)
    rank[shuffled] = np.arange(owner.size) - start
    keep = y | (rank < negatives)
    u, v, katz, key, y = u[keep], v[keep], katz[keep], key[keep], y[keep]
    x = pair_features(net, u, v, katz=katz, places=places)
    return Samples(x, y.astype(np.float64), np.full(y.size, cut), key)


def samples_at_cuts(
    traces: Traces,
    cuts: np.ndarray | list[float],
    *,
    horizon_days: float = HORIZON_DAYS,
    ties: np.ndarray | None = None,
    spans: PlaceSpans | None = None,
    formation: bool = True,
    negatives: int = 100,
    seed: int = 0,
) -> tuple[Samples, Samples | None]:
    """:func:`weakties.ties.history.tie_samples` and :func:`formation_samples`
    (None without ``formation``) of the same traces and cuts, in one pass: each
    cut's network is built once for both rather than once for each (the rows
    are the same as the two functions give apart, the negatives drawn alike)."""
    rng = np.random.default_rng(seed)
    tie_parts, formed = [], []
    for cut in np.asarray(cuts, dtype=np.float64):
        net = network_at(traces, cut, ties=ties)
        tie_parts.append(tie_part(traces, net, horizon_days))
        if formation:
            part = formation_part(traces, net, horizon_days, spans, negatives, rng)
            if part is not None:
                formed.append(part)
    return Samples.stack(tie_parts), Samples.stack(formed) if formation else None


def fit_pymk(samples: Samples) -> AdditiveModel:
    """The ranker, fitted on formation samples of several past cuts."""
    model = fit_with_validation(
        samples.x,
        samples.y,
        samples.cut,
        monotone=PYMK_FEATURES,
        transforms=PYMK_TRANSFORMS,
        top_knot=PYMK_TOP_KNOT,
    )
    model.info["task"] = "people you may know: first contact within the next period"
    return model


def rank(
    model: AdditiveModel,
    net: Network,
    rows: np.ndarray,
    top: int,
    *,
    places: sp.csr_array | None = None,
    allowed: np.ndarray | None = None,
    chunk: int = 256,
) -> list[tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]]:
    """Each row's ``top`` candidates by the fitted ranker: ``(columns, scores,
    features)`` per row, best first (equal scores by column). ``allowed``: a
    boolean mask of the people who may be suggested."""
    out: list[tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]] = []
    for start in range(0, rows.size, chunk):
        block = rows[start : start + chunk]
        u, v, katz = candidate_pairs(net, block, places, chunk=chunk)
        if allowed is not None:
            keep = allowed[v]
            u, v, katz = u[keep], v[keep], katz[keep]
        x = pair_features(net, u, v, katz=katz, places=places)
        score = model.score(x) if u.size else np.zeros(0)
        order = np.lexsort((v, -score, u))
        u, v, score = u[order], v[order], score[order]
        x = {k: val[order] for k, val in x.items()}
        bounds = np.searchsorted(u, block, side="left"), np.searchsorted(u, block, side="right")
        for lo, hi in zip(*bounds, strict=True):
            end = min(hi, lo + top)
            out.append((v[lo:end], score[lo:end], {k: val[lo:end] for k, val in x.items()}))
    return out


def why(model: AdditiveModel, x: dict[str, np.ndarray], j: int, top: int = 3) -> list[str]:
    """The features that most raised candidate ``j``'s chance, in words."""
    row = {k: val[j : j + 1] for k, val in x.items()}
    pushes = sorted(
        ((float(c[0]), name) for name, c in model.contributions(row).items()),
        reverse=True,
    )
    words: list[str] = []
    for push, name in pushes:
        if push < 0.05 or len(words) == top:
            break
        text = describe(name, {k: float(val[j]) for k, val in x.items()})
        if text and text not in words:
            words.append(text)
    return words


def describe(name: str, raw: dict[str, float]) -> str | None:
    """One feature of a suggestion in words (None for those that say nothing alone)."""
    if name in ("cn", "adamic_adar", "resource_allocation", "jaccard"):
        n = int(raw["cn"])
        return f"{counted(n, 'mutual contact', 'mutual contacts')}" if n else None
    if name == "katz":
        return "many paths through your contacts' contacts"
    if name == "places":
        return "in the same place (employer, school or group) now"
    if name == "active":
        return f"active: {counted(raw['active'], 'contact', 'contacts')} in the last month"
    if name == "new":
        return f"meeting new people: {int(raw['new'])} in the last month"
    if name == "idle":
        from weakties.ties.strength import ago

        return f"last in touch with anyone {ago(raw['idle'])}"
    if name == "degree":
        return f"in touch with {counted(raw['degree'], 'person', 'people')}"
    if name == "age":
        return "new here" if raw["age"] < 60 else None
    return None

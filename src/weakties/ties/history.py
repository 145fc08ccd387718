"""The installation's own history as training data: features at past cut dates.

No label is needed to learn what predicts a tie's future. At a cut date ``c`` in
the past, every pair's features are computed from the traces strictly before
``c``; the label is what happened in the next period ``[c, c + horizon)``:

- for pairs already in touch (:func:`tie_samples`): whether they were in touch
  again (tie persistence);
- for pairs not yet in touch (:mod:`weakties.ties.pymk_features`): whether they
  got in touch for the first time (tie formation).

Everything here works on arrays (:class:`Traces`: sender, recipient, time, group
size, kind), never on the database, so that any reader of traces can feed it.

Features of a pair in touch before the cut, by dimension (Granovetter 1973;
Gilbert & Karahalios 2009). Counts weigh a trace shared with ``g`` recipients
``1/sqrt(g)``; only conversation counts (messages, e-mails, meetings, calls).

========================  ==================================================================
intensity                 ``n7`` … ``n730``: contacts in the last week, month, quarter, year,
                          two years; ``decayed30``, ``decayed180``: time-decayed contacts
                          (e-folding 30 and 180 days)
recency                   ``days_since``: days since the last contact
duration                  ``tie_age``: days since the first contact (or the tie's start)
regularity                ``regularity``: share of the weeks since the first contact (at
                          most the last 52) with contact; ``burstiness``: (σ − μ)/(σ + μ)
                          of the gaps between contact days (Goh & Barabási 2008)
trajectory                ``trend``: log of (contacts in the last 30 days + 1) over (the 30
                          before + 1); ``overdue``: days since the last contact over the
                          pair's usual interval (days known / contact days)
reciprocity               ``balance``: the quieter side's share over the louder's;
                          ``turns``: share of consecutive contacts that change direction
channel / intimacy        ``channels``: kinds used (message, e-mail, meeting, call);
                          ``closeness``: mean 1/sqrt(recipients) of the contacts
structural                ``mutual``, ``jaccard``, ``adamic_adar`` of the two sides'
                          contacts (everyone either was in touch with or tied to)
context                   ``active_min`` / ``active_max``: each side's contacts with anyone
                          in the last 30 days (the quieter, the busier); ``idle_min`` /
                          ``idle_max``: days since each side's last contact with anyone;
                          ``share_min`` / ``share_max``: the pair's share of each side's
                          contacts in the last year
========================  ==================================================================

References
----------
Gilbert, E., & Karahalios, K. (2009). Predicting tie strength with social media. CHI.
Goh, K.-I., & Barabási, A.-L. (2008). Burstiness and memory in complex systems. EPL 81.
Onnela, J.-P. et al. (2007). Structure and tie strengths in mobile communication
networks. PNAS 104 (the share of a person's contact a tie holds).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from numba import njit

from weakties.model.kinds import INTERACTION_KINDS

__all__ = [
    "CONVERSATION_KINDS",
    "DAY",
    "HORIZON_DAYS",
    "TIE_FEATURES",
    "TIE_TRANSFORMS",
    "Network",
    "Samples",
    "Traces",
    "cut_schedule",
    "network_at",
    "tie_features",
    "tie_part",
    "tie_samples",
]

DAY = 86400.0
HORIZON_DAYS = 30.0  # the label: in touch within the next month
WINDOWS = (7, 30, 90, 365, 730)
KIND = {kind: np.int8(i) for i, kind in enumerate(INTERACTION_KINDS)}
CONVERSATION_KINDS = np.array(
    [KIND[k] for k in ("message", "email", "meeting", "call")], dtype=np.int8
)

# feature -> (dimension, direction theory gives it for strength / persistence:
# +1 more never lowers it, -1 more never raises it, 0 no constraint)
TIE_FEATURES: dict[str, tuple[str, int]] = {
    "n7": ("intensity", 1),
    "n30": ("intensity", 1),
    "n90": ("intensity", 1),
    "n365": ("intensity", 1),
    "n730": ("intensity", 1),
    "decayed30": ("intensity", 1),
    "decayed180": ("intensity", 1),
    "days_since": ("recency", -1),
    "tie_age": ("duration", 1),
    "regularity": ("regularity", 1),
    "burstiness": ("regularity", 0),
    "trend": ("trajectory", 1),
    "overdue": ("trajectory", -1),
    "balance": ("reciprocity", 1),
    "turns": ("reciprocity", 1),
    "channels": ("channel", 1),
    "closeness": ("intimacy", 1),
    "mutual": ("structural", 1),
    "jaccard": ("structural", 1),
    "adamic_adar": ("structural", 1),
    "active_min": ("context", 1),
    "active_max": ("context", 1),
    "idle_min": ("context", -1),
    "idle_max": ("context", -1),
    "share_min": ("context", 0),
    "share_max": ("context", 0),
    "days30": ("regularity", 1),
    "focus_min": ("context", 1),
    "focus_max": ("context", 1),
    "elsewhere_min": ("context", -1),
    "elsewhere_max": ("context", -1),
}
# features already on a bounded or logarithmic scale; the others are read as log1p
IDENTITY = frozenset(
    {
        "regularity",
        "burstiness",
        "trend",
        "balance",
        "turns",
        "closeness",
        "jaccard",
        "share_min",
        "share_max",
        "focus_min",
        "focus_max",
    }
)
TIE_TRANSFORMS = {name: "identity" if name in IDENTITY else "log1p" for name in TIE_FEATURES}


def _seconds(when: dt.datetime | dt.date | float) -> float:
    if isinstance(when, int | float):
        return float(when)
    if not isinstance(when, dt.datetime):
        when = dt.datetime(when.year, when.month, when.day)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.timestamp()


@dataclass(frozen=True)
class Traces:
    """Two-party traces as parallel arrays, in time order.

    ``sender`` and ``recipient`` are person ids, ``t`` Unix seconds, ``group_size``
    the recipients of the same message or meeting (1: one-to-one), ``kind`` the
    code of the interaction kind (:data:`weakties.model.kinds.INTERACTION_KINDS`).
    Build with :meth:`of`, which sorts and drops self-traces.
    """

    sender: np.ndarray
    recipient: np.ndarray
    t: np.ndarray
    group_size: np.ndarray
    kind: np.ndarray

    @classmethod
    def of(
        cls,
        sender: np.ndarray,
        recipient: np.ndarray,
        t: np.ndarray,
        group_size: np.ndarray | None = None,
        kind: np.ndarray | None = None,
    ) -> Traces:
        s = np.asarray(sender, dtype=np.int64)
        r = np.asarray(recipient, dtype=np.int64)
        when = np.asarray(t, dtype=np.float64)
        n = s.size
        if r.size != n or when.size != n:
            raise ValueError("sender, recipient and t must have the same length")
        g = (
            np.ones(n, dtype=np.int32)
            if group_size is None
            else np.maximum(np.asarray(group_size, dtype=np.int32), 1)
        )
        k = (
            np.full(n, KIND["message"], dtype=np.int8)
            if kind is None
            else np.asarray(kind, dtype=np.int8)
        )
        keep = s != r
        order = np.argsort(when[keep], kind="stable")
        return cls(
            s[keep][order], r[keep][order], when[keep][order], g[keep][order], k[keep][order]
        )

    def __len__(self) -> int:
        return int(self.t.size)

    def conversations(self) -> Traces:
        """Only contact (messages, e-mails, meetings, calls)."""
        mask = np.isin(self.kind, CONVERSATION_KINDS)
        return Traces(
            self.sender[mask],
            self.recipient[mask],
            self.t[mask],
            self.group_size[mask],
            self.kind[mask],
        )

    def before(self, cut: float) -> Traces:
        j = int(np.searchsorted(self.t, cut, side="left"))
        return Traces(
            self.sender[:j], self.recipient[:j], self.t[:j], self.group_size[:j], self.kind[:j]
        )

    def between(self, start: float, end: float) -> Traces:
        i = int(np.searchsorted(self.t, start, side="left"))
        j = int(np.searchsorted(self.t, end, side="left"))
        return Traces(
            self.sender[i:j],
            self.recipient[i:j],
            self.t[i:j],
            self.group_size[i:j],
            self.kind[i:j],
        )

    def pair_keys(self) -> np.ndarray:
        return pair_key(self.sender, self.recipient)


def pair_key(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One int64 per unordered pair of ids below 2**31 (``min << 32 | max``)."""
    lo = np.minimum(a, b).astype(np.int64)
    hi = np.maximum(a, b).astype(np.int64)
    return (lo << 32) | hi


def split_key(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return keys >> 32, keys & 0xFFFFFFFF


def cut_schedule(
    first: float,
    as_of: float,
    *,
    horizon_days: float = HORIZON_DAYS,
    step_days: float = 7.0,
    max_cuts: int = 12,
    min_history_days: float = 14.0,
) -> np.ndarray:
    """Past cut dates whose next period ended by ``as_of``, most recent first.

    A cut ``c`` is usable at ``as_of`` when its whole label period lies before
    it (``c + horizon <= as_of``) and at least ``min_history_days`` of traces
    precede it. Cuts go back from ``as_of - horizon`` by ``step_days``.
    """
    last = as_of - horizon_days * DAY
    cuts = last - step_days * DAY * np.arange(max_cuts)
    return cuts[cuts >= first + min_history_days * DAY]


@dataclass
class Network:
    """Who was in touch with whom before a cut: pairs, per-pair sums, a graph.

    ``people`` are the person ids (sorted); pairs and the CSR graph use their
    positions. The graph also holds the ties given as known before the cut.
    """

    cut: float
    people: np.ndarray
    keys: np.ndarray  # pair keys of the pairs in touch, sorted
    u: np.ndarray  # dense index of the pair's lower id
    v: np.ndarray
    indptr: np.ndarray  # CSR of the contact-or-tie graph on dense indices
    indices: np.ndarray
    pair: dict[str, np.ndarray] = field(default_factory=dict)
    node: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return int(self.people.size)

    def degree(self) -> np.ndarray:
        return np.diff(self.indptr)

    def adjacency(self) -> sp.csr_array:
        data = np.ones(self.indices.size, dtype=np.float64)
        return sp.csr_array((data, self.indices, self.indptr), shape=(self.n, self.n))

    def index(self, ids: np.ndarray) -> np.ndarray:
        """Dense index of each person id (-1 for someone unknown before the cut)."""
        pos = np.searchsorted(self.people, ids)
        pos = np.minimum(pos, max(self.n - 1, 0))
        ok = self.people[pos] == ids if self.n else np.zeros(np.shape(ids), bool)
        return np.where(ok, pos, -1)


def network_at(
    traces: Traces,
    cut: float | dt.datetime,
    *,
    ties: np.ndarray | None = None,
) -> Network:
    """Per-pair and per-person sums of the contact before ``cut``.

    ``traces`` should hold conversations only (:meth:`Traces.conversations`);
    ``ties`` is an optional ``(k, 3)`` array of tied pairs ``(a, b, since)``
    (``since`` Unix seconds, NaN when unknown — then the tie counts at every
    cut, as a fact of the present), which join the graph and give a tie's age.
    """
    c = _seconds(cut)
    before = traces.before(c)
    keys_all = before.pair_keys()
    keys, idx = np.unique(keys_all, return_inverse=True)
    tie_keys = np.empty(0, dtype=np.int64)
    tie_since = np.empty(0)
    if ties is not None and len(ties):
        arr = np.asarray(ties, dtype=np.float64)
        since = arr[:, 2]
        known = np.isnan(since) | (since < c)
        tie_keys = pair_key(arr[known, 0].astype(np.int64), arr[known, 1].astype(np.int64))
        tie_since = since[known]
    lo, hi = split_key(keys)
    tlo, thi = split_key(tie_keys)
    people = np.unique(np.concatenate([lo, hi, tlo, thi]))
    u = np.searchsorted(people, lo)
    v = np.searchsorted(people, hi)
    graph_keys = np.unique(np.concatenate([keys, tie_keys]))
    glo, ghi = split_key(graph_keys)
    gu, gv = np.searchsorted(people, glo), np.searchsorted(people, ghi)
    indptr, indices = _csr(np.concatenate([gu, gv]), np.concatenate([gv, gu]), people.size)
    net = Network(c, people, keys, u, v, indptr, indices)
    net.pair.update(_pair_sums(before, idx, keys.size, c))
    if tie_keys.size:
        pos = np.searchsorted(keys, tie_keys)
        ok = (pos < keys.size) & (keys[np.minimum(pos, max(keys.size - 1, 0))] == tie_keys)
        started = net.pair["first"].copy()
        np.fmin.at(started, pos[ok], np.where(np.isnan(tie_since[ok]), np.inf, tie_since[ok]))
        net.pair["start"] = started
    else:
        net.pair["start"] = net.pair["first"].copy()
    net.node.update(_node_sums(net))
    net.pair["elsewhere_lo"], net.pair["elsewhere_hi"] = _elsewhere(before, net)
    return net


def _elsewhere(before: Traces, net: Network) -> tuple[np.ndarray, np.ndarray]:
    """For each pair: the contacts each side had with anyone since the pair's
    last contact (the pair's own last one excluded)."""
    if not len(before):
        return np.zeros(net.keys.size), np.zeros(net.keys.size)
    who = net.index(np.concatenate([before.sender, before.recipient]))
    rel = np.concatenate([before.t, before.t]) - before.t[0]
    stamp = who.astype(np.int64) * (1 << 34) + np.round(rel).astype(np.int64)
    stamp.sort()
    last = np.round(net.pair["last"] - before.t[0]).astype(np.int64)
    end = np.searchsorted(stamp, (np.arange(net.n, dtype=np.int64) + 1) * (1 << 34))

    def after(side: np.ndarray) -> np.ndarray:
        at = np.searchsorted(stamp, side.astype(np.int64) * (1 << 34) + last, side="right")
        return (end[side] - at).astype(np.float64)

    return after(net.u), after(net.v)


def _csr(rows: np.ndarray, cols: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((cols, rows))
    rows, cols = rows[order], cols[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return indptr, cols.astype(np.int64)


def _pair_sums(before: Traces, idx: np.ndarray, n: int, cut: float) -> dict[str, np.ndarray]:
    """Sums per pair over its traces (``idx`` the pair of each trace)."""
    out: dict[str, np.ndarray] = {}
    age = (cut - before.t) / DAY
    w = 1.0 / np.sqrt(before.group_size.astype(np.float64))

    def total(weights: np.ndarray | None = None, mask: np.ndarray | None = None) -> np.ndarray:
        if mask is not None:
            wm = (weights if weights is not None else np.ones(idx.size))[mask]
            return np.bincount(idx[mask], weights=wm, minlength=n).astype(np.float64)
        return np.bincount(idx, weights=weights, minlength=n).astype(np.float64)

    for days in WINDOWS:
        out[f"n{days}"] = total(w, age < days)
    out["n30_60"] = total(w, (age >= 30) & (age < 60))
    out["decayed30"] = total(w * np.exp(-age / 30.0))
    out["decayed180"] = total(w * np.exp(-age / 180.0))
    out["count"] = total()
    out["weighted"] = total(w)
    out["raw365"] = total(None, age < 365)
    out["raw30"] = total(None, age < 30)
    lo = np.minimum(before.sender, before.recipient)
    from_lo = (before.sender == lo).astype(np.float64)
    out["from_lo"] = total(from_lo)
    last = np.full(n, -np.inf)
    first = np.full(n, np.inf)
    if idx.size:
        np.maximum.at(last, idx, before.t)
        np.minimum.at(first, idx, before.t)
    out["last"] = last
    out["first"] = first
    kinds = np.unique(idx * 16 + before.kind.astype(np.int64))
    out["channels"] = np.bincount(kinds // 16, minlength=n).astype(np.float64)
    # time order within each pair: traces are in time order, a stable sort by pair keeps it
    order = np.argsort(idx, kind="stable")
    pi, pt, pd = idx[order], before.t[order], from_lo[order]
    same = np.r_[False, pi[1:] == pi[:-1]]
    switch = same & np.r_[False, pd[1:] != pd[:-1]]
    out["turns"] = np.bincount(pi[switch], minlength=n).astype(np.float64)
    # contact days, weeks with contact in the last year, gaps between contact days
    day_of = np.floor(pt / DAY).astype(np.int64)
    new_day = ~same | np.r_[True, day_of[1:] != day_of[:-1]]
    di, dd = pi[new_day], day_of[new_day]
    out["contact_days"] = np.bincount(di, minlength=n).astype(np.float64)
    today = np.floor(cut / DAY)
    out["days30"] = np.bincount(di[dd >= today - 29], minlength=n).astype(np.float64)
    weeks = dd // 7
    recent = dd >= np.floor(cut / DAY) - 364
    wk_new = np.r_[True, (di[1:] != di[:-1]) | (weeks[1:] != weeks[:-1])]
    out["weeks_last_year"] = np.bincount(di[wk_new & recent], minlength=n).astype(np.float64)
    gap_same = np.r_[False, di[1:] == di[:-1]]
    gaps = np.diff(dd, prepend=0).astype(np.float64)
    gi, gv = di[gap_same], gaps[gap_same]
    k = np.bincount(gi, minlength=n).astype(np.float64)
    s1 = np.bincount(gi, weights=gv, minlength=n)
    s2 = np.bincount(gi, weights=gv * gv, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s1 / k
        std = np.sqrt(np.maximum(s2 / k - mean * mean, 0.0))
        burst = (std - mean) / (std + mean)
    out["burstiness"] = np.where(k >= 2, np.nan_to_num(burst, nan=0.0), 0.0)
    return out


def _node_sums(net: Network) -> dict[str, np.ndarray]:
    """Per person: contacts in the last 30 days and year, last and first contact,
    partners, partners new in the last 30 days."""
    n = net.n
    p = net.pair
    both = np.concatenate([net.u, net.v])

    def per_node(values: np.ndarray) -> np.ndarray:
        return np.bincount(both, weights=np.concatenate([values, values]), minlength=n)

    last = np.full(n, -np.inf)
    first = np.full(n, np.inf)
    if both.size:
        np.maximum.at(last, both, np.concatenate([p["last"], p["last"]]))
        np.minimum.at(first, both, np.concatenate([p["first"], p["first"]]))
    new = (p["first"] >= net.cut - 30 * DAY).astype(np.float64)
    return {
        "decayed30": per_node(p["decayed30"]),
        "raw30": per_node(p["raw30"]),
        "raw365": per_node(p["raw365"]),
        "partners": np.bincount(both, minlength=n).astype(np.float64),
        "new30": per_node(new),
        "last": last,
        "first": first,
    }


@njit(cache=True)
def _embedded(indptr, indices, deg, us, vs):  # pragma: no cover - compiled
    """Common neighbours, Adamic-Adar and resource allocation of each pair."""
    m = us.shape[0]
    cn = np.zeros(m)
    aa = np.zeros(m)
    ra = np.zeros(m)
    for p in range(m):
        u = us[p]
        v = vs[p]
        i = indptr[u]
        j = indptr[v]
        while i < indptr[u + 1] and j < indptr[v + 1]:
            x = indices[i]
            y = indices[j]
            if x == y:
                d = deg[x]
                cn[p] += 1.0
                if d > 1:
                    aa[p] += 1.0 / np.log(d)
                ra[p] += 1.0 / d
                i += 1
                j += 1
            elif x < y:
                i += 1
            else:
                j += 1
    return cn, aa, ra


def embeddedness(
    net: Network, u: np.ndarray, v: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Common neighbours, Jaccard, Adamic-Adar and resource allocation of pairs of
    dense indices in the network's graph."""
    deg = net.degree().astype(np.float64)
    cn, aa, ra = _embedded(net.indptr, net.indices, deg, u.astype(np.int64), v.astype(np.int64))
    linked = _linked(net, u, v)
    union = deg[u] + deg[v] - cn - 2.0 * linked
    with np.errstate(invalid="ignore", divide="ignore"):
        jaccard = np.where(union > 0, cn / union, 0.0)
    return cn, jaccard, aa, ra


def _linked(net: Network, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """1.0 where u and v are neighbours in the graph."""
    if not u.size:
        return np.zeros(0)
    rows = np.repeat(np.arange(net.n), np.diff(net.indptr))
    graph_keys = rows.astype(np.int64) * net.n + net.indices
    want = u.astype(np.int64) * net.n + v
    pos = np.searchsorted(graph_keys, want)
    ok = (pos < graph_keys.size) & (graph_keys[np.minimum(pos, graph_keys.size - 1)] == want)
    return ok.astype(np.float64)


def tie_features(net: Network, rows: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The features of :data:`TIE_FEATURES` for the network's pairs (all, or ``rows``)."""
    p = {k: (val if rows is None else val[rows]) for k, val in net.pair.items()}
    u = net.u if rows is None else net.u[rows]
    v = net.v if rows is None else net.v[rows]
    c = net.cut
    out: dict[str, np.ndarray] = {}
    for days in WINDOWS:
        out[f"n{days}"] = p[f"n{days}"]
    out["decayed30"] = p["decayed30"]
    out["decayed180"] = p["decayed180"]
    out["days_since"] = (c - p["last"]) / DAY
    age = (c - np.minimum(p["start"], p["first"])) / DAY
    out["tie_age"] = age
    span_weeks = np.clip(np.floor(age / 7.0) + 1.0, 1.0, 52.0)
    out["regularity"] = np.minimum(p["weeks_last_year"] / span_weeks, 1.0)
    out["burstiness"] = p["burstiness"]
    out["trend"] = np.log((p["n30"] + 1.0) / (p["n30_60"] + 1.0))
    interval = np.maximum(age, 1.0) / np.maximum(p["contact_days"], 1.0)
    out["overdue"] = out["days_since"] / interval
    from_lo = p["from_lo"]
    from_hi = p["count"] - from_lo
    loud = np.maximum(from_lo, from_hi)
    out["balance"] = np.where(loud > 0, np.minimum(from_lo, from_hi) / np.maximum(loud, 1), 0.0)
    out["turns"] = np.where(p["count"] > 1, p["turns"] / np.maximum(p["count"] - 1, 1), 0.0)
    out["channels"] = p["channels"]
    out["closeness"] = np.where(p["count"] > 0, p["weighted"] / np.maximum(p["count"], 1), 0.0)
    cn, jaccard, aa, _ra = embeddedness(net, u, v)
    out["mutual"] = cn
    out["jaccard"] = jaccard
    out["adamic_adar"] = aa
    node = net.node
    act_u, act_v = node["raw30"][u], node["raw30"][v]
    out["active_min"] = np.minimum(act_u, act_v)
    out["active_max"] = np.maximum(act_u, act_v)
    idle_u, idle_v = (c - node["last"][u]) / DAY, (c - node["last"][v]) / DAY
    out["idle_min"] = np.minimum(idle_u, idle_v)
    out["idle_max"] = np.maximum(idle_u, idle_v)
    with np.errstate(invalid="ignore", divide="ignore"):
        share_u = np.where(node["raw365"][u] > 0, p["raw365"] / node["raw365"][u], 0.0)
        share_v = np.where(node["raw365"][v] > 0, p["raw365"] / node["raw365"][v], 0.0)
    out["share_min"] = np.minimum(share_u, share_v)
    out["share_max"] = np.maximum(share_u, share_v)
    out["days30"] = p["days30"]
    with np.errstate(invalid="ignore", divide="ignore"):
        focus_u = np.where(node["decayed30"][u] > 0, p["decayed30"] / node["decayed30"][u], 0.0)
        focus_v = np.where(node["decayed30"][v] > 0, p["decayed30"] / node["decayed30"][v], 0.0)
    out["focus_min"] = np.minimum(focus_u, focus_v)
    out["focus_max"] = np.maximum(focus_u, focus_v)
    out["elsewhere_min"] = np.minimum(p["elsewhere_lo"], p["elsewhere_hi"])
    out["elsewhere_max"] = np.maximum(p["elsewhere_lo"], p["elsewhere_hi"])
    return out


def contact_between(traces: Traces, start: float, end: float) -> np.ndarray:
    """Sorted keys of the pairs in touch in ``[start, end)``."""
    return np.unique(traces.between(start, end).pair_keys())


@dataclass
class Samples:
    """Stacked training rows from several cuts: features, label, cut of each row."""

    x: dict[str, np.ndarray]
    y: np.ndarray
    cut: np.ndarray
    keys: np.ndarray

    def __len__(self) -> int:
        return int(self.y.size)

    def where(self, mask: np.ndarray) -> Samples:
        return Samples(
            {k: v[mask] for k, v in self.x.items()}, self.y[mask], self.cut[mask], self.keys[mask]
        )

    @classmethod
    def stack(cls, parts: list[Samples]) -> Samples:
        if not parts:
            return cls({}, np.empty(0), np.empty(0), np.empty(0, dtype=np.int64))
        names = list(parts[0].x)
        return cls(
            {k: np.concatenate([p.x[k] for p in parts]) for k in names},
            np.concatenate([p.y for p in parts]),
            np.concatenate([p.cut for p in parts]),
            np.concatenate([p.keys for p in parts]),
        )


def tie_samples(
    traces: Traces,
    cuts: np.ndarray | list[float],
    *,
    horizon_days: float = HORIZON_DAYS,
    ties: np.ndarray | None = None,
    pairs: np.ndarray | None = None,
) -> Samples:
    """At each cut: every pair in touch before it (only ``pairs`` keys, if given),
    its features, and whether it was in touch again within ``horizon_days``.

    ``traces`` must hold conversations only, and reach at least the end of the
    last cut's period: a label period cut short would read as "not in touch".
    """
    parts = [
        tie_part(traces, network_at(traces, cut, ties=ties), horizon_days, pairs)
        for cut in np.asarray(cuts, dtype=np.float64)
    ]
    return Samples.stack(parts)


def tie_part(
    traces: Traces, net: Network, horizon_days: float, pairs: np.ndarray | None = None
) -> Samples:
    """The rows of :func:`tie_samples` at one cut, from its network (``net``,
    :func:`network_at` of the same traces at the cut)."""
    cut = net.cut
    rows = None if pairs is None else np.flatnonzero(np.isin(net.keys, pairs))
    keys = net.keys if rows is None else net.keys[rows]
    later = contact_between(traces, cut, cut + horizon_days * DAY)
    y = np.isin(keys, later).astype(np.float64)
    return Samples(tie_features(net, rows), y, np.full(y.size, cut), keys)

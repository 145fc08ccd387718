"""Tie features per pair of people, grouped by the dimensions of tie strength.

The dimensions follow Granovetter (1973) as operationalised by Gilbert &
Karahalios (2009): duration, recency, intensity, reciprocity (and who invited
whom), services, intimacy, structure, social distance. Every feature is
computed *as of* a date from the traces before it, never after.

A pair's "contacts" for the structural features are the people either is tied
to (a declared or inferred tie known by then) or was in touch with.

Contact in a group says less than contact in private: a trace shared with
``g`` recipients (a group message, an e-mail with copies, a meeting) weighs
``1/sqrt(g)`` in the time-decayed intensity, and the model's recency and
regularity read *personal* contact only — traces with at most
``PERSONAL_GROUP`` recipients. A weekly 40-person call makes a pair "in
touch" (not nominal), never strong by itself; raw counts and the last contact
of any kind stay available for display and for dormancy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from weakties.graph.snapshot import Graph
from weakties.model.identity import fold
from weakties.model.seniority import seniority
from weakties.ties.traces import CONVERSATION, KIND_CODE, PairTraces, epoch_seconds

if TYPE_CHECKING:
    from weakties.store.reader import Reader

__all__ = ["DIMENSIONS", "FeatureTable", "compute_features"]

DAY = 86400.0
MONTH = 30.4375 * DAY
DECAY_DAYS = 180.0  # a contact counts half after ~4 months (e-folding time 180 days)
PERSONAL_GROUP = 4  # at most this many recipients: personal contact

# feature -> dimension (Gilbert & Karahalios 2009, table 1)
DIMENSIONS: dict[str, str] = {
    "days_known": "duration",
    "days_since_contact": "recency",
    "days_since_personal": "recency",
    "never_in_touch": "recency",
    "gap_days": "recency",
    "contacts": "intensity",
    "contacts_decayed": "intensity",
    "contacts_last_year": "intensity",
    "active_months": "intensity",
    "personal_months": "intensity",
    "balance": "reciprocity",
    "turns": "reciprocity",
    "invitation": "reciprocity",
    "services": "services",
    "one_to_one_share": "intimacy",
    "meetings_one_to_one": "intimacy",
    "notes": "intimacy",
    "mutual_contacts": "structural",
    "shared_employer": "structural",
    "shared_school": "structural",
    "shared_groups": "structural",
    "same_industry": "social distance",
    "seniority_gap": "social distance",
}


@dataclass
class FeatureTable:
    """One row per pair ``(a, b)``, ``a < b``; raw feature values by name."""

    as_of: float
    a: np.ndarray
    b: np.ndarray
    values: dict[str, np.ndarray] = field(default_factory=dict)
    tied: np.ndarray | None = None  # the pair has a social tie
    #: the scope the table was read in holds a tie at all (a member's
    #: connections, contacts or inferred ties; any pair's for a whole database):
    #: without any, "not connected" says nothing about a pair
    ties_declared: bool = True

    def __len__(self) -> int:
        return int(self.a.shape[0])

    def row(self, i: int) -> dict[str, float]:
        return {name: float(column[i]) for name, column in self.values.items()}

    def index_of(self, a: int, b: int) -> int | None:
        lo, hi = min(a, b), max(a, b)
        hits = np.flatnonzero((self.a == lo) & (self.b == hi))
        return int(hits[0]) if hits.size else None


@njit(cache=True)
def _common_counts(indptr, indices, us, vs):  # pragma: no cover - compiled
    out = np.zeros(us.shape[0], dtype=np.int32)
    for p in range(us.shape[0]):
        u = us[p]
        v = vs[p]
        i = indptr[u]
        j = indptr[v]
        c = 0
        while i < indptr[u + 1] and j < indptr[v + 1]:
            x = indices[i]
            y = indices[j]
            if x == y:
                c += 1
                i += 1
                j += 1
            elif x < y:
                i += 1
            else:
                j += 1
        out[p] = c
    return out


def _group(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    uniq, inverse = np.unique(keys, return_inverse=True)
    return uniq, inverse


def compute_features(
    reader: Reader,
    traces: PairTraces,
    *,
    as_of: dt.datetime,
    ego: int | None = None,
    include_tied: bool = True,
    others: Collection[int] | None = None,
    inferred: bool = True,
) -> FeatureTable:
    """Features of every pair with a trace (and, with ``include_tied``, every tied
    pair the reader may list), or only the ego's pairs when ``ego`` is given (and
    then only those with ``others``, if given). Without ``inferred``, inferred
    ties (any member's) play no part: the viewer switched inference off.

    Structural features count the ties the reader's scope may count; the notes
    feature reads the viewer's own notes, for the viewer's own ties only."""
    at = epoch_seconds(as_of)
    pair_keys = traces.a * (1 << 32) + traces.b
    ties = reader.tie_pairs(as_of, person=ego, inferred=inferred)
    tie_keys = ties[:, 0] * (1 << 32) + ties[:, 1] if ties.size else np.empty(0, np.int64)
    candidates = [pair_keys]
    if include_tied:
        candidates.append(tie_keys)
    keys = (
        np.unique(np.concatenate(candidates))
        if any(c.size for c in candidates)
        else np.empty(0, np.int64)
    )
    if ego is not None and keys.size:
        lo, hi = keys >> 32, keys & 0xFFFFFFFF
        keys = keys[(lo == ego) | (hi == ego)]
        if others is not None:
            lo, hi = keys >> 32, keys & 0xFFFFFFFF
            other = np.where(lo == ego, hi, lo)
            keys = keys[np.isin(other, np.fromiter(others, dtype=np.int64, count=len(others)))]
    n = keys.size
    table = FeatureTable(at, keys >> 32, keys & 0xFFFFFFFF)
    table.tied = np.isin(keys, tie_keys)
    table.ties_declared = bool(tie_keys.size)
    v = table.values
    pos = np.searchsorted(keys, pair_keys)
    inside = (
        (pos < n) & (keys[np.minimum(pos, max(n - 1, 0))] == pair_keys) if n else np.zeros(0, bool)
    )
    idx = pos[inside]
    t = traces.t[inside]
    kind = traces.kind[inside]
    from_a = traces.from_a[inside]
    group = traces.group_size[inside]
    conv = np.isin(kind, np.fromiter(CONVERSATION, dtype=np.int8))

    def count(mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(
            idx[mask], weights=None if weights is None else weights[mask], minlength=n
        ).astype(np.float64)

    share = 1.0 / np.sqrt(np.maximum(group, 1).astype(np.float64))
    v["contacts"] = count(conv)
    v["contacts_decayed"] = count(conv, share * np.exp(-(at - t) / (DECAY_DAYS * DAY)))
    v["contacts_last_year"] = count(conv & (t >= at - 365 * DAY))
    sent_a = count(conv & from_a)
    sent_b = count(conv & ~from_a)
    with np.errstate(invalid="ignore", divide="ignore"):
        v["balance"] = np.where(
            np.maximum(sent_a, sent_b) > 0,
            np.minimum(sent_a, sent_b) / np.maximum(sent_a, sent_b),
            0.0,
        )
        v["one_to_one_share"] = np.where(
            v["contacts"] > 0, count(conv & (group <= 1)) / np.maximum(v["contacts"], 1), 0.0
        )
    v["meetings_one_to_one"] = count((kind == KIND_CODE["meeting"]) & (group <= 1))
    endorse = count(kind == KIND_CODE["endorsement"])
    recommend = count(kind == KIND_CODE["recommendation"])
    introduce = count(kind == KIND_CODE["introduction"])
    v["services"] = endorse + 3 * recommend + 3 * introduce
    v["invitation"] = np.minimum(count(kind == KIND_CODE["invitation"]), 1)
    # first and last contact, active months, turns: sort conversational traces by pair, time
    last = np.full(n, np.nan)
    first_any = np.full(n, np.nan)
    if idx.size:
        np.fmin.at(first_any, idx, t)
    active = np.zeros(n)
    turns = np.zeros(n)
    first_conv = np.full(n, np.nan)
    last_personal = np.full(n, np.nan)
    personal_months = np.zeros(n)
    if conv.any():
        ci, ct, cd = idx[conv], t[conv], from_a[conv]
        order = np.lexsort((ct, ci))
        ci, ct, cd = ci[order], ct[order], cd[order]
        boundary = np.r_[True, ci[1:] != ci[:-1]]
        ends = np.r_[boundary[1:], True]
        last[ci[ends]] = ct[ends]
        first_conv[ci[boundary]] = ct[boundary]
        months = np.floor(ct / MONTH).astype(np.int64)
        new_month = boundary | np.r_[True, months[1:] != months[:-1]]
        active = np.bincount(ci[new_month], minlength=n).astype(np.float64)
        switch = ~boundary & np.r_[False, cd[1:] != cd[:-1]]
        turns = np.bincount(ci[switch], minlength=n).astype(np.float64)
        # the same, for personal contact only (still sorted by pair, then time)
        mine = (group[conv] <= PERSONAL_GROUP)[order]
        if mine.any():
            pi, pt, pm = ci[mine], ct[mine], months[mine]
            p_start = np.r_[True, pi[1:] != pi[:-1]]
            p_end = np.r_[p_start[1:], True]
            last_personal[pi[p_end]] = pt[p_end]
            p_new_month = p_start | np.r_[True, pm[1:] != pm[:-1]]
            personal_months = np.bincount(pi[p_new_month], minlength=n).astype(np.float64)
    v["active_months"] = active
    v["turns"] = turns
    v["days_since_contact"] = (at - last) / DAY  # NaN when never
    # the pair's own rhythm: mean days between contacts (NaN with fewer than two)
    with np.errstate(invalid="ignore", divide="ignore"):
        v["gap_days"] = np.where(
            v["contacts"] >= 2, (last - first_conv) / DAY / np.maximum(v["contacts"] - 1, 1), np.nan
        )
    v["days_since_personal"] = (at - last_personal) / DAY  # NaN when never
    v["personal_months"] = personal_months
    v["never_in_touch"] = np.isnan(last).astype(np.float64)
    since = _tie_since(reader, table, as_of, ego)
    start = np.fmin(first_any, since)
    v["days_known"] = np.where(np.isnan(start), 0.0, (at - start) / DAY)
    own = ego is not None and ego == reader.scope.person_id
    v["notes"] = _notes(reader, table, as_of) if own else np.zeros(n)
    # the operator's candidate ties are every tie: no second read for the structure
    # and so are those of a scope that counts no more than it names (the shared
    # view of a platform where everyone shares by name)
    every = ties if ego is None and reader.scope.counts_only_names else None
    _structure(
        reader,
        table,
        traces,
        as_of,
        ego,
        partial=others is not None,
        inferred=inferred,
        every_tie=every,
    )
    return table


def _tie_since(
    reader: Reader, table: FeatureTable, as_of: dt.datetime, ego: int | None = None
) -> np.ndarray:
    """Earliest known 'since' of any listable tie of each pair (NaN when unknown);
    with ``ego``, every pair is the ego's: only the ego's ties are read."""
    out = np.full(len(table), np.nan)
    if not len(table):
        return out
    found = reader.tie_since(as_of, person=ego)
    if not found.size:
        return out
    keys = found[:, 0].astype(np.int64) * (1 << 32) + found[:, 1].astype(np.int64)
    seconds = np.round(found[:, 2], 3)
    mine = table.a * (1 << 32) + table.b
    pos = np.searchsorted(mine, keys)
    ok = (pos < mine.size) & (mine[np.minimum(pos, mine.size - 1)] == keys)
    np.fmin.at(out, pos[ok], seconds[ok])
    return out


def _notes(reader: Reader, table: FeatureTable, as_of: dt.datetime) -> np.ndarray:
    """The viewer's own notes on the other person of each pair."""
    out = np.zeros(len(table))
    counts = reader.note_counts(as_of.date())
    if counts:
        for i, (a, b) in enumerate(zip(table.a.tolist(), table.b.tolist(), strict=True)):
            out[i] = counts.get(a, 0) + counts.get(b, 0)
    return out


def _ego_partners(reader: Reader, ego: int, as_of: dt.datetime) -> np.ndarray:
    """Every pair (ego, x) with a conversational trace before ``as_of``."""
    rows = reader.ego_partners(ego, as_of)
    if not rows:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.array(rows, dtype=np.int64).reshape(-1, 2)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    return np.column_stack((pairs.min(axis=1), pairs.max(axis=1)))


def _structure(
    reader: Reader,
    table: FeatureTable,
    traces: PairTraces,
    as_of: dt.datetime,
    ego: int | None,
    *,
    partial: bool = False,
    inferred: bool = True,
    every_tie: np.ndarray | None = None,
) -> None:
    """Mutual contacts, shared employers and schools (at the same place at the
    same time, before the date) of each pair.

    ``partial``: the traces cover some of the ego's pairs only; the ego's other
    correspondents are read so that mutual contacts count the same."""
    v = table.values
    n = len(table)
    conv = traces.conversational
    traced = np.column_stack((traces.a[conv], traces.b[conv]))
    if partial and ego is not None:
        traced = np.concatenate([traced, _ego_partners(reader, ego, as_of)])
    if every_tie is not None:
        ties = every_tie
    elif ego is not None:
        # every pair is the ego's: a mutual contact c of (ego, x) is a neighbour
        # of the ego (by a tie or a trace) and the tie (x, c) lies between the
        # ego's neighbours and the pairs' people: only those ties are read, not
        # every tie any of them has (half of a platform's million)
        own = reader.tie_pairs(as_of, level="counts", person=ego, inferred=inferred)
        among = np.unique(np.concatenate([table.a, table.b, own.ravel(), traced.ravel()]))
        ties = reader.tie_pairs(as_of, level="counts", inferred=inferred, among=among.tolist())
    else:
        ties = reader.tie_pairs(as_of, level="counts", inferred=inferred)
    pairs = (
        np.concatenate([ties, traced])
        if (ties.size or traced.size)
        else np.empty((0, 2), dtype=np.int64)
    )
    people, dense = np.unique(
        np.concatenate([pairs.ravel(), table.a, table.b]), return_inverse=True
    )
    graph = Graph.from_edges(
        dense[: pairs.shape[0] * 2 : 2], dense[1 : pairs.shape[0] * 2 : 2], n_nodes=people.size
    )
    ua = dense[pairs.size : pairs.size + n]
    ub = dense[pairs.size + n :]
    v["mutual_contacts"] = _common_counts(
        graph.indptr, graph.indices, ua.astype(np.int64), ub.astype(np.int64)
    ).astype(np.float64)
    v.update(_shared_organisations(reader, table, as_of))


def _shared_organisations(
    reader: Reader, table: FeatureTable, as_of: dt.datetime
) -> dict[str, np.ndarray]:
    """Places shared in time (employer, school), groups in common, and the
    social distance of each pair, from what was known before the date.

    - ``shared_employer`` / ``shared_school``: 1 when both were at the same
      organisation at the same time;
    - ``shared_groups``: groups both belonged to on the date;
    - ``same_industry``: 1 / 0 when both industries are known (the person's,
      else their employer's on the date), NaN otherwise;
    - ``seniority_gap``: difference of the rungs of their titles on the date
      (:func:`weakties.model.seniority.seniority`), NaN when a title is unknown.
    """
    n = len(table)
    out = {name: np.zeros(n) for name in ("shared_employer", "shared_school", "shared_groups")}
    out["same_industry"] = np.full(n, np.nan)
    out["seniority_gap"] = np.full(n, np.nan)
    if not n:
        return out
    wanted = set(table.a.tolist()) | set(table.b.tolist())
    day = as_of.date()
    # undated positions (a company read from a connections list) are known to
    # hold now; they cannot be placed in the past
    present = reader.is_present(as_of)
    # person -> kind -> organisation -> [(first day, last day)] before the date
    held: dict[int, dict[str, dict[int, list[tuple[dt.date, dt.date]]]]] = {}
    rung: dict[int, int] = {}
    industry: dict[int, str] = {}
    for pid, org, kind, start, end, current, title, org_industry in reader.place_rows(wanted):
        if pid not in wanted or org is None:
            continue
        if end is None and not current and kind == "job":
            continue  # an ended job of unknown end: no tenure to overlap
        if start is None:
            if not present or not (current or (end is not None and end >= day)):
                continue
            start = dt.date.min
        if start >= day:
            continue
        last = min(end if end is not None else day, day)
        held.setdefault(pid, {}).setdefault(kind, {}).setdefault(org, []).append((start, last))
        on_the_day = (end is None and current) or (end is not None and end >= day)
        if kind == "job" and on_the_day:
            level = seniority(title)
            if level is not None:
                rung[pid] = max(level, rung.get(pid, level))
            if org_industry:
                industry.setdefault(pid, fold(org_industry))
    for pid, own in reader.person_fields(wanted, "industry").items():
        if own:
            industry[pid] = fold(own)  # the person's own word first

    def overlap(a: int, b: int, kind: str) -> bool:
        mine, theirs = held.get(a, {}).get(kind, {}), held.get(b, {}).get(kind, {})
        for org in mine.keys() & theirs.keys():
            for s1, e1 in mine[org]:
                for s2, e2 in theirs[org]:
                    if max(s1, s2) <= min(e1, e2):
                        return True
        return False

    groups = {
        pid: {org for org, stays in kinds["group"].items() if any(e >= day for _, e in stays)}
        for pid, kinds in held.items()
        if "group" in kinds
    }

    # organisations per person and kind: most pairs share none, and a set test
    # settles them before any date is compared
    places = {
        kind: {pid: set(kinds[kind]) for pid, kinds in held.items() if kind in kinds}
        for kind in ("job", "study")
    }
    employer, school = out["shared_employer"], out["shared_school"]
    for i, (a, b) in enumerate(zip(table.a.tolist(), table.b.tolist(), strict=True)):
        for kind, column in (("job", employer), ("study", school)):
            mine, theirs = places[kind].get(a), places[kind].get(b)
            if mine is not None and theirs is not None and not mine.isdisjoint(theirs):
                column[i] = float(overlap(a, b, kind))
        if a in groups and b in groups:
            out["shared_groups"][i] = float(len(groups[a] & groups[b]))
        if a in industry and b in industry:
            out["same_industry"][i] = float(industry[a] == industry[b])
        if a in rung and b in rung:
            out["seniority_gap"][i] = float(abs(rung[a] - rung[b]))
    return out

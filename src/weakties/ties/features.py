"""Tie features per pair of people, grouped by the dimensions of tie strength.

The dimensions follow Granovetter (1973) as operationalised by Gilbert &
Karahalios (2009): duration, recency, intensity, reciprocity (and who invited
whom), services, intimacy, structure, social distance. Every feature is
computed *as of* a date from the traces before it, never after.

A pair's "contacts" for the structural features are the people either is tied
to (a declared or inferred tie known by then) or was in touch with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
from numba import njit
from sqlalchemy import Connection, or_, select

from weakties.graph.snapshot import Graph
from weakties.model.tables import Interaction, Note, Position, Tie
from weakties.store.engine import raw_rows, rows_array
from weakties.ties.traces import CONVERSATION, KIND_CODE, PairTraces, epoch_seconds, epoch_sql

__all__ = ["DIMENSIONS", "FeatureTable", "compute_features"]

DAY = 86400.0
MONTH = 30.4375 * DAY
DECAY_DAYS = 180.0  # a contact counts half after ~4 months (e-folding time 180 days)

# feature -> dimension (Gilbert & Karahalios 2009, table 1)
DIMENSIONS: dict[str, str] = {
    "days_known": "duration",
    "days_since_contact": "recency",
    "never_in_touch": "recency",
    "gap_days": "recency",
    "contacts": "intensity",
    "contacts_decayed": "intensity",
    "contacts_last_year": "intensity",
    "active_months": "intensity",
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
    "same_industry": "social distance",
}


@dataclass
class FeatureTable:
    """One row per pair ``(a, b)``, ``a < b``; raw feature values by name."""

    as_of: float
    a: np.ndarray
    b: np.ndarray
    values: dict[str, np.ndarray] = field(default_factory=dict)
    tied: np.ndarray | None = None  # the pair has a social tie

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


def _social_ties(conn: Connection, as_of: dt.datetime, person: int | None) -> np.ndarray:
    query = select(Tie.person_a_id, Tie.person_b_id).where(
        or_(Tie.since.is_(None), Tie.since <= as_of),
        or_(Tie.ended_at.is_(None), Tie.ended_at > as_of),
    )
    if person is not None:
        query = query.where(or_(Tie.person_a_id == person, Tie.person_b_id == person))
    rows = conn.execute(query).all()
    if not rows:
        return np.empty((0, 2), dtype=np.int64)
    return np.unique(rows_array(rows, np.int64), axis=0)


def _all_ties(conn: Connection, as_of: dt.datetime) -> np.ndarray:
    return _social_ties(conn, as_of, None)


def compute_features(
    conn: Connection,
    traces: PairTraces,
    *,
    as_of: dt.datetime,
    ego: int | None = None,
    include_tied: bool = True,
    viewer_member: int | None = None,
    others: Collection[int] | None = None,
) -> FeatureTable:
    """Features of every pair with a trace (and, with ``include_tied``, every tied
    pair), or only the ego's pairs when ``ego`` is given (and then only those
    with ``others``, if given)."""
    at = epoch_seconds(as_of)
    pair_keys = traces.a * (1 << 32) + traces.b
    ties = _social_ties(conn, as_of, ego)
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

    v["contacts"] = count(conv)
    v["contacts_decayed"] = count(conv, np.exp(-(at - t) / (DECAY_DAYS * DAY)))
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
    v["active_months"] = active
    v["turns"] = turns
    v["days_since_contact"] = (at - last) / DAY  # NaN when never
    # the pair's own rhythm: mean days between contacts (NaN with fewer than two)
    with np.errstate(invalid="ignore", divide="ignore"):
        v["gap_days"] = np.where(
            v["contacts"] >= 2, (last - first_conv) / DAY / np.maximum(v["contacts"] - 1, 1), np.nan
        )
    v["never_in_touch"] = np.isnan(last).astype(np.float64)
    since = _tie_since(conn, table, as_of)
    start = np.fmin(first_any, since)
    v["days_known"] = np.where(np.isnan(start), 0.0, (at - start) / DAY)
    v["notes"] = _notes(conn, table, viewer_member, as_of) if viewer_member else np.zeros(n)
    _structure(conn, table, traces, as_of, ego, partial=others is not None)
    return table


def _tie_since(conn: Connection, table: FeatureTable, as_of: dt.datetime) -> np.ndarray:
    """Earliest known 'since' of any tie of each pair (NaN when unknown)."""
    out = np.full(len(table), np.nan)
    if not len(table):
        return out
    rows = raw_rows(
        conn,
        select(Tie.person_a_id, Tie.person_b_id, epoch_sql(conn, Tie.since)).where(
            Tie.since.is_not(None), Tie.since <= as_of
        ),
    )
    if not rows:
        return out
    found = np.array(rows, dtype=np.float64)
    keys = found[:, 0].astype(np.int64) * (1 << 32) + found[:, 1].astype(np.int64)
    seconds = np.round(found[:, 2], 3)
    mine = table.a * (1 << 32) + table.b
    pos = np.searchsorted(mine, keys)
    ok = (pos < mine.size) & (mine[np.minimum(pos, mine.size - 1)] == keys)
    np.fmin.at(out, pos[ok], seconds[ok])
    return out


def _notes(conn: Connection, table: FeatureTable, member: int, as_of: dt.datetime) -> np.ndarray:
    """The viewer's own notes on the other person of each pair."""
    out = np.zeros(len(table))
    counts: dict[int, int] = {}
    for pid in conn.execute(
        select(Note.person_id).where(Note.author_id == member, Note.noted_on <= as_of.date())
    ).scalars():
        counts[pid] = counts.get(pid, 0) + 1
    if counts:
        for i, (a, b) in enumerate(zip(table.a.tolist(), table.b.tolist(), strict=True)):
            out[i] = counts.get(a, 0) + counts.get(b, 0)
    return out


def _ego_partners(conn: Connection, ego: int, as_of: dt.datetime) -> np.ndarray:
    """Every pair (ego, x) with a conversational trace before ``as_of``."""
    kinds = [k for k, code in KIND_CODE.items() if code in CONVERSATION]
    rows = conn.execute(
        select(Interaction.sender_id, Interaction.recipient_id)
        .where(
            Interaction.kind.in_(kinds),
            Interaction.occurred_at < as_of,
            or_(Interaction.sender_id == ego, Interaction.recipient_id == ego),
            Interaction.sender_id.is_not(None),
            Interaction.recipient_id.is_not(None),
        )
        .distinct()
    ).all()
    if not rows:
        return np.empty((0, 2), dtype=np.int64)
    pairs = rows_array(rows, np.int64)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    return np.column_stack((pairs.min(axis=1), pairs.max(axis=1)))


def _structure(
    conn: Connection,
    table: FeatureTable,
    traces: PairTraces,
    as_of: dt.datetime,
    ego: int | None,
    *,
    partial: bool = False,
) -> None:
    """Mutual contacts, shared employers and schools of each pair.

    ``partial``: the traces cover some of the ego's pairs only; the ego's other
    correspondents are read so that mutual contacts count the same."""
    v = table.values
    n = len(table)
    ties = _all_ties(conn, as_of)
    conv = traces.conversational
    traced = np.column_stack((traces.a[conv], traces.b[conv]))
    if partial and ego is not None:
        traced = np.concatenate([traced, _ego_partners(conn, ego, as_of)])
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
    v["shared_employer"], v["shared_school"] = _shared_organisations(conn, table, as_of)
    v["same_industry"] = np.zeros(n)


def _shared_organisations(
    conn: Connection, table: FeatureTable, as_of: dt.datetime
) -> tuple[np.ndarray, np.ndarray]:
    n = len(table)
    employer = np.zeros(n)
    school = np.zeros(n)
    if not n:
        return employer, school
    wanted = set(table.a.tolist()) | set(table.b.tolist())
    jobs: dict[int, set[int]] = {}
    studies: dict[int, set[int]] = {}
    day = as_of.date()
    for pid, org, kind, start, end, current in conn.execute(
        select(
            Position.person_id,
            Position.organization_id,
            Position.kind,
            Position.start_date,
            Position.end_date,
            Position.is_current,
        ).where(Position.organization_id.is_not(None))
    ):
        if pid not in wanted or org is None:
            continue
        if kind == "study":
            studies.setdefault(pid, set()).add(org)
            continue
        began = start is None or start <= day
        going = (end is None and current) or (end is not None and end >= day)
        if began and going:
            jobs.setdefault(pid, set()).add(org)
    for i, (a, b) in enumerate(zip(table.a.tolist(), table.b.tolist(), strict=True)):
        if jobs.get(a, set()) & jobs.get(b, set()):
            employer[i] = 1.0
        if studies.get(a, set()) & studies.get(b, set()):
            school[i] = 1.0
    return employer, school

"""People you may know: link prediction scores on the tie graph, plus shared places.

Scores of a candidate pair (u, v) not yet tied, with Γ(x) the contacts of x:

- ``cn`` — common neighbours, |Γ(u) ∩ Γ(v)|;
- ``aa`` — Adamic–Adar, Σ 1 / log |Γ(z)| over common neighbours z;
- ``ra`` — resource allocation, Σ 1 / |Γ(z)| (Zhou, Lü & Zhang 2009);
- ``katz`` — Katz's index truncated at three steps, β² (A²)_uv + β³ (A³)_uv with
  β = 0.05 (Liben-Nowell & Kleinberg 2007);
- ``weakties`` — resource allocation, plus 2 x the organisations both belong to
  at the date (employers, schools, groups) weighted like Adamic–Adar on the
  person–organisation graph (a 10-person firm says more than a 10,000-person
  one), plus the truncated Katz index as a tie-breaker (x 0.001), so that a
  colleague with no mutual contact, or someone three steps away, still ranks.
  Places held *at the date* predict new ties better than places ever held, on
  the synthetic world (evaluation/pymk_eval.py), where the weight 2 was chosen;
  that world is generated from organisations, so it says little about real data
  (evaluation/results/pymk.md gives its current figures).

Evaluated only on temporal splits (evaluation/pymk_eval.py): a random hold-out
of edges makes every method look excellent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from weakties.errors import InputError
from weakties.graph.snapshot import Graph
from weakties.model.kinds import SOCIAL_TIE_SOURCES

if TYPE_CHECKING:
    from weakties.store.reader import Reader

__all__ = [
    "METHODS",
    "NOT_RANKED",
    "PLACE_METHODS",
    "LinkData",
    "link_data_from_store",
    "score_rows",
    "suggest_all",
    "suggest_for",
    "top_k",
    "why_none",
]

METHODS = ("weakties", "ra", "aa", "cn", "katz")
#: the methods whose score reads the organisations two people share (the others
#: read the contacts' ties only)
PLACE_METHODS = frozenset({"weakties"})
#: said of a fact a suggestion's reasons give that its method did not read
NOT_RANKED = "(not part of the ranking)"
KATZ_BETA = 0.05
ORG_WEIGHT = 2.0
KATZ_WEIGHT = 1e-3


@dataclass
class LinkData:
    """A tie graph as a sparse 0/1 matrix, and optionally a person x place matrix."""

    adjacency: sp.csr_array  # n x n, symmetric, 0/1
    places: sp.csr_array | None = None  # n x m, 0/1
    person_ids: np.ndarray | None = None  # store ids of the rows

    @classmethod
    def from_graph(cls, graph: Graph, places: sp.csr_array | None = None) -> LinkData:
        n = graph.n_nodes
        data = np.ones(graph.indices.size, dtype=np.float64)
        adjacency = sp.csr_array((data, graph.indices, graph.indptr), shape=(n, n))
        return cls(adjacency, places, graph.person_ids)

    @classmethod
    def from_edges(
        cls, u: np.ndarray, v: np.ndarray, n: int, places: sp.csr_array | None = None
    ) -> LinkData:
        return cls.from_graph(Graph.from_edges(u, v, n_nodes=n), places)

    @property
    def n(self) -> int:
        return int(self.adjacency.shape[0])

    def degree(self) -> np.ndarray:
        return np.diff(self.adjacency.indptr)


def _diag(values: np.ndarray) -> sp.dia_array:
    return sp.dia_array((values[None, :], [0]), shape=(values.size, values.size))


def score_rows(data: LinkData, rows: np.ndarray, method: str = "weakties") -> sp.csr_array:
    """Scores of every candidate for each of ``rows`` (a sparse matrix, one row per
    entry of ``rows``); existing ties and the person themself are removed."""
    if method not in METHODS:
        raise InputError(f"method must be one of {', '.join(METHODS)}")
    a = data.adjacency
    sub = a[rows]
    deg = data.degree().astype(np.float64)
    if method == "cn":
        scores = sub @ a
    elif method == "aa":
        with np.errstate(divide="ignore"):
            weight = np.where(deg > 1, 1.0 / np.log(np.maximum(deg, 2)), 0.0)
        scores = sub @ _diag(weight) @ a
    elif method in ("ra", "weakties"):
        weight = np.where(deg > 0, 1.0 / np.maximum(deg, 1), 0.0)
        scores = sub @ _diag(weight) @ a
    if method in ("katz", "weakties"):
        two = sub @ a
        katz = KATZ_BETA**2 * two + KATZ_BETA**3 * (two @ a)
        scores = katz if method == "katz" else scores + KATZ_WEIGHT * katz
    if method == "weakties" and data.places is not None and data.places.nnz:
        places = data.places
        size = np.asarray(places.sum(axis=0)).ravel()
        weight = np.where(size > 1, 1.0 / np.log(np.maximum(size, 2)), 0.0)
        scores = scores + ORG_WEIGHT * (places[rows] @ _diag(weight) @ places.T)
    scores = sp.csr_array(scores)
    # remove existing ties and self pairs
    mask = sp.csr_array(sub, copy=True)
    mask.data[:] = 1.0
    selfs = sp.csr_array(
        (np.ones(rows.size), (np.arange(rows.size), rows)), shape=(rows.size, data.n)
    )
    known = (mask + selfs).astype(bool).astype(np.float64)
    scores = scores - scores.multiply(known)
    scores.eliminate_zeros()
    return scores


def top_k(scores: sp.csr_array, k: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per row, the ``k`` best columns and their scores (ties broken by column)."""
    out = []
    scores = sp.csr_array(scores)
    for r in range(scores.shape[0]):
        lo, hi = scores.indptr[r], scores.indptr[r + 1]
        cols, vals = scores.indices[lo:hi], scores.data[lo:hi]
        if cols.size > k:
            # sort only the columns scoring at least the k-th best score (a row
            # three steps from a hub holds thousands): the first k in the same
            # order as a sort of the whole row
            kth = np.partition(vals, cols.size - k)[cols.size - k]
            best = np.flatnonzero(vals >= kth)
            order = best[np.lexsort((cols[best], -vals[best]))][:k]
        else:
            order = np.lexsort((cols, -vals))
        out.append((cols[order], vals[order]))
    return out


def suggest_rows(
    data: LinkData, rows: np.ndarray, k: int, method: str = "weakties", chunk: int = 256
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Top ``k`` suggestions for many rows: :func:`top_k` of :func:`score_rows`.

    ``weakties`` and ``katz`` count the three-step walks only of the candidates
    that may enter a list (:func:`weakties.opportunity._kernels.best_suggestions`):
    within three steps of a person is most of a network past a few thousand
    people, and scoring every such candidate made the work grow with the square
    of the people. The others score every candidate, a chunk of rows at a time."""
    if method in ("weakties", "katz") and k > 0 and _zero_one(data):
        return _best_rows(data, np.asarray(rows, dtype=np.int64), k, method)
    out: list[tuple[np.ndarray, np.ndarray]] = []
    for start in range(0, rows.size, chunk):
        out.extend(top_k(score_rows(data, rows[start : start + chunk], method), k))
    return out


def _zero_one(data: LinkData) -> bool:
    """Whether the kernel may read the matrices by their indices alone: it
    counts walks and shared places as 1 each, which their values must then be
    (LinkData's 0/1); any other value takes the general path."""
    return bool(np.all(data.adjacency.data == 1)) and (
        data.places is None or bool(np.all(data.places.data == 1))
    )


def _best_rows(
    data: LinkData, rows: np.ndarray, k: int, method: str
) -> list[tuple[np.ndarray, np.ndarray]]:
    from weakties.opportunity._kernels import best_suggestions

    a = sp.csr_array(data.adjacency)
    a.sort_indices()
    deg = data.degree().astype(np.float64)
    ra_weight = np.where(deg > 0, 1.0 / np.maximum(deg, 1), 0.0)
    places = data.places
    if method == "weakties" and places is not None and places.nnz:
        p = sp.csr_array(places)
        p.sort_indices()
        pt = sp.csr_array(p.T)
        pt.sort_indices()
        size = np.asarray(p.sum(axis=0)).ravel()
        weight = np.where(size > 1, 1.0 / np.log(np.maximum(size, 2)), 0.0)
    else:
        p = pt = sp.csr_array((data.n, 0))
        weight = np.zeros(0)
    cols, vals, counts = best_suggestions(
        a.indptr.astype(np.int64),
        a.indices.astype(np.int64),
        ra_weight,
        p.indptr.astype(np.int64),
        p.indices.astype(np.int64),
        pt.indptr.astype(np.int64),
        pt.indices.astype(np.int64),
        weight,
        rows,
        k,
        KATZ_BETA**2,
        KATZ_BETA**3,
        KATZ_WEIGHT,
        ORG_WEIGHT,
        method == "katz",
    )
    return [
        (cols[i * k : i * k + counts[i]], vals[i * k : i * k + counts[i]]) for i in range(rows.size)
    ]


def link_data_from_store(
    reader: Reader,
    *,
    as_of: dt.datetime | None = None,
    traces: bool = True,
    places: bool = True,
) -> LinkData:
    """The graph of ties (and, with ``traces``, exchanges) known before ``as_of``,
    with shared places, as far as the reader's scope may list them.

    Edges: social ties dated before ``as_of`` (undated ties only at the data's
    present: they cannot be placed in time) and, with ``traces``, pairs that
    exchanged any trace before it. Without ``traces`` (a member's own
    suggestions), the ties the member may list as they stood at ``as_of``.
    """
    when = as_of or reader.now
    if traces:
        pairs = [tuple(p) for p in reader.tie_pairs(when, inferred=False).tolist()]
        pairs += [(min(a, b), max(a, b)) for a, b in reader.traced_pairs(when)]
    else:
        rows = reader.tie_rows("names", sources=SOCIAL_TIE_SOURCES, as_of=as_of)
        pairs = [(a, b) for a, b, _s, _by, _c in rows]
    edges = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    viewer = reader.scope.person_id
    extra = [viewer] if viewer is not None and not traces else []
    person_ids, inverse = np.unique(np.concatenate([edges.ravel(), extra]), return_inverse=True)
    u, v = inverse[: edges.size : 2], inverse[1 : edges.size : 2]
    graph = Graph.from_edges(u, v, n_nodes=person_ids.size).with_labels(person_ids)
    matrix = None
    if places:
        held = reader.held_org_pairs(person_ids, as_of.date() if as_of is not None else None)
        if held.size:
            org_ids, org_col = np.unique(held[:, 1], return_inverse=True)
            row = np.searchsorted(person_ids, held[:, 0])
            matrix = sp.csr_array(
                (np.ones(row.size), (row, org_col)), shape=(person_ids.size, org_ids.size)
            )
            matrix.sum_duplicates()
            matrix.data[:] = 1.0
    data = LinkData.from_graph(graph, matrix)
    data.person_ids = person_ids
    return data


def suggest_all(
    reader: Reader,
    *,
    as_of: dt.datetime | None = None,
    top: int = 10,
    method: str = "weakties",
) -> dict[int, list[tuple[int, float]]]:
    """Every person's top suggestions (person id -> [(person id, score)]), from the
    traces and ties before ``as_of`` that the reader's scope may list."""
    data = link_data_from_store(reader, as_of=as_of)
    ids = data.person_ids
    assert ids is not None
    rows = np.arange(data.n)
    result = suggest_rows(data, rows, top, method)
    return {
        int(ids[r]): [(int(ids[c]), float(s)) for c, s in zip(cols, vals, strict=True)]
        for r, (cols, vals) in zip(rows.tolist(), result, strict=True)
    }


def suggest_for(
    reader: Reader,
    *,
    top: int = 10,
    method: str = "weakties",
    as_of: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """The viewer's suggestions among the people they may see, explained: the
    reasons that raised the score first (contacts in common; places shared, for a
    method that reads them), then, for a method that does not read places, the
    organisations the two share as context, marked :data:`NOT_RANKED`."""
    viewer = reader.scope.person_id
    if viewer is None:
        raise ValueError("suggestions are a member's: give a member's reader")
    data = link_data_from_store(reader, as_of=as_of, traces=False)
    ids = data.person_ids
    assert ids is not None
    me = int(np.searchsorted(ids, viewer))
    ((cols, vals),) = suggest_rows(data, np.array([me]), top, method)
    a = data.adjacency
    mine = set(a.indices[a.indptr[me] : a.indptr[me + 1]].tolist())
    candidates = [int(ids[c]) for c in cols.tolist()]
    mutual_nodes = {
        c: sorted(mine & set(a.indices[a.indptr[c] : a.indptr[c + 1]].tolist()))
        for c in cols.tolist()
    }
    everyone = set(candidates) | {int(ids[x]) for m in mutual_nodes.values() for x in m[:3]}
    names = reader.names(everyone)
    shared = reader.org_names_shared(viewer, candidates)
    out = []
    for c, score in zip(cols.tolist(), vals.tolist(), strict=True):
        pid = int(ids[c])
        mutual = mutual_nodes[c]
        reasons = []
        if mutual:
            sample = ", ".join(names.get(int(ids[x]), "?") for x in mutual[:3])
            reasons.append(
                f"{len(mutual)} mutual contact{'s' if len(mutual) != 1 else ''} ({sample})"
            )
        at = ", ".join(shared.get(pid, [])[:3])
        if at and method in PLACE_METHODS:
            reasons.append("also at " + at)
        if not reasons:
            reasons.append("three steps away through your contacts' contacts")
        if at and method not in PLACE_METHODS:
            # what the two have in common that the method did not read: said, after
            # the reasons that raised the score, as context only
            reasons.append(f"also at {at} {NOT_RANKED}")
        out.append(
            {
                "id": pid,
                "name": names.get(pid),
                "score": round(float(score), 4),
                "mutual_contacts": len(mutual),
                "why": "; ".join(reasons),
            }
        )
    return out


def why_none(data: LinkData, viewer: int) -> str:
    """Why the viewer has no suggestion in ``data`` (the ties they may list): what
    is missing, and how to get it. Every method suggests people two or three
    steps away (or, ``weakties``, sharing a place), so there is none when

    - the viewer has no tie at all;
    - nobody beyond their contacts is known — their own export holds their
      contacts, not whom the contacts know; or the ties their contacts have are
      all with one another or with the viewer;
    - everyone they may see is already a contact.

    >>> ring = LinkData.from_edges(np.array([0, 0, 1]), np.array([1, 2, 2]), 3)
    >>> ring.person_ids = np.array([7, 8, 9])
    >>> why_none(ring, 7)
    'everyone you may see is already one of your contacts (2 people)'
    """
    from weakties.words import counted

    ids = data.person_ids
    assert ids is not None
    at = int(np.searchsorted(ids, viewer))
    a = data.adjacency
    mine = (
        set()
        if at >= ids.size or ids[at] != viewer
        else set(a.indices[a.indptr[at] : a.indptr[at + 1]].tolist())
    )
    if not mine:
        return (
            "you have no connection yet: import your connections (weakties import linkedin "
            "EXPORT) or your address book (weakties import contacts), or connect with "
            "members on the platform"
        )
    others = data.n - 1 - len(mine)
    if others <= 0:
        among = sum(int(a.indptr[c + 1] - a.indptr[c]) - 1 for c in mine)  # ties besides yours
        if among > 0:
            return (
                "everyone you may see is already one of your contacts "
                f"({counted(len(mine), 'person', 'people')})"
            )
        return (
            "no second degree is known: your own data holds your contacts, not whom they "
            "know — ask a colleague to pool their export (weakties import linkedin "
            "THEIR_EXPORT --as THEM, sharing names), or infer ties from shared employers, "
            "schools and threads (weakties ties infer)"
        )
    return (
        f"none of the {counted(others, 'person', 'people')} beyond your contacts whom you "
        "may see is linked to you through your contacts' ties"
    )

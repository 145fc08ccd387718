"""The batch's work on the embedded engine: the reference of the parity tests and
the other side of the crossover benchmark.

Each function computes, from a scoped reader, what the Spark job of the same
name computes from that reader's export, with the engine's own functions
(:func:`weakties.ties.features.compute_features`, the tie model,
:func:`weakties.opportunity.suggest.suggest_all`,
:func:`weakties.opportunity._kernels.warmest_reach`) — no second implementation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from weakties.model.kinds import INFERRED_SOURCES, SOCIAL_TIE_SOURCES
from weakties.ties.features import FeatureTable, compute_features
from weakties.ties.model import TieModel
from weakties.ties.traces import load_traces

if TYPE_CHECKING:
    from weakties.store.reader import Reader
    from weakties.ties.strength import TieScores

__all__ = [
    "EmbeddedRanking",
    "EmbeddedTies",
    "ranker_suggestions",
    "reach",
    "suggestions",
    "tie_scores",
]


@dataclass
class EmbeddedTies:
    """Features, scores and classes of every pair with a trace or a tie."""

    table: FeatureTable
    score: np.ndarray
    classes: np.ndarray
    traced: np.ndarray  # the pair has a trace (else: a tie only)
    #: the name of the model that scored each pair
    models: np.ndarray | None = None
    #: the scores as the engine reads them (a fit's inputs and reasons too)
    scores: TieScores | None = None


def tie_scores(
    reader: Reader, as_of: dt.datetime | None = None, model: TieModel | None = None
) -> EmbeddedTies:
    """Every pair with a trace or a tie, as the reader's scope may see them, scored
    by the reader's member's model as every page scores their ties
    (:func:`weakties.ties.strength.choose_model`: their calibration, else their
    kept fit that serves the date, else the priors — the priors for the
    operator), or by ``model`` when given."""
    from weakties.ties.learned import learned_scores, read_history
    from weakties.ties.strength import ModelChoice, TieScores, choose_model

    when = as_of or reader.now
    choice = choose_model(reader, None, when) if model is None else ModelChoice(model)
    prior = choice.prior
    traces = load_traces(reader, when)
    table = compute_features(reader, traces, as_of=when, ego=None, include_tied=True)
    score = prior.score(table)
    scores = TieScores(table, score, prior.classify(table, score), prior, when)
    if choice.fitted is not None and len(table):
        found = learned_scores(scores, choice.fitted, read_history(reader, when))
        scores = found if found is not None else scores
    keys = table.a * (1 << 32) + table.b
    traced = np.isin(keys, traces.a * (1 << 32) + traces.b)
    models = np.array([scores.model_of(i) for i in range(len(table))], dtype=object)
    return EmbeddedTies(table, scores.score, scores.classes, traced, models, scores)


def suggestions(reader: Reader, *, top: int = 10) -> dict[int, list[tuple[int, float, int]]]:
    """Everyone's top suggestions: person -> [(candidate, score, mutual contacts)]."""
    from weakties.opportunity.suggest import link_data_from_store, suggest_rows

    data = link_data_from_store(reader)
    ids = data.person_ids
    assert ids is not None
    rows = np.arange(data.n)
    found = suggest_rows(data, rows, top, "weakties")
    a = data.adjacency
    out: dict[int, list[tuple[int, float, int]]] = {}
    for r, (cols, vals) in zip(rows.tolist(), found, strict=True):
        if not cols.size:
            continue
        mine = a.indices[a.indptr[r] : a.indptr[r + 1]]
        out[int(ids[r])] = [
            (
                int(ids[c]),
                float(s),
                int(np.intersect1d(mine, a.indices[a.indptr[c] : a.indptr[c + 1]]).size),
            )
            for c, s in zip(cols.tolist(), vals.tolist(), strict=True)
        ]
    return out


@dataclass
class EmbeddedRanking:
    """The fitted ranker's work for every person of the network: every
    candidate pair with its features, and each person's top list."""

    people: np.ndarray  # person ids of the network's dense indices
    u: np.ndarray  # every candidate pair, as dense indices
    v: np.ndarray
    x: dict[str, np.ndarray]
    #: person -> [(candidate, score, mutual contacts, features)]
    top: dict[int, list[tuple[int, float, int, dict[str, float]]]]


def ranker_suggestions(reader: Reader, *, top: int = 10) -> EmbeddedRanking | None:
    """Everyone's suggestions by the reader's member's fitted ranker, as
    ``weakties suggest --all`` ranks them (the kept fit that serves the
    reader's present, :func:`weakties.ties.learned.serving_fit`; the network and
    places of :func:`weakties.ties.learned.read_history`); None when no kept
    ranker serves."""
    from weakties.opportunity.pymk_model import candidate_pairs, pair_features, places_at, rank
    from weakties.ties.history import network_at
    from weakties.ties.learned import read_history, serving_fit

    fitted = serving_fit(reader)
    if fitted is None or fitted.pymk is None:
        return None
    history = read_history(reader, reader.now, places=True)
    net = network_at(history.traces.conversations(), history.when, ties=history.ties)
    places = places_at(net, history.spans)
    rows = np.arange(net.n)
    u, v, katz = candidate_pairs(net, rows, places)
    x = pair_features(net, u, v, katz=katz, places=places)
    out: dict[int, list[tuple[int, float, int, dict[str, float]]]] = {}
    for r, (cols, scores, feats) in zip(
        rows.tolist(), rank(fitted.pymk, net, rows, top, places=places), strict=True
    ):
        if cols.size:
            out[int(net.people[r])] = [
                (
                    int(net.people[c]),
                    float(s),
                    int(feats["cn"][j]),
                    {k: float(val[j]) for k, val in feats.items()},
                )
                for j, (c, s) in enumerate(zip(cols.tolist(), scores.tolist(), strict=True))
            ]
    return EmbeddedRanking(net.people, u, v, x, out)


def reach(
    reader: Reader, ties: EmbeddedTies | None = None, *, warm_at: float | None = None
) -> tuple[dict[tuple[int, int], tuple[int, int]], dict[int, tuple[int, int]]]:
    """Per (member person, organisation): (reachable, warm); per member person:
    (within two steps, warm people) — the members with anyone in reach."""
    from weakties.graph.fromstore import current_orgs
    from weakties.graph.snapshot import Graph
    from weakties.opportunity import _kernels
    from weakties.opportunity.network import _strength_by_pair
    from weakties.opportunity.reach import WARM_AT

    warm_at = WARM_AT if warm_at is None else warm_at
    ties = ties or tie_scores(reader)
    rows = reader.tie_rows("names", sources=[*SOCIAL_TIE_SOURCES, *INFERRED_SOURCES])
    strength = _strength_by_pair(rows)
    t = ties.table
    scored = dict(
        zip(
            zip(t.a[ties.traced].tolist(), t.b[ties.traced].tolist(), strict=True),
            ties.score[ties.traced].tolist(),
            strict=True,
        )
    )
    for key, prior in strength.items():
        if key in scored:
            strength[key] = max(scored[key], prior)
    pairs = np.array(list(strength), dtype=np.int64).reshape(-1, 2)
    weights = np.array(list(strength.values()), dtype=np.float32)
    person_ids, inverse = np.unique(pairs.ravel(), return_inverse=True)
    graph = Graph.from_edges(inverse[0::2], inverse[1::2], weights, n_nodes=person_ids.size)
    (org_nodes, org_index), org_ids = current_orgs(reader, person_ids, None)
    # each node's organisations (one entry per position held: a node holding one
    # twice counts twice), as a CSR over the nodes
    order = np.argsort(org_nodes, kind="stable")
    org_of = np.asarray(org_index)[order]
    starts = np.searchsorted(np.asarray(org_nodes)[order], np.arange(person_ids.size + 1))
    totals: dict[int, tuple[int, int]] = {}
    members: list[np.ndarray] = []
    orgs: list[np.ndarray] = []
    warms: list[np.ndarray] = []
    for pid in sorted(set(reader.member_persons().values())):
        i = int(np.searchsorted(person_ids, pid))
        if i >= person_ids.size or person_ids[i] != pid:
            continue
        nodes, warmth, _via = _kernels.warmest_reach(graph.indptr, graph.indices, graph.strength, i)
        if not nodes.size:
            continue
        warm = np.asarray(warmth, dtype=np.float64) >= warm_at
        totals[pid] = (int(nodes.size), int(warm.sum()))
        # every (reached node, organisation) entry, read off the CSR at once
        first, count = starts[nodes], starts[nodes + 1] - starts[nodes]
        total = int(count.sum())
        if not total:
            continue
        at = np.repeat(first - np.cumsum(count) + count, count) + np.arange(total)
        members.append(np.full(total, pid, dtype=np.int64))
        orgs.append(org_of[at])
        warms.append(np.repeat(warm, count))
    by_org: dict[tuple[int, int], tuple[int, int]] = {}
    if members:
        # (member, organisation) -> people reached, warm people: one count of all
        member, org = np.concatenate(members), np.concatenate(orgs)
        keys = member * (org_ids.size + 1) + org
        unique, inverse, reached = np.unique(keys, return_inverse=True, return_counts=True)
        warm_people = np.bincount(inverse, weights=np.concatenate(warms), minlength=unique.size)
        pid_of, org_at = np.divmod(unique, org_ids.size + 1)
        by_org = dict(
            zip(
                zip(
                    pid_of.tolist(),
                    np.asarray(org_ids)[org_at].astype(np.int64).tolist(),
                    strict=True,
                ),
                zip(reached.tolist(), warm_people.astype(np.int64).tolist(), strict=True),
                strict=True,
            )
        )
    return by_org, totals


def as_rows(ties: EmbeddedTies) -> list[dict[str, Any]]:
    """The tie table as rows (a, b, features, score, class), sorted by pair."""
    t = ties.table
    out = []
    for i in range(len(t)):
        row: dict[str, Any] = {"a": int(t.a[i]), "b": int(t.b[i])}
        row.update(t.row(i))
        row["score"] = float(ties.score[i])
        row["class"] = str(ties.classes[i])
        out.append(row)
    return out

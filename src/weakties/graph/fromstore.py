"""Building a snapshot from the store, as one scope may see the network.

Ties of every source the scope may see (the viewer's own, and other members'
as those members share them) become one undirected edge per pair; its strength
is the largest confidence among the pair's ties until tie strength is computed.
Each node's current employers become the snapshot's organisation index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from weakties.graph.snapshot import Graph

if TYPE_CHECKING:
    from weakties.store.reader import Reader

__all__ = ["current_orgs", "graph_from_store"]


def graph_from_store(
    reader: Reader,
    *,
    level: str = "names",
    sources: Iterable[str] | None = None,
    include_ended: bool = False,
    as_of: dt.datetime | None = None,
    orgs: bool = True,
) -> Graph:
    """The snapshot of the ties a reader's scope may see.

    Parameters
    ----------
    reader : Reader
        Its scope decides the ties (a member's view, or the operator's whole
        network for administration and benchmarks, never to be shown to a member).
    level : {"names", "counts"}
        ``"counts"`` adds the ties of members who share counts only: use such a
        graph for numbers, never to list people.
    sources : iterable of str, optional
        Tie sources to keep (default: all).
    include_ended : bool
        Keep ties that ended (connections removed since).
    as_of : datetime, optional
        The network as it stood then: ties begun before it and not ended by it,
        jobs held then.
    orgs : bool
        Index each node's organisations (its jobs held then). A snapshot that only
        answers questions about people and paths needs none: without it the jobs
        are not read at all.

    Returns
    -------
    Graph
        With ``person_ids`` and, with ``orgs``, the current-organisation index.
    """
    if include_ended:
        rows = reader.tie_rows(level, sources=sources, include_ended=True, as_of=as_of)
        confidence = np.array([r[4] for r in rows], dtype=np.float32)
        a = np.array([r[0] for r in rows], dtype=np.int64)
        b = np.array([r[1] for r in rows], dtype=np.int64)
        people = [a, b]
        viewer = reader.scope.person_id
        if viewer is not None:
            people.append(np.array([viewer], dtype=np.int64))
        person_ids, inverse = np.unique(np.concatenate(people), return_inverse=True)
        u, v = inverse[: a.size], inverse[a.size : 2 * a.size]
    else:
        # as numbers, from one read of the ties at every date a caller asked for,
        # their ends indexed once (:meth:`~weakties.store.reader.Reader.tie_graph`)
        person_ids, u, v, weight = reader.tie_graph(level, sources=sources, as_of=as_of)
        confidence = weight.astype(np.float32)
    graph = Graph.from_edges(u, v, confidence, n_nodes=person_ids.size)
    if not orgs:
        return graph.with_labels(person_ids)
    # the nodes are the viewer and the ends of ties the scope may use at this
    # level: people it may show, not checked again (a read of every visible tie)
    day = as_of.date() if as_of else None
    pairs, org_ids = current_orgs(reader, person_ids, day, level, shown=True)
    return graph.with_labels(person_ids, pairs, org_ids)


def current_orgs(
    reader: Reader,
    person_ids: np.ndarray,
    day: dt.date | None = None,
    level: str = "names",
    *,
    shown: bool = False,
) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
    """(node, organisation index) pairs of the jobs held on ``day`` (None: now) by
    the nodes ``person_ids`` (sorted), and the organisation ids they index;
    ``shown``: the nodes are people the scope may show at ``level`` (see
    :meth:`~weakties.store.reader.Reader.job_org_pairs`)."""
    held = reader.job_org_pairs(person_ids, day, level, shown=shown)
    if not held.size:
        empty = np.empty(0, dtype=np.int64)
        return (empty, empty), empty
    pid, oid = held[:, 0], held[:, 1]
    nodes = np.searchsorted(person_ids, pid)
    org_ids, org_index = np.unique(oid, return_inverse=True)
    # one entry per (node, organisation), sorted: np.unique without loading
    # numpy.ma, which numpy imports for it (a twentieth of a second of a graph
    # query run from the command line)
    keys = np.sort(nodes.astype(np.int64) * max(org_ids.size, 1) + org_index)
    keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    return (keys // max(org_ids.size, 1), keys % max(org_ids.size, 1)), org_ids

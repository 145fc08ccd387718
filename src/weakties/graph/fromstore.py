"""Building a snapshot from the store, as one viewer may see the network.

Ties of every source the viewer may see (their own, and other members' as those
members share them) become one undirected edge per pair; its strength is the
largest confidence among the pair's ties until tie strength is computed.
Each node's current employers become the snapshot's organisation index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
from sqlalchemy import Connection, or_, select
from sqlalchemy.orm import Session

from weakties.graph.snapshot import Graph
from weakties.model.tables import Position, Tie, held_on
from weakties.store.visibility import Viewer, visible_ties

__all__ = ["graph_from_store"]


def _connection(db: Session | Connection) -> Connection:
    return db.connection() if isinstance(db, Session) else db


def graph_from_store(
    db: Session | Connection,
    viewer: Viewer | None = None,
    *,
    level: str = "names",
    sources: Iterable[str] | None = None,
    include_ended: bool = False,
    as_of: dt.datetime | None = None,
) -> Graph:
    """The snapshot of the ties ``viewer`` may see (all ties when ``viewer`` is None).

    Parameters
    ----------
    db : Session or Connection
    viewer : Viewer, optional
        The member looking; ``None`` builds the whole network (administration,
        benchmarks), never to be shown to a member.
    level : {"names", "counts"}
        ``"counts"`` adds the ties of members who share counts only: use such a
        graph for numbers, never to list people.
    sources : iterable of str, optional
        Tie sources to keep (default: all).
    include_ended : bool
        Keep ties that ended (connections removed since).
    as_of : datetime, optional
        The network as it stood then: ties begun before it and not ended by it,
        jobs held then (see :func:`weakties.model.tables.held_on`).

    Returns
    -------
    Graph
        With ``person_ids`` and the current-organisation index.
    """
    conn = _connection(db)
    if viewer is not None:
        rows = visible_ties(
            conn,
            viewer,
            level=level,
            sources=sources,
            active_only=not include_ended,
            with_confidence=True,
            as_of=as_of,
        )
    else:
        query = select(
            Tie.person_a_id, Tie.person_b_id, Tie.source, Tie.asserted_by, Tie.confidence
        )
        if sources is not None:
            query = query.where(Tie.source.in_(list(sources)))
        if as_of is not None:
            query = query.where(
                or_(Tie.since.is_(None), Tie.since < as_of),
                or_(Tie.ended_at.is_(None), Tie.ended_at > as_of),
            )
        elif not include_ended:
            query = query.where(Tie.ended_at.is_(None))
        rows = [tuple(r) for r in conn.execute(query)]
    confidence = np.array([r[4] for r in rows], dtype=np.float32)
    a = np.array([r[0] for r in rows], dtype=np.int64)
    b = np.array([r[1] for r in rows], dtype=np.int64)
    people = [a, b]
    if viewer is not None:
        people.append(np.array([viewer.person_id], dtype=np.int64))
    person_ids, inverse = np.unique(np.concatenate(people), return_inverse=True)
    u, v = inverse[: a.size], inverse[a.size : 2 * a.size]
    graph = Graph.from_edges(u, v, confidence, n_nodes=person_ids.size)
    pairs, org_ids = _current_orgs(conn, person_ids, as_of.date() if as_of else None)
    return graph.with_labels(person_ids, pairs, org_ids)


def _current_orgs(
    conn: Connection, person_ids: np.ndarray, day: dt.date | None = None
) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
    """(node, organisation index) pairs of the jobs held on ``day`` (None: now)."""
    fetched = conn.execute(
        select(Position.person_id, Position.organization_id).where(
            held_on(day, undated=True),
            Position.kind == "job",
            Position.organization_id.is_not(None),
        )
    ).all()
    if not fetched:
        empty = np.empty(0, dtype=np.int64)
        return (empty, empty), empty
    pid = np.array([r[0] for r in fetched], dtype=np.int64)
    oid = np.array([r[1] for r in fetched], dtype=np.int64)
    inside = np.isin(pid, person_ids)
    pid, oid = pid[inside], oid[inside]
    nodes = np.searchsorted(person_ids, pid)
    org_ids, org_index = np.unique(oid, return_inverse=True)
    # one entry per (node, organisation)
    keys = np.unique(nodes.astype(np.int64) * max(org_ids.size, 1) + org_index)
    return (keys // max(org_ids.size, 1), keys % max(org_ids.size, 1)), org_ids

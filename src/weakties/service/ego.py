"""The member's ego graph, ready to draw: their contacts placed on Dunbar rings, their
circles as wedges, the ties among contacts, the bridges.

Positions are computed here, on the server, in one pass over the contacts (no
force simulation in the browser): a contact sits on the ring of their Dunbar
layer (5 innermost, then 15, 50, 150, 500, 1500, 5000, and ties without a layer
— nominal ones — outside),
at an angle inside the wedge of their circle (Leiden communities of the ego
network, wedges sized by the circle's size), strongest first.

A contact is a **bridge** when they are the member's only way to at least one
second-degree person (the report's "only way in"); a tie among contacts that
joins two circles is marked ``between``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import Connection

from weakties.service.context import Viewer, person_of

__all__ = ["MAX_EDGES", "Circle", "EgoEdge", "EgoGraph", "EgoNode", "Ring", "ego_graph"]

#: at most this many ties among contacts are drawn (the strongest)
MAX_EDGES = 20_000
#: distance between two Dunbar rings, in layout units (pixels at zoom 1)
RING_STEP = 120.0
#: the least distance between two people on a ring
SPACING = 14.0
RINGS = (5, 15, 50, 150, 500, 1500, 5000)


@dataclass(frozen=True, slots=True)
class EgoNode:
    """One contact: who, how strong the tie, where to draw them."""

    id: int
    name: str | None
    handle: str | None
    klass: str = field(metadata={"json": "class"})
    layer: int | None
    score: float
    circle: int | None
    bridge: bool
    only_way_to: int
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class EgoEdge:
    """A tie among two contacts (``between``: it joins two circles)."""

    a: int
    b: int
    strength: float
    between: bool


@dataclass(frozen=True, slots=True)
class Circle:
    index: int
    size: int
    strongest: str | None


@dataclass(frozen=True, slots=True)
class Ring:
    """A Dunbar ring (``layer`` None: ties without a layer), ``rows`` sub-rings
    from ``radius`` outwards."""

    layer: int | None
    radius: float
    people: int
    rows: int


@dataclass(frozen=True, slots=True)
class EgoGraph:
    """The member (at 0, 0), their contacts, the ties among them, circles and rings."""

    viewer: str
    name: str | None
    as_of: str
    nodes: list[EgoNode]
    edges: list[EgoEdge]
    edges_left_out: int
    circles: list[Circle]
    rings: list[Ring]
    bridges: int
    note: str | None = None


def _only_way(g: object, me: int, contacts: np.ndarray) -> np.ndarray:
    """For each contact (node of ``g``), how many second-degree people they are the
    member's only way to."""
    indptr = g.indptr  # type: ignore[attr-defined]
    indices = g.indices  # type: ignore[attr-defined]
    if contacts.size == 0:
        return np.zeros(0, np.int64)
    starts, ends = indptr[contacts], indptr[contacts + 1]
    lengths = (ends - starts).astype(np.int64)
    owner = np.repeat(np.arange(contacts.size), lengths)
    reached = np.concatenate([indices[s:e] for s, e in zip(starts, ends, strict=True)])
    mark = np.zeros(indptr.size - 1, bool)
    mark[contacts] = True
    mark[me] = True
    second = ~mark[reached]
    reached, owner = reached[second], owner[second]
    times = np.bincount(reached, minlength=indptr.size - 1)
    alone = times[reached] == 1
    return np.bincount(owner[alone], minlength=contacts.size)


def ego_graph(conn: Connection, who: Viewer, *, max_edges: int = MAX_EDGES) -> EgoGraph:
    """The member's ego graph with server-side positions (see the module doc),
    kept while the graph and the traces are unchanged (:mod:`weakties.service.live`)."""
    from weakties.service.live import memo

    person_of(who)
    return memo(conn, who, ("ego", max_edges), lambda: _ego_graph(conn, who, max_edges))


def _ego_graph(conn: Connection, who: Viewer, max_edges: int) -> EgoGraph:
    from weakties.graph import Graph, NodeNotFound
    from weakties.graph.communities import ego_communities
    from weakties.service.social import hidden_people, shown_reader
    from weakties.ties.strength import score_ties

    me_person = person_of(who)
    # rings, circles and bridges of the network the member is shown (the report's)
    r = shown_reader(conn, who)
    scores = score_ties(r, as_of=who.as_of)
    layers = scores.layer
    assert layers is not None
    # a member with a block between them and the viewer (or suspended) is not drawn,
    # though the viewer's own data holds the tie
    hidden = hidden_people(conn, who)
    drawn = [i for i in range(len(scores)) if scores.other(i) not in hidden]
    n = len(drawn)
    others = {i: scores.other(i) for i in drawn}
    names = r.names([*others.values(), me_person])
    handles = r.member_handles()
    g = Graph.from_store(r, as_of=who.as_of)
    node_of: dict[int, int] = {}
    try:
        me = g.node_of(me_person)
    except NodeNotFound:
        me = None
    for pid in others.values():
        try:
            node_of[pid] = g.node_of(pid)
        except NodeNotFound:
            continue
    # circles and bridges, on the snapshot's ego network
    circle_of: dict[int, int] = {}
    only: dict[int, int] = {}
    circles: list[Circle] = []
    if me is not None:
        found = ego_communities(g, me)
        for k, members in enumerate(found):
            for node in members.tolist():
                if g.person_of(node) not in hidden:
                    circle_of[g.person_of(node)] = k
        contacts = g.neighbors(me).astype(np.int64)
        counts = _only_way(g, me, contacts)
        only = {g.person_of(int(c)): int(k) for c, k in zip(contacts, counts, strict=True) if k}
    score_of = {others[i]: float(scores.score[i]) for i in drawn}
    for k in sorted(set(circle_of.values())):
        people = [p for p, c in circle_of.items() if c == k]
        if len(people) < 2:
            continue
        best = max(people, key=lambda p: (score_of.get(p, 0.0), -p))
        circles.append(Circle(k, len(people), names.get(best)))
    kept = {c.index for c in circles}
    circle_of = {p: c for p, c in circle_of.items() if c in kept}
    # the layout: rings by layer, wedges by circle (alone: one last wedge)
    ring_of = {size: j + 1 for j, size in enumerate(RINGS)}
    outer = len(RINGS) + 1
    by_circle: dict[int, int] = {}
    for i in drawn:
        key = circle_of.get(others[i], -1)
        by_circle[key] = by_circle.get(key, 0) + 1
    order = sorted(by_circle, key=lambda c: (c == -1, -by_circle[c], c))
    wedge: dict[int, tuple[float, float]] = {}
    start = 0.0
    for c in order:
        width = 2 * math.pi * by_circle[c] / max(n, 1)
        wedge[c] = (start, width)
        start += width
    placed: dict[int, list[int]] = {}
    for i in drawn:
        ring = ring_of.get(int(layers[i]), outer) if scores.classes[i] != "nominal" else outer
        placed.setdefault(ring, []).append(i)
    xy: dict[int, tuple[float, float]] = {}
    rings: list[Ring] = []
    radius = 0.0
    for ring in sorted(placed):
        on_ring = placed[ring]
        radius += RING_STEP
        # a crowded ring becomes a band of sub-rings, people SPACING apart
        rows = max(1, math.ceil(len(on_ring) * SPACING / (2 * math.pi * radius)))
        rings.append(
            Ring(RINGS[ring - 1] if ring <= len(RINGS) else None, radius, len(on_ring), rows)
        )
        groups: dict[int, list[int]] = {}
        for i in on_ring:
            groups.setdefault(circle_of.get(others[i], -1), []).append(i)
        for c, items in groups.items():
            items.sort(key=lambda i: (-float(scores.score[i]), others[i]))
            begin, width = wedge[c]
            for j, i in enumerate(items):
                angle = begin + width * (j + 0.5) / len(items)
                at = radius + (j % rows) * SPACING
                xy[i] = (round(at * math.cos(angle), 1), round(at * math.sin(angle), 1))
        radius += (rows - 1) * SPACING
    nodes = [
        EgoNode(
            id=others[i],
            name=names.get(others[i]),
            handle=handles.get(others[i]),
            klass=str(scores.classes[i]),
            layer=int(layers[i]) or None,
            score=round(float(scores.score[i]), 4),
            circle=circle_of.get(others[i]),
            bridge=others[i] in only,
            only_way_to=only.get(others[i], 0),
            x=xy[i][0],
            y=xy[i][1],
        )
        for i in drawn
    ]
    # the ties among contacts, strongest first
    edges: list[EgoEdge] = []
    left_out = 0
    if node_of:
        sub, original = g.subgraph(np.fromiter(node_of.values(), np.int64))
        u, v, w = sub.edges()
        a = original[u]
        b = original[v]
        strongest = np.argsort(-w, kind="stable")
        left_out = max(0, strongest.size - max_edges)
        for k in strongest[:max_edges].tolist():
            pa, pb = g.person_of(int(a[k])), g.person_of(int(b[k]))
            ca, cb = circle_of.get(pa), circle_of.get(pb)
            edges.append(
                EgoEdge(
                    pa, pb, round(float(w[k]), 4), ca is not None and cb is not None and ca != cb
                )
            )
    return EgoGraph(
        viewer=who.label,
        name=names.get(me_person),
        as_of=scores.as_of.date().isoformat(),
        nodes=nodes,
        edges=edges,
        edges_left_out=left_out,
        circles=circles,
        rings=rings,
        bridges=sum(1 for node in nodes if node.bridge),
        note=who.note,
    )

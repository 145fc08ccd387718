"""Opinion leaders: the members within two steps of the viewer whom the most of
their two-step neighbourhood listens to, to follow.

On the network the viewer may see by name (their own ties and those of members
who share by name; social ties only: connections, address books, ties recorded
by hand, platform connections), let *N* be the people one or two steps from the
viewer (the viewer left out). For each member *m* in *N*:

- ``in_reach``: the people of *N* that *m* is tied to — how much of the viewer's
  second degree hears *m* directly;
- ``centrality``: ``in_reach / (|N| - 1)``, *m*'s degree centrality in the
  subgraph of *N* (Freeman 1978/79: the share of the others one is tied to);
- ``reach``: every tie of *m*'s the viewer may see — how far *m* is heard at all;
- ``contacts``: the viewer's own contacts among them (how *m* is reached).

Members are ranked by ``in_reach``, then ``reach``, then name. The viewer, the
members they follow already, and members behind a block or suspended are left
out. A tie the viewer may not see counts for nothing: a member who shares
nothing adds nothing to anyone's rank.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection, select

from weakties.model.kinds import SOCIAL_TIE_SOURCES
from weakties.model.tables import Follow, Member
from weakties.service.connections import member_of
from weakties.service.context import Viewer, person_of, reader
from weakties.service.social import hidden_members

__all__ = ["Leader", "OpinionLeaders", "opinion_leaders"]


@dataclass(frozen=True, slots=True)
class Leader:
    """A member worth following, and how far they are heard around the viewer."""

    id: int
    name: str | None
    handle: str
    headline: str | None
    degree: int  # 1 or 2 steps from the viewer
    in_reach: int
    centrality: float
    reach: int
    contacts: int


@dataclass(frozen=True, slots=True)
class OpinionLeaders:
    viewer: str
    within_two_steps: int
    leaders: list[Leader]


def opinion_leaders(conn: Connection, who: Viewer, *, top: int = 20) -> OpinionLeaders:
    """The members within two steps of the viewer, ranked (see the module doc)."""
    from weakties.graph import Graph, NodeNotFound

    me = person_of(who)
    mine = member_of(who)
    r = reader(conn, who)
    g = Graph.from_store(r, sources=SOCIAL_TIE_SOURCES)
    try:
        start = g.node_of(me)
    except NodeNotFound:
        return OpinionLeaders(who.label, 0, [])
    hops = g.bfs(start, 2)
    near = np.flatnonzero(hops > 0)
    inside = np.zeros(g.n_nodes, dtype=bool)
    inside[near] = True
    first = set(np.flatnonzero(hops == 1).tolist())
    members = {
        int(p): (int(m), str(h))
        for m, p, h in conn.execute(select(Member.id, Member.person_id, Member.handle))
    }
    hidden = hidden_members(conn, who)
    followed = set(
        conn.execute(
            select(Follow.person_id).where(
                Follow.member_id == mine, Follow.active.is_(True), Follow.person_id.is_not(None)
            )
        ).scalars()
    )
    rows = []
    for node in near.tolist():
        pid = g.person_of(node)
        found = members.get(pid)
        if found is None or found[0] in hidden or pid in followed:
            continue
        around = g.neighbors(node)
        in_reach = int(inside[around].sum())
        rows.append(
            (
                pid,
                found[1],
                int(hops[node]),
                in_reach,
                int(around.size),
                len(first.intersection(around.tolist())),
            )
        )
    names = r.names([row[0] for row in rows])
    rows.sort(key=lambda row: (-row[3], -row[4], names.get(row[0]) or "", row[0]))
    chosen = rows[:top]
    people = r.person_rows([row[0] for row in chosen])
    others = max(near.size - 1, 1)
    leaders = [
        Leader(
            id=pid,
            name=names.get(pid),
            handle=handle,
            headline=people[pid].headline if pid in people else None,
            degree=degree,
            in_reach=in_reach,
            centrality=round(in_reach / others, 4),
            reach=reach,
            contacts=contacts,
        )
        for pid, handle, degree, in_reach, reach, contacts in chosen
    ]
    return OpinionLeaders(who.label, int(near.size), leaders)

"""The way in of the introduction tests, on the demo platform (the world
``platform`` of :mod:`tests.demo_worlds`: every person a member): a member, an
organisation where they know nobody, and a contact of theirs who knows someone
there."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select

from weakties.store.engine import Store

REQUESTER = "alex"  # one of the demo's three imported members


@dataclasses.dataclass(frozen=True)
class Way:
    requester: str
    org_id: int
    broker: str
    target: str


def find_way(store: Store, handle: str = REQUESTER) -> Way:
    """The first organisation where ``handle`` knows nobody and has an askable
    path through one of their contacts to someone there."""
    from weakties.model.tables import Organization
    from weakties.service import introductions as intro
    from weakties.service.context import viewer

    with store.engine.begin() as conn:
        me = viewer(conn, handle)
        for (oid,) in conn.execute(select(Organization.id).order_by(Organization.id)):
            found = intro.who_can_introduce(conn, me, org_id=oid)
            if found.known_directly:
                continue
            for p in found.paths:
                if p.askable and p.length == 2:
                    assert p.broker is not None and p.contact is not None
                    return Way(handle, oid, p.broker.handle, p.contact.handle)
    raise AssertionError("the demo has no way in")

"""Load a synthetic world straight into a store, as a platform would hold it.

Exports give each member their own first degree only; a platform (an alumni
network, a freelancers' collective) holds everyone's profile and connections.
:func:`load_world` writes that second situation: every person of the world is a
member with a sharing level, every organisation, group, position and group
membership is stored, and every tie is a ``platform`` tie asserted by the
member at its lower end. Tests compare what weakties finds in this store with
the world's ground truth; benchmarks use it to get a large store without
writing and parsing thousands of exports.

>>> from weakties.store.engine import open_store
>>> from weakties.synth import generate
>>> world = generate(n_people=200, seed=1)
>>> store = open_store("sqlite://")
>>> loaded = load_world(store, world)
>>> loaded.members == len(world.people)
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import insert

from weakties.model.identity import name_key
from weakties.model.orgnames import org_key
from weakties.model.tables import (
    Identity,
    Member,
    OrgAlias,
    Organization,
    Person,
    Position,
    Skill,
    Tie,
    table_of,
)
from weakties.store.engine import Store
from weakties.synth.world import World

__all__ = ["LoadedWorld", "load_world", "person_id_of"]

CHUNK = 5000


@dataclass(frozen=True)
class LoadedWorld:
    """What :func:`load_world` wrote. Store ids are world ids plus fixed offsets."""

    members: int
    ties: int
    positions: int
    person_offset: int
    org_offset: int
    group_offset: int


def person_id_of(world_id: int) -> int:
    """The store's person id of a world person (``load_world`` keeps the order)."""
    return int(world_id) + 1


def _rows(conn: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        conn.execute(insert(table), rows[start : start + CHUNK])


def load_world(
    store: Store,
    world: World,
    *,
    as_of: dt.date | None = None,
    sharing: Mapping[int, str] | None = None,
    skills: bool = True,
) -> LoadedWorld:
    """Write ``world`` into an empty store, as it stands on ``as_of`` (its end by default).

    Parameters
    ----------
    store : Store
        A freshly created store (ids are assigned from 1).
    world : World
    as_of : date, optional
        Ties formed later and positions started later are left out; a position
        ended by then is stored as a former one.
    sharing : mapping of world person id to sharing level, optional
        Each member's sharing level (``names`` when absent).
    skills : bool
        Store every person's skills.

    Returns
    -------
    LoadedWorld
        Person ``i`` of the world is person ``i + 1`` (:func:`person_id_of`) and
        member ``i + 1``; companies and schools keep their order after them, and
        groups follow.
    """
    day = as_of or world.end
    sharing = sharing or {}
    n_orgs = len(world.orgs)
    with store.engine.begin() as conn:
        orgs = [
            {
                "id": o.id + 1,
                "name": o.name,
                "norm_name": org_key(o.name),
                "kind": "organization",
                "industry": o.industry,
                "location": o.location,
            }
            for o in world.orgs
        ]
        orgs += [
            {
                "id": n_orgs + g.id + 1,
                "name": g.name,
                "norm_name": org_key(g.name),
                "kind": "group",
                "industry": g.industry,
                "location": g.location,
            }
            for g in world.groups
        ]
        _rows(conn, table_of(Organization), orgs)
        _rows(
            conn,
            table_of(OrgAlias),
            [
                {
                    "organization_id": o["id"],
                    "kind": o["kind"],
                    "alias": o["name"],
                    "norm_alias": o["norm_name"],
                }
                for o in orgs
            ],
        )
        people = []
        for p in world.people:
            people.append(
                {
                    "id": person_id_of(p.id),
                    "display_name": p.full_name,
                    "first_name": p.first_name,
                    "last_name": p.last_name,
                    "name_key": name_key(p.first_name, p.last_name),
                    "headline": p.headline,
                    "location": p.location,
                    "industry": p.industry,
                }
            )
        _rows(conn, table_of(Person), people)
        _rows(
            conn,
            table_of(Identity),
            [
                {"person_id": person_id_of(p.id), "kind": "linkedin", "value": p.slug}
                for p in world.people
            ],
        )
        _rows(
            conn,
            table_of(Member),
            [
                {
                    "id": person_id_of(p.id),
                    "handle": p.slug,
                    "person_id": person_id_of(p.id),
                    "sharing": sharing.get(p.id, "names"),
                }
                for p in world.people
            ],
        )
        positions = []
        for k, pos in enumerate(world.positions):
            if pos.start > day:
                continue
            ended = pos.end is not None and pos.end < day
            positions.append(
                {
                    "person_id": person_id_of(pos.person),
                    "organization_id": pos.org + 1,
                    "kind": pos.kind,
                    "title": pos.title or pos.degree or None,
                    "start_date": pos.start,
                    "start_precision": "month",
                    "end_date": pos.end if ended else None,
                    "end_precision": "month" if ended else None,
                    "is_current": not ended,
                    "source": "platform",
                    "asserted_by": person_id_of(pos.person),
                    "natural_key": f"world:{world.seed}:position:{k}",
                }
            )
        for k, m in enumerate(world.memberships):
            if m.since > day:
                continue
            positions.append(
                {
                    "person_id": person_id_of(m.person),
                    "organization_id": n_orgs + m.group + 1,
                    "kind": "group",
                    "title": None,
                    "start_date": m.since,
                    "start_precision": "day",
                    "end_date": None,
                    "end_precision": None,
                    "is_current": True,
                    "source": "platform",
                    "asserted_by": person_id_of(m.person),
                    "natural_key": f"world:{world.seed}:membership:{k}",
                }
            )
        _rows(conn, table_of(Position), positions)
        ties = [
            {
                "person_a_id": person_id_of(t.a),
                "person_b_id": person_id_of(t.b),
                "source": "platform",
                "asserted_by": person_id_of(t.a),
                "since": dt.datetime.combine(t.since, dt.time()),
                "confidence": 1.0,
            }
            for t in world.ties
            if t.since <= day
        ]
        _rows(conn, table_of(Tie), ties)
        if skills:
            _rows(
                conn,
                table_of(Skill),
                [
                    {"person_id": person_id_of(pid), "name": name}
                    for pid, names in world.skills.items()
                    for name in dict.fromkeys(names)
                ],
            )
    return LoadedWorld(
        members=len(world.people),
        ties=len(ties),
        positions=len(positions),
        person_offset=1,
        org_offset=1,
        group_offset=n_orgs + 1,
    )


def random_sharing(
    world: World, seed: int = 0, p_counts: float = 0.1, p_nothing: float = 0.1
) -> dict[int, str]:
    """A sharing level per person: mostly ``names``, some ``counts`` and ``nothing``."""
    rng = np.random.default_rng(seed)
    draw = rng.random(len(world.people))
    levels = np.where(
        draw < p_nothing, "nothing", np.where(draw < p_nothing + p_counts, "counts", "names")
    )
    return {i: str(level) for i, level in enumerate(levels.tolist())}

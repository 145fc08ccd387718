"""Who the viewer wants to reach: an organisation's people, one person, or everyone
matching an industry, a skill, a location or a group.

A :class:`TargetSpec` is what the user typed; :func:`resolve_targets` turns it into
persons, each with the role that makes them a target ("Data Engineer at Acme
since 2021", "former Acme, 2015-2019").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, or_, select

from weakties.model.identity import fold
from weakties.model.tables import Organization, Person, Position, Skill
from weakties.store.errors import InputError, NotFoundError
from weakties.store.orgs import find_org
from weakties.store.people import find_person
from weakties.store.visibility import Viewer

__all__ = ["Role", "TargetSet", "TargetSpec", "resolve_targets", "resolve_to"]


@dataclass(frozen=True)
class TargetSpec:
    """What to reach. Filters narrow the organisation's people (or, with no
    organisation and no person, select everyone matching them)."""

    org_ids: tuple[int, ...] = ()
    person_id: int | None = None
    industry: str | None = None
    skill: str | None = None
    location: str | None = None
    group_id: int | None = None
    former: bool = False

    def is_empty(self) -> bool:
        return not (
            self.org_ids
            or self.person_id
            or self.industry
            or self.skill
            or self.location
            or self.group_id
        )


@dataclass(frozen=True)
class Role:
    """Why a person is a target: their position at the target organisation."""

    org_id: int | None
    org: str | None
    title: str | None
    start: dt.date | None
    end: dt.date | None
    current: bool

    def text(self) -> str:
        years = _years(self.start, self.end, self.current)
        where = f" at {self.org}" if self.org else ""
        head = f"{self.title}{where}" if self.title else (self.org or "")
        if not self.current:
            head = f"formerly {head}"
        return f"{head} ({years})" if years else head


def _years(start: dt.date | None, end: dt.date | None, current: bool) -> str:
    if start is None and end is None:
        return ""
    a = str(start.year) if start else "?"
    b = "now" if current else (str(end.year) if end else "?")
    return a if a == b else f"{a}–{b}"


@dataclass
class TargetSet:
    """Target persons and why each is one."""

    label: str
    person_ids: list[int]
    roles: dict[int, Role] = field(default_factory=dict)
    org_ids: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "people": len(self.person_ids), "org_ids": list(self.org_ids)}


def resolve_to(conn: Connection, viewer: Viewer, text: str) -> TargetSpec:
    """``--to`` as typed: ``org:NAME``, ``person:NAME``, or a name tried as an
    organisation first, then as a person."""
    value = text.strip()
    kind, _, rest = value.partition(":")
    if kind in ("org", "person") and rest:
        if kind == "org":
            return TargetSpec(org_ids=(find_org(conn, rest),))
        return TargetSpec(person_id=find_person(conn, viewer, rest))
    try:
        return TargetSpec(org_ids=(find_org(conn, value),))
    except NotFoundError:
        pass
    try:
        return TargetSpec(person_id=find_person(conn, viewer, value))
    except NotFoundError:
        raise NotFoundError(
            f"no organisation or person called {text!r} (try weakties orgs --search, "
            "or weakties people --search)"
        ) from None


def _positions_at(conn: Connection, org_ids: list[int], former: bool) -> dict[int, Role]:
    query = (
        select(
            Position.person_id,
            Position.organization_id,
            Organization.name,
            Position.title,
            Position.start_date,
            Position.end_date,
            Position.is_current,
        )
        .join(Organization, Organization.id == Position.organization_id)
        .where(Position.organization_id.in_(org_ids), Position.kind == "job")
    )
    if not former:
        query = query.where(Position.is_current.is_(True))
    roles: dict[int, Role] = {}
    for pid, oid, name, title, start, end, current in conn.execute(query):
        role = Role(oid, name, title, start, end, bool(current))
        held = roles.get(pid)
        # a current position beats a former one; then the latest start
        if held is None or (role.current, role.start or dt.date.min) > (
            held.current,
            held.start or dt.date.min,
        ):
            roles[pid] = role
    return roles


def _current_roles(conn: Connection, pids: list[int]) -> dict[int, Role]:
    roles: dict[int, Role] = {}
    for start in range(0, len(pids), 900):
        chunk = pids[start : start + 900]
        for pid, oid, name, title, begin, current in conn.execute(
            select(
                Position.person_id,
                Position.organization_id,
                Organization.name,
                Position.title,
                Position.start_date,
                Position.is_current,
            )
            .join(Organization, Organization.id == Position.organization_id, isouter=True)
            .where(
                Position.person_id.in_(chunk),
                Position.is_current.is_(True),
                Position.kind == "job",
            )
        ):
            held = roles.get(pid)
            if held is None or (begin or dt.date.min) > (held.start or dt.date.min):
                roles[pid] = Role(oid, name, title, begin, None, bool(current))
    return roles


def _filter(
    conn: Connection, pids: set[int] | None, spec: TargetSpec
) -> tuple[set[int] | None, list[str]]:
    """Apply the industry / skill / location / group filters (None = everyone)."""
    words: list[str] = []

    def narrow(found: set[int]) -> set[int]:
        return found if pids is None else pids & found

    if spec.industry:
        like = f"%{spec.industry.lower()}%"
        at_org = set(
            conn.execute(
                select(Position.person_id)
                .join(Organization, Organization.id == Position.organization_id)
                .where(
                    Position.is_current.is_(True),
                    Position.kind == "job",
                    func.lower(Organization.industry).like(like),
                )
            ).scalars()
        )
        own = set(
            conn.execute(select(Person.id).where(func.lower(Person.industry).like(like))).scalars()
        )
        pids = narrow(at_org | own)
        words.append(f"industry ~ {spec.industry}")
    if spec.location:
        like = f"%{spec.location.lower()}%"
        own = set(
            conn.execute(select(Person.id).where(func.lower(Person.location).like(like))).scalars()
        )
        at_org = set(
            conn.execute(
                select(Position.person_id)
                .join(Organization, Organization.id == Position.organization_id)
                .where(
                    Position.is_current.is_(True),
                    Position.kind == "job",
                    or_(
                        func.lower(Position.location).like(like),
                        func.lower(Organization.location).like(like),
                    ),
                )
            ).scalars()
        )
        pids = narrow(own | at_org)
        words.append(f"location ~ {spec.location}")
    if spec.skill:
        needle = fold(spec.skill)
        like = f"%{spec.skill.lower()}%"
        with_skill = {
            pid
            for pid, name in conn.execute(
                select(Skill.person_id, Skill.name).where(func.lower(Skill.name).like(like))
            )
            if needle in fold(name)
        }
        in_title = set(
            conn.execute(
                select(Position.person_id).where(
                    Position.is_current.is_(True), func.lower(Position.title).like(like)
                )
            ).scalars()
        ) | set(
            conn.execute(select(Person.id).where(func.lower(Person.headline).like(like))).scalars()
        )
        pids = narrow(with_skill | in_title)
        words.append(f"skill ~ {spec.skill}")
    if spec.group_id is not None:
        members = set(
            conn.execute(
                select(Position.person_id).where(
                    Position.organization_id == spec.group_id,
                    Position.kind == "group",
                    Position.is_current.is_(True),
                )
            ).scalars()
        )
        pids = narrow(members)
        name = conn.execute(
            select(Organization.name).where(Organization.id == spec.group_id)
        ).scalar()
        words.append(f"in group {name}")
    return pids, words


def resolve_targets(conn: Connection, viewer: Viewer, spec: TargetSpec) -> TargetSet:
    """The persons a spec designates, without the viewer.

    Raises
    ------
    InputError
        If the spec names nothing to reach.
    """
    if spec.is_empty():
        raise InputError(
            "say whom to reach: --to ORG|PERSON, or --industry/--skill/--location/--group"
        )
    roles: dict[int, Role] = {}
    pids: set[int] | None = None
    label_parts: list[str] = []
    if spec.org_ids:
        roles = _positions_at(conn, list(spec.org_ids), spec.former)
        pids = set(roles)
        names = conn.execute(
            select(Organization.name).where(Organization.id.in_(spec.org_ids))
        ).scalars()
        label_parts.append(" / ".join(names) + (" (current and former)" if spec.former else ""))
    if spec.person_id is not None:
        pids = {spec.person_id} if pids is None else pids & {spec.person_id}
        name = conn.execute(select(Person.display_name).where(Person.id == spec.person_id)).scalar()
        label_parts.append(str(name))
    pids, words = _filter(conn, pids, spec)
    label_parts += words
    if spec.person_id is not None and spec.person_id == viewer.person_id:
        raise InputError("that is you: introductions are to other people")
    chosen = sorted((pids or set()) - {viewer.person_id})
    missing = [pid for pid in chosen if pid not in roles]
    roles.update(_current_roles(conn, missing))
    return TargetSet(", ".join(label_parts), chosen, roles, spec.org_ids)


def add_target(
    conn: Connection,
    viewer: Viewer,
    *,
    org_id: int | None = None,
    person_id: int | None = None,
    purpose: str = "job",
) -> dict[str, Any]:
    """Remember an organisation or a person the viewer is looking at (idempotent)."""
    from sqlalchemy import insert, update

    from weakties.model.tables import ASK_PURPOSES, Target

    if purpose not in ASK_PURPOSES:
        raise InputError(f"purpose must be one of {', '.join(ASK_PURPOSES)}")
    if (org_id is None) == (person_id is None):
        raise InputError("a target is one organisation or one person")
    column = Target.organization_id if org_id is not None else Target.person_id
    value = org_id if org_id is not None else person_id
    found = conn.execute(
        select(Target.id).where(Target.member_id == viewer.member_id, column == value)
    ).scalar()
    if found is not None:
        conn.execute(update(Target).where(Target.id == found).values(purpose=purpose))
        return {"id": found, "added": False, "purpose": purpose}
    new_id = conn.execute(
        insert(Target).values(
            member_id=viewer.member_id,
            organization_id=org_id,
            person_id=person_id,
            purpose=purpose,
        )
    ).inserted_primary_key[0]  # type: ignore[index]
    return {"id": int(new_id), "added": True, "purpose": purpose}


def remove_target(
    conn: Connection, viewer: Viewer, *, org_id: int | None = None, person_id: int | None = None
) -> bool:
    from sqlalchemy import delete

    from weakties.model.tables import Target

    column = Target.organization_id if org_id is not None else Target.person_id
    value = org_id if org_id is not None else person_id
    gone = conn.execute(
        delete(Target).where(Target.member_id == viewer.member_id, column == value)
    ).rowcount
    return bool(gone)


def list_targets(conn: Connection, viewer: Viewer) -> list[dict[str, Any]]:
    from weakties.model.tables import Target

    rows = conn.execute(
        select(
            Target.id,
            Target.purpose,
            Target.created_at,
            Organization.name.label("org"),
            Person.display_name.label("person"),
        )
        .join(Organization, Organization.id == Target.organization_id, isouter=True)
        .join(Person, Person.id == Target.person_id, isouter=True)
        .where(Target.member_id == viewer.member_id)
        .order_by(Target.created_at)
    ).all()
    return [
        {
            "id": r.id,
            "org": r.org,
            "person": r.person,
            "purpose": r.purpose,
            "since": r.created_at.date().isoformat(),
        }
        for r in rows
    ]

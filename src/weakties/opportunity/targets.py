"""Who the viewer wants to reach: an organisation's people, one person, or everyone
matching an industry, a skill, a location or a group.

A :class:`TargetSpec` is what the user typed; :func:`resolve_targets` turns it into
persons, each with the role that makes them a target ("Data Engineer at Acme
since 2021", "former Acme, 2015-2019").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from weakties.errors import AmbiguousError, InputError, NotFoundError

if TYPE_CHECKING:
    from weakties.store.reader import Reader

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
    """Target persons and why each is one.

    ``person_ids`` are the targets the viewer may name (and reach); ``total``
    counts the targets the viewer may count (members who share counts add
    people the viewer never sees by name)."""

    label: str
    person_ids: list[int]
    roles: dict[int, Role] = field(default_factory=dict)
    org_ids: tuple[int, ...] = ()
    total: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "people": len(self.person_ids), "org_ids": list(self.org_ids)}


def resolve_to(reader: Reader, text: str) -> TargetSpec:
    """``--to`` as typed: ``org:NAME``, ``person:NAME``, or a name: an
    organisation's exact name or alias first; else a person
    (:meth:`~weakties.store.reader.Reader.find_person`: exact, then part of a
    name) or an organisation whose name contains it — one of them, or a list of
    the candidates of both kinds to choose from (organisations and people the
    viewer may see).

    Raises
    ------
    NotFoundError, AmbiguousError
    """
    value = text.strip()
    kind, _, rest = value.partition(":")
    if kind in ("org", "person") and rest:
        if kind == "org":
            return TargetSpec(org_ids=(reader.find_org(rest),))
        return TargetSpec(person_id=reader.find_person(rest))
    try:
        return TargetSpec(org_ids=(reader.find_org(value),))
    except NotFoundError:
        pass
    person: int | None = None
    people: list[str] = []
    try:
        person = reader.find_person(value)
    except AmbiguousError as exc:
        people = exc.candidates
    except NotFoundError:
        pass
    orgs = reader.list_orgs(search=value, limit=20)
    if person is not None and not orgs:
        return TargetSpec(person_id=person)
    if person is None and not people and len(orgs) == 1:
        return TargetSpec(org_ids=(int(orgs[0]["id"]),))
    if person is not None:
        people = [f"#{person} {reader.labels([person]).get(person, '')}".rstrip()]
    if not orgs and not people:
        raise NotFoundError(
            f"no organisation or person called {text!r} (try weakties orgs --search, "
            "or weakties people --search)"
        )
    raise AmbiguousError(
        f"{text!r} matches {_both(len(orgs), len(people))}: say which (org:NAME, person:#id)",
        [f"org:{o['name']}" for o in orgs] + [f"person:{p}" for p in people],
    )


def _both(orgs: int, people: int) -> str:
    from weakties.words import counted

    said = [
        counted(orgs, "organisation", "organisations") if orgs else "",
        counted(people, "person", "people") if people else "",
    ]
    return " and ".join(x for x in said if x)


def _positions_at(reader: Reader, org_ids: list[int], former: bool, level: str) -> dict[int, Role]:
    roles: dict[int, Role] = {}
    for pid, oid, name, title, start, end, current in reader.positions_at(
        org_ids, former=former, level=level
    ):
        role = Role(oid, name, title, start, end, bool(current))
        held = roles.get(pid)
        # a current position beats a former one; then the latest start
        if held is None or (role.current, role.start or dt.date.min) > (
            held.current,
            held.start or dt.date.min,
        ):
            roles[pid] = role
    return roles


def _current_roles(reader: Reader, pids: list[int]) -> dict[int, Role]:
    roles: dict[int, Role] = {}
    for pid, oid, name, title, begin, current in reader.current_roles(pids):
        held = roles.get(pid)
        if held is None or (begin or dt.date.min) > (held.start or dt.date.min):
            roles[pid] = Role(oid, name, title, begin, None, bool(current))
    return roles


def _filter(
    reader: Reader, pids: set[int] | None, spec: TargetSpec, level: str
) -> tuple[set[int] | None, list[str]]:
    """Apply the industry / skill / location / group filters (None = everyone)."""
    words: list[str] = []

    def narrow(found: set[int]) -> set[int]:
        return found if pids is None else pids & found

    for what, text in (
        ("industry", spec.industry),
        ("location", spec.location),
        ("skill", spec.skill),
    ):
        if text:
            pids = narrow(reader.people_matching(what, text, level))
            words.append(f"{what} ~ {text}")
    if spec.group_id is not None:
        pids = narrow(reader.group_members(spec.group_id, level))
        name = reader.org_names([spec.group_id]).get(spec.group_id)
        words.append(f"in group {name}")
    return pids, words


def resolve_targets(reader: Reader, spec: TargetSpec) -> TargetSet:
    """The persons a spec designates, without the viewer: those the viewer may name
    (with their roles), and how many the viewer may count.

    Raises
    ------
    InputError
        If the spec names nothing to reach.
    """
    if spec.is_empty():
        raise InputError(
            "say whom to reach: --to ORG|PERSON, or --industry/--skill/--location/--group"
        )
    me = reader.scope.person_id
    if spec.person_id is not None and spec.person_id == me:
        raise InputError("that is you: introductions are to other people")
    found: dict[str, set[int]] = {}
    roles: dict[int, Role] = {}
    label_parts: list[str] = []
    for level in ("names", "counts"):
        pids: set[int] | None = None
        if spec.org_ids:
            at = _positions_at(reader, list(spec.org_ids), spec.former, level)
            pids = set(at)
            if level == "names":
                roles = at
                names = reader.org_names(spec.org_ids)
                label_parts.append(
                    " / ".join(names[o] for o in spec.org_ids if o in names)
                    + (" (current and former)" if spec.former else "")
                )
        if spec.person_id is not None:
            pids = {spec.person_id} if pids is None else pids & {spec.person_id}
            if level == "names":
                label_parts.append(str(reader.names([spec.person_id]).get(spec.person_id)))
        pids, words = _filter(reader, pids, spec, level)
        if level == "names":
            label_parts += words
        found[level] = (pids or set()) - {me}
    chosen = sorted(found["names"])
    missing = [pid for pid in chosen if pid not in roles]
    roles.update(_current_roles(reader, missing))
    total = len(found["counts"] | found["names"])
    return TargetSet(", ".join(label_parts), chosen, roles, spec.org_ids, total)

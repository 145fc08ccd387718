"""Search: people, organisations and groups in one box, as the viewer may see them.

The words are matched by the database's full-text engine (SQLite FTS5 or
PostgreSQL full text, see :mod:`weakties.store.search_ddl`), accent- and
case-insensitive, each word as a prefix ("ingenieure" finds "Ingénieure",
"ing" too). What the viewer may not see is never returned, nor counted: people
are those the viewer's scope may name (every member, and the contacts of those
who share names) less the members with a block between them and the viewer,
organisations those the scope may see, groups the platform's
groups. People are ranked by their degree from the viewer first (the viewer and
their connections, then the second degree, then everyone else), then by how well
they match: the same order on both engines, whose text scores differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from weakties.model.tables import GroupPage, Member, Organization, Person
from weakties.service.context import Viewer, reader
from weakties.service.orgpages import degrees_of
from weakties.service.social import blocked_people
from weakties.store.search_ddl import match_orgs, match_people, query_words

__all__ = ["KINDS", "SearchResults", "search"]

KINDS = ("people", "organizations", "groups")
#: candidates read from the text index per kind before visibility and ranking
CANDIDATES = 2000
NEAR = {0: 0, 1: 0, 2: 1}  # degree -> rank bucket; anyone else: 2


@dataclass(frozen=True)
class PersonHit:
    person_id: int
    name: str
    handle: str | None
    headline: str | None
    degree: int | None


@dataclass(frozen=True)
class OrgHit:
    id: int
    name: str
    kind: str  # organization / group
    industry: str | None


@dataclass(frozen=True)
class SearchResults:
    query: str
    people: list[PersonHit] = field(default_factory=list)
    organizations: list[OrgHit] = field(default_factory=list)
    groups: list[OrgHit] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.people or self.organizations or self.groups)


def _people(conn: Connection, viewer: Viewer, query: str, limit: int) -> list[PersonHit]:
    found = dict(match_people(conn, query, CANDIDATES))
    if not found:
        return []
    scoped = reader(conn, viewer)
    visible = scoped.keep_visible(found, "names")
    # a block, either way, hides each member from the other's search
    hidden = blocked_people(conn, viewer)
    visible = [p for p in visible if p not in hidden]
    if not visible:
        return []
    degree = degrees_of(conn, viewer, set(visible))
    rows = {
        r.id: r
        for r in conn.execute(
            select(Person.id, Person.display_name, Person.headline, Member.handle)
            .outerjoin(Member, Member.person_id == Person.id)
            .where(Person.id.in_(visible))
        )
    }

    def rank(pid: int) -> tuple[int, float, str, int]:
        return (NEAR.get(degree.get(pid, -1), 2), -found[pid], rows[pid].display_name, pid)

    ranked = sorted(rows, key=rank)
    return [
        PersonHit(
            pid, rows[pid].display_name, rows[pid].handle, rows[pid].headline, degree.get(pid)
        )
        for pid in ranked[:limit]
    ]


def _orgs(
    conn: Connection, viewer: Viewer, query: str, limit: int
) -> tuple[list[OrgHit], list[OrgHit]]:
    found = dict(match_orgs(conn, query, CANDIDATES))
    if not found:
        return [], []
    ids = sorted(found)
    rows = conn.execute(
        select(
            Organization.id,
            Organization.name,
            Organization.kind,
            Organization.industry,
            GroupPage.organization_id.label("page"),
        )
        .outerjoin(GroupPage, GroupPage.organization_id == Organization.id)
        .where(Organization.id.in_(ids))
    ).all()
    seen = set(reader(conn, viewer).visible_orgs(ids))
    orgs: list[OrgHit] = []
    groups: list[OrgHit] = []
    for r in sorted(rows, key=lambda r: (-found[r.id], r.name, r.id)):
        hit = OrgHit(r.id, r.name, r.kind, r.industry)
        if r.page is not None:
            groups.append(hit)
        elif r.id in seen:
            (groups if r.kind == "group" else orgs).append(hit)
    return orgs[:limit], groups[:limit]


def search(
    conn: Connection, viewer: Viewer, query: str, *, kinds: tuple[str, ...] = KINDS, limit: int = 20
) -> SearchResults:
    """People, organisations and groups matching every word of ``query``, as the
    viewer may see them; nothing for a query without a letter or a digit."""
    text = query.strip()[:200]
    if not query_words(text):
        return SearchResults(text)
    people = _people(conn, viewer, text, limit) if "people" in kinds else []
    orgs, groups = (
        _orgs(conn, viewer, text, limit)
        if "organizations" in kinds or "groups" in kinds
        else ([], [])
    )
    return SearchResults(
        text,
        people,
        orgs if "organizations" in kinds else [],
        groups if "groups" in kinds else [],
    )

"""Search: people, organisations, groups, posts and jobs in one box, as the viewer may see them.

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

Posts are those the viewer may read (:func:`weakties.service.posts.search_posts`:
their audience, never a hidden one, none by or about a member hidden from the
viewer), newest first; jobs the open ones the jobs page lists
(:func:`weakties.service.jobs.match_jobs`), newest first, each with the people of
the viewer's network who work there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from weakties.model.tables import GroupPage, Member, Organization, Person
from weakties.service.connections import MemberCard
from weakties.service.context import Viewer, reader
from weakties.service.jobs import ORG_MATCHES, JobView, match_jobs
from weakties.service.posts import PostView, post_excerpt, search_posts
from weakties.service.social import hidden_people
from weakties.store._base import chunks
from weakties.store.search_ddl import (
    match_orgs,
    match_people_among,
    match_people_ids,
    match_people_named,
    query_words,
)

__all__ = ["KINDS", "PostHit", "SearchResults", "post_hit", "search"]

KINDS = ("people", "organizations", "groups", "posts", "jobs")
#: candidates read from the text index per kind before visibility and ranking
CANDIDATES = 2000


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
class PostHit:
    id: int
    author: MemberCard
    audience: str
    group: str | None
    group_id: int | None
    created_at: Any  # datetime
    excerpt: str  # plain text: the sanitised post without its markup, cut


@dataclass(frozen=True)
class SearchResults:
    query: str
    people: list[PersonHit] = field(default_factory=list)
    organizations: list[OrgHit] = field(default_factory=list)
    groups: list[OrgHit] = field(default_factory=list)
    posts: list[PostHit] = field(default_factory=list)
    jobs: list[JobView] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.people or self.organizations or self.groups or self.posts or self.jobs)


def post_hit(view: PostView) -> PostHit:
    """A post as a list quotes it: who, when, for whom, its text as plain text."""
    if view.author is None:  # visible_posts' lists leave a deleted member's posts out
        raise ValueError(f"post {view.id} has no author to list")
    return PostHit(
        view.id,
        view.author,
        view.audience,
        view.group,
        view.group_id,
        view.created_at,
        post_excerpt(view),
    )


#: at most so many candidates looked at together when walking down the matches
BATCH = 200


def _people(conn: Connection, viewer: Viewer, query: str, limit: int) -> list[PersonHit]:
    """The ``limit`` best people: walked down the text matches, best first, a batch
    at a time, until the viewer's nearest ones fill the page; only the people
    walked are checked (visibility, second degree), and only those shown are read."""
    scoped = reader(conn, viewer)
    # a block, either way, hides each member from the other's search; a
    # suspended member is in nobody's
    hidden = hidden_people(conn, viewer)
    me = viewer.person_id
    first = scoped.first_degree() - hidden if me is not None else set()
    found = _nearest(conn, query, limit, me, first, hidden)
    if found is None:
        found = match_people_named(conn, query, CANDIDATES)
    if not found:
        return []
    order = [
        pid
        for pid, _score, _name in sorted(found, key=lambda f: (-f[1], f[2], f[0]))
        if pid not in hidden
    ]
    # the viewer and their contacts are shown (a tie they may see), nearest of all
    degree: dict[int, int] = {p: 0 if p == me else 1 for p in order if p == me or p in first}
    near = [p for p in order if p in degree]
    second: list[int] = []
    others: list[int] = []
    rest = [p for p in order if p not in degree]
    # twice what the page still needs, then more at each step: the second degree
    # is most of a well-connected member's matches
    start, size = 0, min(BATCH, max(2 * (limit - len(near)), 1))
    while start < len(rest):
        if len(near) + len(second) >= limit or (not first and len(near) + len(others) >= limit):
            break  # the page is full of nearer people than any left to walk
        part = rest[start : start + size]
        start, size = start + size, min(2 * size, BATCH)
        shown = set(scoped.keep_visible(part, "names"))
        found_degrees = scoped.degrees_among(shown, without=hidden) if first else {}
        for pid in part:
            if pid not in shown:
                continue
            if found_degrees.get(pid) == 2:
                degree[pid] = 2
                second.append(pid)
            else:
                others.append(pid)
    ranked = (near + second + others)[:limit]
    rows = {
        r.id: r
        for r in conn.execute(
            select(Person.id, Person.display_name, Person.headline, Member.handle)
            .outerjoin(Member, Member.person_id == Person.id)
            .where(Person.id.in_(ranked))
        )
    }
    return [
        PersonHit(
            pid, rows[pid].display_name, rows[pid].handle, rows[pid].headline, degree.get(pid)
        )
        for pid in ranked
        if pid in rows
    ]


def _nearest(
    conn: Connection, query: str, limit: int, me: int | None, first: set[int], hidden: set[int]
) -> list[tuple[int, float, str]] | None:
    """SQLite: the matches of the viewer and their contacts alone, scored, when they
    fill the page (then nobody else is shown, see :func:`_people`) and are among
    all the candidates (no more matches than :data:`CANDIDATES`); else None (the
    whole ranking is needed). Which people match is read from the text index
    without scoring anyone, and only these people are scored: the same rows, and
    the same scores, as :func:`match_people_named` gives of them."""
    if conn.dialect.name != "sqlite" or (me is None and not first):
        return None
    every = match_people_ids(conn, query, CANDIDATES + 1)
    if not every:
        return []
    if len(every) > CANDIDATES:
        return None
    near = [p for p in every if (p == me or p in first) and p not in hidden]
    if len(near) < limit:
        return None
    return match_people_among(conn, query, near)


def _orgs(
    conn: Connection, viewer: Viewer, found: list[tuple[int, float]], limit: int
) -> tuple[list[OrgHit], list[OrgHit]]:
    """The ``limit`` best organisations and groups, walked down the text matches
    a batch at a time until neither list can change (full, or no match left that
    could join it): a platform group is always shown, any other organisation as
    the scope allows. ``found``: the text matches (:func:`match_orgs`)."""
    if not found:
        return [], []
    score = dict(found)
    rows: list[Any] = []
    for chunk in chunks(score):
        rows += conn.execute(
            select(
                Organization.id,
                Organization.name,
                Organization.kind,
                Organization.industry,
                GroupPage.organization_id.label("page"),
            )
            .outerjoin(GroupPage, GroupPage.organization_id == Organization.id)
            .where(Organization.id.in_(chunk))
        ).all()
    rows.sort(key=lambda r: (-score[r.id], r.name, r.id))
    scoped = reader(conn, viewer)
    orgs: list[OrgHit] = []
    groups: list[OrgHit] = []
    # how many of the rows not walked yet may still be an organisation, a group
    # (a platform group, or a visible organisation of the kind group): the walk
    # stops when neither list can change any more, and the scope is asked only
    # about the rows whose list is not full
    may_org = sum(r.page is None and r.kind != "group" for r in rows)
    may_group = len(rows) - may_org
    start, size = 0, min(BATCH, max(2 * limit, 1))
    while start < len(rows):
        if (len(orgs) >= limit or not may_org) and (len(groups) >= limit or not may_group):
            break
        batch = rows[start : start + size]
        start, size = start + size, min(2 * size, BATCH)
        asked = [
            r.id
            for r in batch
            if r.page is None and len(groups if r.kind == "group" else orgs) < limit
        ]
        seen = set(scoped.visible_orgs(asked)) if asked else set()
        for r in batch:
            is_org = r.page is None and r.kind != "group"
            may_org, may_group = may_org - is_org, may_group - (not is_org)
            hit = OrgHit(r.id, r.name, r.kind, r.industry)
            if r.page is not None:
                groups.append(hit)
            elif r.id in seen:
                (groups if r.kind == "group" else orgs).append(hit)
    return orgs[:limit], groups[:limit]


def search(
    conn: Connection, viewer: Viewer, query: str, *, kinds: tuple[str, ...] = KINDS, limit: int = 20
) -> SearchResults:
    """People, organisations, groups, posts and jobs matching every word of
    ``query``, as the viewer may see them; nothing for a query without a letter
    or a digit."""
    text = query.strip()[:200]
    if not query_words(text):
        return SearchResults(text)
    people = _people(conn, viewer, text, limit) if "people" in kinds else []
    named = (
        match_orgs(conn, text, CANDIDATES)
        if "organizations" in kinds or "groups" in kinds
        else None
    )
    orgs, groups = _orgs(conn, viewer, named, limit) if named is not None else ([], [])
    # the jobs at the organisations named so: those matches again, when they are
    # all of them (no more than the jobs' search reads)
    org_matches = (
        [o for o, _score in named] if named is not None and len(named) <= ORG_MATCHES else None
    )
    return SearchResults(
        text,
        people,
        orgs if "organizations" in kinds else [],
        groups if "groups" in kinds else [],
        [post_hit(p) for p in search_posts(conn, viewer, text, limit=limit)]
        if "posts" in kinds
        else [],
        match_jobs(conn, viewer, text, limit=limit, org_matches=org_matches)
        if "jobs" in kinds
        else [],
    )

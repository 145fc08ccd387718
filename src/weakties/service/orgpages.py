"""Organisation pages: a company or a school as the viewer may see it.

The organisation is the normalised one shared with the importer (its aliases are
the spellings it was seen under). Its people are those whose positions the
viewer's scope may show — now and formerly — each with their degree from the
viewer; "people in your network here" are the first- and second-degree ones.
Head counts count what the scope may count; names name what it may name. A
member with a block between them and the viewer (either way) is neither shown
nor counted here.

The page also says what the organisation is about when someone wrote it (a
platform group's owners, a company's or a school's page admins: see
:mod:`weakties.service.orgpage_admin`) with its website and industry, its newest
open jobs with the people of the viewer's network who work there (as the jobs
page counts them) and its newest posts the viewer may read (their audiences,
blocks): each a bounded query, the network counted once for every job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from weakties.model.tables import GroupPage, Member, OrgAlias, Organization, Person
from weakties.service.context import Viewer, reader
from weakties.service.follows import Followers, followers, is_following, visible_org
from weakties.service.jobs import JobView, org_jobs
from weakties.service.orgpage_admin import PageRights, page_rights
from weakties.service.posts import org_posts
from weakties.service.search import PostHit, post_hit
from weakties.service.social import hidden_people

__all__ = ["OrgPage", "OrgPerson", "degrees_of", "org_page"]

PEOPLE_SHOWN = 50
JOBS_SHOWN = 10
POSTS_SHOWN = 5


@dataclass(frozen=True)
class OrgPerson:
    person_id: int
    name: str
    handle: str | None
    title: str | None
    start: dt.date | None
    end: dt.date | None
    degree: int | None  # 1, 2, or None (3rd+ or unknown); 0 for the viewer


@dataclass(frozen=True)
class OrgPage:
    id: int
    name: str
    kind: str
    industry: str | None
    location: str | None
    aliases: list[str] = field(default_factory=list)
    followers: Followers = field(default_factory=lambda: Followers(0, []))
    following: bool = False
    people_count: int = 0  # now, as the viewer may count them
    people: list[OrgPerson] = field(default_factory=list)  # now, named, nearest first
    former_count: int = 0
    former: list[OrgPerson] = field(default_factory=list)
    connections_here: int = 0  # the viewer's connections here now
    has_group_page: bool = False  # a group run on the platform (see /groups/ID)
    about: str | None = None  # what the data says the organisation is about, if anything
    jobs: list[JobView] = field(default_factory=list)  # open, newest first
    posts: list[PostHit] = field(default_factory=list)  # readable by the viewer, newest first
    website: str | None = None  # an http(s) address, checked when written
    rights: PageRights = field(default_factory=PageRights)  # what the viewer may do here

    @property
    def network_here(self) -> list[OrgPerson]:
        """The viewer's first- and second-degree contacts here now."""
        return [p for p in self.people if p.degree in (1, 2)]


def degrees_of(conn: Connection, viewer: Viewer, person_ids: set[int]) -> dict[int, int]:
    """The degree (1 or 2; 0 for the viewer) of each of ``person_ids`` that is near
    the viewer over the ties the viewer may see: the viewer's contacts, and those
    tied to one of them (:meth:`~weakties.store.read_ties.TieReads.degrees_among`,
    which reads the ties of these people only). A member with a block between
    them and the viewer has no degree, and is no way to anyone: a contact kept by
    the viewer's imported data after a block gives nobody the second degree."""
    scoped = reader(conn, viewer)
    me = viewer.person_id
    out: dict[int, int] = {}
    if me is not None and me in person_ids:
        out[me] = 0
    out.update(scoped.degrees_among(person_ids, without=hidden_people(conn, viewer)))
    return out


# who is "here": those who work there and, at a school, those who study there (a
# school's students now, its alumni among the former)
HERE = ("job", "study")


def _people(conn: Connection, viewer: Viewer, org_id: int) -> tuple[dict, dict]:
    """(count, people) now and formerly: one who is here now is not a former one."""
    scoped = reader(conn, viewer)
    # a block hides each one from the other, a suspension from everyone
    hidden = hidden_people(conn, viewer)
    named = [
        r
        for r in scoped.positions_at([org_id], former=True, level="names", kinds=HERE)
        if r.person_id not in hidden
    ]
    counted = [
        r
        for r in scoped.positions_at([org_id], former=True, level="counts", kinds=HERE)
        if r.person_id not in hidden
    ]
    now_counted = {r.person_id for r in counted if r.is_current}
    ever_counted = {r.person_id for r in counted}
    now = {r.person_id for r in named if r.is_current}
    latest: dict[int, Any] = {}
    for r in sorted(named, key=lambda r: (bool(r.is_current), r.start_date or dt.date.min)):
        latest[r.person_id] = r  # the current one, else the latest started
    ids = set(latest)
    degree = degrees_of(conn, viewer, ids)
    # their names and, for the members among them, their handles: one read
    names: dict[int, str] = {}
    handles: dict[int, str] = {}
    for i, n, h in (
        conn.execute(
            select(Person.id, Person.display_name, Member.handle)
            .outerjoin(Member, Member.person_id == Person.id)
            .where(Person.id.in_(sorted(ids)))
        )
        if ids
        else ()
    ):
        names[int(i)] = str(n)
        if h is not None:
            handles[int(i)] = str(h)
    people: dict[bool, list[OrgPerson]] = {True: [], False: []}
    for pid, r in latest.items():
        people[pid in now].append(
            OrgPerson(
                pid,
                names.get(pid, ""),
                handles.get(pid),
                r.title,
                r.start_date,
                None if pid in now else r.end_date,
                degree.get(pid),
            )
        )
    for group in people.values():
        group.sort(key=lambda p: (9 if p.degree is None else p.degree, p.name, p.person_id))
    counts = {True: len(now_counted | now), False: len(ever_counted - now_counted)}
    return counts, people


def _about(row: Any) -> str | None:
    """A group's about text is its owners'; any other's, its page admins' (both
    read with the organisation's row: :func:`org_page`)."""
    return row.group_about if row.page is not None else row.org_about


def org_page(conn: Connection, viewer: Viewer, org_id: int) -> OrgPage:
    """An organisation's page as the viewer may see it.

    Raises
    ------
    NotFoundError
        No such organisation, or one the viewer may not see.
    """
    # what the page says about it read with the row that finds it visible
    row = visible_org(
        conn,
        viewer,
        org_id,
        Organization.website,
        Organization.about.label("org_about"),
        GroupPage.about.label("group_about"),
    )
    aliases = sorted(
        set(
            conn.execute(select(OrgAlias.alias).where(OrgAlias.organization_id == org_id)).scalars()
        )
        - {row.name}
    )
    counts, people = _people(conn, viewer, org_id)
    return OrgPage(
        id=row.id,
        name=row.name,
        kind=row.kind,
        industry=row.industry,
        location=row.location,
        aliases=aliases,
        followers=followers(conn, viewer, org_id=org_id),
        following=is_following(conn, viewer, org_id=org_id),
        people_count=counts[True],
        people=people[True][:PEOPLE_SHOWN],
        former_count=counts[False],
        former=people[False][:PEOPLE_SHOWN],
        has_group_page=row.page is not None,
        connections_here=sum(1 for p in people[True] if p.degree == 1),
        about=_about(row),
        website=row.website,
        rights=PageRights() if row.page is not None else page_rights(conn, viewer, org_id),
        jobs=org_jobs(conn, viewer, org_id, limit=JOBS_SHOWN, name=row.name),
        posts=[post_hit(p) for p in org_posts(conn, viewer, org_id, limit=POSTS_SHOWN)],
    )

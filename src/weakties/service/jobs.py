"""Jobs: offered at an organisation, searched, saved and applied to.

A member posts a job for an organisation their own data says they work at (or
the operator, for any). A job is open until its poster closes it or its expiry
day passes (the background task ``expire_jobs`` closes it). Members search open
jobs by words, location, workplace (on-site, hybrid, remote) and type; save
them; apply with a note that only the poster reads (the poster sees every
application). Followers of the organisation are notified of a new job (task
``job_followers``).

Every job says how many people of the viewer's network work there and at which
degree: counted through the viewer's scoped reader (only ties the viewer may
count), never naming someone the viewer may not see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, literal_column, or_, select, update

from weakties.errors import NotFoundError
from weakties.model.tables import (
    EMPLOYMENT_TYPES,
    WORKPLACES,
    JobApplication,
    JobPosting,
    Organization,
    Position,
    SavedJob,
    table_of,
    utcnow,
)
from weakties.service.connections import MemberCard, member_of
from weakties.service.context import Viewer, reader
from weakties.service.forms import N_, FormError, has_control_characters
from weakties.service.markup import render_markdown
from weakties.service.social import (
    cards,
    check_rate,
    hidden_members,
    hidden_people,
    require_active,
)
from weakties.store._base import chunks
from weakties.store.search_ddl import match_orgs, matches

__all__ = [
    "EMPLOYMENT_TYPES",
    "WORKPLACES",
    "ApplicationView",
    "JobDraft",
    "JobView",
    "NetworkAtOrg",
    "applications",
    "apply",
    "close_job",
    "job",
    "match_jobs",
    "org_jobs",
    "post_job",
    "save_job",
    "search_jobs",
]

DEFAULT_DAYS = 30
WORKPLACE_LABELS = {"on_site": N_("On site"), "hybrid": N_("Hybrid"), "remote": N_("Remote")}
EMPLOYMENT_LABELS = {
    "full_time": N_("Full time"),
    "part_time": N_("Part time"),
    "contract": N_("Contract"),
    "freelance": N_("Freelance mission"),
    "internship": N_("Internship"),
}
MAX_DAYS = 365


@dataclass(frozen=True)
class NetworkAtOrg:
    """People of the viewer's network who work at the organisation now."""

    first: int  # connections
    second: int  # connections of connections (those the viewer may count)

    @property
    def total(self) -> int:
        return self.first + self.second


@dataclass(frozen=True)
class JobView:
    id: int
    title: str
    organization: str
    organization_id: int
    location: str
    workplace: str
    employment: str
    html: str
    description: str
    status: str
    expires_on: dt.date
    created_at: dt.datetime
    poster: MemberCard
    network: NetworkAtOrg
    saved: bool
    applied: bool
    is_mine: bool
    applicants: int | None  # for the poster only


@dataclass(frozen=True)
class JobDraft:
    organization: str
    title: str
    location: str = ""
    workplace: str = "on_site"
    employment: str = "full_time"
    description: str = ""
    expires_on: dt.date | None = None


@dataclass(frozen=True)
class ApplicationView:
    id: int
    member: MemberCard
    note: str
    created_at: dt.datetime


def _text(
    value: str, name: str, limit: int, *, required: bool = False, multiline: bool = False
) -> str:
    value = (value or "").strip()
    if required and not value:
        raise FormError.one(name, N_("This field is required."))
    if has_control_characters(value, multiline=multiline):
        raise FormError.one(name, N_("Remove the control characters."))
    if len(value) > limit:
        raise FormError.one(name, N_("This text is too long."))
    return value


def _organization(conn: Connection, viewer: Viewer, name: str) -> int:
    """The organisation the viewer may post for, by id (``#12``) or name."""
    name = _text(name, "organization", 300, required=True)
    query = select(Organization.id).join(Position, Position.organization_id == Organization.id)
    if not viewer.is_operator and not _is_operator(conn, viewer):
        query = query.where(
            Position.person_id == viewer.person_id,
            Position.asserted_by == member_of(viewer),
            Position.is_current.is_(True),
            Position.kind == "job",
        )
    if name.startswith("#") and name[1:].isdigit() and len(name) < 12:
        query = query.where(Organization.id == int(name[1:]))
    else:
        query = query.where(func.lower(Organization.name) == name.lower())
    found = conn.execute(query.limit(1)).scalar()
    if found is None:
        raise FormError.one(
            "organization", N_("You can post jobs for an organisation you work at only.")
        )
    return int(found)


def _is_operator(conn: Connection, viewer: Viewer) -> bool:
    from weakties.model.tables import Account

    return (
        conn.execute(select(Account.role).where(Account.member_id == member_of(viewer))).scalar()
        == "operator"
    )


def my_organizations(conn: Connection, viewer: Viewer) -> list[tuple[int, str]]:
    """The organisations the viewer works at now (their own data): where they may post."""
    return [
        (int(i), str(n))
        for i, n in conn.execute(
            select(Organization.id, Organization.name)
            .join(Position, Position.organization_id == Organization.id)
            .where(
                Position.person_id == viewer.person_id,
                Position.asserted_by == member_of(viewer),
                Position.is_current.is_(True),
                Position.kind == "job",
            )
            .distinct()
            .order_by(Organization.name)
        )
    ]


def post_job(conn: Connection, viewer: Viewer, draft: JobDraft) -> JobView:
    """Publish a job; the organisation's followers are told by a background task.

    Raises
    ------
    FormError
        A field is missing, too long or not one of its choices; an organisation
        the viewer does not work at; an expiry in the past or beyond a year.
    """
    from weakties.service.tasks import enqueue

    me = require_active(conn, viewer)
    org = _organization(conn, viewer, draft.organization)
    title = _text(draft.title, "title", 200, required=True)
    location = _text(draft.location, "location", 200)
    description = _text(draft.description, "description", 20_000, multiline=True)
    if draft.workplace not in WORKPLACES:
        raise FormError.one("workplace", N_("Choose one of the answers."))
    if draft.employment not in EMPLOYMENT_TYPES:
        raise FormError.one("employment", N_("Choose one of the answers."))
    today = utcnow().date()
    expires = draft.expires_on or today + dt.timedelta(days=DEFAULT_DAYS)
    if expires <= today or expires > today + dt.timedelta(days=MAX_DAYS):
        raise FormError.one("expires_on", N_("Choose a day within the next year."))
    check_rate(conn, me, "job")
    job_id = conn.execute(
        insert(JobPosting)
        .values(
            organization_id=org,
            poster_id=me,
            title=title,
            location=location,
            workplace=draft.workplace,
            employment=draft.employment,
            description=description,
            html=render_markdown(description) if description else "",
            status="open",
            expires_on=expires,
            created_at=utcnow(),
        )
        .returning(JobPosting.id)
    ).scalar_one()
    enqueue(conn, "job_followers", {"job_id": job_id}, dedup=f"job-followers-{job_id}")
    return job(conn, viewer, job_id)


def network_at(conn: Connection, viewer: Viewer, org_ids: list[int]) -> dict[int, NetworkAtOrg]:
    """For each organisation, the viewer's first- and second-degree contacts who work
    there now — counted with the viewer's scope: positions and ties the viewer may
    count, from the viewer's connections outwards (bounded by the organisations'
    current staff, not by the whole network).

    The staff are read once for every organisation of the page; someone with a job
    at two of them counts at both. A first-degree contact is one the viewer may
    name (their tie is one the viewer may list); someone of the second degree
    counts when a tie the viewer may count links them to a first-degree contact
    and the viewer may name them.

    Kept for the viewer, organisation by organisation, while the graph is unchanged
    (positions, ties, blocks and sharing are part of it;
    :func:`weakties.service.live.memo_each`): a list of jobs asked again (the same
    search, the next visit) reads none of it again, and another list reads only
    the organisations not counted yet.
    """
    if not org_ids:
        return {}
    from weakties.service.live import memo_each

    def compute(keys: list[tuple[str, int]]) -> dict[tuple[str, int], NetworkAtOrg]:
        counted = _network_at(conn, viewer, tuple(sorted(o for _, o in keys)))
        return {("network_at", o): n for o, n in counted.items()}

    found = memo_each(conn, viewer, (("network_at", o) for o in org_ids), compute, traces=False)
    return {o: found["network_at", o] for o in org_ids}


def _network_at(conn: Connection, viewer: Viewer, orgs: tuple[int, ...]) -> dict[int, NetworkAtOrg]:
    r = reader(conn, viewer)
    hidden = hidden_people(conn, viewer)  # a block either way, a suspension
    first = r.first_degree() - hidden
    me = viewer.person_id
    staff: dict[int, set[int]] = {}  # person -> the organisations they work at now
    for part in chunks(orgs):
        for pid, oid in conn.execute(
            r.where(
                select(Position.person_id, Position.organization_id).where(
                    Position.organization_id.in_(part),
                    Position.is_current.is_(True),
                    Position.kind == "job",
                ),
                r.position_visible("counts"),
            )
        ):
            if pid not in hidden and oid is not None:
                staff.setdefault(pid, set()).add(oid)
    out: dict[int, list[int]] = {o: [0, 0] for o in orgs}
    for pid in staff.keys() & first:
        for oid in staff[pid]:
            out[oid][0] += 1
    candidates = {p for p in staff if p not in first and p != me}
    if candidates and first:
        reached = r.linked_to(candidates, first, "counts")
        if viewer.scope.counts != viewer.scope.names and reached:
            # reached through a tie the viewer may only count: named only if the
            # viewer may name them by other means (the reader's rules)
            named = r.linked_to(reached, first, "names")
            reached = named | set(r.keep_visible(reached - named))
        for pid in reached:
            for oid in staff[pid]:
                out[oid][1] += 1
    return {o: NetworkAtOrg(*out[o]) for o in orgs}


def _views(
    conn: Connection, viewer: Viewer, rows: list[Any], orgs: dict[int, str] | None = None
) -> list[JobView]:
    """The jobs of ``rows`` as the viewer sees them; ``orgs``: the name of each of
    their organisations, when the caller read them already."""
    if not rows:
        return []
    me = member_of(viewer)
    ids = [r.id for r in rows]
    if orgs is None:
        orgs = dict(
            conn.execute(
                select(Organization.id, Organization.name).where(
                    Organization.id.in_(sorted({r.organization_id for r in rows}))
                )
            ).all()
        )
    # the viewer's saved jobs and applications among these, in one read
    marked = conn.execute(
        select(SavedJob.job_id, literal_column("'saved'"))
        .where(SavedJob.member_id == me, SavedJob.job_id.in_(ids))
        .union_all(
            select(JobApplication.job_id, literal_column("'applied'")).where(
                JobApplication.member_id == me, JobApplication.job_id.in_(ids)
            )
        )
    ).all()
    saved = {job for job, what in marked if what == "saved"}
    applied = {job for job, what in marked if what == "applied"}
    # how many applied, to the jobs the viewer posted (none: nothing to count)
    mine = [r.id for r in rows if r.poster_id == me]
    counts = (
        dict(
            conn.execute(
                select(JobApplication.job_id, func.count())
                .where(JobApplication.job_id.in_(mine))
                .group_by(JobApplication.job_id)
            ).all()
        )
        if mine
        else {}
    )
    network = network_at(conn, viewer, sorted({r.organization_id for r in rows}))
    people = cards(conn, {r.poster_id for r in rows})
    return [
        JobView(
            r.id,
            r.title,
            orgs.get(r.organization_id, ""),
            r.organization_id,
            r.location,
            r.workplace,
            r.employment,
            r.html,
            r.description,
            r.status,
            r.expires_on,
            r.created_at,
            people[r.poster_id],
            network[r.organization_id],
            r.id in saved,
            r.id in applied,
            r.poster_id == me,
            int(counts.get(r.id, 0)) if r.poster_id == me else None,
        )
        for r in rows
    ]


def job(conn: Connection, viewer: Viewer, job_id: int) -> JobView:
    """One job: open ones for everybody, closed ones for their poster and applicants.

    Raises
    ------
    NotFoundError
        No such job, or one the viewer may not see.
    """
    row = conn.execute(select(table_of(JobPosting)).where(JobPosting.id == job_id)).first()
    me = member_of(viewer)
    if row is None or (row.poster_id != me and row.poster_id in hidden_members(conn, viewer)):
        raise NotFoundError(f"no job {job_id}")
    if row.status != "open" and row.poster_id != me:
        applied = conn.execute(
            select(JobApplication.id).where(
                JobApplication.job_id == job_id, JobApplication.member_id == me
            )
        ).first()
        if applied is None:
            raise NotFoundError(f"no job {job_id}")
    return _views(conn, viewer, [row])[0]


def search_jobs(
    conn: Connection,
    viewer: Viewer,
    *,
    text: str = "",
    location: str = "",
    workplace: str = "",
    employment: str = "",
    saved: bool = False,
    mine: bool = False,
    limit: int = 20,
    before_id: int | None = None,
) -> list[JobView]:
    """Open jobs matching words (title, organisation), place, workplace and type,
    newest first (``before_id`` pages on); ``saved`` keeps the viewer's saved jobs,
    ``mine`` the viewer's own (open or closed).

    Raises
    ------
    FormError
        ``workplace`` or ``employment`` not one of their choices.
    """
    if workplace and workplace not in WORKPLACES:
        raise FormError.one("workplace", N_("Choose one of the answers."))
    if employment and employment not in EMPLOYMENT_TYPES:
        raise FormError.one("employment", N_("Choose one of the answers."))
    text = _text(text, "q", 200)
    location = _text(location, "location", 200)
    me = member_of(viewer)
    query = select(table_of(JobPosting)).join(
        Organization, Organization.id == JobPosting.organization_id
    )
    if mine:
        query = query.where(JobPosting.poster_id == me)
    else:
        query = query.where(JobPosting.status == "open")
        hidden = hidden_members(conn, viewer)
        if hidden:
            query = query.where(JobPosting.poster_id.not_in(sorted(hidden)))
    for word in text.lower().split()[:8]:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                func.lower(JobPosting.title).like(pattern, escape="\\"),
                func.lower(Organization.name).like(pattern, escape="\\"),
            )
        )
    if location:
        pattern = (
            "%"
            + location.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            + "%"
        )
        query = query.where(func.lower(JobPosting.location).like(pattern, escape="\\"))
    if workplace:
        query = query.where(JobPosting.workplace == workplace)
    if employment:
        query = query.where(JobPosting.employment == employment)
    if saved:
        query = query.where(
            JobPosting.id.in_(select(SavedJob.job_id).where(SavedJob.member_id == me))
        )
    if before_id is not None:
        query = query.where(JobPosting.id < before_id)
    rows = conn.execute(query.order_by(JobPosting.id.desc()).limit(min(max(limit, 1), 100)))
    return _views(conn, viewer, list(rows))


def match_jobs(
    conn: Connection,
    viewer: Viewer,
    query: str,
    *,
    limit: int = 20,
    org_matches: list[int] | None = None,
) -> list[JobView]:
    """The newest open jobs whose title and place, or whose organisation's name,
    have every word of ``query`` (as prefixes, accents and case ignored), as the
    jobs page lists them: open and not past their expiry day, none posted by a
    member hidden from the viewer (a block either way, a suspension).

    ``org_matches``: every organisation whose name matches ``query``
    (:func:`~weakties.store.search_ddl.match_orgs`), when the caller read them
    already — no more than :data:`ORG_MATCHES`; else they are read here."""
    found = matches(conn, "job", query)
    if found is None:
        return []
    orgs = (
        org_matches
        if org_matches is not None
        else [o for o, _score in match_orgs(conn, query, ORG_MATCHES)]
    )
    query_ = select(table_of(JobPosting)).where(
        or_(found, JobPosting.organization_id.in_(orgs)) if orgs else found,
        JobPosting.status == "open",
        JobPosting.expires_on >= utcnow().date(),
    )
    hidden = hidden_members(conn, viewer)
    if hidden:
        query_ = query_.where(JobPosting.poster_id.not_in(sorted(hidden)))
    rows = conn.execute(query_.order_by(JobPosting.id.desc()).limit(min(max(limit, 1), 100)))
    return _views(conn, viewer, list(rows))


def org_jobs(
    conn: Connection, viewer: Viewer, org_id: int, *, limit: int = 10, name: str | None = None
) -> list[JobView]:
    """The newest open jobs at an organisation, as the jobs page lists them (open,
    not past their expiry day, none posted by a member hidden from the viewer), at
    most ``limit``; the network that works there is counted once for all.
    ``name``: the organisation's, when the caller read it already."""
    query = select(table_of(JobPosting)).where(
        JobPosting.organization_id == org_id,
        JobPosting.status == "open",
        JobPosting.expires_on >= utcnow().date(),
    )
    hidden = hidden_members(conn, viewer)
    if hidden:
        query = query.where(JobPosting.poster_id.not_in(sorted(hidden)))
    rows = conn.execute(query.order_by(JobPosting.id.desc()).limit(min(max(limit, 1), 50)))
    return _views(conn, viewer, list(rows), None if name is None else {org_id: name})


#: organisations whose name matches, read for a search of jobs
ORG_MATCHES = 200


def save_job(conn: Connection, viewer: Viewer, job_id: int, *, save: bool = True) -> None:
    """Save (or forget) a job the viewer may see."""
    job(conn, viewer, job_id)
    me = member_of(viewer)
    exists = conn.execute(
        select(SavedJob.id).where(SavedJob.member_id == me, SavedJob.job_id == job_id)
    ).first()
    if save and exists is None:
        conn.execute(insert(SavedJob).values(member_id=me, job_id=job_id, created_at=utcnow()))
    elif not save and exists is not None:
        conn.execute(
            SavedJob.__table__.delete().where(SavedJob.id == exists[0])  # type: ignore[attr-defined]
        )


def apply(conn: Connection, viewer: Viewer, job_id: int, note: str) -> None:
    """Apply to an open job with a note for its poster (once).

    Raises
    ------
    FormError
        Already applied, or one's own job (``job``); too long a note (``note``).
    """
    from weakties.service.notifications import notify

    me = require_active(conn, viewer)
    view = job(conn, viewer, job_id)
    if view.status != "open":
        raise FormError.one("job", N_("This job is closed."))
    if view.is_mine:
        raise FormError.one("job", N_("This is your own job."))
    if view.applied:
        raise FormError.one("job", N_("You applied already."))
    note = _text(note, "note", 5000, multiline=True)
    now = utcnow()
    conn.execute(
        insert(JobApplication).values(job_id=job_id, member_id=me, note=note, created_at=now)
    )
    notify(
        conn,
        view.poster.member_id,
        "application",
        dedup=f"application-{job_id}-{me}",
        thread=f"job-{job_id}",
        actor_id=me,
        job_id=job_id,
        at=now,
    )


def applications(conn: Connection, viewer: Viewer, job_id: int) -> list[ApplicationView]:
    """The applications to one of the viewer's jobs.

    Raises
    ------
    NotFoundError
        Not a job of the viewer's.
    """
    me = member_of(viewer)
    owner = conn.execute(select(JobPosting.poster_id).where(JobPosting.id == job_id)).scalar()
    if owner != me:
        raise NotFoundError(f"no job {job_id} of yours")
    rows = conn.execute(
        select(table_of(JobApplication))
        .where(JobApplication.job_id == job_id)
        .order_by(JobApplication.id)
    ).all()
    people = cards(conn, {r.member_id for r in rows})
    return [ApplicationView(r.id, people[r.member_id], r.note, r.created_at) for r in rows]


def close_job(conn: Connection, viewer: Viewer, job_id: int) -> None:
    """Close one of the viewer's jobs."""
    done = conn.execute(
        update(JobPosting)
        .where(JobPosting.id == job_id, JobPosting.poster_id == member_of(viewer))
        .values(status="closed", closed_at=utcnow())
    ).rowcount
    if not done:
        raise NotFoundError(f"no job {job_id} of yours")


def expire_jobs(conn: Connection, today: dt.date | None = None) -> int:
    """Close every open job whose expiry day has passed (the background task)."""
    today = today or utcnow().date()
    return int(
        conn.execute(
            update(JobPosting)
            .where(JobPosting.status == "open", JobPosting.expires_on < today)
            .values(status="closed", closed_at=utcnow())
        ).rowcount
    )

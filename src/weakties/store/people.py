"""People as a user sees them: listing, search, one person's whole record.

Every function takes the viewer and shows only what the viewer may see
(:mod:`weakties.store.visibility`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, func, or_, select

from weakties.model.identity import email_key, fold, linkedin_slug, name_key
from weakties.model.orgnames import org_key
from weakties.model.tables import (
    Identity,
    Interaction,
    Member,
    Note,
    OrgAlias,
    Organization,
    Person,
    Position,
    Tie,
    table_of,
)
from weakties.store.errors import AmbiguousError, NotFoundError
from weakties.store.events import list_events
from weakties.store.visibility import Viewer, degrees, sharing_levels, visible_people

__all__ = ["current_jobs", "find_person", "list_people", "person_record"]


def _contains(text: str) -> str:
    """A LIKE pattern for "contains ``text``", its own ``%`` and ``_`` taken literally."""
    quoted = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{quoted}%"


def current_jobs(conn: Connection, pids: set[int] | list[int]) -> dict[int, list[dict[str, Any]]]:
    """Current jobs per person: their own profile's if they have one, else observed ones."""
    jobs: dict[int, list[dict[str, Any]]] = defaultdict(list)
    ids = list(pids)
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        rows = conn.execute(
            select(
                Position.person_id,
                Position.source,
                Position.title,
                Organization.id,
                Organization.name,
            )
            .outerjoin(Organization, Organization.id == Position.organization_id)
            .where(
                Position.person_id.in_(chunk),
                Position.is_current.is_(True),
                Position.kind == "job",
            )
            .order_by(Position.person_id, Position.start_date.desc(), Position.id)
        ).all()
        by_person: dict[int, list[Any]] = defaultdict(list)
        for row in rows:
            by_person[row.person_id].append(row)
        for pid, items in by_person.items():
            own = [r for r in items if r.source == "profile"]
            for r in own or items:
                if r.name or r.title:
                    jobs[pid].append({"org_id": r.id, "org": r.name, "title": r.title})
    return jobs


def _identities(conn: Connection, pids: list[int]) -> dict[int, dict[str, list[str]]]:
    found: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for start in range(0, len(pids), 900):
        chunk = pids[start : start + 900]
        for pid, kind, value in conn.execute(
            select(Identity.person_id, Identity.kind, Identity.value)
            .where(Identity.person_id.in_(chunk))
            .order_by(Identity.id)
        ):
            found[pid][kind].append(value)
    return found


def _org_members(conn: Connection, org: str) -> set[int]:
    """Persons currently at an organisation named (or aliased) like ``org``."""
    norm = org_key(org)
    org_ids = set(
        conn.execute(select(OrgAlias.organization_id).where(OrgAlias.norm_alias == norm)).scalars()
    )
    if not org_ids:
        org_ids = set(
            conn.execute(
                select(Organization.id).where(
                    Organization.norm_name.like(_contains(norm), escape="\\")
                )
            ).scalars()
        )
    if not org_ids:
        return set()
    return set(
        conn.execute(
            select(Position.person_id).where(
                Position.organization_id.in_(org_ids), Position.is_current.is_(True)
            )
        ).scalars()
    )


def list_people(
    conn: Connection,
    viewer: Viewer,
    *,
    org: str | None = None,
    search: str | None = None,
    degree: int | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """The persons the viewer may see, with degree, current job and LinkedIn URL.

    Sorted by degree, then name. ``org`` keeps people currently at that
    organisation; ``search`` matches names (accent- and case-insensitive).
    """
    visible = visible_people(conn, viewer)
    named, _ = degrees(conn, viewer)
    if org:
        visible &= _org_members(conn, org)
    if degree is not None:
        visible = {p for p in visible if named.get(p) == degree}
    visible.discard(viewer.person_id)
    if not visible:
        return []
    needle = fold(search) if search else None
    people = []
    ids = sorted(visible)
    rows: list[Any] = []
    for start in range(0, len(ids), 900):
        rows.extend(
            conn.execute(
                select(Person.id, Person.display_name, Person.headline, Person.location).where(
                    Person.id.in_(ids[start : start + 900])
                )
            ).all()
        )
    if needle:
        rows = [r for r in rows if needle in fold(r.display_name or "")]
    keep = [r.id for r in rows]
    jobs = current_jobs(conn, keep)
    idents = _identities(conn, keep)
    members = dict(conn.execute(select(Member.person_id, Member.handle)).all())
    for r in rows:
        job = jobs.get(r.id, [])
        slug = idents.get(r.id, {}).get("linkedin", [None])[0]
        people.append(
            {
                "id": r.id,
                "name": r.display_name,
                "degree": named.get(r.id),
                "company": job[0]["org"] if job else None,
                "title": job[0]["title"] if job else None,
                "headline": r.headline,
                "location": r.location,
                "linkedin": f"https://www.linkedin.com/in/{slug}" if slug else None,
                "emails": idents.get(r.id, {}).get("email", []),
                "member": members.get(r.id),
            }
        )
    people.sort(key=lambda p: (p["degree"] or 9, fold(p["name"] or "~")))
    return people[:limit] if limit else people


_ID = re.compile(r"^#?(\d+)$")


def find_person(conn: Connection, viewer: Viewer, query: str) -> int:
    """The person named by ``query``: ``#id``, a profile URL or slug, an e-mail, a
    member handle, or a name (unique among what the viewer may see).

    Raises
    ------
    NotFoundError, AmbiguousError
    """
    text = query.strip()
    visible = visible_people(conn, viewer)
    if m := _ID.match(text):
        pid = int(m.group(1))
        if pid in visible:
            return pid
        raise NotFoundError(f"no person #{pid} visible to {viewer.handle}")
    for kind, value in (
        ("linkedin", linkedin_slug(text) or (text.lower() if "/" not in text else None)),
        ("email", email_key(text)),
    ):
        if not value:
            continue
        found = conn.execute(
            select(Identity.person_id).where(Identity.kind == kind, Identity.value == value)
        ).scalar()
        if found is not None and found in visible:
            return int(found)
    member = conn.execute(select(Member.person_id).where(Member.handle == text)).scalar()
    if member is not None:
        return member
    key = name_key(text)
    exact = [
        pid
        for pid in conn.execute(select(Person.id).where(Person.name_key == key)).scalars()
        if pid in visible
    ]
    if len(exact) == 1:
        return exact[0]
    candidates = exact
    if not candidates:
        needle = fold(text)
        candidates = [
            pid
            for pid, name in conn.execute(
                select(Person.id, Person.display_name).where(
                    func.lower(Person.display_name).like(_contains(text.lower()), escape="\\")
                    | (Person.name_key.like(_contains(needle), escape="\\"))
                )
            )
            if pid in visible
        ]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise NotFoundError(f"nobody called {query!r} among the people {viewer.handle} can see")
    names = dict(
        conn.execute(
            select(Person.id, Person.display_name).where(Person.id.in_(candidates[:20]))
        ).all()
    )
    raise AmbiguousError(
        f"{len(candidates)} people match {query!r}; use #id",
        [f"#{pid} {names.get(pid, '')}" for pid in candidates[:20]],
    )


def _date(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()


def person_record(conn: Connection, viewer: Viewer, pid: int) -> dict[str, Any]:
    """Everything the viewer may see about one person: identities, positions, ties
    (with their source), interaction counts with the viewer, notes, events."""
    p = conn.execute(select(*table_of(Person).c).where(Person.id == pid)).first()
    if p is None:
        raise NotFoundError(f"no person #{pid}")
    named, _ = degrees(conn, viewer)
    idents = _identities(conn, [pid]).get(pid, {})
    positions = [
        {
            "org": r.name,
            "title": r.title,
            "kind": r.kind,
            "start": _date(r.start_date),
            "end": _date(r.end_date),
            "current": r.is_current,
            "seen_on": _date(r.seen_on),
            "source": r.source,
        }
        for r in conn.execute(
            select(
                Position.kind,
                Position.title,
                Position.start_date,
                Position.end_date,
                Position.is_current,
                Position.seen_on,
                Position.source,
                Organization.name,
            )
            .outerjoin(Organization, Organization.id == Position.organization_id)
            .where(Position.person_id == pid)
            .order_by(
                Position.is_current.desc(), Position.start_date.desc(), Position.seen_on.desc()
            )
        )
    ]
    visible = visible_people(conn, viewer)
    members = dict(conn.execute(select(Member.id, Member.handle)).all())
    by_name = {m for m, level in sharing_levels(conn).items() if level == "names"}
    by_name.add(viewer.member_id)
    ties = []
    for r in conn.execute(
        select(
            Tie.person_a_id,
            Tie.person_b_id,
            Tie.source,
            Tie.asserted_by,
            Tie.since,
            Tie.ended_at,
            Tie.confidence,
        )
        .where(or_(Tie.person_a_id == pid, Tie.person_b_id == pid))
        .order_by(Tie.since)
    ):
        other = r.person_b_id if r.person_a_id == pid else r.person_a_id
        if other not in visible:
            continue
        # the same rule as the graph (visible_ties): your own ties, ties of
        # members who share them by name, and ties with you
        if r.asserted_by not in by_name and viewer.person_id not in (pid, other):
            continue
        ties.append(
            {
                "with_id": other,
                "source": r.source,
                "asserted_by": members.get(r.asserted_by),
                "since": _date(r.since),
                "ended": _date(r.ended_at),
                "confidence": r.confidence,
            }
        )
    names = dict(
        conn.execute(
            select(Person.id, Person.display_name).where(
                Person.id.in_([t["with_id"] for t in ties] or [-1])
            )
        ).all()
    )
    for tie in ties:
        tie["with"] = names.get(tie["with_id"])
    me = viewer.person_id
    traces = conn.execute(
        select(
            Interaction.kind,
            func.count(),
            func.min(Interaction.occurred_at),
            func.max(Interaction.occurred_at),
        )
        .where(
            or_(
                (Interaction.sender_id == me) & (Interaction.recipient_id == pid),
                (Interaction.sender_id == pid) & (Interaction.recipient_id == me),
            )
        )
        .group_by(Interaction.kind)
    ).all()
    notes = [
        {"id": n.id, "kind": n.kind, "date": _date(n.noted_on), "text": n.text}
        for n in conn.execute(
            select(*table_of(Note).c)
            .where(Note.person_id == pid, Note.author_id == viewer.member_id)
            .order_by(Note.noted_on.desc(), Note.id.desc())
        )
    ]
    # The same rule as the events feed: the viewer's own, and other members'
    # career events only as those members share them.
    events = [
        {"kind": e["kind"], "date": e["date"], "detail": e["detail"] or None}
        for e in list_events(conn, viewer, person_id=pid)
    ]
    member = conn.execute(select(Member.handle).where(Member.person_id == pid)).scalar()
    return {
        "id": p.id,
        "name": p.display_name,
        "first_name": p.first_name,
        "last_name": p.last_name,
        "headline": p.headline,
        "location": p.location,
        "industry": p.industry,
        "member": member,
        "degree": 0 if pid == me else named.get(pid),
        "identities": {k: list(v) for k, v in idents.items()},
        "linkedin": (
            f"https://www.linkedin.com/in/{idents['linkedin'][0]}"
            if idents.get("linkedin")
            else None
        ),
        "positions": positions,
        "ties": ties,
        "interactions_with_you": [
            {"kind": k, "count": n, "first": _date(a), "last": _date(b)} for k, n, a, b in traces
        ],
        "notes": notes,
        "events": events,
    }

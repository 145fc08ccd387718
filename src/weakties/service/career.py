"""A member's experience and education: grouped per employer, edited by the member.

What a profile shows of a career is what the member's own data asserts: their
export's Positions and Education (source ``profile``) and what they typed on the
platform (source ``platform``). A member edits or removes any of their own
positions and adds new ones; a newer export replaces the imported ones (its list
is whole), never what was typed on the platform. Organisations are the
normalised ones shared with the importer: a name typed here finds the same
organisation as its spelling in an export, and a new spelling is kept as an alias.

A career move made here is an event like one an import finds, by the importer's
rule (:func:`weakties.store.events.career_event`) between the member's job
before the edit and the current job it saves: a current job at an organisation
where the member held no current job is a ``career_move`` from their latest job
(``started_job`` when they had none); a new title, description or dates at the
same organisation is no move and writes nothing, nor does a past job, nor one
started more than a year before today (a career filled in, not news). The event is
written once per destination: saving the same move again adds nothing. Who hears
of it is the events' business, as for an import's: the member's connections as the
reader shows them the event (their sharing level, blocks), in the feed and, through
the background task ``scan_events``, in their notifications.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from weakties.errors import NotFoundError
from weakties.model.orgnames import org_key
from weakties.model.tables import Event, OrgAlias, Organization, Position, utcnow
from weakties.service.connections import member_of
from weakties.service.context import Viewer, person_of
from weakties.service.forms import N_, FormError, has_control_characters
from weakties.store.events import career_event

__all__ = [
    "KINDS",
    "Employer",
    "PositionEdit",
    "add_position",
    "delete_position",
    "group_by_employer",
    "update_position",
]

KINDS = ("job", "study")
LIMITS = {"organization": 300, "title": 500, "location": 300}
_MONTH = re.compile(r"^(\d{4})(?:-(\d{1,2}))?$")


@dataclass(frozen=True)
class Employer:
    """One organisation's consecutive positions, as a profile shows them."""

    organization: str | None
    organization_id: int | None
    start: dt.date | None
    end: dt.date | None
    current: bool
    roles: list[Any] = field(default_factory=list)  # ProfilePosition, newest first


def group_by_employer(positions: list[Any]) -> list[Employer]:
    """Consecutive positions (newest first) at one organisation grouped as one
    employer, with the span of all of them; a position without an organisation
    stands alone."""
    groups: list[list[Any]] = []
    for p in positions:
        last = groups[-1][0] if groups else None
        same = (
            last is not None
            and (p.organization_id is not None or p.organization is not None)
            and (p.organization_id, p.organization) == (last.organization_id, last.organization)
        )
        if same:
            groups[-1].append(p)
        else:
            groups.append([p])
    out = []
    for roles in groups:
        starts = [r.start for r in roles if r.start is not None]
        ends = [r.end for r in roles if r.end is not None]
        current = any(r.current for r in roles)
        out.append(
            Employer(
                organization=roles[0].organization,
                organization_id=roles[0].organization_id,
                start=min(starts) if starts else None,
                end=None if current or not ends else max(ends),
                current=current,
                roles=roles,
            )
        )
    return out


@dataclass(frozen=True)
class PositionEdit:
    """A job or a study as a member types it; dates as ``YYYY-MM`` or ``YYYY``."""

    kind: str
    organization: str
    title: str = ""
    location: str = ""
    start: str = ""
    end: str = ""
    current: bool = False


def _month(value: str, name: str, fields: dict[str, str]) -> tuple[dt.date, str] | None:
    text = value.strip()
    if not text:
        return None
    found = _MONTH.match(text)
    if found is None:
        fields[name] = N_("Give a month as YYYY-MM, or a year.")
        return None
    year, month = int(found.group(1)), found.group(2)
    if not 1900 <= year <= 2200 or (month is not None and not 1 <= int(month) <= 12):
        fields[name] = N_("Give a month as YYYY-MM, or a year.")
        return None
    if month is None:
        return dt.date(year, 1, 1), "year"
    return dt.date(year, int(month), 1), "month"


def _checked(edit: PositionEdit) -> dict[str, Any]:
    """The columns of a valid edit; a FormError naming every wrong field."""
    fields: dict[str, str] = {}
    if edit.kind not in KINDS:
        fields["kind"] = N_("Choose a job or a study.")
    texts: dict[str, str | None] = {}
    for name, limit in LIMITS.items():
        value = " ".join(getattr(edit, name).split())
        if has_control_characters(value):
            fields[name] = N_("Remove the control characters.")
        elif len(value) > limit:
            fields[name] = N_("This text is too long.")
        texts[name] = value or None
    if not texts["organization"] and "organization" not in fields:
        fields["organization"] = N_("Name the organisation or the school.")
    start = _month(edit.start, "start", fields)
    end = _month(edit.end, "end", fields)
    current = bool(edit.current) and edit.kind == "job"
    if current and end is not None:
        fields["end"] = N_("A current position has no end.")
    if start and end and end[0] < start[0]:
        fields["end"] = N_("The end comes before the start.")
    if fields:
        raise FormError(fields)
    return {
        "kind": edit.kind,
        "organization": texts["organization"],
        "title": texts["title"],
        "location": texts["location"],
        "start_date": start[0] if start else None,
        "start_precision": start[1] if start else None,
        "end_date": end[0] if end else None,
        "end_precision": end[1] if end else None,
        "is_current": current,
    }


def _organization(conn: Connection, name: str) -> int:
    """The organisation of this name (its normal form), created if new; the
    spelling is kept as an alias, as an import would."""
    norm = org_key(name)[:300]
    org_id = conn.execute(
        select(OrgAlias.organization_id)
        .where(OrgAlias.kind == "organization", OrgAlias.norm_alias == norm)
        .order_by(OrgAlias.organization_id)
        .limit(1)
    ).scalar()
    if org_id is None:
        org_id = conn.execute(
            insert(Organization)
            .values(name=name[:300], norm_name=norm, kind="organization", created_at=utcnow())
            .returning(Organization.id)
        ).scalar_one()
    known = conn.execute(
        select(OrgAlias.id).where(OrgAlias.kind == "organization", OrgAlias.alias == name[:300])
    ).first()
    if known is None:
        conn.execute(
            insert(OrgAlias).values(
                organization_id=org_id, kind="organization", alias=name[:300], norm_alias=norm
            )
        )
    return int(org_id)


def _values(conn: Connection, edit: PositionEdit) -> dict[str, Any]:
    values = _checked(edit)
    values["organization_id"] = _organization(conn, values.pop("organization"))
    return values


def add_position(conn: Connection, viewer: Viewer, edit: PositionEdit) -> int:
    """Add a job or a study to the viewer's own profile; returns its id.

    Raises
    ------
    FormError
        A field is missing, too long or malformed (each one named).
    """
    values = _values(conn, edit)
    before = _jobs(conn, viewer)
    position_id = int(
        conn.execute(
            insert(Position)
            .values(
                person_id=person_of(viewer),
                source="platform",
                asserted_by=member_of(viewer),
                seen_on=utcnow().date(),
                natural_key=f"platform-{secrets.token_hex(16)}",
                **values,
            )
            .returning(Position.id)
        ).scalar_one()
    )
    _record_move(conn, viewer, before, values)
    return position_id


def _own(conn: Connection, viewer: Viewer, position_id: int) -> int:
    found = conn.execute(
        select(Position.id).where(
            Position.id == position_id,
            Position.person_id == person_of(viewer),
            Position.asserted_by == member_of(viewer),
            Position.kind.in_(KINDS),
        )
    ).scalar()
    if found is None:
        raise NotFoundError(f"no position {position_id} of yours")
    return int(found)


def update_position(conn: Connection, viewer: Viewer, position_id: int, edit: PositionEdit) -> None:
    """Change one of the viewer's own positions (an imported one too: until a
    newer export lists it otherwise).

    Raises
    ------
    NotFoundError
        No such position of the viewer's.
    FormError
        A field is wrong.
    """
    own = _own(conn, viewer, position_id)
    values = _values(conn, edit)
    before = _jobs(conn, viewer)
    conn.execute(update(Position).where(Position.id == own).values(**values))
    _record_move(conn, viewer, before, values)


def delete_position(conn: Connection, viewer: Viewer, position_id: int) -> None:
    """Remove one of the viewer's own positions.

    Raises
    ------
    NotFoundError
        No such position of the viewer's.
    """
    own = _own(conn, viewer, position_id)
    conn.execute(delete(Position).where(Position.id == own))


#: a current job that began longer ago than this is history filled in, not a move
NEWS = dt.timedelta(days=366)


def _jobs(conn: Connection, viewer: Viewer) -> list[Any]:
    """The viewer's own jobs as their data says them now (before an edit)."""
    return list(
        conn.execute(
            select(
                Position.organization_id,
                Position.title,
                Position.start_date,
                Position.end_date,
                Position.is_current,
            ).where(
                Position.person_id == person_of(viewer),
                Position.asserted_by == member_of(viewer),
                Position.kind == "job",
            )
        )
    )


def _latest(jobs: list[Any]) -> Any | None:
    """The job a move leaves: the newest current one, else the one that ended last."""
    if not jobs:
        return None
    current = [j for j in jobs if j.is_current]
    if current:
        return max(current, key=lambda j: j.start_date or dt.date.min)
    return max(jobs, key=lambda j: j.end_date or j.start_date or dt.date.min)


def _record_move(
    conn: Connection, viewer: Viewer, before: list[Any], values: dict[str, Any]
) -> None:
    """The event of a move to the current job ``values``, as an import would write
    it, unless it is no move (see the module doc) or was written already."""
    if values["kind"] != "job" or not values["is_current"]:
        return
    today = viewer.clock.date()
    start = values["start_date"]
    if start is not None and start < today - NEWS:
        return
    org = values["organization_id"]
    if any(j.is_current and j.organization_id == org for j in before):
        return  # the same employer: a new title or dates, not a move
    last = _latest(before)
    kind = career_event(
        last.organization_id if last else None, last.title if last else None, org, values["title"]
    )
    if kind not in ("career_move", "started_job"):
        return
    me, person = member_of(viewer), person_of(viewer)
    for (detail,) in conn.execute(
        select(Event.detail).where(
            Event.member_id == me, Event.person_id == person, Event.kind == kind
        )
    ):
        if ((json.loads(detail) if detail else {}).get("to") or {}).get("org_id") == org:
            return  # this move was told already
    names = dict(
        conn.execute(
            select(Organization.id, Organization.name).where(
                Organization.id.in_([o for o in (org, last and last.organization_id) if o])
            )
        ).all()
    )
    came_from = (
        {
            "org": names.get(last.organization_id),
            "org_id": last.organization_id,
            "title": last.title,
        }
        if last
        else None
    )
    conn.execute(
        insert(Event).values(
            member_id=me,
            person_id=person,
            kind=kind,
            occurred_on=today,
            detected_at=utcnow(),
            detail=json.dumps(
                {
                    "from": came_from,
                    "to": {"org": names.get(org), "org_id": org, "title": values["title"]},
                    "between": [
                        (last.start_date.isoformat() if last and last.start_date else None),
                        today.isoformat(),
                    ],
                    "source": "platform",
                }
            ),
        )
    )

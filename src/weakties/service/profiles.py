"""Member profiles as a signed-in viewer sees them.

A profile shows what its member says of themself: the person's name, headline,
location, industry and about text, and the positions their own data asserts
(their export's Positions and Education, or what they typed). What other
members' data says about them (a company read from someone's connections list)
stays with those members and their sharing level.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Connection, func, or_, select

from weakties.errors import NotFoundError
from weakties.model.tables import Member, Organization, Person, Position
from weakties.service.context import Viewer, reader

__all__ = ["ProfilePosition", "ProfileView", "member_profile"]


@dataclass(frozen=True)
class ProfilePosition:
    kind: str  # job / study
    organization: str | None
    organization_id: int | None
    title: str | None
    location: str | None
    start: dt.date | None
    end: dt.date | None
    current: bool


@dataclass(frozen=True)
class ProfileView:
    handle: str
    person_id: int
    name: str
    headline: str | None
    location: str | None
    industry: str | None
    about: str | None
    is_self: bool
    degree: int | None  # 1 for a connection, None when not connected (or self)
    experience: list[ProfilePosition] = field(default_factory=list)
    education: list[ProfilePosition] = field(default_factory=list)


def member_profile(conn: Connection, viewer: Viewer, handle: str) -> ProfileView:
    """The profile of the member ``handle`` for ``viewer``.

    Raises
    ------
    NotFoundError
        No member has this handle.
    """
    row = conn.execute(
        select(
            Member.id,
            Member.handle,
            Person.id.label("pid"),
            Person.display_name,
            Person.headline,
            Person.location,
            Person.industry,
            Person.summary,
        )
        .join(Person, Person.id == Member.person_id)
        .where(func.lower(Member.handle) == handle.lower())
    ).first()
    if row is None:
        raise NotFoundError(f"no member {handle!r}")
    positions = conn.execute(
        select(
            Position.kind,
            Organization.name,
            Position.organization_id,
            Position.title,
            Position.location,
            Position.start_date,
            Position.end_date,
            Position.is_current,
        )
        .outerjoin(Organization, Organization.id == Position.organization_id)
        .where(
            Position.person_id == row.pid,
            Position.kind.in_(("job", "study")),
            or_(Position.asserted_by == row.id, Position.source == "platform"),
        )
        .order_by(Position.is_current.desc(), Position.start_date.desc(), Position.id)
    ).all()
    items = [ProfilePosition(*p) for p in positions]
    is_self = row.pid == viewer.person_id
    degree = None if is_self else (1 if row.pid in reader(conn, viewer).first_degree() else None)
    return ProfileView(
        handle=row.handle,
        person_id=row.pid,
        name=row.display_name,
        headline=row.headline,
        location=row.location,
        industry=row.industry,
        about=row.summary,
        is_self=is_self,
        degree=degree,
        experience=[p for p in items if p.kind == "job"],
        education=[p for p in items if p.kind == "study"],
    )

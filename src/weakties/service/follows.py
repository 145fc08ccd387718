"""Following organisations, groups and members.

A follow is the follower's own data (an export's "Company Follows" and "Member
Follows" land in the same rows). Who follows whom is therefore shown as the
follower's sharing level allows: a follower who shares names is named, one who
shares counts is only counted, one who shares nothing is neither — to anyone but
themself. A member with a block between them and the viewer (either way), or a
suspended one, is neither named nor counted among the followers. Following never
reveals more of what is followed than the viewer could see already: an
organisation is followed only when the viewer may see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from weakties.errors import NotFoundError, RefusedError
from weakties.model.tables import Follow, GroupPage, Member, Organization, Person, utcnow
from weakties.service.connections import MemberCard, member_of, visible_member
from weakties.service.context import Viewer, person_of, reader
from weakties.service.social import hidden_members

__all__ = [
    "Followed",
    "Followers",
    "follow",
    "followers",
    "following",
    "is_following",
    "unfollow",
    "unfollow_each_other",
    "visible_org",
]


@dataclass(frozen=True)
class Followers:
    """How many follow something (as the viewer may count them) and who (named)."""

    count: int
    named: list[MemberCard]


@dataclass(frozen=True)
class Followed:
    """Something the viewer follows: an organisation, a group or a member."""

    kind: str  # organization / group / member
    id: int  # organisation id, or member's person id
    name: str
    handle: str | None  # a member's


def visible_org(conn: Connection, viewer: Viewer, org_id: int, *more: Any) -> Any:
    """The organisation (id, name, kind, industry, location, page; then the
    columns ``more``, read in the same statement) if the viewer may see it: a
    platform group always, any other only as the scope allows.

    Raises
    ------
    NotFoundError
        No such organisation, or one the viewer may not see.
    """
    row = conn.execute(
        select(
            Organization.id,
            Organization.name,
            Organization.kind,
            Organization.industry,
            Organization.location,
            GroupPage.organization_id.label("page"),
            *more,
        )
        .outerjoin(GroupPage, GroupPage.organization_id == Organization.id)
        .where(Organization.id == org_id)
    ).first()
    if row is None or (row.page is None and not reader(conn, viewer).visible_orgs([org_id])):
        raise NotFoundError(f"no organisation #{org_id}")
    return row


def _target(conn: Connection, viewer: Viewer, kind: str, ref: str | int) -> Any:
    """The column and value a follow of ``kind`` (``organization`` or ``member``) uses."""
    if kind == "member":
        other = visible_member(conn, viewer, str(ref))
        if other.member_id == member_of(viewer):
            raise RefusedError("you cannot follow yourself")
        return Follow.person_id, other.person_id
    visible_org(conn, viewer, int(ref))
    return Follow.organization_id, int(ref)


def follow(conn: Connection, viewer: Viewer, kind: str, ref: str | int) -> None:
    """Follow an organisation or a group (``kind="organization"``, ``ref`` its id)
    or a member (``kind="member"``, ``ref`` their handle); again changes nothing.

    Raises
    ------
    NotFoundError
        Nothing the viewer may see by that reference.
    RefusedError
        The viewer's own profile.
    """
    column, value = _target(conn, viewer, kind, ref)
    me = member_of(viewer)
    found = conn.execute(select(Follow.id).where(Follow.member_id == me, column == value)).scalar()
    if found is not None:
        conn.execute(update(Follow).where(Follow.id == found).values(active=True))
        return
    conn.execute(
        insert(Follow).values(
            {Follow.member_id: me, column: value, Follow.since: utcnow(), Follow.active: True}
        )
    )


def unfollow(conn: Connection, viewer: Viewer, kind: str, ref: str | int) -> None:
    """Stop following (the row stays, inactive, as an export's "Unfollow" leaves it).

    Raises
    ------
    NotFoundError
        The viewer does not follow it.
    """
    column, value = _target(conn, viewer, kind, ref)
    done = conn.execute(
        update(Follow)
        .where(Follow.member_id == member_of(viewer), column == value, Follow.active.is_(True))
        .values(active=False)
    )
    if not done.rowcount:
        raise NotFoundError("you do not follow it")


def unfollow_each_other(conn: Connection, one: MemberCard, other: MemberCard) -> None:
    """Neither member follows the other any more (a block): the rows stay, inactive,
    and following again after the block is lifted is the follower's own act."""
    conn.execute(
        update(Follow)
        .where(
            ((Follow.member_id == one.member_id) & (Follow.person_id == other.person_id))
            | ((Follow.member_id == other.member_id) & (Follow.person_id == one.person_id)),
            Follow.active.is_(True),
        )
        .values(active=False)
    )


def is_following(
    conn: Connection, viewer: Viewer, *, org_id: int | None = None, person_id: int | None = None
) -> bool:
    column, value = (
        (Follow.organization_id, org_id) if org_id is not None else (Follow.person_id, person_id)
    )
    return (
        conn.execute(
            select(Follow.id).where(
                Follow.member_id == member_of(viewer), column == value, Follow.active.is_(True)
            )
        ).first()
        is not None
    )


FOLLOWERS_SHOWN = 50


def followers(
    conn: Connection, viewer: Viewer, *, org_id: int | None = None, person_id: int | None = None
) -> Followers:
    """Who follows an organisation (``org_id``) or a member (``person_id``), as the
    viewer may see them: a member with a block between them and the viewer
    (either way) or a suspended one is neither named nor counted, as everywhere a
    member is shown."""
    column, value = (
        (Follow.organization_id, org_id) if org_id is not None else (Follow.person_id, person_id)
    )
    scoped = reader(conn, viewer)
    base = select(Follow.member_id).where(column == value, Follow.active.is_(True))
    hidden = hidden_members(conn, viewer)
    if hidden:
        base = base.where(Follow.member_id.not_in(sorted(hidden)))
    counted = scoped.where(base, scoped.member_filter(Follow.member_id, "counts"))
    named = scoped.where(base, scoped.member_filter(Follow.member_id, "names"))
    count = conn.execute(select(func.count()).select_from(counted.subquery())).scalar_one()
    rows = conn.execute(
        select(Member.id, Member.person_id, Member.handle, Person.display_name, Person.headline)
        .join(Person, Person.id == Member.person_id)
        .where(Member.id.in_(named))
        .order_by(Person.display_name, Member.id)
        .limit(FOLLOWERS_SHOWN)
    ).all()
    return Followers(int(count), [MemberCard(*r) for r in rows])


def following(conn: Connection, viewer: Viewer) -> list[Followed]:
    """What the viewer follows now: organisations, groups and members, by name."""
    me = member_of(viewer)
    orgs = conn.execute(
        select(Organization.id, Organization.name, Organization.kind)
        .join(Follow, Follow.organization_id == Organization.id)
        .where(Follow.member_id == me, Follow.active.is_(True))
        .order_by(Organization.name, Organization.id)
    ).all()
    people = conn.execute(
        select(Person.id, Person.display_name, Member.handle)
        .join(Follow, Follow.person_id == Person.id)
        .outerjoin(Member, Member.person_id == Person.id)
        .where(Follow.member_id == me, Follow.active.is_(True), Person.id != person_of(viewer))
        .order_by(Person.display_name, Person.id)
    ).all()
    out = [
        Followed("group" if kind == "group" else "organization", int(i), name, None)
        for i, name, kind in orgs
    ]
    out += [Followed("member", int(i), name, handle) for i, name, handle in people]
    return out

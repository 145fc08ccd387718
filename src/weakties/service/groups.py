"""Groups run on the platform: create, join or ask to join, leave, moderate.

A group is an organisation of kind ``group`` (the one an export's group
memberships point at, when the names match) with a page: what it is about and
whether anyone may join (``open``) or a moderator accepts each request
(``request``). Its creator is its owner; an owner names moderators. A member of the
group holds a current position of kind ``group`` there in their own data — what
the tie model reads as a shared group and the group's discussions take as their
audience — kept in step with their role here; leaving ends it.

Who sees the members: a group's page is open to every signed-in member, and its
members are listed as any member's profile shows their groups. Pending requests
are seen by the group's moderators and by the member who asked. A member with a block
between them and the viewer (either way), or a suspended one, is neither listed
nor counted, among the members or the requests.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from sqlalchemy import Connection, delete, func, insert, select, update

from weakties.errors import NotFoundError, RefusedError
from weakties.model.orgnames import org_key
from weakties.model.tables import (
    GROUP_ACCESS,
    GroupMember,
    GroupPage,
    Member,
    Organization,
    Person,
    Position,
    utcnow,
)
from weakties.service.connections import _member, member_of
from weakties.service.context import Viewer, person_of
from weakties.service.follows import Followers, followers, is_following
from weakties.service.forms import N_, FormError, has_control_characters
from weakties.service.orgpages import degrees_of
from weakties.service.social import hidden_members

__all__ = [
    "GroupCard",
    "GroupEdit",
    "GroupMemberView",
    "GroupView",
    "answer_request",
    "create_group",
    "group",
    "groups",
    "join",
    "leave",
    "set_role",
]

NAME_MAX = 200
ABOUT_MAX = 5000
MEMBERS_SHOWN = 100


@dataclass(frozen=True)
class GroupEdit:
    name: str
    about: str = ""
    access: str = "open"


@dataclass(frozen=True)
class GroupCard:
    id: int
    name: str
    access: str
    members: int
    your_role: str | None  # owner / moderator / member / requested / None


@dataclass(frozen=True)
class GroupMemberView:
    person_id: int
    handle: str
    name: str
    headline: str | None
    role: str  # owner / moderator / member / requested
    degree: int | None


@dataclass(frozen=True)
class GroupView:
    id: int
    name: str
    about: str | None
    access: str
    member_count: int
    your_role: str | None
    members: list[GroupMemberView] = field(default_factory=list)
    requests: list[GroupMemberView] = field(default_factory=list)  # moderators only
    followers: Followers = field(default_factory=lambda: Followers(0, []))
    following: bool = False

    @property
    def moderates(self) -> bool:
        return self.your_role in ("owner", "moderator")


def _checked(edit: GroupEdit) -> tuple[str, str | None, str]:
    fields: dict[str, str] = {}
    name = " ".join(edit.name.split())
    if not name:
        fields["name"] = N_("Name the group.")
    elif has_control_characters(name):
        fields["name"] = N_("Remove the control characters.")
    elif len(name) > NAME_MAX:
        fields["name"] = N_("This text is too long.")
    about = edit.about.strip()
    if has_control_characters(about, multiline=True):
        fields["about"] = N_("Remove the control characters.")
    elif len(about) > ABOUT_MAX:
        fields["about"] = N_("This text is too long.")
    if edit.access not in GROUP_ACCESS:
        fields["access"] = N_("Choose who may join.")
    if fields:
        raise FormError(fields)
    return name, about or None, edit.access


def _set_position(conn: Connection, member_id: int, person_id: int, org_id: int, on: bool) -> None:
    """The member's own current ``group`` position there: started, or ended."""
    current = conn.execute(
        select(Position.id).where(
            Position.person_id == person_id,
            Position.asserted_by == member_id,
            Position.organization_id == org_id,
            Position.kind == "group",
            Position.is_current.is_(True),
        )
    ).scalar()
    today = utcnow().date()
    if on and current is None:
        conn.execute(
            insert(Position).values(
                person_id=person_id,
                organization_id=org_id,
                kind="group",
                source="platform",
                asserted_by=member_id,
                start_date=today,
                start_precision="day",
                is_current=True,
                seen_on=today,
                natural_key=f"platform-group-{secrets.token_hex(16)}",
            )
        )
    elif not on and current is not None:
        conn.execute(
            update(Position)
            .where(Position.id == current)
            .values(is_current=False, end_date=today, end_precision="day")
        )


def create_group(conn: Connection, viewer: Viewer, edit: GroupEdit) -> int:
    """Create a group; the viewer is its owner (and first member). Returns its id.

    Raises
    ------
    FormError
        A wrong field, or a group of that name already has its page (``name``).
    """
    name, about, access = _checked(edit)
    norm = org_key(name)[:300]
    org_id = conn.execute(
        select(Organization.id).where(Organization.kind == "group", Organization.norm_name == norm)
    ).scalar()
    if (
        org_id is not None
        and conn.execute(
            select(GroupPage.organization_id).where(GroupPage.organization_id == org_id)
        ).first()
    ):
        raise FormError.one("name", N_("A group of this name exists already."))
    if org_id is None:
        org_id = conn.execute(
            insert(Organization)
            .values(name=name, norm_name=norm, kind="group", created_at=utcnow())
            .returning(Organization.id)
        ).scalar_one()
    me = member_of(viewer)
    conn.execute(
        insert(GroupPage).values(
            organization_id=org_id, about=about, access=access, created_by=me, created_at=utcnow()
        )
    )
    conn.execute(
        insert(GroupMember).values(
            organization_id=org_id, member_id=me, role="owner", requested=False, since=utcnow()
        )
    )
    _set_position(conn, me, person_of(viewer), org_id, True)
    return int(org_id)


def _page(conn: Connection, group_id: int) -> GroupPage:
    row = conn.execute(
        select(GroupPage.organization_id, GroupPage.about, GroupPage.access, Organization.name)
        .join(Organization, Organization.id == GroupPage.organization_id)
        .where(GroupPage.organization_id == group_id)
    ).first()
    if row is None:
        raise NotFoundError(f"no group #{group_id}")
    return row  # type: ignore[return-value]


def _role(conn: Connection, group_id: int, member_id: int) -> str | None:
    row = conn.execute(
        select(GroupMember.role, GroupMember.requested).where(
            GroupMember.organization_id == group_id, GroupMember.member_id == member_id
        )
    ).first()
    if row is None:
        return None
    return "requested" if row.requested else str(row.role)


def _count(conn: Connection, group_id: int) -> int:
    return int(
        conn.execute(
            select(func.count()).where(
                GroupMember.organization_id == group_id, GroupMember.requested.is_(False)
            )
        ).scalar_one()
    )


def groups(conn: Connection, viewer: Viewer, *, mine: bool = False) -> list[GroupCard]:
    """The platform's groups (or only the viewer's, with their requests), largest first."""
    me = member_of(viewer)
    counts = (
        select(GroupMember.organization_id, func.count().label("n"))
        .where(
            GroupMember.requested.is_(False),
            GroupMember.member_id.not_in(sorted(hidden_members(conn, viewer))),
        )
        .group_by(GroupMember.organization_id)
        .subquery()
    )
    query = (
        select(Organization.id, Organization.name, GroupPage.access, counts.c.n)
        .join(GroupPage, GroupPage.organization_id == Organization.id)
        .outerjoin(counts, counts.c.organization_id == Organization.id)
        .order_by(func.coalesce(counts.c.n, 0).desc(), Organization.name)
    )
    if mine:
        query = query.where(
            Organization.id.in_(
                select(GroupMember.organization_id).where(GroupMember.member_id == me)
            )
        )
    rows = conn.execute(query).all()
    roles = {
        oid: ("requested" if requested else role)
        for oid, role, requested in conn.execute(
            select(GroupMember.organization_id, GroupMember.role, GroupMember.requested).where(
                GroupMember.member_id == me
            )
        )
    }
    return [GroupCard(int(i), n, a, int(c or 0), roles.get(i)) for i, n, a, c in rows]


def group(conn: Connection, viewer: Viewer, group_id: int) -> GroupView:
    """A group's page: about, members with their degree, and — for its moderators —
    the requests to join.

    Raises
    ------
    NotFoundError
        No such group.
    """
    page = _page(conn, group_id)
    me = member_of(viewer)
    role = _role(conn, group_id, me)
    hidden = hidden_members(conn, viewer)
    rows = conn.execute(
        select(
            Member.person_id,
            GroupMember.member_id,
            Member.handle,
            Person.display_name,
            Person.headline,
            GroupMember.role,
            GroupMember.requested,
        )
        .join(Member, Member.id == GroupMember.member_id)
        .join(Person, Person.id == Member.person_id)
        .where(GroupMember.organization_id == group_id)
    ).all()
    moderates = role in ("owner", "moderator")
    shown = [r for r in rows if r.member_id not in hidden and (not r.requested or moderates)]
    degree = degrees_of(conn, viewer, {int(r.person_id) for r in shown})
    order = {"owner": 0, "moderator": 1, "member": 2}

    def view(r: object) -> GroupMemberView:
        return GroupMemberView(
            r.person_id,  # type: ignore[attr-defined]
            r.handle,  # type: ignore[attr-defined]
            r.display_name,  # type: ignore[attr-defined]
            r.headline,  # type: ignore[attr-defined]
            "requested" if r.requested else r.role,  # type: ignore[attr-defined]
            degree.get(r.person_id),  # type: ignore[attr-defined]
        )

    members = sorted(
        (view(r) for r in shown if not r.requested),
        key=lambda m: (order.get(m.role, 3), 9 if m.degree is None else m.degree, m.name),
    )
    requests = sorted((view(r) for r in shown if r.requested), key=lambda m: m.name)
    return GroupView(
        id=group_id,
        name=page.name,  # type: ignore[attr-defined]
        about=page.about,
        access=page.access,
        member_count=len(members),
        your_role=role,
        members=members[:MEMBERS_SHOWN],
        requests=requests,
        followers=followers(conn, viewer, org_id=group_id),
        following=is_following(conn, viewer, org_id=group_id),
    )


def join(conn: Connection, viewer: Viewer, group_id: int) -> str:
    """Join an open group, or ask to join one by request; returns ``member`` or
    ``requested`` (again: the same, nothing changes).

    Raises
    ------
    NotFoundError
        No such group.
    """
    page = _page(conn, group_id)
    me = member_of(viewer)
    role = _role(conn, group_id, me)
    if role is not None:
        return "requested" if role == "requested" else "member"
    requested = page.access == "request"
    conn.execute(
        insert(GroupMember).values(
            organization_id=group_id,
            member_id=me,
            role="member",
            requested=requested,
            since=utcnow(),
        )
    )
    if not requested:
        _set_position(conn, me, person_of(viewer), group_id, True)
    return "requested" if requested else "member"


def leave(conn: Connection, viewer: Viewer, group_id: int) -> None:
    """Leave a group (or withdraw a request to join).

    Raises
    ------
    NotFoundError
        No such group, or the viewer is not in it.
    RefusedError
        The viewer is its only owner: they name another owner first.
    """
    _page(conn, group_id)
    me = member_of(viewer)
    role = _role(conn, group_id, me)
    if role is None:
        raise NotFoundError(f"you are not in group #{group_id}")
    if role == "owner":
        owners = conn.execute(
            select(func.count()).where(
                GroupMember.organization_id == group_id, GroupMember.role == "owner"
            )
        ).scalar_one()
        if owners <= 1:
            raise RefusedError(
                N_("You are the group's only owner: make another member owner first.")
            )
    conn.execute(
        delete(GroupMember).where(
            GroupMember.organization_id == group_id, GroupMember.member_id == me
        )
    )
    _set_position(conn, me, person_of(viewer), group_id, False)


def _moderator(conn: Connection, viewer: Viewer, group_id: int) -> str:
    _page(conn, group_id)
    role = _role(conn, group_id, member_of(viewer))
    if role not in ("owner", "moderator"):
        raise RefusedError(N_("Only the group's moderators may do this."))
    return str(role)


def answer_request(
    conn: Connection, viewer: Viewer, group_id: int, handle: str, accept: bool
) -> None:
    """A moderator accepts or declines a member's request to join.

    Raises
    ------
    NotFoundError
        No such group, member, or request.
    RefusedError
        The viewer does not moderate the group.
    """
    _moderator(conn, viewer, group_id)
    other = _member(conn, handle)
    where = (
        (GroupMember.organization_id == group_id)
        & (GroupMember.member_id == other.member_id)
        & GroupMember.requested.is_(True)
    )
    if conn.execute(select(GroupMember.id).where(where)).first() is None:
        raise NotFoundError(f"no request from {other.name}")
    if accept:
        conn.execute(update(GroupMember).where(where).values(requested=False, since=utcnow()))
        _set_position(conn, other.member_id, other.person_id, group_id, True)
    else:
        conn.execute(delete(GroupMember).where(where))


def set_role(conn: Connection, viewer: Viewer, group_id: int, handle: str, role: str) -> None:
    """An owner makes a member owner, moderator or a plain member again.

    Raises
    ------
    FormError
        Not a role (``role``).
    NotFoundError
        No such group or member of it.
    RefusedError
        The viewer is not an owner, or would leave the group without one.
    """
    if role not in ("owner", "moderator", "member"):
        raise FormError.one("role", N_("Choose a role."))
    if _moderator(conn, viewer, group_id) != "owner":
        raise RefusedError(N_("Only the group's owners may do this."))
    other = _member(conn, handle)
    current = _role(conn, group_id, other.member_id)
    if current in (None, "requested"):
        raise NotFoundError(f"{other.name} is not a member of this group")
    if current == "owner" and role != "owner":
        owners = conn.execute(
            select(func.count()).where(
                GroupMember.organization_id == group_id, GroupMember.role == "owner"
            )
        ).scalar_one()
        if owners <= 1:
            raise RefusedError(N_("A group keeps at least one owner."))
    conn.execute(
        update(GroupMember)
        .where(GroupMember.organization_id == group_id, GroupMember.member_id == other.member_id)
        .values(role=role)
    )

"""Who edits a company's or a school's page, and the edit itself.

An organisation page says what the organisation is about, its website and its
industry once someone writes them. Nobody owns an organisation on the platform,
so the right to write them is given as follows (docs/platform.md, "Organisation
pages"):

- the operator may always edit, add admins and remove any admin (the last one
  too);
- the page's admins may edit, add as admin another member who holds a current
  position there in their own data, and remove admins but never the last one;
- while a page has no admin, the first member who holds a current position there
  in their own data may claim it: they become its admin.

A platform group is not edited here: its owners write its about text.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import Connection, delete, insert, select, update

from weakties.errors import NotFoundError, RefusedError
from weakties.model.tables import Account, Member, Organization, OrgPageAdmin, Person, Position
from weakties.service.connections import _member
from weakties.service.context import Viewer
from weakties.service.follows import visible_org
from weakties.service.forms import N_, FormError, has_control_characters

__all__ = [
    "ABOUT_MAX",
    "INDUSTRY_MAX",
    "WEBSITE_MAX",
    "OrgAdmin",
    "OrgEdit",
    "PageRights",
    "add_admin",
    "edit_page",
    "page_rights",
    "remove_admin",
]

ABOUT_MAX = 2000
WEBSITE_MAX = 500
INDUSTRY_MAX = 200


@dataclass(frozen=True)
class OrgEdit:
    """What an admin writes: each empty text clears the field."""

    about: str = ""
    website: str = ""
    industry: str = ""


@dataclass(frozen=True)
class OrgAdmin:
    name: str
    handle: str


@dataclass(frozen=True)
class PageRights:
    """What the viewer may do on the page, and its admins (shown to editors only:
    naming them would tell everyone where they work, whatever they share)."""

    can_edit: bool = False
    can_claim: bool = False
    admins: tuple[OrgAdmin, ...] = ()


def _is_operator(conn: Connection, viewer: Viewer) -> bool:
    if viewer.is_operator:
        return True
    if viewer.member_id is None:
        return False
    role = conn.execute(select(Account.role).where(Account.member_id == viewer.member_id)).scalar()
    return role == "operator"


def _admin_ids(conn: Connection, org_id: int) -> set[int]:
    return set(
        conn.execute(
            select(OrgPageAdmin.member_id).where(OrgPageAdmin.organization_id == org_id)
        ).scalars()
    )


def _works_here(conn: Connection, member_id: int, person_id: int, org_id: int) -> bool:
    """Whether the member's own data says they are at the organisation now."""
    return (
        conn.execute(
            select(Position.id)
            .where(
                Position.person_id == person_id,
                Position.asserted_by == member_id,
                Position.organization_id == org_id,
                Position.is_current.is_(True),
            )
            .limit(1)
        ).first()
        is not None
    )


def _company_or_school(conn: Connection, viewer: Viewer, org_id: int) -> None:
    """Raises NotFoundError unless the viewer may see the organisation and it is
    not a platform group (whose owners write its about text)."""
    if visible_org(conn, viewer, org_id).page is not None:
        raise NotFoundError(f"no company or school #{org_id}")


def page_rights(conn: Connection, viewer: Viewer, org_id: int) -> PageRights:
    """What the viewer may do on the (visible) organisation's page."""
    admins = _admin_ids(conn, org_id)
    me, person = viewer.member_id, viewer.person_id
    if _is_operator(conn, viewer) or (me is not None and me in admins):
        rows = conn.execute(
            select(Person.display_name, Member.handle)
            .join(Member, Member.person_id == Person.id)
            .where(Member.id.in_(sorted(admins)))
            .order_by(Person.display_name, Member.handle)
        )
        return PageRights(True, False, tuple(OrgAdmin(str(n), str(h)) for n, h in rows))
    claim = (
        not admins
        and me is not None
        and person is not None
        and _works_here(conn, me, person, org_id)
    )
    return PageRights(False, claim)


def _single_line(value: str, name: str, limit: int) -> str | None:
    value = " ".join(value.split())
    if has_control_characters(value):
        raise FormError.one(name, N_("Remove the control characters."))
    if len(value) > limit:
        raise FormError.one(name, N_("This text is too long."))
    return value or None


def _checked(edit: OrgEdit) -> dict[str, str | None]:
    """The values to store, or a FormError naming every wrong field."""
    fields: dict[str, str] = {}
    values: dict[str, str | None] = {}
    about = edit.about.strip().replace("\r\n", "\n")
    if has_control_characters(about, multiline=True):
        fields["about"] = N_("Remove the control characters.")
    elif len(about) > ABOUT_MAX:
        fields["about"] = N_("This text is too long.")
    values["about"] = about or None
    for name, value, limit in (
        ("website", edit.website, WEBSITE_MAX),
        ("industry", edit.industry, INDUSTRY_MAX),
    ):
        try:
            values[name] = _single_line(value, name, limit)
        except FormError as exc:
            fields.update(exc.fields)
    website = values.get("website")
    if "website" not in fields and website is not None:
        parts = urlsplit(website)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in website:
            fields["website"] = N_("Give an address starting with http:// or https://.")
    if fields:
        raise FormError(fields)
    return values


def _may_manage(conn: Connection, viewer: Viewer, org_id: int) -> bool:
    return _is_operator(conn, viewer) or (
        viewer.member_id is not None and viewer.member_id in _admin_ids(conn, org_id)
    )


def edit_page(conn: Connection, viewer: Viewer, org_id: int, edit: OrgEdit) -> None:
    """Write the organisation's about text, website and industry, all or nothing.

    Raises
    ------
    NotFoundError
        No such company or school, or one the viewer may not see.
    RefusedError
        The viewer is neither one of its page admins nor the operator.
    FormError
        A field is wrong (``about``, ``website``, ``industry``); nothing was written.
    """
    _company_or_school(conn, viewer, org_id)
    if not _may_manage(conn, viewer, org_id):
        raise RefusedError(N_("Only this page's admins may do this."))
    values = _checked(edit)
    conn.execute(update(Organization).where(Organization.id == org_id).values(**values))


def add_admin(conn: Connection, viewer: Viewer, org_id: int, handle: str) -> None:
    """Make the member ``handle`` an admin of the page (the viewer themselves, to
    claim a page that has none).

    Raises
    ------
    NotFoundError
        No such company or school.
    RefusedError
        The viewer is neither an admin nor the operator, and is not claiming a page
        without admin for themselves.
    FormError
        No such member, or one whose own data holds no current position there
        (``handle``).
    """
    _company_or_school(conn, viewer, org_id)
    try:
        other = _member(conn, handle.strip().removeprefix("@"))
    except NotFoundError:
        if not _may_manage(conn, viewer, org_id):
            raise RefusedError(N_("Only this page's admins may do this.")) from None
        raise FormError.one("handle", N_("No member has this handle.")) from None
    claiming = other.member_id == viewer.member_id and not _admin_ids(conn, org_id)
    if not claiming and not _may_manage(conn, viewer, org_id):
        raise RefusedError(N_("Only this page's admins may do this."))
    if not _works_here(conn, other.member_id, other.person_id, org_id):
        if claiming and not _is_operator(conn, viewer):
            raise RefusedError(
                N_("You may take charge of this page when your profile says you are here now.")
            )
        raise FormError.one("handle", N_("This member's profile does not say they are here now."))
    if other.member_id not in _admin_ids(conn, org_id):
        conn.execute(insert(OrgPageAdmin).values(organization_id=org_id, member_id=other.member_id))


def remove_admin(conn: Connection, viewer: Viewer, org_id: int, handle: str) -> None:
    """Remove the member ``handle`` from the page's admins.

    Raises
    ------
    NotFoundError
        No such company or school, or the member is not one of its admins.
    RefusedError
        The viewer is neither an admin nor the operator, or would leave the page
        without admin (only the operator may).
    """
    _company_or_school(conn, viewer, org_id)
    if not _may_manage(conn, viewer, org_id):
        raise RefusedError(N_("Only this page's admins may do this."))
    other = _member(conn, handle)
    admins = _admin_ids(conn, org_id)
    if other.member_id not in admins:
        raise NotFoundError(f"{other.name} is not an admin of this page")
    if len(admins) == 1 and not _is_operator(conn, viewer):
        raise RefusedError(N_("A page keeps at least one admin."))
    conn.execute(
        delete(OrgPageAdmin).where(
            OrgPageAdmin.organization_id == org_id, OrgPageAdmin.member_id == other.member_id
        )
    )

"""A member's contact details, each with who may see it.

The details are the member's own identities — the e-mail addresses and phone
numbers their own export lists or they signed up with, their profile addresses —
never what another member's data says about them (an address read from someone's
contact list stays that member's data). Each detail is seen by its member only
until they choose otherwise: ``connections`` or ``everyone`` (every signed-in
member). The rule is applied here, once, for the profile page, the API and search.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select

from weakties.errors import NotFoundError
from weakties.model.tables import (
    CONTACT_VISIBILITY,
    ContactVisibility,
    Identity,
)
from weakties.service.connections import member_of
from weakties.service.context import Viewer, person_of, reader
from weakties.service.forms import N_, FormError
from weakties.store.read_people import CONTACT_KINDS, stated_by

__all__ = [
    "CONTACT_KINDS",
    "ContactDetail",
    "contact_details",
    "set_visibility",
    "shown_identities",
]


@dataclass(frozen=True)
class ContactDetail:
    id: int
    kind: str  # email / phone / linkedin
    value: str  # as the member gave it
    visibility: str  # only_me / connections / everyone


def _own_details(conn: Connection, member_id: int, person_id: int) -> list[ContactDetail]:
    rows = conn.execute(
        select(
            Identity.id, Identity.kind, Identity.value, Identity.raw, ContactVisibility.visibility
        )
        .outerjoin(
            ContactVisibility,
            (ContactVisibility.identity_id == Identity.id)
            & (ContactVisibility.member_id == member_id),
        )
        .where(
            Identity.person_id == person_id,
            stated_by(member_id),
            Identity.kind.in_(CONTACT_KINDS),
        )
        .order_by(Identity.id)
    ).all()
    order = {kind: i for i, kind in enumerate(CONTACT_KINDS)}
    details = [
        ContactDetail(
            r.id,
            r.kind,
            (r.raw or r.value)
            if r.kind != "linkedin"
            else f"https://www.linkedin.com/in/{r.value}",
            r.visibility or "only_me",
        )
        for r in rows
    ]
    return sorted(details, key=lambda d: (order[d.kind], d.id))


def contact_details(
    conn: Connection, viewer: Viewer, member_id: int, person_id: int, *, connected: bool
) -> list[ContactDetail]:
    """The contact details of a member that ``viewer`` may see: all of them for the
    member themself; those for ``everyone``, and for ``connections`` when the two
    are connected, for anyone else."""
    details = _own_details(conn, member_id, person_id)
    if person_id == person_of(viewer):
        return details
    allowed = {"everyone", "connections"} if connected else {"everyone"}
    return [d for d in details if d.visibility in allowed]


def shown_identities(
    conn: Connection, viewer: Viewer, person_ids: Iterable[int]
) -> dict[int, dict[str, list[str]]]:
    """The identities (kind -> values, oldest first) of ``person_ids`` that
    ``viewer`` may see: the viewer's own data's, a member's own details as
    :func:`contact_details` shows them, profile addresses of people who are not
    members — the rule of
    :meth:`weakties.store.read_people.PeopleReads.shown_identities`, which a
    look-up by address (``weakties person ADDRESS``, ``note add``, ``ties
    --explain``...) and the labels of machine output apply too."""
    return reader(conn, viewer).shown_identities(person_ids)


def set_visibility(conn: Connection, viewer: Viewer, detail_id: int, visibility: str) -> None:
    """Who may see one of the viewer's own contact details.

    Raises
    ------
    FormError
        ``visibility`` is not only_me, connections or everyone.
    NotFoundError
        No such contact detail of the viewer's.
    """
    if visibility not in CONTACT_VISIBILITY:
        raise FormError.one("visibility", N_("Choose who may see it."))
    member = member_of(viewer)
    if not any(d.id == detail_id for d in _own_details(conn, member, person_of(viewer))):
        raise NotFoundError(f"no contact detail {detail_id} of yours")
    conn.execute(
        delete(ContactVisibility).where(
            ContactVisibility.member_id == member, ContactVisibility.identity_id == detail_id
        )
    )
    conn.execute(
        insert(ContactVisibility).values(
            member_id=member, identity_id=detail_id, visibility=visibility
        )
    )

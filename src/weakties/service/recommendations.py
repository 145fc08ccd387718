"""Recommendations on members' profiles: written by a connection, shown once their
recipient says so.

A recommendation written on the platform is recorded as an imported one is — a
``recommendation`` interaction from the writer to the member, in the writer's
data, the relationship as its detail and the text as its content — so the tie
model counts it as a service rendered, exactly like one from an export. It waits
(status ``PENDING``) until its recipient shows it (``VISIBLE``) or hides it
(``HIDDEN``), as on the networks members know; the writer may rewrite it (it waits
again) or take it back.

Who sees one: its writer and its recipient always; anyone else only a visible one
(an imported one without a status counts as visible) and only as the scope lets
them see traces — a writer who shares nothing is named to nobody else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, or_, select, update

from weakties.errors import NotFoundError
from weakties.model.tables import Interaction, Member, Person
from weakties.service.connections import _member, connection_state, member_of, visible_member
from weakties.service.context import Viewer, person_of, reader
from weakties.service.forms import N_, FormError, has_control_characters
from weakties.store import clock

__all__ = [
    "RELATIONSHIP_MAX",
    "TEXT_MAX",
    "Recommendation",
    "recommendations",
    "set_shown",
    "withdraw",
    "write",
]

TEXT_MAX = 3000
RELATIONSHIP_MAX = 200
#: the statuses others may see (an import without a status is a shown one)
SHOWN = ("VISIBLE", "ACCEPTED")


@dataclass(frozen=True)
class Recommendation:
    """A recommendation the member received (``other`` wrote it) or gave."""

    direction: str  # received / given
    person_id: int
    name: str
    handle: str | None
    on: dt.date | None
    relationship: str | None  # the job title or the relationship it was written for
    text: str | None  # only when the writer's data kept the content
    id: int | None = None  # for its recipient and its writer, to answer or withdraw it
    status: str = "visible"  # visible / pending / hidden


def _people(conn: Connection, ids: set[int]) -> dict[int, tuple[str, str | None]]:
    if not ids:
        return {}
    rows = conn.execute(
        select(Person.id, Person.display_name, Member.handle)
        .outerjoin(Member, Member.person_id == Person.id)
        .where(Person.id.in_(sorted(ids)))
    )
    return {r.id: (r.display_name, r.handle) for r in rows}


def _status(value: str | None) -> str:
    if value is None or value in SHOWN:
        return "visible"
    return "pending" if value == "PENDING" else "hidden"


def recommendations(conn: Connection, viewer: Viewer, person_id: int) -> list[Recommendation]:
    """The recommendations ``person_id`` received and gave that the viewer may see,
    newest first."""
    me = person_of(viewer)
    query = select(
        Interaction.id,
        Interaction.sender_id,
        Interaction.recipient_id,
        Interaction.occurred_at,
        Interaction.detail,
        Interaction.content,
        Interaction.status,
    ).where(
        Interaction.kind == "recommendation",
        Interaction.sender_id.is_not(None),
        Interaction.recipient_id.is_not(None),
        or_(Interaction.sender_id == person_id, Interaction.recipient_id == person_id),
        Interaction.sender_id != Interaction.recipient_id,
    )
    visible = reader(conn, viewer).trace_visible(whole=False)
    if visible is not None:
        query = query.where(visible)
    rows = conn.execute(query.order_by(Interaction.occurred_at.desc(), Interaction.id)).all()
    others = {r.sender_id if r.recipient_id == person_id else r.recipient_id for r in rows}
    people = _people(conn, {int(p) for p in others})
    out = []
    for r in rows:
        status = _status(r.status)
        party = me in (r.sender_id, r.recipient_id)
        if status != "visible" and not party:
            continue
        received = r.recipient_id == person_id
        other = int(r.sender_id if received else r.recipient_id)
        name, handle = people.get(other, ("", None))
        out.append(
            Recommendation(
                direction="received" if received else "given",
                person_id=other,
                name=name,
                handle=handle,
                on=r.occurred_at.date() if r.occurred_at else None,
                relationship=r.detail,
                text=r.content,
                id=int(r.id) if party else None,
                status=status,
            )
        )
    return out


def _key(sender: int, recipient: int) -> str:
    digest = hashlib.sha256(f"{sender}\x1f{recipient}".encode()).hexdigest()
    return f"platform-recommendation-{digest[:40]}"


def _checked(relationship: str, text: str) -> tuple[str | None, str]:
    fields: dict[str, str] = {}
    label = " ".join(relationship.split())
    if has_control_characters(label):
        fields["relationship"] = N_("Remove the control characters.")
    elif len(label) > RELATIONSHIP_MAX:
        fields["relationship"] = N_("This text is too long.")
    body = text.strip()
    if not body:
        fields["text"] = N_("Write the recommendation.")
    elif has_control_characters(body, multiline=True):
        fields["text"] = N_("Remove the control characters.")
    elif len(body) > TEXT_MAX:
        fields["text"] = N_("This text is too long.")
    if fields:
        raise FormError(fields)
    return label or None, body


def write(conn: Connection, viewer: Viewer, handle: str, relationship: str, text: str) -> int:
    """Recommend a connection; it waits for them to show it. Writing again replaces
    the viewer's earlier recommendation of them (which waits again). Returns its id.

    Raises
    ------
    NotFoundError
        No such member.
    FormError
        Empty or too long text (``text``), a wrong ``relationship``, or the member
        is not a connection of the viewer's (``text``).
    """
    other = visible_member(conn, viewer, handle)
    label, body = _checked(relationship, text)
    if connection_state(conn, viewer, other) != "connected":
        raise FormError.one("text", N_("You can recommend your connections only."))
    me = person_of(viewer)
    key = _key(me, other.person_id)
    values = {
        "occurred_at": clock.utcnow(),
        "detail": label,
        "content": body,
        "status": "PENDING",
    }
    found = conn.execute(select(Interaction.id).where(Interaction.natural_key == key)).scalar()
    if found is not None:
        conn.execute(update(Interaction).where(Interaction.id == found).values(**values))
        return int(found)
    return int(
        conn.execute(
            insert(Interaction)
            .values(
                kind="recommendation",
                channel="platform",
                sender_id=me,
                recipient_id=other.person_id,
                group_size=1,
                asserted_by=member_of(viewer),
                natural_key=key,
                **values,
            )
            .returning(Interaction.id)
        ).scalar_one()
    )


def withdraw(conn: Connection, viewer: Viewer, handle: str) -> None:
    """Take back the viewer's recommendation of this member.

    Raises
    ------
    NotFoundError
        No such member, or no recommendation of theirs by the viewer on the platform.
    """
    other = _member(conn, handle)
    done = conn.execute(
        delete(Interaction).where(
            Interaction.natural_key == _key(person_of(viewer), other.person_id),
            Interaction.asserted_by == member_of(viewer),
        )
    )
    if not done.rowcount:
        raise NotFoundError(f"you did not recommend {other.name}")


def set_shown(conn: Connection, viewer: Viewer, recommendation_id: int, shown: bool) -> None:
    """Show a recommendation the viewer received on their profile, or hide it.

    Raises
    ------
    NotFoundError
        No such recommendation received by the viewer.
    """
    done = conn.execute(
        update(Interaction)
        .where(
            Interaction.id == recommendation_id,
            Interaction.kind == "recommendation",
            Interaction.recipient_id == person_of(viewer),
            Interaction.sender_id != person_of(viewer),
            # the platform's, or one in the viewer's own data: never another's import
            or_(Interaction.channel == "platform", Interaction.asserted_by == member_of(viewer)),
        )
        .values(status="VISIBLE" if shown else "HIDDEN")
    )
    if not done.rowcount:
        raise NotFoundError(f"no recommendation {recommendation_id} for you")

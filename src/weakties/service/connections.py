"""Connections between platform members: invitations, acceptance, removal.

An accepted invitation becomes what an imported connection is: a tie (source
``platform``) asserted by each of the two members, and one ``invitation``
interaction (in the inviter's data; both took part in it, so both see it), so
that the tie model sees a platform connection exactly like an imported one.
"How do you know each other?", answered by the member who accepts, is stored
as their closeness label for the tie, which calibration uses.

An invitation to a stranger — no connection, no contact in common that the
sender may see, nobody from the sender's own data — needs a personal note.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update

from weakties.errors import NotFoundError, RefusedError
from weakties.model.tables import (
    HOW_KNOWN,
    Interaction,
    Invitation,
    KnownPerson,
    Member,
    Person,
    Tie,
    table_of,
    utcnow,
)
from weakties.service.context import Viewer, person_of, reader
from weakties.service.forms import N_, FormError, has_control_characters

__all__ = [
    "HOW_KNOWN_CHOICES",
    "NOTE_MAX",
    "InvitationView",
    "MemberCard",
    "answer_invitation",
    "connection_state",
    "invitations_per_week",
    "list_connections",
    "list_invitations",
    "member_of",
    "pending_between",
    "remove_connection",
    "send_invitation",
    "sever",
    "visible_member",
    "withdraw_invitation",
]

# The answers to "How do you know each other?", in the order they are offered.
HOW_KNOWN_CHOICES = (
    ("colleague", N_("We work or worked together")),
    ("worked_together", N_("We did business together")),
    ("classmate", N_("We studied together")),
    ("friend", N_("We are friends")),
    ("family", N_("We are family")),
    ("met_once", N_("We met once")),
    ("online_only", N_("We only know each other online")),
    ("other", N_("Another way")),
)
assert {value for value, _label in HOW_KNOWN_CHOICES} == set(HOW_KNOWN)

NOTE_MAX = 300
_INVITATION = table_of(Invitation)


def invitations_per_week(conn: Connection, viewer: Viewer) -> int:
    """The invitations the viewer may send in any seven days: the etiquette rule
    ``invitations_per_week``. A member may tighten it, never loosen it: switched
    off or raised, the default holds."""
    from weakties.opportunity.etiquette import Limits, load_limits

    default = Limits().invitations_per_week
    assert default is not None
    own = load_limits(reader(conn, viewer)).invitations_per_week
    return default if own is None else min(own, default)


@dataclass(frozen=True)
class MemberCard:
    """A member as a line in a list: enough to show and link them."""

    member_id: int
    person_id: int
    handle: str
    name: str
    headline: str | None


@dataclass(frozen=True)
class InvitationView:
    id: int
    sender: MemberCard
    recipient: MemberCard
    note: str | None
    status: str
    created_at: dt.datetime
    answered_at: dt.datetime | None
    how_known: str | None


def member_of(viewer: Viewer) -> int:
    """The viewer's member id: connecting is a member's act.

    Raises
    ------
    NotFoundError
        For the shared view and the operator's whole-database view.
    """
    if viewer.member_id is None:
        raise NotFoundError("this is a member's act: say who is acting")
    return viewer.member_id


def _member(conn: Connection, handle: str) -> MemberCard:
    if has_control_characters(handle):
        raise NotFoundError(f"no member {handle!r}")
    row = conn.execute(
        select(Member.id, Member.person_id, Member.handle, Person.display_name, Person.headline)
        .join(Person, Person.id == Member.person_id)
        .where(func.lower(Member.handle) == handle.lower())
    ).first()
    if row is None:
        raise NotFoundError(f"no member {handle!r}")
    return MemberCard(*row)


def visible_member(conn: Connection, viewer: Viewer, handle: str) -> MemberCard:
    """The member ``handle``, as ``_member``, unless a block stands between them and
    the viewer (either way): then they are not found, with the same answer as a
    handle nobody has, so that a blocked member learns nothing from it.

    Raises
    ------
    NotFoundError
        No such member, or a block between them and the viewer.
    """
    from weakties.service.social import blocked_between

    other = _member(conn, handle)
    me = viewer.member_id
    if me is not None and other.member_id != me and blocked_between(conn, me, other.member_id):
        raise NotFoundError(f"no member {handle!r}")
    return other


def _cards(conn: Connection, member_ids: set[int]) -> dict[int, MemberCard]:
    if not member_ids:
        return {}
    rows = conn.execute(
        select(Member.id, Member.person_id, Member.handle, Person.display_name, Person.headline)
        .join(Person, Person.id == Member.person_id)
        .where(Member.id.in_(sorted(member_ids)))
    )
    return {row[0]: MemberCard(*row) for row in rows}


def _pending(conn: Connection, one: int, other: int) -> tuple[int | None, int | None]:
    """The pending invitation from ``one`` to ``other`` and the one the other way,
    read together (one query: a profile asks for both, twice)."""
    sent: int | None = None
    received: int | None = None
    rows = conn.execute(
        select(Invitation.id, Invitation.sender_id)
        .where(
            or_(
                and_(Invitation.sender_id == one, Invitation.recipient_id == other),
                and_(Invitation.sender_id == other, Invitation.recipient_id == one),
            ),
            Invitation.status == "pending",
        )
        .order_by(Invitation.id)
    )
    for invitation, sender in rows:
        if sender == one:
            sent = sent or invitation
        else:
            received = received or invitation
    return sent, received


def pending_between(conn: Connection, one: int, other: int) -> int | None:
    """The pending invitation between two members (either way), if there is one."""
    sent, received = _pending(conn, one, other)
    return sent or received


def connection_state(conn: Connection, viewer: Viewer, other: MemberCard) -> str:
    """``self``, ``connected``, ``invited`` (by the viewer), ``invited_you`` or ``none``."""
    if other.member_id == member_of(viewer):
        return "self"
    if other.person_id in reader(conn, viewer).first_degree():
        return "connected"
    sent, received = _pending(conn, member_of(viewer), other.member_id)
    if sent:
        return "invited"
    if received:
        return "invited_you"
    return "none"


def _is_stranger(conn: Connection, viewer: Viewer, person_id: int) -> bool:
    from weakties.service.social import hidden_people

    # a contact in common behind a block is none the sender may see
    named, _counted = reader(conn, viewer).degrees(without=hidden_people(conn, viewer))
    if person_id in named:
        return False
    known = conn.execute(
        select(KnownPerson.id).where(
            KnownPerson.member_id == member_of(viewer), KnownPerson.person_id == person_id
        )
    ).first()
    return known is None


def send_invitation(
    conn: Connection, viewer: Viewer, handle: str, note: str | None = None
) -> InvitationView:
    """Invite the member ``handle`` to connect.

    Raises
    ------
    NotFoundError
        No such member, or a block between them and the viewer.
    FormError
        The note is too long, or missing for a stranger (``note``); the member is
        the viewer, already connected, or already invited (``handle``).
    RefusedError
        The weekly number of invitations is reached.
    """
    from weakties.service.social import blocked_between

    other = _member(conn, handle)
    if blocked_between(conn, member_of(viewer), other.member_id):
        raise NotFoundError(f"no member {handle!r}")  # a block hides each from the other
    note = (note or "").strip() or None
    state = connection_state(conn, viewer, other)
    if state == "self":
        raise FormError.one("handle", N_("You cannot invite yourself."))
    if state == "connected":
        raise FormError.one("handle", N_("You are already connected."))
    if state == "invited":
        raise FormError.one("handle", N_("Your invitation is waiting for an answer."))
    if state == "invited_you":
        raise FormError.one(
            "handle", N_("This member invited you already: accept their invitation.")
        )
    if note is not None and has_control_characters(note, multiline=True):
        raise FormError.one("note", N_("Remove the control characters."))
    if note is not None and len(note) > NOTE_MAX:
        raise FormError.one("note", N_("The note has at most 300 characters."))
    if note is None and _is_stranger(conn, viewer, other.person_id):
        raise FormError.one(
            "note",
            N_(
                "You have no contact in common: say in a note who you are and why you "
                "would like to connect."
            ),
        )
    now = utcnow()
    week = conn.execute(
        select(func.count())
        .select_from(Invitation)
        .where(
            Invitation.sender_id == member_of(viewer),
            Invitation.created_at > now - dt.timedelta(days=7),
        )
    ).scalar_one()
    limit = invitations_per_week(conn, viewer)
    if week >= limit:
        first = conn.execute(
            select(func.min(Invitation.created_at)).where(
                Invitation.sender_id == member_of(viewer),
                Invitation.created_at > now - dt.timedelta(days=7),
            )
        ).scalar_one()
        day = (first + dt.timedelta(days=7)).date()
        raise RefusedError(
            f"{limit} invitation{'s' if limit != 1 else ''} in seven days is the limit: "
            f"the next one is possible on {day.isoformat()}",
            [{"rule": "invitations_per_week", "possible_on": day.isoformat()}],
        )
    invitation_id = conn.execute(
        insert(Invitation)
        .values(
            sender_id=member_of(viewer),
            recipient_id=other.member_id,
            note=note,
            status="pending",
            created_at=now,
        )
        .returning(Invitation.id)
    ).scalar_one()
    return _view(conn, invitation_id)


def _view(conn: Connection, invitation_id: int) -> InvitationView:
    row = conn.execute(select(_INVITATION).where(Invitation.id == invitation_id)).one()
    cards = _cards(conn, {row.sender_id, row.recipient_id})
    return InvitationView(
        row.id,
        cards[row.sender_id],
        cards[row.recipient_id],
        row.note,
        row.status,
        row.created_at,
        row.answered_at,
        row.how_known,
    )


def _own_pending(conn: Connection, invitation_id: int, column: Any, member_id: int) -> Any:
    row = conn.execute(
        select(_INVITATION).where(
            Invitation.id == invitation_id,
            column == member_id,
            Invitation.status == "pending",
        )
    ).first()
    if row is None:
        raise NotFoundError(f"no open invitation {invitation_id}")
    return row


def _connect(conn: Connection, a: MemberCard, b: MemberCard, since: dt.datetime) -> None:
    low, high = sorted((a.person_id, b.person_id))
    for member in (a, b):
        updated = conn.execute(
            update(Tie)
            .where(
                Tie.person_a_id == low,
                Tie.person_b_id == high,
                Tie.source == "platform",
                Tie.asserted_by == member.member_id,
            )
            .values(ended_at=None, since=since)
        ).rowcount
        if not updated:
            conn.execute(
                insert(Tie).values(
                    person_a_id=low,
                    person_b_id=high,
                    source="platform",
                    asserted_by=member.member_id,
                    since=since,
                    confidence=1.0,
                    created_at=utcnow(),
                )
            )
        other = b if member is a else a
        if not conn.execute(
            select(KnownPerson.id).where(
                KnownPerson.member_id == member.member_id,
                KnownPerson.person_id == other.person_id,
            )
        ).first():
            conn.execute(
                insert(KnownPerson).values(
                    member_id=member.member_id, person_id=other.person_id, first_seen=since
                )
            )


def answer_invitation(
    conn: Connection,
    viewer: Viewer,
    invitation_id: int,
    *,
    accept: bool,
    how_known: str | None = None,
) -> InvitationView:
    """Accept (with "how do you know each other?") or ignore an invitation received.

    Ignoring tells the sender nothing: for them the invitation stays sent.

    Raises
    ------
    NotFoundError
        No open invitation with this id was sent to the viewer.
    FormError
        ``how_known`` is not one of :data:`~weakties.model.tables.HOW_KNOWN`.
    """
    from weakties.store.write import set_label

    how_known = how_known or None
    if how_known is not None and how_known not in HOW_KNOWN:
        raise FormError.one("how_known", N_("Choose one of the answers."))
    row = _own_pending(conn, invitation_id, Invitation.recipient_id, member_of(viewer))
    now = utcnow()
    conn.execute(
        update(Invitation)
        .where(Invitation.id == row.id)
        .values(
            status="accepted" if accept else "ignored",
            answered_at=now,
            how_known=how_known if accept else None,
        )
    )
    if accept:
        cards = _cards(conn, {row.sender_id, row.recipient_id})
        sender, recipient = cards[row.sender_id], cards[row.recipient_id]
        _connect(conn, sender, recipient, now)
        # one trace, in the inviter's data: both took part in it, so both members'
        # scopes read it (stored twice, the tie model would count it twice)
        conn.execute(
            insert(Interaction).values(
                kind="invitation",
                channel="platform",
                sender_id=sender.person_id,
                recipient_id=recipient.person_id,
                occurred_at=row.created_at,
                group_size=1,
                status="accepted",
                asserted_by=sender.member_id,
                natural_key=f"platform-invitation-{row.id}",
            )
        )
        closeness = HOW_KNOWN.get(how_known) if how_known else None
        if closeness is not None:
            set_label(reader(conn, viewer), sender.person_id, label=None, closeness=closeness)
    return _view(conn, row.id)


def withdraw_invitation(conn: Connection, viewer: Viewer, invitation_id: int) -> InvitationView:
    """Take back an invitation the viewer sent that has not been accepted."""
    row = _own_pending(conn, invitation_id, Invitation.sender_id, member_of(viewer))
    conn.execute(
        update(Invitation)
        .where(Invitation.id == row.id)
        .values(status="withdrawn", answered_at=utcnow())
    )
    return _view(conn, row.id)


def remove_connection(conn: Connection, viewer: Viewer, handle: str) -> None:
    """End the platform connection with ``handle`` (both members' ties end now).

    The history stays: the invitation and the interactions, as an imported
    connection that is gone. Connections from imported data are the data's.

    Raises
    ------
    NotFoundError
        No such member, or no platform connection with them.
    """
    other = _member(conn, handle)
    if not _end_platform_ties(conn, person_of(viewer), other.person_id):
        raise NotFoundError(f"no platform connection with {handle!r}")


def _end_platform_ties(conn: Connection, one: int, other: int) -> int:
    """End the platform tie between two persons, in both members' data."""
    low, high = sorted((one, other))
    return conn.execute(
        update(Tie)
        .where(
            Tie.person_a_id == low,
            Tie.person_b_id == high,
            Tie.source == "platform",
            Tie.ended_at.is_(None),
        )
        .values(ended_at=utcnow())
    ).rowcount


def sever(conn: Connection, one: MemberCard, other: MemberCard) -> None:
    """End what binds two members on the platform, both ways: what a block does.

    The platform connection ends in both members' data (as ``remove_connection``
    ends it), and the invitations still open between them are withdrawn, whoever
    sent them — an ignored one too, which its sender still sees as waiting. The
    history stays. Nothing comes back by itself: after the block is lifted the
    two connect again with a new invitation.
    """
    _end_platform_ties(conn, one.person_id, other.person_id)
    conn.execute(
        update(Invitation)
        .where(
            or_(
                and_(
                    Invitation.sender_id == one.member_id,
                    Invitation.recipient_id == other.member_id,
                ),
                and_(
                    Invitation.sender_id == other.member_id,
                    Invitation.recipient_id == one.member_id,
                ),
            ),
            Invitation.status.in_(("pending", "ignored")),
        )
        .values(status="withdrawn", answered_at=utcnow())
    )


def list_invitations(
    conn: Connection, viewer: Viewer
) -> tuple[list[InvitationView], list[InvitationView]]:
    """The viewer's open invitations: (received, sent), newest first.

    An invitation the recipient ignored stays in the sender's "sent" list.
    """
    rows = conn.execute(
        select(Invitation.id)
        .where(
            or_(
                and_(
                    Invitation.recipient_id == member_of(viewer),
                    Invitation.status == "pending",
                ),
                and_(
                    Invitation.sender_id == member_of(viewer),
                    Invitation.status.in_(("pending", "ignored")),
                ),
            )
        )
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    ).scalars()
    views = [_view(conn, i) for i in rows]
    received = [v for v in views if v.recipient.member_id == member_of(viewer)]
    sent = [v for v in views if v.sender.member_id == member_of(viewer)]
    # the sender is never told that they were ignored
    sent = [
        InvitationView(v.id, v.sender, v.recipient, v.note, "pending", v.created_at, None, None)
        for v in sent
    ]
    return received, sent


def list_connections(conn: Connection, viewer: Viewer) -> list[MemberCard]:
    """The members the viewer is connected with, by name: never one with a block
    between them and the viewer, nor a suspended one, even when the viewer's own
    imported data still lists them (a block ends the platform connection only).

    Kept while the graph is unchanged (:mod:`weakties.service.live`): who is
    connected, blocked or suspended and the members' names and headlines are all
    the graph's; a member with 5,000 connections read them all at each visit of
    ``/network``."""
    from weakties.service.live import memo

    return list(memo(conn, viewer, "connections", lambda: _connections(conn, viewer), traces=False))


def _connections(conn: Connection, viewer: Viewer) -> tuple[MemberCard, ...]:
    from weakties.service.social import hidden_people

    first = reader(conn, viewer).first_degree() - hidden_people(conn, viewer)
    if not first:
        return ()
    rows = conn.execute(
        select(Member.id, Member.person_id, Member.handle, Person.display_name, Person.headline)
        .join(Person, Person.id == Member.person_id)
        .where(Member.person_id.in_(sorted(first)))
        .order_by(Person.display_name, Member.id)
    )
    return tuple(MemberCard(*row) for row in rows)

"""What the platform's social features share: who a member is to another (connected,
blocked, suspended), member cards, and the write limits.

A block is mutual in effect: neither member can message, invite or mention the
other, and neither finds the other in search, posts or the feed. A suspended
member may sign in and read (and sees why they are suspended) but writes
nothing, and nobody else sees what they wrote.

The write limits count events in the database (``rate_event``), so that they hold
across worker processes; a refusal says from when the next write is possible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, func, insert, or_, select

from weakties.errors import NotFoundError, RefusedError
from weakties.model.tables import Block, Member, Person, RateEvent, Suspension, utcnow
from weakties.service.connections import MemberCard, member_of
from weakties.service.context import Viewer, reader
from weakties.service.forms import has_control_characters
from weakties.store.reader import Reader

__all__ = [
    "LIMITS",
    "blocked_between",
    "blocked_members",
    "blocked_people",
    "cards",
    "check_rate",
    "connected_members",
    "hidden_members",
    "hidden_people",
    "member_by_handle",
    "require_active",
    "shown_reader",
    "suspended_for",
    "suspended_members",
    "suspension_reason",
]

# writes a member may make: (how many, in how many seconds)
LIMITS: dict[str, tuple[int, int]] = {
    "post": (20, 3600),
    "comment": (60, 3600),
    "message": (120, 3600),
    "report": (20, 86400),
    "job": (20, 86400),
}


def cards(conn: Connection, member_ids: Iterable[int]) -> dict[int, MemberCard]:
    """Member id -> card (handle, name, headline)."""
    ids = sorted(set(member_ids))
    if not ids:
        return {}
    out: dict[int, MemberCard] = {}
    for start in range(0, len(ids), 900):
        rows = conn.execute(
            select(Member.id, Member.person_id, Member.handle, Person.display_name, Person.headline)
            .join(Person, Person.id == Member.person_id)
            .where(Member.id.in_(ids[start : start + 900]))
        )
        out.update({row[0]: MemberCard(*row) for row in rows})
    return out


def member_by_handle(conn: Connection, viewer: Viewer, handle: str) -> MemberCard:
    """The member ``handle``, unless a block stands between them and the viewer.

    Raises
    ------
    NotFoundError
        No such member, a suspended one, or one with a block between them and the viewer.
    """
    if not handle or has_control_characters(handle) or len(handle) > 200:
        raise NotFoundError(f"no member {handle!r}")
    row = conn.execute(
        select(Member.id, Member.person_id, Member.handle, Person.display_name, Person.headline)
        .join(Person, Person.id == Member.person_id)
        .where(func.lower(Member.handle) == handle.lower())
    ).first()
    if row is None:
        raise NotFoundError(f"no member {handle!r}")
    card = MemberCard(*row)
    me = member_of(viewer)
    if card.member_id != me and (
        blocked_between(conn, me, card.member_id) or card.member_id in suspended_members(conn)
    ):
        raise NotFoundError(f"no member {handle!r}")
    return card


def blocked_members(conn: Connection, member_id: int) -> set[int]:
    """The members with a block between them and ``member_id`` (either way)."""
    rows = conn.execute(
        select(Block.blocker_id, Block.blocked_id).where(
            or_(Block.blocker_id == member_id, Block.blocked_id == member_id)
        )
    )
    return {b if a == member_id else a for a, b in rows}


def blocked_people(conn: Connection, viewer: Viewer) -> set[int]:
    """The person ids of the members with a block between them and the viewer
    (either way): what the viewer is shown of people leaves them out. Empty for a
    viewer who is not a member."""
    if viewer.member_id is None:
        return set()
    me = viewer.member_id
    return set(
        _kept(
            conn,
            viewer,
            "blocked_people",
            lambda: frozenset(
                card.person_id for card in cards(conn, _blocked_of(conn, viewer, me)).values()
            ),
        )
    )


def _kept(conn: Connection, viewer: Viewer, what: str, compute: Any) -> frozenset[int]:
    """``compute()``, read once for the viewer while the graph (blocks and
    suspensions are part of it) is unchanged, and not again by every part of the
    same page that leaves these people out: a profile asked three times, an
    organisation page three (:func:`weakties.service.live.memo`)."""
    from weakties.service.live import memo

    found: frozenset[int] = memo(conn, viewer, ("social", what), compute, traces=False)
    return found


def viewer_blocks(conn: Connection, viewer: Viewer) -> frozenset[int]:
    """:func:`blocked_members` of the viewer, read once per viewer until a block
    changes (for what every page reads, such as the notifications' badge)."""
    if viewer.member_id is None:
        return frozenset()
    return _blocked_of(conn, viewer, viewer.member_id)


def _blocked_of(conn: Connection, viewer: Viewer, me: int) -> frozenset[int]:
    return _kept(conn, viewer, "blocked", lambda: frozenset(blocked_members(conn, me)))


def blocked_between(conn: Connection, one: int, other: int) -> bool:
    return (
        conn.execute(
            select(Block.id).where(
                or_(
                    (Block.blocker_id == one) & (Block.blocked_id == other),
                    (Block.blocker_id == other) & (Block.blocked_id == one),
                )
            )
        ).first()
        is not None
    )


def suspended_members(conn: Connection) -> set[int]:
    return set(conn.execute(select(Suspension.member_id)).scalars())


def suspended_for(conn: Connection, viewer: Viewer) -> frozenset[int]:
    """:func:`suspended_members`, read once per graph for the viewer's page (the
    same read as :func:`hidden_members`')."""
    return _kept(conn, viewer, "suspended", lambda: frozenset(suspended_members(conn)))


def hidden_members(conn: Connection, viewer: Viewer) -> set[int]:
    """The members the viewer is not shown, named or counted: those with a block
    between them and the viewer (either way) and the suspended ones (but the
    viewer themself)."""
    me = viewer.member_id
    blocked = _blocked_of(conn, viewer, me) if me is not None else frozenset()
    suspended = suspended_for(conn, viewer)
    return set(blocked | (suspended - {me}))


def hidden_people(conn: Connection, viewer: Viewer) -> set[int]:
    """The person ids of :func:`hidden_members`: what the viewer is shown of people
    leaves them out, also where the viewer's own imported data still holds them
    (a LinkedIn export listing a member the viewer blocked)."""
    return set(
        _kept(
            conn,
            viewer,
            "hidden_people",
            lambda: frozenset(
                card.person_id for card in cards(conn, hidden_members(conn, viewer)).values()
            ),
        )
    )


def shown_reader(conn: Connection, viewer: Viewer) -> Reader:
    """The viewer's scoped reader, reading the network as if :func:`hidden_people`
    were not in it (:mod:`weakties.store._base`: no tie with one of them at an
    end, no trace of theirs, not they themselves), also where the viewer's own
    imported data holds them.

    What is computed from it — tie scores, classes and Dunbar layers, reach,
    circles and brokers, the people counted by origin, paths and mutual contacts —
    is the network without them: no list names them and no count changes with
    them. The value report (on ``/network``, at ``/api/v1/network`` and from
    ``weakties report``: the same figures everywhere) and the graph commands read
    through it. With nobody hidden, and for the operator (the whole database,
    explicitly), it is :func:`weakties.service.context.reader` itself, with the
    results it shares between requests.
    """
    hidden = set() if viewer.is_operator else hidden_people(conn, viewer)
    if not hidden:
        return reader(conn, viewer)
    # its own results: those shared between requests were read with everyone in
    return Reader(conn, viewer.scope, now=viewer.now, clock=viewer.clock, hidden=hidden)


def suspension_reason(conn: Connection, member_id: int) -> str | None:
    return conn.execute(select(Suspension.reason).where(Suspension.member_id == member_id)).scalar()


def require_active(conn: Connection, viewer: Viewer) -> int:
    """The viewer's member id, if they may write.

    Raises
    ------
    RefusedError
        The member is suspended (the message gives the operator's reason).
    """
    me = member_of(viewer)
    reason = suspension_reason(conn, me)
    if reason is not None:
        raise RefusedError(f"your account is suspended: {reason}", [{"rule": "suspended"}])
    return me


def connected_members(
    conn: Connection, viewer: Viewer, first: set[int] | None = None
) -> dict[int, int]:
    """Member id -> person id of the members the viewer is connected with (``first``:
    the viewer's first-degree people, when the caller has them already)."""
    if first is None:
        first = reader(conn, viewer).first_degree()
    if not first:
        return {}
    out: dict[int, int] = {}
    people = sorted(first)
    for start in range(0, len(people), 900):
        rows = conn.execute(
            select(Member.id, Member.person_id).where(
                Member.person_id.in_(people[start : start + 900])
            )
        )
        out.update(dict(rows.all()))
    return out


def _window(seconds: int) -> str:
    named = {3600: "hour", 86400: "day"}
    return named.get(seconds) or f"{seconds / 3600:g} hours"


def check_rate(
    conn: Connection, member_id: int, action: str, *, now: dt.datetime | None = None
) -> None:
    """Count one ``action`` by the member, or refuse it past :data:`LIMITS`.

    Raises
    ------
    RefusedError
        Too many in the window: the message says from when it is possible again.
    """
    limit, seconds = LIMITS[action]
    now = now or utcnow()
    bucket = f"{action}:{member_id}"
    since = now - dt.timedelta(seconds=seconds)
    recent = conn.execute(
        select(func.count(), func.min(RateEvent.at)).where(
            RateEvent.bucket == bucket, RateEvent.at > since
        )
    ).one()
    if recent[0] >= limit:
        again = recent[1] + dt.timedelta(seconds=seconds)
        raise RefusedError(
            f"{limit} per {_window(seconds)} is the limit for this: "
            f"the next one is possible at {again.isoformat(timespec='minutes')} UTC",
            [{"rule": f"{action}_rate", "possible_at": again.isoformat()}],
        )
    conn.execute(insert(RateEvent).values(bucket=bucket, at=now))

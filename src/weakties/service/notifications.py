"""Notifications: what a member should know, read and unread, grouped per thread.

Direct notifications (a comment or a reaction on your post, a mention, a
message) are written in the same transaction as what caused them. Fan-outs
that concern many members or that come from other parts of the platform —
invitations and acceptances, career moves found in imports, new jobs at the
organisations a member follows — are written by background tasks
(:mod:`weakties.service.tasks`). Each notification has a ``dedup`` key: one fact
is notified once, however often a task runs.

A notification never says more than its recipient may see: it names the actor
(a member) and links to the thing, which the page then checks again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, or_, select, update

from weakties.model.tables import Event, Notification, Person, table_of, utcnow
from weakties.service.connections import MemberCard, member_of
from weakties.service.context import Viewer
from weakties.service.social import (
    blocked_members,
    cards,
    hidden_members,
    hidden_people,
    viewer_blocks,
)

__all__ = [
    "NOTIFICATION_KINDS",
    "NotificationGroup",
    "list_notifications",
    "mark_read",
    "notify",
    "unread_count",
]

NOTIFICATION_KINDS = (
    "invitation",
    "acceptance",
    "comment",
    "reply",
    "reaction",
    "mention",
    "message",
    "request",
    "career_move",
    "opportunity",
    "job",
    "application",
    "moderation",
    "intro_request",  # to a broker: a member asks them for an introduction
    "intro_forwarded",  # to the requester: the broker forwarded it
    "intro_declined",  # to the requester: not forwarded
    "intro_made",  # to the target: the broker introduced someone to them
    "intro_withdrawn",  # to the broker: the requester withdrew their request
)


def notify(
    conn: Connection,
    member_id: int,
    kind: str,
    *,
    dedup: str,
    thread: str,
    actor_id: int | None = None,
    person_id: int | None = None,
    post_id: int | None = None,
    conversation_id: int | None = None,
    job_id: int | None = None,
    event_id: int | None = None,
    detail: str | None = None,
    at: dt.datetime | None = None,
) -> bool:
    """Write one notification unless it exists (``dedup``), the member is the actor,
    or a block stands between them. Returns whether it was written."""
    assert kind in NOTIFICATION_KINDS, kind
    if actor_id is not None and (
        actor_id == member_id or actor_id in blocked_members(conn, member_id)
    ):
        return False
    exists = conn.execute(
        select(Notification.id).where(
            Notification.member_id == member_id, Notification.dedup == dedup
        )
    ).first()
    if exists:
        return False
    conn.execute(
        Notification.__table__.insert().values(  # type: ignore[attr-defined]
            member_id=member_id,
            kind=kind,
            actor_id=actor_id,
            person_id=person_id,
            post_id=post_id,
            conversation_id=conversation_id,
            job_id=job_id,
            event_id=event_id,
            thread=thread,
            dedup=dedup[:100],
            detail=detail[:500] if detail else None,
            created_at=at or utcnow(),
        )
    )
    return True


@dataclass(frozen=True)
class NotificationGroup:
    """The notifications of one kind about one thing: "Ana and 2 others commented"."""

    kind: str
    thread: str
    actors: list[MemberCard]
    count: int
    unread: bool
    latest_at: dt.datetime
    link: str
    person: str | None
    detail: str | None
    ids: list[int]


def _link(row: object) -> str:
    if row.kind in ("intro_request", "intro_declined"):  # type: ignore[attr-defined]
        return "/network/introductions"
    if getattr(row, "post_id", None):
        return f"/posts/{row.post_id}"  # type: ignore[attr-defined]
    if getattr(row, "conversation_id", None):
        return f"/messages/{row.conversation_id}"  # type: ignore[attr-defined]
    if getattr(row, "job_id", None):
        return f"/jobs/{row.job_id}"  # type: ignore[attr-defined]
    if row.kind in ("invitation", "acceptance"):  # type: ignore[attr-defined]
        return "/network"
    if row.kind == "opportunity":  # type: ignore[attr-defined]
        return "/network/opportunities"
    return "/feed"


def list_notifications(
    conn: Connection, viewer: Viewer, *, limit: int = 200
) -> list[NotificationGroup]:
    """The viewer's newest notifications, grouped by thread and kind, newest first.

    Left out: a notification whose actor is now blocked, and one about someone
    the viewer is now not shown (a block either way, a suspension) or about an
    event found in such a member's data (:func:`_shown`).
    """
    me = member_of(viewer)
    query = (
        select(*table_of(Notification).c, Person.display_name)
        .outerjoin(Person, Person.id == Notification.person_id)
        .where(Notification.member_id == me)
        .order_by(Notification.id.desc())
        .limit(limit)
    )
    rows = list(conn.execute(_shown(conn, viewer, query)))
    people = cards(conn, {r.actor_id for r in rows if r.actor_id})
    groups: dict[tuple[str, str], list[tuple[Any, str | None]]] = {}
    for row in rows:
        n = row
        groups.setdefault((n.thread, n.kind), []).append((n, row.display_name))
    out = []
    for (thread, kind), items in groups.items():
        actors: dict[int, MemberCard] = {}
        for n, _name in items:
            if n.actor_id and n.actor_id in people:
                actors.setdefault(n.actor_id, people[n.actor_id])
        first = items[0][0]
        out.append(
            NotificationGroup(
                kind=kind,
                thread=thread,
                actors=list(actors.values()),
                count=len(items),
                unread=any(n.read_at is None for n, _ in items),
                latest_at=first.created_at,
                link=_link(first),
                person=items[0][1],
                detail=first.detail,
                ids=[n.id for n, _ in items],
            )
        )
    return out


def _shown(conn: Connection, viewer: Viewer, query: Any) -> Any:
    """``query`` (on the viewer's notifications) but those whose actor the viewer
    blocked, and those (of any kind: a career move, an opportunity) about someone
    the viewer is not shown or about an event found in such a member's data: the
    list and the badge count the same ones. (A move noticed in a hidden member's
    data is left out even if a member still shown holds it too: its notification
    was written once, from the first found.)"""
    blocked = sorted(viewer_blocks(conn, viewer))
    if blocked:
        query = query.where(
            or_(Notification.actor_id.is_(None), Notification.actor_id.not_in(blocked))
        )
    people = sorted(hidden_people(conn, viewer))
    if people:
        found_in = select(Event.member_id).where(Event.id == Notification.event_id)
        query = query.where(
            or_(Notification.person_id.is_(None), Notification.person_id.not_in(people)),
            or_(
                Notification.event_id.is_(None),
                func.coalesce(found_in.scalar_subquery(), -1).not_in(
                    sorted(hidden_members(conn, viewer))
                ),
            ),
        )
    return query


def unread_count(conn: Connection, viewer: Viewer) -> int:
    """How many notifications the viewer has not read (the badge): of those
    :func:`list_notifications` shows."""
    query = (
        select(func.count())
        .select_from(Notification)
        .where(Notification.member_id == member_of(viewer), Notification.read_at.is_(None))
    )
    query = _shown(conn, viewer, query)
    return int(conn.execute(query).scalar_one())


def mark_read(conn: Connection, viewer: Viewer, ids: Iterable[int] | None = None) -> int:
    """Mark the viewer's notifications read (all, or those ``ids``); how many changed."""
    query = update(Notification).where(
        Notification.member_id == member_of(viewer), Notification.read_at.is_(None)
    )
    if ids is not None:
        wanted = sorted(set(ids))
        if not wanted:
            return 0
        query = query.where(Notification.id.in_(wanted))
    return int(conn.execute(query.values(read_at=utcnow())).rowcount)

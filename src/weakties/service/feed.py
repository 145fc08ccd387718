"""The feed: posts of the viewer's connections, of the members and organisations
they follow, of their groups, their own, and their contacts' career moves — each
item saying why the viewer sees it.

Pages are cut by a keyset cursor (time, kind, id) rather than an offset: a post
published while the viewer reads does not shift the next page, and no item is
shown twice. Career moves are those the store's event rules let the viewer see
(their own imports, and contacts' moves found in the data of members who share
it by name), dated by when the platform learned of them.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, or_, select

from weakties.errors import InputError
from weakties.model.tables import Event, Follow, Member, Post, table_of, utcnow
from weakties.service.connections import member_of
from weakties.service.context import Viewer, reader
from weakties.service.posts import PostView, post_views, visibility
from weakties.service.social import cards, hidden_people
from weakties.store._base import one_of
from weakties.store.reader import Reader

__all__ = ["CareerItem", "FeedItem", "FeedPage", "Why", "feed"]

PAGE = 20
WINDOWS = (1, 7, 31, 366)  # days before the newest post a page may show


@dataclass(frozen=True)
class Why:
    """One reason an item is in the feed: ``kind`` is own, connection, follow_member,
    follow_org, group (a discussion in one of the viewer's groups), contact or
    own_data; ``name`` and ``link`` say which tie or follow."""

    kind: str
    name: str | None = None
    link: str | None = None
    via: str | None = None  # whose shared data told of a career move


@dataclass(frozen=True)
class CareerItem:
    event_id: int
    person: str
    person_id: int
    handle: str | None  # the person's profile, when they are a member
    before: str | None
    after: str | None
    date: str | None


@dataclass(frozen=True)
class FeedItem:
    kind: str  # post / career
    at: dt.datetime
    post: PostView | None
    career: CareerItem | None
    why: list[Why] = field(default_factory=list)


@dataclass(frozen=True)
class FeedPage:
    items: list[FeedItem]
    next_cursor: str | None


def _encode(at: dt.datetime, rank: int, ident: int) -> str:
    raw = f"{at.isoformat()}|{rank}|{ident}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[dt.datetime, int, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, rank, ident = raw.split("|")
        return dt.datetime.fromisoformat(at).replace(tzinfo=None), int(rank), int(ident)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError("not a feed cursor", field="cursor") from exc


def _job(part: dict[str, Any] | None) -> str | None:
    if not part:
        return None
    bits = [part.get("title"), part.get("org")]
    return " · ".join(str(b) for b in bits if b) or None


def feed(
    conn: Connection, viewer: Viewer, cursor: str | None = None, *, limit: int = PAGE
) -> FeedPage:
    """One page of the viewer's feed, newest first.

    Raises
    ------
    InputError
        ``cursor`` is not one this function gave.
    """
    me = member_of(viewer)
    limit = min(max(limit, 1), 50)
    after = _decode(cursor) if cursor else None
    scoped = reader(conn, viewer)  # one reader: the viewer's contacts are read once
    seen = visibility(conn, viewer, scoped)
    follows = conn.execute(
        select(Follow.person_id, Follow.organization_id).where(
            Follow.member_id == me, Follow.active.is_(True)
        )
    ).all()
    followed_people = {p for p, _ in follows if p}
    followed_orgs = sorted({o for _, o in follows if o})
    followed_members = (
        dict(
            conn.execute(
                select(Member.id, Member.person_id).where(
                    Member.person_id.in_(sorted(followed_people))
                )
            ).all()
        )
        if followed_people
        else {}
    )
    authors = sorted((set(seen.connected) | set(followed_members) | {me}) - seen.hidden_authors)
    # the viewer's connections and follows as one array each on PostgreSQL: at a
    # few hundred, their bound parameters cost more than the posts' read
    sources: list[ColumnElement[bool]] = [one_of(conn, Post.author_id, authors)]
    if followed_orgs:
        sources.append(and_(Post.organization_id.in_(followed_orgs), Post.audience == "everyone"))
    if seen.groups:
        sources.append(and_(Post.audience == "group", Post.group_id.in_(sorted(seen.groups))))
    query = select(table_of(Post)).where(or_(*sources), seen.clause(conn))
    if after is not None:
        at, rank, ident = after
        # at one instant posts (rank 1) come before career events (rank 0): after an
        # event, every post of its instant was shown already
        if rank == 0:
            query = query.where(Post.created_at < at)
        else:
            query = query.where(
                or_(Post.created_at < at, and_(Post.created_at == at, Post.id < ident))
            )
    rows = _newest(conn, query, after[0] if after else utcnow(), limit + 1)
    views = {v.id: v for v in post_views(conn, viewer, rows, seen)}
    items: list[tuple[tuple[dt.datetime, int, int], FeedItem]] = []
    org_names = {v.organization_id: v.organization for v in views.values() if v.organization_id}
    people = cards(conn, {r.author_id for r in rows})
    for r in rows:
        why = []
        if r.author_id == me:
            why.append(Why("own"))
        else:
            card = people[r.author_id]
            if r.author_id in seen.connected:
                why.append(Why("connection", card.name, f"/in/{card.handle}"))
            if r.author_id in followed_members:
                why.append(Why("follow_member", card.name, f"/in/{card.handle}"))
            if r.organization_id in followed_orgs:
                why.append(Why("follow_org", org_names.get(r.organization_id), None))
            if r.audience == "group" and r.group_id in seen.groups:
                why.append(Why("group", seen.groups[r.group_id], None))
        items.append(
            ((r.created_at, 1, r.id), FeedItem("post", r.created_at, views[r.id], None, why))
        )
    items.extend(_careers(conn, viewer, scoped, after, limit + 1, seen.first))
    items.sort(key=lambda pair: pair[0], reverse=True)
    page = items[:limit]
    more = len(items) > limit
    return FeedPage([item for _key, item in page], _encode(*page[-1][0]) if more and page else None)


def _newest(conn: Connection, query: Any, until: dt.datetime, count: int) -> list[Any]:
    """The ``count`` newest posts of ``query``, looked for in a widening window before
    ``until``: the day before, then the week, the month, the year, then all of
    them. The indexes by author (by organisation, by group) and date then read the
    posts of the window only, not every post of every source, and a window that
    holds ``count`` posts holds the newest ``count``: anything outside it is older.
    """
    ordered = query.order_by(Post.created_at.desc(), Post.id.desc()).limit(count)
    for days in WINDOWS:
        rows = list(conn.execute(ordered.where(Post.created_at >= until - dt.timedelta(days=days))))
        if len(rows) >= count:
            return rows
    return list(conn.execute(ordered))


def _career_events(
    conn: Connection, viewer: Viewer, r: Reader
) -> tuple[list[dict[str, Any]], dict[int, dt.datetime], dict[int, str], str | None]:
    """The career moves the viewer may see, when each was found, the members'
    handles and the viewer's own; kept for the viewer while neither the graph nor
    the traces changed (the events are traces, who may see them the graph's)."""
    # a block hides each one's moves from the other; a suspended member's from all
    events = r.events(kinds=["career_move"], hide=hidden_people(conn, viewer))
    me = member_of(viewer)
    my_handle = conn.execute(select(Member.handle).where(Member.id == me)).scalar()
    if not events:
        return [], {}, {}, my_handle
    detected = dict(
        conn.execute(
            select(Event.id, Event.detected_at).where(Event.id.in_([e["id"] for e in events]))
        ).all()
    )
    handles = dict(
        conn.execute(
            select(Member.person_id, Member.handle).where(
                Member.person_id.in_(sorted({e["person_id"] for e in events}))
            )
        ).all()
    )
    return events, detected, handles, my_handle


def _careers(
    conn: Connection,
    viewer: Viewer,
    r: Reader,
    after: tuple[dt.datetime, int, int] | None,
    limit: int,
    first: set[int],
) -> list[tuple[tuple[dt.datetime, int, int], FeedItem]]:
    from weakties.service.live import memo

    events, detected, handles, my_handle = memo(
        conn, viewer, "feed_careers", lambda: _career_events(conn, viewer, r)
    )
    out = []
    for e in events:
        at = detected[e["id"]]
        key = (at, 0, e["id"])
        if after is not None and key >= after:
            continue
        why = [
            Why(
                "contact" if e["person_id"] in first else "own_data",
                e["person"],
                f"/in/{handles[e['person_id']]}" if e["person_id"] in handles else None,
                # a member's own move, made on the platform, is no one else's data
                via=None
                if e["found_in"] in (my_handle, handles.get(e["person_id"]))
                else e["found_in"],
            )
        ]
        detail = e["detail"] or {}
        item = CareerItem(
            e["id"],
            e["person"],
            e["person_id"],
            handles.get(e["person_id"]),
            _job(detail.get("from")),
            _job(detail.get("to")),
            e["date"],
        )
        out.append((key, FeedItem("career", at, None, item, why)))
    out.sort(key=lambda pair: pair[0], reverse=True)
    return out[:limit]

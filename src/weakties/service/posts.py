"""Posts, comments, reactions, shares and mentions.

A post has an audience: every member (``everyone``), the author's connections
(``connections``) or the members of a group the author belongs to (``group``: a
group discussion; membership is what each member's own data says, a current
position of kind ``group``). A member never reads a post outside its audience — not on
its page, in the feed, in a share, a notification or the API: every read goes
through :func:`visible_posts`. A post hidden by the operator, or written by a
suspended member, is gone for everyone but its author, who sees the reason.
Blocks hide each member's posts from the other.

A deleted member's post that others commented on stays as a placeholder for
their comments (no author, no text; see
:func:`weakties.service.memberdata.delete_account`): it is in no list (feed,
profile, organisation, search) and cannot be shared; its page shows the comments
to whom its audience allowed: every member, the group's members, or, for a
connections-only post (the author's connections are gone with the account),
the members who commented on it.

Text is Markdown, rendered then sanitised (:mod:`weakties.service.markup`);
``@handle`` mentions a member who may read the post and has no block with the
author (the others stay plain text and are not told).

Comments and reactions are interaction traces for the tie model, like their
imported counterparts (metadata only: kind, time, who to whom; never the text):
a comment goes from its author to the post's author (a reply to the comment's
author), a reaction likewise, with its kind as detail.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.orm import aliased

from weakties.errors import NotFoundError
from weakties.model.tables import (
    POST_AUDIENCES,
    REACTION_KINDS,
    Comment,
    Interaction,
    Mention,
    Organization,
    Position,
    Post,
    Reaction,
    table_of,
    utcnow,
)
from weakties.service.connections import MemberCard, member_of
from weakties.service.context import Viewer, reader
from weakties.service.forms import N_, FormError, has_control_characters
from weakties.service.markup import mentioned_handles, render_markdown
from weakties.service.notifications import notify
from weakties.service.social import (
    blocked_members,
    cards,
    check_rate,
    connected_members,
    hidden_members,
    require_active,
    suspended_members,
)
from weakties.store._base import one_of
from weakties.store.reader import Reader
from weakties.store.search_ddl import matches, may_match, texts_matching

__all__ = [
    "AUDIENCES",
    "BODY_MAX",
    "COMMENT_MAX",
    "REACTIONS",
    "REACTION_KINDS",
    "CommentView",
    "PostView",
    "add_comment",
    "create_post",
    "delete_post",
    "excerpt",
    "group_members",
    "member_groups",
    "member_posts",
    "org_posts",
    "post_excerpt",
    "post_page",
    "post_views",
    "react",
    "search_posts",
    "share_post",
    "visibility",
]

AUDIENCES = POST_AUDIENCES
BODY_MAX = 10_000
REACTIONS = (
    ("like", N_("Like")),
    ("celebrate", N_("Celebrate")),
    ("support", N_("Support")),
    ("insightful", N_("Insightful")),
    ("curious", N_("Curious")),
)
assert tuple(k for k, _label in REACTIONS) == REACTION_KINDS
COMMENT_MAX = 3_000


@dataclass(frozen=True)
class CommentView:
    id: int
    author: MemberCard
    html: str
    created_at: dt.datetime
    parent_id: int | None
    hidden_reason: str | None = None  # shown to the author only
    replies: list[CommentView] = field(default_factory=list)


@dataclass(frozen=True)
class PostView:
    id: int
    author: MemberCard | None  # None: a deleted member's post kept for others' comments
    audience: str
    organization: str | None
    organization_id: int | None
    group: str | None
    group_id: int | None
    html: str
    created_at: dt.datetime
    reactions: dict[str, int]
    my_reaction: str | None
    comment_count: int
    shared: PostView | None
    shared_missing: bool  # a share of a post the viewer may not (or can no longer) read
    is_mine: bool
    hidden_reason: str | None  # the operator's reason, shown to the author only
    why: list[str] = field(default_factory=list)
    comments: list[CommentView] = field(default_factory=list)


@dataclass(frozen=True)
class Visibility:
    """What decides, for one viewer, which posts they may read."""

    me: int
    connected: dict[int, int]  # member -> person
    hidden_authors: set[int]  # blocked either way, or suspended
    groups: dict[int, str] = field(default_factory=dict)  # the viewer's groups: id -> name
    first: set[int] = field(default_factory=set)  # the viewer's first-degree people

    def clause(self, conn: Connection | None = None) -> ColumnElement[bool]:
        """SQL: the posts this viewer may read (``conn``: its database's way of
        matching the viewer's connections, one array on PostgreSQL; see
        :func:`weakties.store._base.one_of`)."""
        connected = sorted(self.connected)
        others = and_(
            Post.author_id.is_not(None),  # a deleted member's post is in no list
            Post.hidden_at.is_(None),
            Post.author_id.not_in(sorted(self.hidden_authors)) if self.hidden_authors else true(),
            or_(
                Post.audience == "everyone",
                and_(
                    Post.audience == "connections",
                    Post.author_id.in_(connected)
                    if conn is None
                    else one_of(conn, Post.author_id, connected),
                ),
                and_(Post.audience == "group", Post.group_id.in_(sorted(self.groups))),
            ),
        )
        return or_(Post.author_id == self.me, others)

    def may_read(self, row: Any) -> bool:
        """Whether the viewer may read the post ``row`` (a deleted member's
        connections-only post: never, here; see :func:`_readable`)."""
        author = row.author_id
        if author is not None and author == self.me:
            return True
        if row.hidden_at is not None or author in self.hidden_authors:
            return False
        audience = row.audience
        return (
            audience == "everyone"
            or (audience == "connections" and author is not None and author in self.connected)
            or (audience == "group" and row.group_id in self.groups)
        )


def visibility(conn: Connection, viewer: Viewer, scoped: Reader | None = None) -> Visibility:
    """What decides which posts the viewer may read (``scoped``: the viewer's reader,
    when the caller reads more through it).

    Kept for the viewer while the graph is unchanged (:func:`weakties.service.live.memo`:
    blocks, suspensions, ties, members and the group positions it is read from are
    all of the graph's tables); shared by the requests that use it, so nobody
    changes it."""
    from weakties.service.live import memo

    return memo(
        conn, viewer, "post_visibility", lambda: _visibility(conn, viewer, scoped), traces=False
    )


def _visibility(conn: Connection, viewer: Viewer, scoped: Reader | None) -> Visibility:
    me = member_of(viewer)
    hidden = hidden_members(conn, viewer)
    groups = member_groups(conn, me, viewer.person_id)
    first = set((scoped or reader(conn, viewer)).first_degree())
    return Visibility(me, connected_members(conn, viewer, first), hidden, groups, first)


def member_groups(conn: Connection, member_id: int, person_id: int | None) -> dict[int, str]:
    """The groups a member belongs to now, as their own data says: id -> name."""
    if person_id is None:
        return {}
    rows = conn.execute(
        select(Organization.id, Organization.name)
        .join(Position, Position.organization_id == Organization.id)
        .where(
            Position.person_id == person_id,
            Position.asserted_by == member_id,
            Position.kind == "group",
            Position.is_current.is_(True),
        )
        .order_by(Organization.name)
    )
    return {int(i): str(n) for i, n in rows}


def group_members(conn: Connection, group_id: int) -> set[int]:
    """The members whose own data says they belong to the group now."""
    from weakties.model.tables import Member

    return set(
        conn.execute(
            select(Member.id)
            .join(Position, Position.person_id == Member.person_id)
            .where(
                Position.organization_id == group_id,
                Position.asserted_by == Member.id,
                Position.kind == "group",
                Position.is_current.is_(True),
            )
        ).scalars()
    )


def _clean(text: str, field_name: str, limit: int, *, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        raise FormError.one(field_name, N_("Write something first."))
    if has_control_characters(text, multiline=True):
        raise FormError.one(field_name, N_("Remove the control characters."))
    if len(text) > limit:
        raise FormError.one(field_name, N_("This text is too long."))
    return text


def _mention_targets(
    conn: Connection,
    author: int,
    text: str,
    audience: str,
    connected_to_author: set[int],
    group_id: int | None = None,
) -> dict[str, int]:
    """Handle -> member for the ``@handle`` mentions that may stand: members who can
    read the post, with no block between them and the author, not suspended."""
    from weakties.model.tables import Member

    handles = mentioned_handles(text)[:50]
    if not handles:
        return {}
    rows = conn.execute(
        select(Member.id, func.lower(Member.handle)).where(func.lower(Member.handle).in_(handles))
    )
    blocked = blocked_members(conn, author) | suspended_members(conn)
    readers = group_members(conn, group_id) if audience == "group" and group_id else set()
    out = {}
    for member_id, handle in rows:
        if member_id == author or member_id in blocked:
            continue
        if audience == "connections" and member_id not in connected_to_author:
            continue
        if audience == "group" and member_id not in readers:
            continue
        out[handle] = member_id
    return out


def _trace(
    conn: Connection,
    kind: str,
    sender: MemberCard,
    recipient: MemberCard,
    when: dt.datetime,
    key: str,
    detail: str | None = None,
) -> None:
    """One interaction (metadata only) for the tie model, in the actor's data."""
    if sender.person_id == recipient.person_id:
        return
    conn.execute(
        insert(Interaction).values(
            kind=kind,
            channel="platform",
            sender_id=sender.person_id,
            recipient_id=recipient.person_id,
            occurred_at=when,
            group_size=1,
            detail=detail,
            asserted_by=sender.member_id,
            natural_key=key,
        )
    )


def _own_org(conn: Connection, viewer: Viewer, organization_id: int) -> str:
    """The name of an organisation the viewer currently works at (their own data)."""
    row = conn.execute(
        select(Organization.name)
        .join(Position, Position.organization_id == Organization.id)
        .where(
            Organization.id == organization_id,
            Position.person_id == viewer.person_id,
            Position.asserted_by == member_of(viewer),
            Position.is_current.is_(True),
            Position.kind == "job",
        )
    ).first()
    if row is None:
        raise FormError.one(
            "organization_id", N_("You can post for an organisation you work at only.")
        )
    return str(row[0])


def create_post(
    conn: Connection,
    viewer: Viewer,
    body: str,
    audience: str = "everyone",
    *,
    organization_id: int | None = None,
    group_id: int | None = None,
    shared_post_id: int | None = None,
) -> PostView:
    """Publish a post (Markdown) to ``audience``; mentions are notified.

    Raises
    ------
    FormError
        Empty or too long ``body``, an unknown ``audience``, an organisation the
        viewer does not work at, a group they are not in (``group_id``).
    RefusedError
        The viewer is suspended, or posted too much in the last hour.
    """
    me = require_active(conn, viewer)
    if audience not in AUDIENCES:
        raise FormError.one("audience", N_("Choose who may read the post."))
    body = _clean(body, "body", BODY_MAX, required=shared_post_id is None)
    if organization_id is not None:
        _own_org(conn, viewer, organization_id)
    seen = visibility(conn, viewer)
    if audience != "group":
        group_id = None
    elif group_id is None or group_id not in seen.groups:
        raise FormError.one("group_id", N_("Choose one of your groups."))
    check_rate(conn, me, "post")
    targets = _mention_targets(conn, me, body, audience, set(seen.connected), group_id)
    now = utcnow()
    post_id = conn.execute(
        insert(Post)
        .values(
            author_id=me,
            audience=audience,
            organization_id=organization_id,
            group_id=group_id,
            body=body,
            html=render_markdown(body, targets) if body else "",
            shared_post_id=shared_post_id,
            created_at=now,
        )
        .returning(Post.id)
    ).scalar_one()
    for member_id in targets.values():
        conn.execute(insert(Mention).values(post_id=post_id, member_id=member_id))
        notify(
            conn,
            member_id,
            "mention",
            dedup=f"mention-post-{post_id}",
            thread=f"post-{post_id}",
            actor_id=me,
            post_id=post_id,
            at=now,
        )
    return post_page(conn, viewer, post_id, with_comments=False)


def share_post(
    conn: Connection, viewer: Viewer, post_id: int, body: str = "", audience: str = "everyone"
) -> PostView:
    """Share a post the viewer may read, with an optional comment of their own.

    A share of a connections-only post goes to the sharer's connections at most,
    and only those who may read the original see it inside the share.
    """
    original = _readable(conn, viewer, post_id)
    if original.shared_post_id is not None:  # share the original, not the share
        original = _readable(conn, viewer, original.shared_post_id)
    if original.author_id is None:  # a deleted member's post: nothing left to share
        raise NotFoundError(f"no post {original.id}")
    if original.audience != "everyone":
        audience = "connections"
    view = create_post(conn, viewer, body, audience, shared_post_id=original.id)
    cards_ = cards(conn, {member_of(viewer), original.author_id})
    _trace(
        conn,
        "share",
        cards_[member_of(viewer)],
        cards_[original.author_id],
        view.created_at,
        f"platform-share-{view.id}",
    )
    notify(
        conn,
        original.author_id,
        "reaction",
        dedup=f"share-{view.id}",
        thread=f"post-{original.id}",
        actor_id=member_of(viewer),
        post_id=original.id,
        detail="share",
        at=view.created_at,
    )
    return view


def _readable(
    conn: Connection, viewer: Viewer, post_id: int, seen: Visibility | None = None
) -> Any:
    row = conn.execute(select(table_of(Post)).where(Post.id == post_id)).first()
    seen = seen or visibility(conn, viewer)
    if row is None or not (seen.may_read(row) or _commented_placeholder(conn, seen, row)):
        raise NotFoundError(f"no post {post_id}")
    return row


def _commented_placeholder(conn: Connection, seen: Visibility, row: Any) -> bool:
    """A deleted member's connections-only post stays readable to those who
    commented on it (the author's connections, its readers, are gone)."""
    if row.author_id is not None or row.audience != "connections" or row.hidden_at is not None:
        return False
    mine = select(Comment.id).where(Comment.post_id == row.id, Comment.author_id == seen.me)
    return bool(conn.execute(select(mine.exists())).scalar())


def post_views(
    conn: Connection, viewer: Viewer, rows: list[Any], seen: Visibility
) -> list[PostView]:
    """Views of posts already known to be readable by the viewer (one query per kind)."""
    if not rows:
        return []
    ids = [r.id for r in rows]
    shared_ids = {r.shared_post_id for r in rows if r.shared_post_id}
    shared_rows = (
        {
            r.id: r
            for r in conn.execute(select(table_of(Post)).where(Post.id.in_(sorted(shared_ids))))
            # a share of a deleted member's post shows it missing, as one gone
            if r.author_id is not None and seen.may_read(r)
        }
        if shared_ids
        else {}
    )
    all_ids = ids + sorted(shared_rows)
    reactions: dict[int, Counter[str]] = {}
    mine: dict[int, str] = {}
    for pid, member, kind in conn.execute(
        select(Reaction.post_id, Reaction.member_id, Reaction.kind).where(
            Reaction.post_id.in_(all_ids)
        )
    ):
        if member in seen.hidden_authors:
            continue
        reactions.setdefault(pid, Counter())[kind] += 1
        if member == seen.me:
            mine[pid] = kind
    counts = dict(
        conn.execute(
            select(Comment.post_id, func.count())
            .where(
                Comment.post_id.in_(all_ids),
                Comment.hidden_at.is_(None),
                Comment.author_id.not_in(sorted(seen.hidden_authors))
                if seen.hidden_authors
                else true(),
            )
            .group_by(Comment.post_id)
        ).all()
    )
    orgs = {
        o
        for r in [*rows, *shared_rows.values()]
        for o in (r.organization_id, r.group_id)
        if o is not None
    }
    org_names = (
        dict(
            conn.execute(
                select(Organization.id, Organization.name).where(Organization.id.in_(sorted(orgs)))
            ).all()
        )
        if orgs
        else {}
    )
    people = cards(
        conn, {r.author_id for r in [*rows, *shared_rows.values()] if r.author_id is not None}
    )

    def view(r: Any, inner: bool = False) -> PostView:
        shared = None
        if r.shared_post_id and not inner and r.shared_post_id in shared_rows:
            shared = view(shared_rows[r.shared_post_id], inner=True)
        return PostView(
            id=r.id,
            author=people[r.author_id] if r.author_id is not None else None,
            audience=r.audience,
            organization=org_names.get(r.organization_id) if r.organization_id else None,
            organization_id=r.organization_id,
            group=org_names.get(r.group_id) if r.group_id else None,
            group_id=r.group_id,
            html=r.html,
            created_at=r.created_at,
            reactions={k: reactions.get(r.id, Counter()).get(k, 0) for k in REACTION_KINDS},
            my_reaction=mine.get(r.id),
            comment_count=int(counts.get(r.id, 0)),
            shared=shared,
            shared_missing=bool(r.shared_post_id) and shared is None and not inner,
            is_mine=r.author_id == seen.me,
            hidden_reason=r.hidden_reason if r.author_id == seen.me and r.hidden_at else None,
        )

    return [view(r) for r in rows]


def post_page(
    conn: Connection, viewer: Viewer, post_id: int, *, with_comments: bool = True
) -> PostView:
    """A post with its comments (and their replies), as the viewer may read them.

    Raises
    ------
    NotFoundError
        No such post, or not one the viewer may read.
    """
    seen = visibility(conn, viewer)
    row = _readable(conn, viewer, post_id, seen)
    view = post_views(conn, viewer, [row], seen)[0]
    if not with_comments:
        return view
    rows = conn.execute(
        select(table_of(Comment)).where(Comment.post_id == post_id).order_by(Comment.id)
    ).all()
    rows = [
        c
        for c in rows
        if c.author_id == seen.me
        or (c.hidden_at is None and c.author_id not in seen.hidden_authors)
    ]
    people = cards(conn, {c.author_id for c in rows})
    top: list[CommentView] = []
    by_id: dict[int, CommentView] = {}
    for c in rows:
        item = CommentView(
            c.id,
            people[c.author_id],
            c.html,
            c.created_at,
            c.parent_id,
            c.hidden_reason if c.hidden_at else None,
        )
        by_id[c.id] = item
        parent = by_id.get(c.parent_id) if c.parent_id else None
        if parent is not None:
            parent.replies.append(item)
        elif c.parent_id is None:
            top.append(item)
    return PostView(**{**view.__dict__, "comments": top})


def _hold_what_it_answers(conn: Connection, post_id: int, parent_id: int | None) -> None:
    """PostgreSQL: the post and the comment answered are held (FOR KEY SHARE) until
    the comment is committed, or the comment is refused as answering nothing.

    Requests write concurrently there: a deletion of the post or of the comment
    (the author's, or an account's, which locks the member's posts and comments
    FOR UPDATE first) makes this wait, and once it is committed the row is gone,
    so the comment is refused with the ``NotFoundError`` of a post or comment that
    is not there, rather than failing at the insert on the foreign key (an
    ``IntegrityError``, which aborts the transaction). Held, neither can be
    deleted before the comment is committed, and a deletion then sees it. SQLite
    has one writer at a time: nothing is deleted during this write.

    Raises
    ------
    NotFoundError
        The post or the comment was deleted meanwhile.
    """
    if conn.dialect.name != "postgresql":
        return
    held = conn.execute(
        select(Post.id).where(Post.id == post_id).with_for_update(read=True, key_share=True)
    ).first()
    if held is None:
        raise NotFoundError(f"no post {post_id}")
    if parent_id is not None:
        held = conn.execute(
            select(Comment.id)
            .where(Comment.id == parent_id, Comment.post_id == post_id)
            .with_for_update(read=True, key_share=True)
        ).first()
        if held is None:
            raise NotFoundError(f"no comment {parent_id} on post {post_id}")


def add_comment(
    conn: Connection, viewer: Viewer, post_id: int, body: str, parent_id: int | None = None
) -> CommentView:
    """Comment on a post the viewer may read (or reply to a comment on it).

    Raises
    ------
    NotFoundError
        The post, or the comment replied to, is not one the viewer may read.
    FormError
        Empty or too long ``body``.
    RefusedError
        Suspended, or too many comments in the last hour.
    """
    me = require_active(conn, viewer)
    seen = visibility(conn, viewer)
    post = _readable(conn, viewer, post_id, seen)
    body = _clean(body, "body", COMMENT_MAX)
    parent = None
    if parent_id is not None:
        parent = conn.execute(
            select(table_of(Comment)).where(Comment.id == parent_id, Comment.post_id == post_id)
        ).first()
        if parent is None or (
            parent.author_id != me
            and (parent.hidden_at is not None or parent.author_id in seen.hidden_authors)
        ):
            raise NotFoundError(f"no comment {parent_id} on post {post_id}")
        if parent.parent_id is not None:  # replies stay one level deep
            parent = conn.execute(
                select(table_of(Comment)).where(Comment.id == parent.parent_id)
            ).first()
    _hold_what_it_answers(conn, post_id, parent.id if parent else None)
    check_rate(conn, me, "comment")
    author = post.author_id  # None: a deleted member's post (nobody to tell, no trace)
    connected_to_author = set(seen.connected) if author == me else set()
    if author is not None and author != me and post.audience == "connections":
        # a mention must be able to read the post: for a connections-only post,
        # the post author's connections (the readers), not the commenter's
        from weakties.service.context import viewer as member_viewer

        author_card = cards(conn, [author])[author]
        connected_to_author = set(connected_members(conn, member_viewer(conn, author_card.handle)))
    if author is not None:
        connected_to_author.add(author)
    targets = _mention_targets(conn, me, body, post.audience, connected_to_author, post.group_id)
    now = utcnow()
    comment_id = conn.execute(
        insert(Comment)
        .values(
            post_id=post_id,
            parent_id=parent.id if parent else None,
            author_id=me,
            body=body,
            html=render_markdown(body, targets),
            created_at=now,
        )
        .returning(Comment.id)
    ).scalar_one()
    people = cards(
        conn, {me, *([author] if author else []), *([parent.author_id] if parent else [])}
    )
    recipient = parent.author_id if parent else author
    if recipient is not None:
        _trace(
            conn, "comment", people[me], people[recipient], now, f"platform-comment-{comment_id}"
        )
    if author is not None:
        notify(
            conn,
            author,
            "comment",
            dedup=f"comment-{comment_id}",
            thread=f"post-{post_id}",
            actor_id=me,
            post_id=post_id,
            at=now,
        )
    if parent and parent.author_id != author:
        notify(
            conn,
            parent.author_id,
            "reply",
            dedup=f"reply-{comment_id}",
            thread=f"post-{post_id}",
            actor_id=me,
            post_id=post_id,
            at=now,
        )
    for member_id in targets.values():
        conn.execute(
            insert(Mention).values(post_id=post_id, comment_id=comment_id, member_id=member_id)
        )
        notify(
            conn,
            member_id,
            "mention",
            dedup=f"mention-comment-{comment_id}",
            thread=f"post-{post_id}",
            actor_id=me,
            post_id=post_id,
            at=now,
        )
    return CommentView(
        comment_id, people[me], render_markdown(body, targets), now, parent.id if parent else None
    )


def react(conn: Connection, viewer: Viewer, post_id: int, kind: str | None) -> PostView:
    """Set (or with ``None`` remove) the viewer's reaction to a post they may read.

    Raises
    ------
    FormError
        ``kind`` is not one of :data:`~weakties.model.tables.REACTION_KINDS`.
    """
    me = require_active(conn, viewer)
    if kind is not None and kind not in REACTION_KINDS:
        raise FormError.one("kind", N_("Choose one of the reactions."))
    seen = visibility(conn, viewer)
    post = _readable(conn, viewer, post_id, seen)
    key = f"platform-reaction-{post_id}-{me}"
    conn.execute(delete(Reaction).where(Reaction.post_id == post_id, Reaction.member_id == me))
    if kind is None:
        conn.execute(delete(Interaction).where(Interaction.natural_key == key))
        return post_page(conn, viewer, post_id, with_comments=False)
    check_rate(conn, me, "comment")
    now = utcnow()
    conn.execute(insert(Reaction).values(post_id=post_id, member_id=me, kind=kind, created_at=now))
    updated = conn.execute(
        update(Interaction)
        .where(Interaction.natural_key == key)
        .values(detail=kind, occurred_at=now)
    ).rowcount
    if post.author_id is None:  # a deleted member's post: nobody to tell, no trace
        return post_page(conn, viewer, post_id, with_comments=False)
    if not updated:
        people = cards(conn, {me, post.author_id})
        _trace(conn, "reaction", people[me], people[post.author_id], now, key, detail=kind)
    notify(
        conn,
        post.author_id,
        "reaction",
        dedup=f"reaction-{post_id}-{me}",
        thread=f"post-{post_id}",
        actor_id=me,
        post_id=post_id,
        detail=kind,
        at=now,
    )
    return post_page(conn, viewer, post_id, with_comments=False)


def delete_post(conn: Connection, viewer: Viewer, post_id: int) -> None:
    """Delete one of the viewer's posts (its comments and reactions go with it).

    Raises
    ------
    NotFoundError
        Not a post of the viewer's.
    """
    gone = conn.execute(
        delete(Post).where(Post.id == post_id, Post.author_id == member_of(viewer))
    ).rowcount
    if not gone:
        raise NotFoundError(f"no post {post_id} of yours")


def member_posts(
    conn: Connection, viewer: Viewer, author_id: int, *, limit: int = 20
) -> list[PostView]:
    """A member's recent posts that the viewer may read (their profile's activity)."""
    seen = visibility(conn, viewer)
    rows = conn.execute(
        select(table_of(Post))
        .where(Post.author_id == author_id, seen.clause())
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(limit)
    ).all()
    return post_views(conn, viewer, list(rows), seen)


def search_posts(
    conn: Connection, viewer: Viewer, query: str, *, limit: int = 20
) -> list[PostView]:
    """The newest posts having every word of ``query`` (accents and case ignored)
    that the viewer may read: inside their audience, never one hidden by the
    operator (the viewer's own neither), none by, naming or sharing a post of a
    member hidden from the viewer (a block either way, a suspension).

    PostgreSQL's planner chooses between walking the newest posts and checking
    each one's stored vector, and reading the text index's matches, from its
    statistics. SQLite's cannot know how many posts a word matches: it read every
    match (a common word: a tenth of a million posts) and then every matching
    post, to keep the newest readable ones. On SQLite the newest posts are walked
    instead, a window at a time, and each window's readable posts matched against
    the words with the index's own engine
    (:func:`~weakties.store.search_ddl.texts_matching`), until the page is full
    (:func:`_walk_newest`); when the words are too rare for a short walk to fill it,
    the matches it did not reach are read from the index as before. A word that
    begins no word of any post (a name, in a million posts about topics) is known
    from the index's list of its words first
    (:func:`~weakties.store.search_ddl.may_match`), and nothing is walked. Either
    way, what a post must be to be shown is one condition, the same for every post."""
    found = matches(conn, "post", query)
    if found is None or not may_match(conn, "post", query):
        return []
    limit = min(max(limit, 1), 100)
    seen = visibility(conn, viewer)
    readable = [Post.hidden_at.is_(None), seen.clause(conn)]
    hidden = sorted(seen.hidden_authors)
    if hidden:
        shared = aliased(Post)
        readable += [
            ~select(Mention.id)
            .where(
                Mention.post_id == Post.id,
                Mention.comment_id.is_(None),
                Mention.member_id.in_(hidden),
            )
            .exists(),
            ~select(shared.id)
            .where(shared.id == Post.shared_post_id, shared.author_id.in_(hidden))
            .exists(),
        ]
    newest = (Post.created_at.desc(), Post.id.desc())
    rows: list[Any] = []
    walked: list[int] | None = []
    if conn.dialect.name == "sqlite":
        rows, walked = _walk_newest(conn, query, readable, limit)
        if len(rows) >= limit or walked is None:
            return post_views(conn, viewer, rows[:limit], seen)
    rest = select(table_of(Post)).where(found, *readable)
    if walked:
        rest = rest.where(~one_of(conn, Post.id, walked))
    rows += conn.execute(rest.order_by(*newest).limit(limit - len(rows))).all()
    return post_views(conn, viewer, rows, seen)


#: the walk's first window: posts per result wanted, and at least so many;
#: each next window twice the last, up to WINDOW_MAX
WINDOW_PER_RESULT = 10
WINDOW_MIN = 100
WINDOW_MAX = 1000


def walk_budget(posts: int, limit: int) -> int:
    """Posts worth walking for a page of ``limit`` among ``posts`` (see
    :func:`_walk_newest`).

    >>> walk_budget(1_000_000, 20)
    2000
    """
    return math.isqrt(posts * limit // 5)


def _walk_newest(
    conn: Connection, query: str, readable: list[Any], limit: int
) -> tuple[list[Any], list[int] | None]:
    """SQLite: the newest readable posts matching ``query`` among the newest posts,
    newest first, and the ids of the posts walked (None: every post was walked).

    The walk stops when the page is full, or when at the rate it found matches so
    far it would walk more posts than the words have matches to read from the
    index (a rare word). Walking a post costs about five times reading a match
    (its text is matched again); a walk of ``w`` posts finding ``limit`` matches
    means about ``limit / w`` of the ``n`` posts match, so the walk is the cheaper
    while ``5 w < n limit / w``: at most about ``sqrt(n limit / 5)`` posts
    (:func:`walk_budget`: 2,000 of a million for a page of 20)."""
    newest = (Post.created_at.desc(), Post.id.desc())
    # small first (a rare word costs one small window), then larger
    window = max(WINDOW_PER_RESULT * limit, WINDOW_MIN)
    written = conn.execute(select(func.max(Post.id))).scalar() or 0
    budget = max(window, walk_budget(written, limit))
    rows: list[Any] = []
    walked: list[int] = []
    while True:
        # the next newest posts (not an offset: a post written meanwhile does not
        # move the window over a post already walked)
        nxt = select(Post.id).order_by(*newest).limit(window)
        if walked:
            nxt = nxt.where(~one_of(conn, Post.id, walked))
        ids = list(conn.execute(nxt).scalars())
        part = conn.execute(
            select(table_of(Post)).where(one_of(conn, Post.id, ids), *readable)
        ).all()
        keep = texts_matching(query, [(r.id, r.body) for r in part])
        at = {pid: n for n, pid in enumerate(ids)}
        rows += sorted((r for r in part if r.id in keep), key=lambda r: at[r.id])
        walked += ids
        if len(ids) < window:
            return rows, None
        if len(rows) >= limit:
            return rows, walked
        window = min(2 * window, WINDOW_MAX)
        expected = len(walked) + (limit - len(rows)) * len(walked) / max(len(rows), 0.5)
        if expected > budget:
            return rows, walked


#: characters of a post's text shown where a list only quotes it (search, an organisation)
EXCERPT = 280
_BLOCK = re.compile(r"</?(?:p|li|ul|ol|br|hr|h\d|pre|blockquote|table|tr|td|th)\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")


def excerpt(sanitised: str, size: int = EXCERPT) -> str:
    """The text of a post's sanitised HTML, without markup, at most ``size``
    characters (the page escapes it again, as any text).

    >>> excerpt("<p>Hello <em>you</em>. &amp; &lt;b&gt;me&lt;/b&gt;</p>\\n<p>Bye</p>")
    'Hello you. & <b>me</b> Bye'
    """
    plain = " ".join(html.unescape(_TAG.sub("", _BLOCK.sub(" ", sanitised))).split())
    return plain if len(plain) <= size else plain[: size - 1].rstrip() + "…"


def post_excerpt(view: PostView) -> str:
    """The text of a post (of the post it shares, when it has none) as plain text, cut."""
    return excerpt(view.html or (view.shared.html if view.shared else ""))


def org_posts(conn: Connection, viewer: Viewer, org_id: int, *, limit: int = 5) -> list[PostView]:
    """The newest posts for an organisation (written by people who work there, see
    :func:`create_post`) that the viewer may read, at most ``limit``."""
    seen = visibility(conn, viewer)
    rows = conn.execute(
        select(table_of(Post))
        .where(Post.organization_id == org_id, Post.hidden_at.is_(None), seen.clause(conn))
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(min(max(limit, 1), 50))
    ).all()
    return post_views(conn, viewer, list(rows), seen)

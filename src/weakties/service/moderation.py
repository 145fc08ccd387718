"""Safety: blocks, reports, the operator's queue, hiding and suspending.

A member blocks another (from their profile or a conversation): from then on
neither can message, invite or mention the other, and neither sees the other's
posts, comments or profile in search (see :mod:`weakties.service.social`). The
block ends their platform connection, the invitations still open between them,
their follows of each other and the requests for an introduction waiting for an
answer that involve both of them (as requester, broker or person to meet), both
ways; lifting it restores none of them.

A member reports a post, comment or message they can read, or a member, with a
reason. The operator's queue lists open reports with the reported text; the
operator hides the thing (the author still sees it, with the reason), suspends
its author (the member reads but writes nothing; others no longer see them; the
member sees the reason), or dismisses the report. The reporter is told the
outcome, never the reported member who reported them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select, update

from weakties.errors import NotFoundError
from weakties.model.tables import (
    REPORT_KINDS,
    Block,
    Comment,
    Message,
    Post,
    Report,
    Suspension,
    table_of,
    utcnow,
)
from weakties.service.connections import MemberCard, member_of, sever
from weakties.service.context import Viewer
from weakties.service.follows import unfollow_each_other
from weakties.service.forms import N_, FormError, has_control_characters
from weakties.service.social import cards, check_rate, member_by_handle

__all__ = [
    "DECISIONS",
    "KIND_LABELS",
    "REPORT_KINDS",
    "ReportView",
    "block",
    "decide",
    "lift_suspension",
    "my_blocks",
    "report",
    "report_queue",
    "unblock",
]

DECISIONS = ("hide", "suspend", "dismiss")
KIND_LABELS = {
    "post": N_("a post"),
    "comment": N_("a comment"),
    "message": N_("a message"),
    "member": N_("a member"),
}


def block(conn: Connection, viewer: Viewer, handle: str) -> MemberCard:
    """Block the member ``handle`` (again: nothing changes).

    A block also ends what binds the two, both ways: their platform connection,
    the invitations still open between them, their follows of each other and the
    requests for an introduction waiting for an answer that involve both of them.
    Lifting the block restores none of it.
    """
    from weakties.service.introductions import close_on_block

    me = member_of(viewer)
    other = member_by_handle(conn, viewer, handle) if not _blocks(conn, me, handle) else None
    if other is None:
        return _blocks(conn, me, handle)  # type: ignore[return-value]
    if other.member_id == me:
        raise FormError.one("handle", N_("You cannot block yourself."))
    conn.execute(
        insert(Block).values(blocker_id=me, blocked_id=other.member_id, created_at=utcnow())
    )
    mine = cards(conn, [me])[me]
    sever(conn, mine, other)
    unfollow_each_other(conn, mine, other)
    close_on_block(conn, viewer, me, other.member_id)
    return other


def _blocks(conn: Connection, me: int, handle: str) -> MemberCard | None:
    for card in my_blocks_by_id(conn, me):
        if card.handle.lower() == (handle or "").lower():
            return card
    return None


def my_blocks_by_id(conn: Connection, me: int) -> list[MemberCard]:
    ids = conn.execute(select(Block.blocked_id).where(Block.blocker_id == me)).scalars().all()
    people = cards(conn, ids)
    return sorted(people.values(), key=lambda c: c.name)


def my_blocks(conn: Connection, viewer: Viewer) -> list[MemberCard]:
    """The members the viewer blocked (only the viewer's own blocks are listed)."""
    return my_blocks_by_id(conn, member_of(viewer))


def unblock(conn: Connection, viewer: Viewer, handle: str) -> None:
    """Lift a block the viewer made.

    Raises
    ------
    NotFoundError
        The viewer has not blocked ``handle``.
    """
    me = member_of(viewer)
    card = _blocks(conn, me, handle)
    if card is None:
        raise NotFoundError(f"you have not blocked {handle!r}")
    conn.execute(delete(Block).where(Block.blocker_id == me, Block.blocked_id == card.member_id))


def _subject(conn: Connection, viewer: Viewer, kind: str, target: str) -> tuple[int, int]:
    """(target id, member whose thing it is), if the viewer can read the thing."""
    from weakties.service import messages, posts

    if kind == "member":
        card = member_by_handle(conn, viewer, target)
        return card.member_id, card.member_id
    if not target.isdigit() or len(target) > 12:
        raise NotFoundError(f"no {kind} {target!r}")
    target_id = int(target)
    if kind == "post":
        view = posts.post_page(conn, viewer, target_id, with_comments=False)
        if view.author is None:  # a deleted member's post: nothing of theirs is left
            raise NotFoundError(f"no post {target_id}")
        return target_id, view.author.member_id
    if kind == "comment":
        row = conn.execute(select(table_of(Comment)).where(Comment.id == target_id)).first()
        if row is None:
            raise NotFoundError(f"no comment {target_id}")
        view = posts.post_page(conn, viewer, row.post_id)
        ids = {c.id for top in view.comments for c in [top, *top.replies]}
        if target_id not in ids:
            raise NotFoundError(f"no comment {target_id}")
        return target_id, row.author_id
    row = conn.execute(select(table_of(Message)).where(Message.id == target_id)).first()
    if row is None:
        raise NotFoundError(f"no message {target_id}")
    messages.conversation(conn, viewer, row.conversation_id, limit=1, mark=False)
    return target_id, row.sender_id


def report(conn: Connection, viewer: Viewer, kind: str, target: str, reason: str) -> int:
    """Report something the viewer can read (or a member) to the operator.

    Raises
    ------
    FormError
        Unknown ``kind``, a missing or too long ``reason``, one's own thing.
    NotFoundError
        Nothing of that kind the viewer can read.
    """
    me = member_of(viewer)
    if kind not in REPORT_KINDS:
        raise FormError.one("kind", N_("Choose what you report."))
    reason = (reason or "").strip()
    if not reason:
        raise FormError.one("reason", N_("Say what is wrong."))
    if has_control_characters(reason, multiline=True) or len(reason) > 1000:
        raise FormError.one("reason", N_("This text is too long."))
    target_id, subject = _subject(conn, viewer, kind, str(target))
    if subject == me:
        raise FormError.one("kind", N_("You cannot report yourself."))
    check_rate(conn, me, "report")
    return int(
        conn.execute(
            insert(Report)
            .values(
                reporter_id=me,
                kind=kind,
                target_id=target_id,
                subject_id=subject,
                reason=reason,
                status="open",
                created_at=utcnow(),
            )
            .returning(Report.id)
        ).scalar_one()
    )


@dataclass(frozen=True)
class ReportView:
    id: int
    kind: str
    target_id: int
    reporter: MemberCard | None
    subject: MemberCard | None
    reason: str
    status: str
    created_at: dt.datetime
    text: str | None  # the reported text, for the operator
    link: str | None


def _require_operator(conn: Connection, viewer: Viewer) -> None:
    from weakties.model.tables import Account

    role = conn.execute(select(Account.role).where(Account.member_id == member_of(viewer))).scalar()
    if role != "operator":
        raise NotFoundError("the moderation queue is the operator's")


def report_queue(conn: Connection, viewer: Viewer, *, status: str = "open") -> list[ReportView]:
    """The reports (open ones by default), oldest first: for the operator only."""
    _require_operator(conn, viewer)
    rows = conn.execute(
        select(table_of(Report)).where(Report.status == status).order_by(Report.id).limit(500)
    ).all()
    people = cards(conn, {m for r in rows for m in (r.reporter_id, r.subject_id) if m})
    out = []
    for r in rows:
        text, link = None, None
        if r.kind == "post":
            text = conn.execute(select(Post.body).where(Post.id == r.target_id)).scalar()
            link = f"/posts/{r.target_id}"
        elif r.kind == "comment":
            found = conn.execute(
                select(Comment.body, Comment.post_id).where(Comment.id == r.target_id)
            ).first()
            if found:
                text, link = found[0], f"/posts/{found[1]}"
        elif r.kind == "message":
            text = conn.execute(select(Message.body).where(Message.id == r.target_id)).scalar()
        elif r.subject_id in people:
            link = f"/in/{people[r.subject_id].handle}"
        out.append(
            ReportView(
                r.id,
                r.kind,
                r.target_id,
                people.get(r.reporter_id) if r.reporter_id else None,
                people.get(r.subject_id) if r.subject_id else None,
                r.reason,
                r.status,
                r.created_at,
                text,
                link,
            )
        )
    return out


def decide(conn: Connection, viewer: Viewer, report_id: int, decision: str, reason: str) -> None:
    """The operator's decision on a report: hide the thing, suspend its author, or dismiss.

    The reason is shown to the member whose thing is hidden or who is suspended.

    Raises
    ------
    NotFoundError
        Not the operator, or no open report with this id.
    FormError
        Unknown ``decision``; no ``reason`` for hiding or suspending.
    """
    from weakties.service.notifications import notify

    _require_operator(conn, viewer)
    if decision not in DECISIONS:
        raise FormError.one("decision", N_("Choose one of the answers."))
    reason = (reason or "").strip()
    if decision != "dismiss" and not reason:
        raise FormError.one("reason", N_("Say why: the member will read it."))
    if has_control_characters(reason, multiline=True) or len(reason) > 500:
        raise FormError.one("reason", N_("This text is too long."))
    row = conn.execute(
        select(table_of(Report)).where(Report.id == report_id, Report.status == "open")
    ).first()
    if row is None:
        raise NotFoundError(f"no open report {report_id}")
    now = utcnow()
    if decision == "hide" or (decision == "suspend" and row.kind != "member"):
        model = {"post": Post, "comment": Comment, "message": Message}.get(row.kind)
        if model is not None:
            table = table_of(model)
            conn.execute(
                update(table)
                .where(table.c.id == row.target_id)
                .values(hidden_at=now, hidden_reason=reason)
            )
    if decision == "suspend" and row.subject_id is not None:
        if (
            conn.execute(
                select(Suspension.member_id).where(Suspension.member_id == row.subject_id)
            ).first()
            is None
        ):
            conn.execute(
                insert(Suspension).values(member_id=row.subject_id, reason=reason, created_at=now)
            )
    status = {"hide": "hidden", "suspend": "suspended", "dismiss": "dismissed"}[decision]
    # every open report of the same thing is settled with it
    conn.execute(
        update(Report)
        .where(Report.kind == row.kind, Report.target_id == row.target_id, Report.status == "open")
        .values(status=status, handled_at=now, decision=reason or None)
    )
    if row.subject_id is not None and decision != "dismiss":
        notify(
            conn,
            row.subject_id,
            "moderation",
            dedup=f"moderation-{row.kind}-{row.target_id}-{decision}",
            thread="moderation",
            post_id=row.target_id if row.kind == "post" else None,
            detail=reason,
            at=now,
        )


def lift_suspension(conn: Connection, viewer: Viewer, handle: str) -> None:
    """The operator lifts a member's suspension."""
    from sqlalchemy import func

    from weakties.model.tables import Member

    _require_operator(conn, viewer)
    member = conn.execute(
        select(Member.id).where(func.lower(Member.handle) == (handle or "").lower())
    ).scalar()
    if (
        member is None
        or not conn.execute(delete(Suspension).where(Suspension.member_id == member)).rowcount
    ):
        raise NotFoundError(f"no suspended member {handle!r}")

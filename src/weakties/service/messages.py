"""Conversations between members: one-to-one and small groups, message requests.

- Connections write to each other directly. A message to a member who is not a
  connection arrives as a *request*: the recipient accepts (the conversation
  joins their inbox) or declines (it disappears for them, and they never see its
  messages again; the sender is not told: for them a declined request still
  waits). Until the request is accepted its sender may send one message only.
  Small groups (up to :data:`GROUP_MAX` members) are between the
  creator's connections.
- A block stands between two members: neither can start a conversation with the
  other or write in one they share, and neither is shown the other here. Their
  conversation of two (a message request included) is shown to neither while
  the block stands: not in the inbox or the requests, not counted in the badge,
  and its page answers as for a conversation that does not exist. It is hidden,
  not deleted or declined — each member's own messages stay their data (their
  export holds them) and lifting the block shows it again as it was. In a group
  both are in, neither is shown the other's name or messages (nor counted as
  unread); the others see everyone.
- A suspended member is, for everyone else, as behind a block (nobody else sees
  them or what they wrote): their conversations of two are hidden from the other
  member and their name and messages from a group's others, until the
  suspension is lifted. They still read their own conversations, and write in none.
- The etiquette engine refuses a burst of the same text to many members
  (:func:`weakties.opportunity.etiquette.check_message_burst`), and the write
  limit caps messages per hour.
- A member reads only the conversations they are in (as a request: only once
  they were sent one).

Every message is an interaction trace for the tie model, exactly like an
imported one: kind ``message``, from the sender to each other participant, with
the group size and a conversation key. The text stays in the ``message`` table
and is never copied into the trace.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, update

from weakties.errors import NotFoundError, RefusedError
from weakties.model.tables import (
    Conversation,
    Interaction,
    Message,
    Participant,
    table_of,
    utcnow,
)
from weakties.service.connections import MemberCard, member_of
from weakties.service.context import Viewer
from weakties.service.forms import N_, FormError, has_control_characters
from weakties.service.notifications import notify
from weakties.service.social import (
    cards,
    check_rate,
    connected_members,
    hidden_members,
    member_by_handle,
    require_active,
)

__all__ = [
    "BODY_MAX",
    "GROUP_MAX",
    "ConversationView",
    "InboxItem",
    "MessageView",
    "answer_request",
    "checked_body",
    "conversation",
    "inbox",
    "messages_after",
    "open_conversation",
    "send",
    "start_conversation",
    "unread_total",
]

BODY_MAX = 5_000
GROUP_MAX = 10  # members in a conversation, the sender included


@dataclass(frozen=True)
class MessageView:
    id: int
    sender: MemberCard
    body: str | None  # None when the operator hid it
    created_at: dt.datetime
    is_mine: bool
    hidden_reason: str | None = None


@dataclass(frozen=True)
class InboxItem:
    id: int
    others: list[MemberCard]
    last_at: dt.datetime
    unread: int
    state: str  # active / request
    preview: str | None


@dataclass(frozen=True)
class ConversationView:
    id: int
    others: list[MemberCard]
    state: str  # the viewer's: active / request
    waiting: bool  # the viewer sent a request that is not accepted (waiting or declined)
    messages: list[MessageView]
    blocked: bool  # a block stands between the viewer and someone in it, or one is suspended


def _body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise FormError.one("body", N_("Write something first."))
    if has_control_characters(body, multiline=True):
        raise FormError.one("body", N_("Remove the control characters."))
    if len(body) > BODY_MAX:
        raise FormError.one("body", N_("This text is too long."))
    return body


def _participants(conn: Connection, conversation_id: int) -> dict[int, str]:
    return dict(
        conn.execute(
            select(Participant.member_id, Participant.state).where(
                Participant.conversation_id == conversation_id
            )
        ).all()
    )


def _direct_between(conn: Connection, one: int, other: int) -> int | None:
    """The one-to-one conversation of two members, if any, the newest: not one whose
    request ``one`` declined (they never see it again; writing starts another)."""
    mine = select(Participant.conversation_id).where(
        Participant.member_id == one, Participant.state != "declined"
    )
    theirs = select(Participant.conversation_id).where(Participant.member_id == other)
    sizes = (
        select(Participant.conversation_id)
        .group_by(Participant.conversation_id)
        .having(func.count() == 2)
    )
    return conn.execute(
        select(Conversation.id)
        .where(Conversation.id.in_(mine), Conversation.id.in_(theirs), Conversation.id.in_(sizes))
        .order_by(Conversation.id.desc())
    ).scalar()


def _one_request_message(
    conn: Connection, conversation_id: int, me: int, members: dict[int, str]
) -> None:
    """Refuse a second message into a request the viewer sent that is not accepted:
    waiting or declined alike (the sender is not told which).

    Raises
    ------
    FormError
        The viewer wrote in it already (``body``).
    """
    if len(members) != 2 or members.get(me) != "active":
        return
    if not any(state in ("request", "declined") for m, state in members.items() if m != me):
        return
    sent = conn.execute(
        select(Message.id)
        .where(Message.conversation_id == conversation_id, Message.sender_id == me)
        .limit(1)
    ).first()
    if sent is not None:
        raise FormError.one(
            "body",
            N_(
                "Your message request waits for an answer: you can write again once it is accepted."
            ),
        )


def _burst_check(conn: Connection, viewer: Viewer, body: str, recipients: set[int]) -> None:
    """Ask the etiquette engine whether this text, sent before to other members in
    the last day, makes a mass mailing."""
    from weakties.opportunity.etiquette import MESSAGE_BURST_WINDOW, check_message_burst

    me = member_of(viewer)
    since = utcnow() - MESSAGE_BURST_WINDOW
    earlier = conn.execute(
        select(Message.body, Participant.member_id, Message.created_at)
        .join(Participant, Participant.conversation_id == Message.conversation_id)
        .where(Message.sender_id == me, Message.created_at > since, Participant.member_id != me)
        .order_by(Message.id.desc())
        .limit(2000)
    ).all()
    people = cards(conn, {m for _b, m, _at in earlier} | recipients)
    names = [n for c in people.values() for n in (c.name, c.handle)]
    refusal = check_message_burst(body, sorted(recipients), earlier, names=names)
    if refusal is not None:
        raise RefusedError(refusal["message"], [refusal])


def _record(
    conn: Connection,
    conversation_id: int,
    sender: int,
    body: str,
    members: dict[int, str],
    *,
    notice: bool = True,
) -> int:
    now = utcnow()
    message_id = conn.execute(
        insert(Message)
        .values(conversation_id=conversation_id, sender_id=sender, body=body, created_at=now)
        .returning(Message.id)
    ).scalar_one()
    conn.execute(
        update(Conversation).where(Conversation.id == conversation_id).values(last_message_at=now)
    )
    conn.execute(
        update(Participant)
        .where(Participant.conversation_id == conversation_id, Participant.member_id == sender)
        .values(last_read_id=message_id)
    )
    people = cards(conn, members)
    others = [m for m in members if m != sender]
    # the traces: as an imported message, one per recipient, metadata only
    for other in others:
        conn.execute(
            insert(Interaction).values(
                kind="message",
                channel="platform",
                sender_id=people[sender].person_id,
                recipient_id=people[other].person_id,
                occurred_at=now,
                group_size=len(others),
                conversation=f"platform-conversation-{conversation_id}",
                asserted_by=sender,
                natural_key=f"platform-message-{message_id}-{other}",
            )
        )
        state = members[other]
        if state == "declined" or not notice:
            continue
        notify(
            conn,
            other,
            "request" if state == "request" else "message",
            dedup=f"message-{message_id}",
            thread=f"conversation-{conversation_id}",
            actor_id=sender,
            conversation_id=conversation_id,
            at=now,
        )
    return message_id


def start_conversation(conn: Connection, viewer: Viewer, handles: list[str], body: str) -> int:
    """Write to one member (a request if they are not a connection) or to a small
    group of connections; returns the conversation's id. A one-to-one message goes
    into the conversation the two already have.

    Raises
    ------
    FormError
        No recipient, too many, the viewer themself, a group with a non-connection
        (``to``); empty or too long text (``body``).
    NotFoundError
        A recipient who does not exist, is suspended or has a block with the viewer.
    RefusedError
        Suspended, too many messages, or the same text to many members.
    """
    me = require_active(conn, viewer)
    wanted = list(dict.fromkeys(h.strip().lstrip("@").lower() for h in handles if h.strip()))
    if not wanted:
        raise FormError.one("to", N_("Say who the message is for."))
    if len(wanted) >= GROUP_MAX:
        raise FormError.one("to", N_("A conversation has at most 10 members."))
    body = _body(body)
    recipients = [member_by_handle(conn, viewer, h) for h in wanted]
    if any(r.member_id == me for r in recipients):
        raise FormError.one("to", N_("You cannot write to yourself."))
    connected = connected_members(conn, viewer)
    strangers = [r for r in recipients if r.member_id not in connected]
    if strangers and len(recipients) > 1:
        raise FormError.one(
            "to",
            N_("A group conversation is between your connections: write to others one by one."),
        )
    _burst_check(conn, viewer, body, {r.member_id for r in recipients})
    check_rate(conn, me, "message")
    if len(recipients) == 1:
        existing = _direct_between(conn, me, recipients[0].member_id)
        if existing is not None:
            members = _participants(conn, existing)
            if members[me] == "request":  # writing back accepts
                _set_state(conn, existing, me, "active")
                members[me] = "active"
            _one_request_message(conn, existing, me, members)
            _record(conn, existing, me, body, members)
            return existing
    now = utcnow()
    conversation_id = conn.execute(
        insert(Conversation)
        .values(created_by=me, created_at=now, last_message_at=now)
        .returning(Conversation.id)
    ).scalar_one()
    members = {me: "active"}
    for r in recipients:
        members[r.member_id] = "request" if r.member_id not in connected else "active"
    conn.execute(
        insert(Participant),
        [
            {"conversation_id": conversation_id, "member_id": m, "state": s, "joined_at": now}
            for m, s in members.items()
        ],
    )
    _record(conn, conversation_id, me, body, members)
    return conversation_id


def checked_body(body: str) -> str:
    """A message's text, stripped, if it may be sent.

    Raises
    ------
    FormError
        Empty, too long, or with control characters (``body``).
    """
    return _body(body)


def open_conversation(
    conn: Connection, members: list[int], bodies: list[tuple[int, str]], *, notice: bool = True
) -> int:
    """A new conversation between ``members`` (each in their inbox), written in by
    each ``(sender, text)`` of ``bodies`` in turn; returns its id. For conversations
    the platform opens on its members' behalf (an introduction's private thread,
    its conversation of three): the caller checked who may be in it; the texts
    are traces like any message. ``notice`` False: the caller notifies."""
    now = utcnow()
    conversation_id = conn.execute(
        insert(Conversation)
        .values(created_by=members[0], created_at=now, last_message_at=now)
        .returning(Conversation.id)
    ).scalar_one()
    states = dict.fromkeys(members, "active")
    conn.execute(
        insert(Participant),
        [
            {"conversation_id": conversation_id, "member_id": m, "state": s, "joined_at": now}
            for m, s in states.items()
        ],
    )
    for sender, text in bodies:
        _record(conn, conversation_id, sender, text, states, notice=notice)
    return conversation_id


def _set_state(conn: Connection, conversation_id: int, member_id: int, state: str) -> None:
    conn.execute(
        update(Participant)
        .where(Participant.conversation_id == conversation_id, Participant.member_id == member_id)
        .values(state=state)
    )


def _blocked(conn: Connection, viewer: Viewer) -> list[int]:
    """The members the viewer is not shown here, sorted: those with a block between
    them and the viewer (either way) and the suspended ones (:func:`hidden_members`:
    nobody else sees a suspended member or what they wrote)."""
    return sorted(hidden_members(conn, viewer))


def _behind_block(me: int, members: dict[int, str], blocked: list[int]) -> bool:
    """A conversation of two whose other member has a block with the viewer."""
    return len(members) == 2 and any(m in blocked for m in members if m != me)


def _hidden_conversations(conn: Connection, me: int, blocked: list[int]) -> list[int]:
    """The viewer's conversations of two with a member behind a block: shown to
    neither of them while the block stands."""
    if not blocked:
        return []
    mine = select(Participant.conversation_id).where(Participant.member_id == me)
    pairs = (
        select(Participant.conversation_id)
        .group_by(Participant.conversation_id)
        .having(func.count() == 2)
    )
    return sorted(
        conn.execute(
            select(Participant.conversation_id).where(
                Participant.member_id.in_(blocked),
                Participant.conversation_id.in_(mine),
                Participant.conversation_id.in_(pairs),
            )
        ).scalars()
    )


def _mine(conn: Connection, viewer: Viewer, conversation_id: int) -> tuple[int, dict[int, str]]:
    me = member_of(viewer)
    members = _participants(conn, conversation_id)
    if members.get(me) not in ("active", "request") or _behind_block(
        me, members, _blocked(conn, viewer)
    ):
        raise NotFoundError(f"no conversation {conversation_id}")
    return me, members


def send(conn: Connection, viewer: Viewer, conversation_id: int, body: str) -> int:
    """Write in a conversation the viewer is in; returns the message id.

    Raises
    ------
    NotFoundError
        Not a conversation of the viewer's.
    RefusedError
        A block stands between the viewer and someone in it; suspended; too many.
    """
    me = require_active(conn, viewer)
    me, members = _mine(conn, viewer, conversation_id)
    body = _body(body)
    blocked = hidden_members(conn, viewer)
    if any(m in blocked for m in members if m != me):
        raise RefusedError("you cannot write in this conversation any more", [{"rule": "blocked"}])
    _one_request_message(conn, conversation_id, me, members)
    _burst_check(conn, viewer, body, {m for m in members if m != me})
    check_rate(conn, me, "message")
    if members[me] == "request":  # answering a request accepts it
        _set_state(conn, conversation_id, me, "active")
        members[me] = "active"
    return _record(conn, conversation_id, me, body, members)


def answer_request(conn: Connection, viewer: Viewer, conversation_id: int, *, accept: bool) -> None:
    """Accept a message request (it joins the inbox) or decline it (it disappears;
    the sender is not told).

    Raises
    ------
    NotFoundError
        No request with this id for the viewer.
    """
    me = member_of(viewer)
    members = _participants(conn, conversation_id)
    if members.get(me) != "request" or _behind_block(me, members, _blocked(conn, viewer)):
        raise NotFoundError(f"no message request {conversation_id}")
    _set_state(conn, conversation_id, me, "active" if accept else "declined")


def _views(
    conn: Connection, me: int, rows: list[Any], people: dict[int, MemberCard]
) -> list[MessageView]:
    return [
        MessageView(
            m.id,
            people[m.sender_id],
            None if m.hidden_at is not None else m.body,
            m.created_at,
            m.sender_id == me,
            m.hidden_reason if m.hidden_at is not None else None,
        )
        for m in rows
        if m.sender_id in people
    ]


def _mark_read(conn: Connection, conversation_id: int, me: int, last_id: int) -> None:
    """The viewer has read up to ``last_id``. A page read again writes nothing: on
    SQLite a write waits for every other writer, and reading is what members do
    most."""
    read = conn.execute(
        select(Participant.last_read_id).where(
            Participant.conversation_id == conversation_id, Participant.member_id == me
        )
    ).scalar()
    if read is not None and read >= last_id:
        return
    conn.execute(
        update(Participant)
        .where(
            Participant.conversation_id == conversation_id,
            Participant.member_id == me,
            Participant.last_read_id < last_id,
        )
        .values(last_read_id=last_id)
    )


def conversation(
    conn: Connection, viewer: Viewer, conversation_id: int, *, limit: int = 50, mark: bool = True
) -> ConversationView:
    """The newest messages of a conversation the viewer is in; marks them read.

    Raises
    ------
    NotFoundError
        Not a conversation of the viewer's (declined requests included).
    """
    me, members = _mine(conn, viewer, conversation_id)
    unseen = _blocked(conn, viewer)  # in a group: their name and messages
    people = {m: card for m, card in cards(conn, members).items() if m not in unseen}
    rows = list(
        conn.execute(
            _shown_messages(select(table_of(Message)), unseen)
            .where(Message.conversation_id == conversation_id)
            .order_by(Message.id.desc())
            .limit(limit)
        )
    )[::-1]
    if mark and rows:
        _mark_read(conn, conversation_id, me, rows[-1].id)
    blocked = hidden_members(conn, viewer)  # as `send` refuses: a block or a suspension
    others = [people[m] for m in members if m != me and m in people]
    return ConversationView(
        conversation_id,
        others,
        members[me],
        # a declined request looks to its sender exactly as one still waiting
        waiting=len(members) == 2
        and any(members[m] in ("request", "declined") for m in members if m != me),
        messages=_views(conn, me, rows, people),
        blocked=any(m in blocked for m in members if m != me),
    )


def _shown_messages(query: Any, unseen: list[int]) -> Any:
    """``query`` on messages, but those of a member with a block with the viewer."""
    return query.where(Message.sender_id.not_in(unseen)) if unseen else query


def messages_after(
    conn: Connection, viewer: Viewer, conversation_id: int, after_id: int
) -> list[MessageView]:
    """The messages after ``after_id`` (what a page that is open has not shown yet)."""
    me, members = _mine(conn, viewer, conversation_id)
    unseen = _blocked(conn, viewer)
    rows = list(
        conn.execute(
            _shown_messages(select(table_of(Message)), unseen)
            .where(Message.conversation_id == conversation_id, Message.id > after_id)
            .order_by(Message.id)
            .limit(200)
        )
    )
    if rows:
        _mark_read(conn, conversation_id, me, rows[-1].id)
    people = {m: card for m, card in cards(conn, members).items() if m not in unseen}
    return _views(conn, me, rows, people)


def inbox(
    conn: Connection, viewer: Viewer, *, state: str = "active", limit: int = 50
) -> list[InboxItem]:
    """The viewer's conversations (``active``) or message requests (``request``),
    the most recent first, with unread counts. A conversation of two with a member
    behind a block is not among them, and a group's shows neither the name nor the
    messages of such a member (see the module's doc)."""
    me = member_of(viewer)
    unseen = _blocked(conn, viewer)
    query = (
        select(Participant.conversation_id, Participant.last_read_id)
        .join(Conversation, Conversation.id == Participant.conversation_id)
        .where(Participant.member_id == me, Participant.state == state)
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
        .limit(limit)
    )
    hidden = _hidden_conversations(conn, me, unseen)
    if hidden:
        query = query.where(Participant.conversation_id.not_in(hidden))
    mine = conn.execute(query).all()
    if not mine:
        return []
    ids = [c for c, _ in mine]
    last_read = dict(mine)
    others: dict[int, list[int]] = {}
    for cid, member in conn.execute(
        select(Participant.conversation_id, Participant.member_id).where(
            Participant.conversation_id.in_(ids), Participant.member_id != me
        )
    ):
        others.setdefault(cid, []).append(member)
    people = {
        m: card
        for m, card in cards(conn, {m for ms in others.values() for m in ms}).items()
        if m not in unseen
    }
    latest = {
        row.conversation_id: row
        for row in conn.execute(
            select(
                Message.conversation_id, Message.body, Message.created_at, Message.hidden_at
            ).where(
                Message.id.in_(
                    _shown_messages(select(func.max(Message.id)), unseen)
                    .where(Message.conversation_id.in_(ids))
                    .group_by(Message.conversation_id)
                )
            )
        )
    }
    unread = dict(
        conn.execute(
            _shown_messages(select(Message.conversation_id, func.count()), unseen)
            .join(
                Participant,
                and_(
                    Participant.conversation_id == Message.conversation_id,
                    Participant.member_id == me,
                ),
            )
            .where(
                Message.conversation_id.in_(ids),
                Message.id > Participant.last_read_id,
                Message.sender_id != me,
            )
            .group_by(Message.conversation_id)
        ).all()
    )
    items = []
    for cid in ids:
        last = latest.get(cid)
        preview = None
        if last is not None and last.hidden_at is None:
            preview = last.body[:120]
        items.append(
            InboxItem(
                cid,
                [people[m] for m in others.get(cid, []) if m in people],
                last.created_at if last is not None else dt.datetime.min,
                int(unread.get(cid, 0)),
                state,
                preview,
            )
        )
    del last_read
    return items


def unread_total(conn: Connection, viewer: Viewer) -> tuple[int, int]:
    """(unread messages in the inbox, open message requests) — the badge: of what
    :func:`inbox` shows (nothing from a member behind a block)."""
    me = member_of(viewer)
    unseen = _blocked(conn, viewer)
    hidden = _hidden_conversations(conn, me, unseen)
    unread = (
        _shown_messages(select(func.count()), unseen)
        .select_from(Message)
        .join(
            Participant,
            and_(
                Participant.conversation_id == Message.conversation_id,
                Participant.member_id == me,
                Participant.state == "active",
            ),
        )
        .where(Message.id > Participant.last_read_id, Message.sender_id != me)
    )
    requests = (
        select(func.count())
        .select_from(Participant)
        .where(Participant.member_id == me, Participant.state == "request")
    )
    if hidden:
        unread = unread.where(Message.conversation_id.not_in(hidden))
        requests = requests.where(Participant.conversation_id.not_in(hidden))
    return int(conn.execute(unread).scalar_one()), int(conn.execute(requests).scalar_one())

"""People you may know and opportunities as the platform's pages show them: each
suggestion and each feed item with its reasons as facts (for the page to word in
the member's language), and what one click may do about it (invite to connect,
under the invitation rules of :mod:`weakties.service.connections`).

The opportunity feed also reaches the member's notifications:
:func:`notify_opportunities` (the background task ``scan_opportunities``) writes one
notification per career move among the feed's items (a move to another employer,
not a first job, a new title or a departure; never the member's own), keyed by the
fact it is about, so that a fact is notified once however often the feed is
computed, and a career move that the career-event scan notified already is not
notified again.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update

from weakties.model.kinds import SOCIAL_TIE_SOURCES
from weakties.model.tables import Account, Event, Member, Setting
from weakties.service.connections import _is_stranger, connection_state, member_of
from weakties.service.context import Viewer, person_of
from weakties.service.social import cards, hidden_members, shown_reader

__all__ = [
    "Invitable",
    "OpportunityItem",
    "OpportunityPage",
    "PymkPage",
    "PymkPerson",
    "notify_opportunities",
    "opportunities_page",
    "people_you_may_know",
    "scan_opportunities",
]


@dataclass(frozen=True, slots=True)
class Invitable:
    """What one click may do about a person: ``state`` is ``none`` (invite),
    ``invited`` (waiting), ``invited_you`` (answer on /network), ``connected``,
    ``not_member`` (not on the platform); ``needs_note``: a stranger's invitation
    needs a personal note (the invitation rules)."""

    handle: str | None
    state: str
    needs_note: bool


@dataclass(frozen=True, slots=True)
class PymkPerson:
    """Someone the viewer may know, why, and whether one click invites them."""

    id: int
    name: str | None
    headline: str | None
    score: float
    mutual_contacts: int
    mutual_sample: list[str]
    shared_places: list[str]
    why: str
    invite: Invitable


@dataclass(frozen=True, slots=True)
class PymkPage:
    viewer: str
    source: str
    note: str
    people: list[PymkPerson]


@dataclass(frozen=True, slots=True)
class OpportunityItem:
    """One feed item with the polite thing to do, and one click where it helps."""

    kind: str
    date: dt.date | None
    person_id: int
    person: str | None
    org: str | None
    broker_id: int | None
    broker: str | None
    text: str
    action: str
    priority: float
    invite: Invitable


@dataclass(frozen=True, slots=True)
class OpportunityPage:
    viewer: str
    as_of: str
    days: int
    watched: dict[str, str]
    items: list[OpportunityItem]
    note: str | None = None


def _invitables(conn: Connection, who: Viewer, person_ids: list[int]) -> dict[int, Invitable]:
    """One click's state for each person: members by handle (never one behind a block
    or suspended), everyone else not on the platform."""
    member_of(who)  # a member only (refuses the operator's shared view)
    rows = (
        conn.execute(
            select(Member.id, Member.person_id).where(Member.person_id.in_(sorted(person_ids)))
        ).all()
        if person_ids
        else []
    )
    hidden = hidden_members(conn, who)
    found = cards(conn, [m for m, _ in rows if m not in hidden])
    out = {pid: Invitable(None, "not_member", False) for pid in person_ids}
    for card in found.values():
        state = connection_state(conn, who, card)
        needs = state == "none" and _is_stranger(conn, who, card.person_id)
        out[card.person_id] = Invitable(card.handle, state, needs)
    return out


def _mutual_sample(r: Any, me: int, pid: int, first: set[int]) -> list[int]:
    theirs = {
        b if a == pid else a
        for a, b, source, _by, _since, ended, _c in r.person_ties(pid)
        if source in SOCIAL_TIE_SOURCES and ended is None
    }
    return sorted((first & theirs) - {me, pid})[:3]


def people_you_may_know(
    conn: Connection, who: Viewer, results: str | os.PathLike[str] | None = None, *, top: int = 20
) -> PymkPage:
    """The viewer's suggestions (the nightly batch's when it may be served to them,
    else computed now) with their reasons as facts and one click's state each.
    People behind a block are left out."""
    from weakties.service.batch import batch_suggestions

    me = person_of(who)
    served = batch_suggestions(conn, who, results, top=top)
    r = shown_reader(conn, who)
    ids = [s.id for s in served.suggestions]
    invites = _invitables(conn, who, ids)
    first = r.first_degree()
    shared = r.org_names_shared(me, ids)
    samples = {pid: _mutual_sample(r, me, pid, first) for pid in ids}
    names = r.names({p for s in samples.values() for p in s})
    rows = r.person_rows(ids)
    people = []
    for s in served.suggestions:
        invite = invites[s.id]
        if invite.state == "not_member" and _is_member(conn, s.id):
            continue  # a member behind a block or suspended
        row = rows.get(s.id)
        people.append(
            PymkPerson(
                id=s.id,
                name=s.name,
                headline=row.headline if row is not None else None,
                score=s.score,
                mutual_contacts=s.mutual_contacts,
                mutual_sample=[names[p] for p in samples[s.id] if p in names],
                shared_places=sorted(shared.get(s.id, []))[:3],
                why=s.why,
                invite=invite,
            )
        )
    return PymkPage(who.label, served.source, served.note, people)


def _is_member(conn: Connection, person_id: int) -> bool:
    return conn.execute(select(Member.id).where(Member.person_id == person_id)).first() is not None


def opportunities_page(
    conn: Connection, who: Viewer, *, days: int = 90, limit: int = 50
) -> OpportunityPage:
    """The viewer's opportunity feed, with one click's state for each person."""
    from weakties.service.opportunities import feed

    found = feed(conn, who, days=days, limit=limit)
    invites = _invitables(conn, who, sorted({i.person_id for i in found.items}))
    items = [
        OpportunityItem(
            kind=i.kind,
            date=dt.date.fromisoformat(i.date) if i.date else None,
            person_id=i.person_id,
            person=i.person,
            org=i.org,
            broker_id=i.broker_id,
            broker=i.broker,
            text=i.text,
            action=i.action,
            priority=i.priority,
            invite=invites[i.person_id],
        )
        for i in found.items
        if not (invites[i.person_id].state == "not_member" and _is_member(conn, i.person_id))
    ]
    return OpportunityPage(found.viewer, found.as_of, found.days, found.watched, items, found.note)


def _dedup(conn: Connection, item: Any) -> str:
    """The fact a feed item is about, as a notification key."""
    if item.event_id is not None:
        detail = conn.execute(select(Event.detail).where(Event.id == item.event_id)).scalar()
        to = (json.loads(detail) if detail else {}).get("to") or {}
        if item.kind in ("career_move", "moved_to_watched"):
            # the key of the career-event scan's notification: one move, one line
            return f"career-{item.person_id}-{json.dumps(to, sort_keys=True)}"[:100]
        return f"opp-{item.kind}-{item.event_id}"
    if item.kind == "new_path":
        return f"opp-path-{item.broker_id}-{item.person_id}"
    return f"opp-{item.kind}-{item.person_id}-{item.org_id}"


def _is_move(conn: Connection, item: Any) -> bool:
    """Whether a feed item is a contact's career move, the only kind notified: a
    move to another employer (``career_move``), or such a move to an organisation
    the member watches (``moved_to_watched`` of a ``career_move`` event). A first
    job (``started_job``), a new title at the same employer, a departure and the
    feed's other suggestions stay on the opportunities page."""
    if item.kind == "career_move":
        return True
    if item.kind == "moved_to_watched" and item.event_id is not None:
        kind = conn.execute(select(Event.kind).where(Event.id == item.event_id)).scalar()
        return kind == "career_move"
    return False


def notify_opportunities(conn: Connection, member_ids: list[int] | None = None) -> int:
    """Notify each platform member (those with an account), or the members
    ``member_ids``, of the career moves among their opportunity feed's items
    (:func:`_is_move`; never one of their own); returns how many notifications
    were written."""
    from weakties.service.context import viewer
    from weakties.service.notifications import notify
    from weakties.service.opportunities import feed

    query = select(Member.id, Member.handle)
    if member_ids is None:
        query = query.join(Account, Account.member_id == Member.id)
    else:
        query = query.where(Member.id.in_(sorted(member_ids)))
    written = 0
    for member_id, handle in conn.execute(query.order_by(Member.id)).all():
        seen = viewer(conn, handle)
        found = feed(conn, seen, limit=None)
        for item in found.items:
            if item.person_id == seen.scope.person_id or not _is_move(conn, item):
                continue
            written += notify(
                conn,
                member_id,
                "opportunity",
                dedup=_dedup(conn, item),
                thread=f"person-{item.person_id}",
                person_id=item.person_id,
                event_id=item.event_id,
                detail=f"{item.kind}:{item.org or ''}",
            )
    return written


#: members whose feed one run of the background task notifies
SCAN_BATCH = 100
_WATERMARK = "task:opportunities_member"


def scan_opportunities(conn: Connection, *, batch: int = SCAN_BATCH) -> int:
    """One run of the background task: the next ``batch`` platform members after the
    last one notified (then from the first again), so that every member's feed is
    looked at in turn without one run reading every member's network."""
    last = conn.execute(select(Setting.value).where(Setting.key == _WATERMARK)).scalar()
    after = int(last) if last else 0
    ids = list(
        conn.execute(
            select(Member.id)
            .join(Account, Account.member_id == Member.id)
            .where(Member.id > after)
            .order_by(Member.id)
            .limit(batch)
        ).scalars()
    )
    written = notify_opportunities(conn, ids) if ids else 0
    mark = str(ids[-1]) if len(ids) == batch else "0"
    if (
        conn.execute(update(Setting).where(Setting.key == _WATERMARK).values(value=mark)).rowcount
        == 0
    ):
        conn.execute(insert(Setting).values(key=_WATERMARK, value=mark))
    return written

"""A person brief: everything the viewer may know to prepare a call with someone.

What the two share (employers, with the years they overlapped; schools; groups),
the person's recent posts the viewer may read, the dates of their past
conversations (dates and kinds, never content), the viewer's own private notes
about them, the person's recent career events, and the mutual contacts with how
strong each side of the triangle is.

The brief is the viewer's: it is built with the viewer's scoped reader and
nothing else, so it holds only what the viewer may see. A mutual contact's own
tie with the person is scored only when that contact's data may be listed by name
(a member who shares by name, or a person known from data the viewer may list);
for a member who shares less, the strength is left out and the brief says so.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from weakties.errors import NotFoundError
from weakties.model.tables import Member
from weakties.service.connections import member_of
from weakties.service.context import Viewer, person_of
from weakties.service.social import shown_reader
from weakties.store.reader import Reader

__all__ = [
    "Brief",
    "BriefEvent",
    "BriefMutual",
    "BriefNote",
    "BriefPost",
    "Conversations",
    "SharedPlace",
    "person_brief",
]

#: how many of each list a brief shows
SHOWN = 20
#: career events older than this are left out
EVENT_DAYS = 730


@dataclass(frozen=True, slots=True)
class SharedPlace:
    """An organisation, school or group both were part of (years: when known)."""

    kind: str  # job / study / group
    org: str
    org_id: int
    yours: str | None  # "2019–2022", "since 2021"
    theirs: str | None
    overlap_years: float | None  # at the same time, for how long (None: unknown or never)


@dataclass(frozen=True, slots=True)
class ConversationDay:
    date: dt.date
    exchanges: int


@dataclass(frozen=True, slots=True)
class TraceKind:
    kind: str
    count: int
    first: dt.date | None
    last: dt.date | None


@dataclass(frozen=True, slots=True)
class Conversations:
    """When the viewer and the person were in touch: days and kinds, no content."""

    total: int
    first: dt.date | None
    last: dt.date | None
    days: list[ConversationDay]
    kinds: list[TraceKind]


@dataclass(frozen=True, slots=True)
class BriefNote:
    id: int
    date: dt.date
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class BriefEvent:
    id: int
    kind: str
    date: dt.date | None
    text: str
    org: str | None
    title: str | None


@dataclass(frozen=True, slots=True)
class BriefPost:
    id: int
    created_at: dt.datetime
    html: str
    reactions: int
    comments: int


@dataclass(frozen=True, slots=True)
class BriefMutual:
    """A contact both know, with the strength of each side as far as the viewer may see."""

    id: int
    name: str | None
    handle: str | None
    your_tie: str | None  # class of the viewer's tie with them
    your_score: float | None
    their_tie: str | None  # class of their tie with the person; None: not shared
    their_score: float | None
    shared: bool  # whether their side may be shown at all


@dataclass(frozen=True, slots=True)
class Brief:
    """The viewer's brief about one person."""

    viewer: str
    as_of: str
    id: int
    name: str | None
    handle: str | None
    headline: str | None
    current: list[str]
    tie: str | None
    score: float | None
    days_since_contact: float | None
    employers: list[SharedPlace]
    schools: list[SharedPlace]
    groups: list[SharedPlace]
    conversations: Conversations
    notes: list[BriefNote]
    events: list[BriefEvent]
    posts: list[BriefPost]
    mutual: list[BriefMutual]
    mutual_total: int
    note: str | None = None


def _span(start: dt.date | None, end: dt.date | None, current: bool) -> str | None:
    if start is None and end is None:
        return None
    first = str(start.year) if start else "?"
    if current or end is None:
        return f"since {first}" if start else None
    return first if start and start.year == end.year else f"{first}–{end.year}"


def _interval(row: Any, today: dt.date) -> tuple[dt.date, dt.date] | None:
    if row.start_date is None:
        return None
    end = today if row.is_current or row.end_date is None else row.end_date
    return row.start_date, end


def _dated(rows: list[Any]) -> Any:
    """The row that says most about a stay: the earliest dated one (an undated row,
    such as a contact list's current employer, only when no other)."""
    dated = [row for row in rows if row.start_date is not None]
    return min(dated, key=lambda row: row.start_date) if dated else rows[0]


def _places(r: Reader, me: int, pid: int, today: dt.date) -> list[SharedPlace]:
    rows = r.relation_places(me, pid)
    mine: dict[tuple[str, int], list[Any]] = {}
    theirs: dict[tuple[str, int], list[Any]] = {}
    for who, out in ((me, mine), (pid, theirs)):
        for row in rows.get(who, []):
            if row.organization_id is not None:
                out.setdefault((row.pkind, int(row.organization_id)), []).append(row)
    found = []
    for key in sorted(set(mine) & set(theirs), key=lambda k: (k[0], mine[k][0].name)):
        overlap = 0.0
        known = False
        for a in mine[key]:
            for b in theirs[key]:
                x, y = _interval(a, today), _interval(b, today)
                if x is None or y is None:
                    continue
                known = True
                days = (min(x[1], y[1]) - max(x[0], y[0])).days
                overlap += max(days, 0)
        a, b = _dated(mine[key]), _dated(theirs[key])
        found.append(
            SharedPlace(
                kind=key[0],
                org=str(a.name),
                org_id=key[1],
                yours=_span(a.start_date, a.end_date, bool(a.is_current)),
                theirs=_span(b.start_date, b.end_date, bool(b.is_current)),
                overlap_years=round(overlap / 365.25, 1) if known and overlap > 0 else None,
            )
        )
    return found


def _conversations(r: Reader, me: int, pid: int, when: dt.datetime) -> Conversations:
    times = r.conversation_times(me, [pid], when)
    per_day: dict[dt.date, int] = {}
    for _other, seconds in times:
        day = dt.datetime.fromtimestamp(float(seconds), dt.UTC).date()
        per_day[day] = per_day.get(day, 0) + 1
    days = [ConversationDay(d, n) for d, n in sorted(per_day.items(), reverse=True)]
    kinds = [
        TraceKind(
            kind,
            int(count),
            first.date() if first else None,
            last.date() if last else None,
        )
        for kind, count, first, last in sorted(r.traces_between(me, pid))
        if last is None or last <= when
    ]
    return Conversations(
        total=sum(per_day.values()),
        first=min(per_day) if per_day else None,
        last=max(per_day) if per_day else None,
        days=days[:SHOWN],
        kinds=kinds,
    )


def _target(conn: Connection, who: Viewer, r: Reader, handle: str | None, pid: int | None) -> int:
    from weakties.service.social import member_by_handle

    if handle is not None:
        return member_by_handle(conn, who, handle).person_id
    assert pid is not None
    if not r.may_show(pid):
        raise NotFoundError(f"no person #{pid}")
    member = conn.execute(select(Member.id).where(Member.person_id == pid)).scalar()
    if member is not None:
        from weakties.service.social import blocked_between

        if blocked_between(conn, member_of(who), int(member)):
            raise NotFoundError(f"no person #{pid}")
    return pid


def _scores(r: Reader, who: Viewer, ego: int, others: list[int], member: int | None) -> Any:
    from weakties.ties.strength import score_ties

    found: dict[int, tuple[str, float]] = {}
    if not others:
        return found
    scores = score_ties(r, as_of=who.as_of, others=others, ego=ego, member=member)
    for i in range(len(scores)):
        found[scores.other(i)] = (str(scores.classes[i]), round(float(scores.score[i]), 4))
    return found


def _own_tie(r: Reader, who: Viewer, pid: int) -> tuple[tuple[str, float] | None, float | None]:
    """The viewer's tie with ``pid``: (class, score) and days since the last contact."""
    from weakties.ties.strength import score_ties

    found = score_ties(r, as_of=who.as_of, others=[pid])
    for i in range(len(found)):
        if found.other(i) == pid:
            value = float(found.table.values["days_since_contact"][i])
            days = None if math.isnan(value) else round(value, 1)
            return (str(found.classes[i]), round(float(found.score[i]), 4)), days
    return None, None


def _mutual(
    conn: Connection, who: Viewer, r: Reader, me: int, pid: int
) -> tuple[list[BriefMutual], int]:
    # the people the network snapshot says both know, as `mutual`, `degree` and
    # the tie page count them: every tie the viewer may see, inferred ones included
    from weakties.service.network import mutual

    common = sorted({p.id for p in mutual(conn, who, f"#{pid}").people} - {me, pid})
    if not common:
        return [], 0
    yours = _scores(r, who, me, common, None)
    common.sort(key=lambda p: (-(yours.get(p, ("", 0.0))[1]), p))
    shown = common[:SHOWN]
    names = r.names(shown)
    handles = r.member_handles()
    members = {
        int(p): int(m)
        for m, p in conn.execute(
            select(Member.id, Member.person_id).where(Member.person_id.in_(shown))
        )
    }
    out = []
    for m in shown:
        member = members.get(m)
        # a member's side of the triangle is their data: shown when they share names
        shared = member is None or member in r.scope.names
        side = _scores(r, who, m, [pid], member).get(pid) if shared else None
        klass, score = yours.get(m, (None, None))
        out.append(
            BriefMutual(
                id=m,
                name=names.get(m),
                handle=handles.get(m),
                your_tie=klass,
                your_score=score,
                their_tie=side[0] if side else None,
                their_score=side[1] if side else None,
                shared=shared,
            )
        )
    return out, len(common)


def person_brief(
    conn: Connection, who: Viewer, handle: str | None = None, *, person_id: int | None = None
) -> Brief:
    """The viewer's brief about the member ``handle`` (or any person they may see,
    by ``person_id``).

    Raises
    ------
    NotFoundError
        No such member or person visible to the viewer, a block between them, or
        the viewer themself.
    """
    from weakties.service.posts import member_posts

    me = person_of(who)
    r = shown_reader(conn, who)
    if (handle is None) == (person_id is None):
        raise NotFoundError("a brief is about one person: give a handle or a person id")
    pid = _target(conn, who, r, handle, person_id)
    if pid == me:
        raise NotFoundError("a brief is about someone else")
    when = who.when
    today = when.date()
    row = r.person_rows([pid]).get(pid)
    name = r.names([pid]).get(pid)
    handles = r.member_handles()
    jobs = r.current_jobs([pid]).get(pid, [])
    tie, days = _own_tie(r, who, pid)
    places = _places(r, me, pid, today)
    since = today - dt.timedelta(days=EVENT_DAYS)
    events = []
    for e in r.events(person_id=pid, since=since, until=today)[:SHOWN]:
        to = e["detail"].get("to") or e["detail"].get("from") or {}
        events.append(
            BriefEvent(
                e["id"],
                e["kind"],
                dt.date.fromisoformat(e["date"]) if e["date"] else None,
                e["text"],
                to.get("org"),
                to.get("title"),
            )
        )
    member = conn.execute(select(Member.id).where(Member.person_id == pid)).scalar()
    posts = []
    if member is not None:
        for p in member_posts(conn, who, int(member), limit=5):
            posts.append(
                BriefPost(p.id, p.created_at, p.html, sum(p.reactions.values()), p.comment_count)
            )
    mutual, total = _mutual(conn, who, r, me, pid)
    return Brief(
        viewer=who.label,
        as_of=today.isoformat(),
        id=pid,
        name=name,
        handle=handles.get(pid),
        headline=row.headline if row is not None else None,
        current=[" · ".join(str(x) for x in (j.get("title"), j.get("org")) if x) for j in jobs[:3]],
        tie=tie[0] if tie else None,
        score=tie[1] if tie else None,
        days_since_contact=days,
        employers=[p for p in places if p.kind == "job"],
        schools=[p for p in places if p.kind == "study"],
        groups=[p for p in places if p.kind == "group"],
        conversations=_conversations(r, me, pid, when),
        notes=[
            BriefNote(n["id"], dt.date.fromisoformat(n["date"]), n["kind"], n["text"])
            for n in r.notes(pid)[:SHOWN]
        ],
        events=events,
        posts=posts,
        mutual=mutual,
        mutual_total=total,
        note=who.note,
    )

"""People as a member sees them: the list, search, one person's record, notes, events."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from weakties.model.identity import fold
from weakties.records import build, build_list
from weakties.service.context import Viewer, reader
from weakties.store import write
from weakties.store.reader import Reader

__all__ = [
    "Event",
    "Note",
    "PeopleCounts",
    "PersonRecord",
    "PersonRow",
    "add_note",
    "events",
    "find_person",
    "list_people",
    "notes",
    "people_counts",
    "person",
]


@dataclass(frozen=True, slots=True)
class PersonRow:
    """One person in a list: degree, current job, how to reach them."""

    id: int
    name: str | None
    degree: int | None
    company: str | None
    title: str | None
    headline: str | None
    location: str | None
    linkedin: str | None
    emails: list[str]
    member: str | None


@dataclass(frozen=True, slots=True)
class PositionRow:
    org: str | None
    title: str | None
    kind: str
    start: str | None
    end: str | None
    current: bool
    seen_on: str | None
    source: str


@dataclass(frozen=True, slots=True)
class TieRow:
    """A tie of the person, with whom, from which source and whose data."""

    with_id: int
    with_: str | None = field(default=None, metadata={"json": "with"})
    source: str = ""
    asserted_by: str | None = None
    since: str | None = None
    ended: str | None = None
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class TraceSummary:
    kind: str
    count: int
    first: str | None
    last: str | None


@dataclass(frozen=True, slots=True)
class NoteShort:
    id: int
    kind: str
    date: str
    text: str


@dataclass(frozen=True, slots=True)
class EventShort:
    kind: str
    date: str | None
    detail: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """Everything a member may see about one person."""

    id: int
    name: str | None
    first_name: str | None
    last_name: str | None
    headline: str | None
    location: str | None
    industry: str | None
    member: str | None
    degree: int | None
    identities: dict[str, list[str]]
    linkedin: str | None
    positions: list[PositionRow]
    ties: list[TieRow]
    interactions_with_you: list[TraceSummary]
    notes: list[NoteShort]
    events: list[EventShort]


@dataclass(frozen=True, slots=True)
class Event:
    """A detected change: a new or lost connection, a career move, new details."""

    id: int
    kind: str
    date: str | None
    person_id: int
    person: str | None
    found_in: str | None
    detail: dict[str, Any]
    text: str


@dataclass(frozen=True, slots=True)
class Note:
    """A private note (only its author ever sees it)."""

    id: int
    kind: str
    date: str
    text: str
    person_id: int
    person: str | None


def _linkedin(slugs: list[str] | None) -> str | None:
    return f"https://www.linkedin.com/in/{slugs[0]}" if slugs else None


def _date(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()


def _hidden(conn: Connection, who: Viewer) -> set[int]:
    """The people the viewer is not shown: the members with a block between them
    and the viewer (either way) and the suspended ones, even when the viewer's own
    imported data holds them — it stays as it is, but they are listed nowhere."""
    from weakties.service.social import hidden_people

    return hidden_people(conn, who)


def _identities(conn: Connection, who: Viewer, ids: list[int]) -> dict[int, dict[str, list[str]]]:
    """What the viewer may see of how to reach these people: their own data's, a
    member's details as that member chose (:func:`weakties.service.contact.shown_identities`)."""
    from weakties.service.contact import shown_identities

    return shown_identities(conn, who, ids)


def _find(conn: Connection, who: Viewer, query: str, hidden: set[int]) -> int:
    """:meth:`~weakties.store.read_people.PeopleReads.find_person` less the people
    the viewer is not shown (an address the viewer may not see finds nobody there)."""
    return reader(conn, who).find_person(query, hidden)


def find_person(conn: Connection, who: Viewer, query: str) -> int:
    """The id of the person named by ``query`` (``#id``, profile URL or slug, e-mail,
    member handle, or a name unique among the people the viewer sees)."""
    return _find(conn, who, query, _hidden(conn, who))


@dataclass(frozen=True, slots=True)
class PeopleCounts:
    """The people of the member's own data, each counted once, in the order
    LinkedIn counts them (see :meth:`~weakties.store.reader.Reader.people_by_origin`)."""

    connections: int
    address_book: int
    only_messaged: int
    invitations: int
    others: int
    total: int

    def text(self) -> str:
        """ "16 connections · 20 address-book contacts · 3 only messaged" (the
        counts that are not zero, connections always)."""
        from weakties.words import counted

        parts = [
            counted(self.connections, "connection", "connections"),
            counted(self.address_book, "address-book contact", "address-book contacts"),
            f"{self.only_messaged:,} only messaged",
            counted(self.invitations, "invitation only", "invitations only"),
            counted(self.others, "other", "others"),
        ]
        values = (
            self.connections,
            self.address_book,
            self.only_messaged,
            self.invitations,
            self.others,
        )
        return " · ".join(
            p for k, (p, v) in enumerate(zip(parts, values, strict=True)) if v or not k
        )


def people_counts(conn: Connection, who: Viewer) -> PeopleCounts:
    """How many people the member's own data holds, as LinkedIn counts them:
    connections first, then address-book contacts, people only messaged,
    invitations, others."""
    found = {k: len(v) for k, v in reader(conn, who).people_by_origin().items()}
    return PeopleCounts(**found, total=sum(found.values()))


def list_people(
    conn: Connection,
    who: Viewer,
    *,
    org: str | None = None,
    search: str | None = None,
    degree: int | None = None,
    limit: int | None = None,
) -> list[PersonRow]:
    """The people the viewer sees, contacts first, then by name (never a member
    behind a block, either way, or suspended). ``org`` keeps people currently at
    that organisation; ``search`` matches names (accent- and case-insensitive)."""
    r = reader(conn, who)
    hidden = _hidden(conn, who)
    if not org and not search:
        nearest = _nearest_contacts(r, who, hidden, degree=degree, limit=limit)
        if nearest is not None:
            return nearest
    seen = r.people_seen(hidden)
    named, _ = r.degrees(without=hidden)
    if org:
        seen &= r.people_at(org)
    if degree is not None:
        seen = {p for p in seen if named.get(p) == degree}
    seen.discard(who.person_id)
    rows = r.person_rows(seen)
    needle = fold(search) if search else None
    if needle:
        rows = {pid: row for pid, row in rows.items() if needle in fold(row.display_name or "")}
    # contacts first, then by name (then by id: one order whatever the rows' order)
    order = sorted(
        rows, key=lambda pid: (named.get(pid) or 9, fold(rows[pid].display_name or "~"), pid)
    )
    shown = order[:limit] if limit else order
    return _listed(conn, who, r, shown, rows, named)


def _nearest_contacts(
    r: Reader, who: Viewer, hidden: set[int], *, degree: int | None, limit: int | None
) -> list[PersonRow] | None:
    """The list of :func:`list_people` when it holds only the viewer's contacts
    (``degree`` 1, or the first ``limit`` people when the viewer has at least that
    many contacts: contacts come first), read from the contacts alone — their
    names, then the rows of the people shown — instead of the whole second degree
    and every person seen; None when the list needs more than the contacts."""
    if who.person_id is None or not (degree == 1 or (degree is None and limit)):
        return None
    names = r.contact_names(without=hidden)
    names.pop(who.person_id, None)
    if degree is None and limit is not None and len(names) < limit:
        return None  # the second degree and the others follow the contacts
    order = sorted(names, key=lambda pid: (fold(names[pid] or "~"), pid))
    shown = order[:limit] if limit else order
    rows = r.person_rows(shown)
    if len(rows) < len(shown):  # the store's rule shows fewer: read the whole list
        return None
    return _listed(r.conn, who, r, shown, rows, dict.fromkeys(shown, 1))


def _listed(
    conn: Connection,
    who: Viewer,
    r: Reader,
    shown: list[int],
    rows: dict[int, Any],
    named: dict[int, int],
) -> list[PersonRow]:
    """The rows of the people ``shown``, in that order; only they read their jobs
    and identities (``people --limit 5`` reads five people's, not everyone's)."""
    jobs = r.current_jobs(shown)
    idents = _identities(conn, who, shown)
    handles = r.member_handles()
    people = []
    for pid in shown:
        row = rows[pid]
        job = jobs.get(pid, [])
        people.append(
            PersonRow(
                id=pid,
                name=row.display_name,
                degree=named.get(pid),
                company=job[0]["org"] if job else None,
                title=job[0]["title"] if job else None,
                headline=row.headline,
                location=row.location,
                linkedin=_linkedin(idents.get(pid, {}).get("linkedin")),
                emails=list(idents.get(pid, {}).get("email", [])),
                member=handles.get(pid),
            )
        )
    return people


def person(conn: Connection, who: Viewer, query: str) -> PersonRecord:
    """Everything the viewer may see about one person: identities, positions, ties
    (with their source), traces with the viewer, the viewer's notes, events."""
    r = reader(conn, who)
    hidden = _hidden(conn, who)
    pid = _find(conn, who, query, hidden)
    p = r.person_full(pid)
    named, _ = r.degrees(without=hidden)
    idents = _identities(conn, who, [pid]).get(pid, {})
    me = who.person_id
    traces = r.traces_between(me, pid) if me is not None else []
    return PersonRecord(
        id=p.id,
        name=p.display_name,
        first_name=p.first_name,
        last_name=p.last_name,
        headline=p.headline,
        location=p.location,
        industry=p.industry,
        member=r.member_handles().get(pid),
        degree=0 if pid == me else named.get(pid),
        identities={k: list(v) for k, v in idents.items()},
        linkedin=_linkedin(idents.get("linkedin")),
        positions=[
            PositionRow(
                org=row.name,
                title=row.title,
                kind=row.kind,
                start=_date(row.start_date),
                end=_date(row.end_date),
                current=bool(row.is_current),
                seen_on=_date(row.seen_on),
                source=row.source,
            )
            for row in r.person_positions(pid)
        ],
        ties=build_list(TieRow, r.person_ties_shown(pid, hidden)),
        interactions_with_you=[
            TraceSummary(kind, n, _date(first), _date(last)) for kind, n, first, last in traces
        ],
        notes=[NoteShort(n["id"], n["kind"], n["date"], n["text"]) for n in r.notes(pid)],
        # the same rule as the events list: the viewer's own, and other members'
        # career events only as those members share them
        events=[
            EventShort(e["kind"], e["date"], e["detail"] or None)
            for e in r.events(person_id=pid, hide=hidden)
        ],
    )


def events(
    conn: Connection,
    who: Viewer,
    *,
    kinds: list[str] | None = None,
    since: dt.date | None = None,
    limit: int | None = None,
) -> list[Event]:
    """What changed: the viewer's own events, and career moves of their contacts
    seen in the data of members who share it by name; newest first.

    Whom the viewer is not shown (:func:`weakties.service.social.shown_reader`: a
    block either way, a suspended member) is in none: no event about them, even
    from the viewer's own imported data, and none found in their data."""
    from weakties.service.social import shown_reader

    r = shown_reader(conn, who)
    return build_list(Event, r.events(kinds=kinds, since=since, limit=limit))


def notes(conn: Connection, who: Viewer, query: str | None = None) -> list[Note]:
    """The viewer's notes (on one person, or all), newest first."""
    r = reader(conn, who)
    pid = r.find_person(query) if query else None
    return build_list(Note, r.notes(pid))


def add_note(
    conn: Connection,
    who: Viewer,
    query: str,
    text: str,
    *,
    kind: str = "note",
    on: dt.date | None = None,
) -> Note:
    """Write a private note about a person: a meeting, a call, a collaboration."""
    r = reader(conn, who)
    pid = r.find_person(query)
    note_id = write.add_note(r, pid, text, kind=kind, on=on)
    return build(Note, next(n for n in r.notes(pid) if n["id"] == note_id))

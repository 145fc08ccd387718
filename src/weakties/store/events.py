"""Detected changes — new and lost connections, career moves, new contact details —
as a viewer may see them."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Connection, or_, select

from weakties.model.tables import EVENT_KINDS, Event, Member, Person, table_of
from weakties.store.errors import InputError
from weakties.store.visibility import Viewer, first_degree, sharing_levels

__all__ = ["describe_event", "list_events"]

CAREER_KINDS = ("career_move", "title_change", "left_company", "started_job")


def list_events(
    conn: Connection,
    viewer: Viewer,
    *,
    kinds: list[str] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int | None = None,
    person_id: int | None = None,
) -> list[dict[str, Any]]:
    """Events found in the viewer's own imports, plus career events about the
    viewer's contacts found in other members' data (as they share it).

    ``person_id`` keeps the events about one person (newest first, like all).
    Other members' connection and contact-detail events are never shown: they
    tell about those members' own networks and their contacts' addresses.
    """
    for kind in kinds or []:
        if kind not in EVENT_KINDS:
            raise InputError(f"unknown event kind {kind!r} (one of {', '.join(EVENT_KINDS)})")
    contacts = first_degree(conn, viewer)
    sharing = [m for m, lvl in sharing_levels(conn).items() if lvl == "names"]
    query = (
        select(*table_of(Event).c, Person.display_name, Member.handle)
        .join(Person, Person.id == Event.person_id)
        .join(Member, Member.id == Event.member_id)
        .where(
            or_(
                Event.member_id == viewer.member_id,
                Event.kind.in_(CAREER_KINDS) & Event.member_id.in_(sharing),
            )
        )
        .order_by(Event.occurred_on.desc(), Event.id.desc())
    )
    if person_id is not None:
        query = query.where(Event.person_id == person_id)
    if kinds:
        query = query.where(Event.kind.in_(kinds))
    if since:
        query = query.where(Event.occurred_on >= since)
    if until:
        query = query.where(Event.occurred_on <= until)
    seen: set[tuple[int, str, str]] = set()
    events = []
    for event in conn.execute(query):
        name, handle = event.display_name, event.handle
        if event.member_id != viewer.member_id and event.person_id not in contacts:
            continue
        detail = json.loads(event.detail) if event.detail else {}
        if event.kind in CAREER_KINDS:
            # The same move seen in two members' exports is one piece of news; other
            # kinds are the viewer's own, each one a change of its own.
            dedup = (event.person_id, event.kind, json.dumps(detail.get("to"), sort_keys=True))
            if dedup in seen:
                continue
            seen.add(dedup)
        item = {
            "id": event.id,
            "kind": event.kind,
            "date": event.occurred_on.isoformat() if event.occurred_on else None,
            "person_id": event.person_id,
            "person": name,
            "found_in": handle,
            "detail": detail,
        }
        item["text"] = describe_event(item)
        events.append(item)
        if limit and len(events) >= limit:
            break
    return events


def _job(part: dict[str, Any] | None) -> str:
    if not part:
        return "no position"
    org, title = part.get("org"), part.get("title")
    if org and title:
        return f"{title} at {org}"
    return org or title or "no position"


def describe_event(event: dict[str, Any]) -> str:
    """One line a person would write: "Ann Lee moved from Acme to Globex (CTO)"."""
    who = event.get("person") or f"#{event.get('person_id')}"
    detail = event.get("detail") or {}
    kind = event["kind"]
    if kind == "career_move":
        return f"{who} moved: {_job(detail.get('from'))} → {_job(detail.get('to'))}"
    if kind == "title_change":
        return f"{who} has a new title at {(detail.get('to') or {}).get('org')}: " + str(
            (detail.get("to") or {}).get("title")
        )
    if kind == "left_company":
        return f"{who} left {(detail.get('from') or {}).get('org')} (no new position listed)"
    if kind == "started_job":
        return f"{who} started: {_job(detail.get('to'))}"
    if kind == "new_connection":
        return f"{who} is a new connection"
    if kind == "connection_gone":
        return f"{who} is no longer in your connections"
    if kind == "contact_details_changed":
        return f"{who} has new contact details"
    return f"{who}: {kind}"

"""Private notes: what a member wrote about a person (meetings, calls, collaborations)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, insert, select

from weakties.model.tables import NOTE_KINDS, Note, Person, utcnow
from weakties.store.errors import InputError
from weakties.store.visibility import Viewer

__all__ = ["add_note", "list_notes"]


def add_note(
    conn: Connection,
    viewer: Viewer,
    person_id: int,
    text: str,
    *,
    kind: str = "note",
    on: dt.date | None = None,
) -> int:
    """Write a note; only its author will ever see it."""
    if kind not in NOTE_KINDS:
        raise InputError(f"note kind must be one of {', '.join(NOTE_KINDS)}, not {kind!r}")
    body = text.strip()
    if not body:
        raise InputError("a note needs some text")
    return int(
        conn.execute(
            insert(Note)
            .values(
                author_id=viewer.member_id,
                person_id=person_id,
                kind=kind,
                text=body,
                noted_on=on or dt.date.today(),
                created_at=utcnow(),
            )
            .returning(Note.id)
        ).scalar_one()
    )


def list_notes(
    conn: Connection, viewer: Viewer, person_id: int | None = None
) -> list[dict[str, Any]]:
    """The viewer's own notes (on one person, or all), newest first."""
    query = (
        select(Note.id, Note.kind, Note.noted_on, Note.text, Person.id, Person.display_name)
        .join(Person, Person.id == Note.person_id)
        .where(Note.author_id == viewer.member_id)
        .order_by(Note.noted_on.desc(), Note.id.desc())
    )
    if person_id is not None:
        query = query.where(Note.person_id == person_id)
    return [
        {
            "id": nid,
            "kind": kind,
            "date": day.isoformat(),
            "text": text,
            "person_id": pid,
            "person": name,
        }
        for nid, kind, day, text, pid, name in conn.execute(query)
    ]

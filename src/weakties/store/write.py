"""Writes a member makes to their own data: notes, labels, settings, inferred ties,
targets, asks, "do not ask" marks, their sharing level.

Every function takes the member's :class:`~weakties.store.reader.Reader` (its
scope says who is writing) and runs in the caller's transaction. The service
layer calls them; the engines only compute what to write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, insert, update

from weakties.errors import InputError, NotFoundError
from weakties.model.kinds import INFERRED_SOURCES, NOTE_KINDS, SHARING_LEVELS
from weakties.model.tables import (
    Ask,
    DoNotAsk,
    Member,
    Note,
    Setting,
    Target,
    Tie,
    TieLabel,
)
from weakties.store.clock import utcnow
from weakties.store.reader import Reader

__all__ = [
    "add_note",
    "add_target",
    "clear_label",
    "close_ask",
    "hold_ledger",
    "insert_ask",
    "mark_do_not_ask",
    "remove_target",
    "replace_inferred_ties",
    "save_member_setting",
    "set_label",
    "set_sharing",
]


def _member(reader: Reader) -> int:
    member = reader.scope.member_id
    if member is None:
        raise NotFoundError("this needs a member: say who is acting (--as NAME)")
    return member


def add_note(
    reader: Reader, person_id: int, text: str, *, kind: str = "note", on: dt.date | None = None
) -> int:
    """Write a note; only its author will ever see it."""
    if kind not in NOTE_KINDS:
        raise InputError(f"note kind must be one of {', '.join(NOTE_KINDS)}, not {kind!r}")
    body = text.strip()
    if not body:
        raise InputError("a note needs some text")
    return int(
        reader.conn.execute(
            insert(Note)
            .values(
                author_id=_member(reader),
                person_id=person_id,
                kind=kind,
                text=body,
                noted_on=on or reader.clock.date(),
                created_at=utcnow(),
            )
            .returning(Note.id)
        ).scalar_one()
    )


def set_label(reader: Reader, person_id: int, *, label: str | None, closeness: int | None) -> None:
    """Record (or replace) the member's label for their tie with a person, stamped
    with the data's present (``reader.now``: the clock, or the day after an old
    export): the label speaks of the tie as that data shows it, so it may inform
    a fit at that date or later, never one at an earlier cut."""
    member = _member(reader)
    reader.conn.execute(
        delete(TieLabel).where(TieLabel.member_id == member, TieLabel.person_id == person_id)
    )
    reader.conn.execute(
        insert(TieLabel).values(
            member_id=member,
            person_id=person_id,
            label=label,
            closeness=closeness,
            created_at=reader.now,
        )
    )


def clear_label(reader: Reader, person_id: int) -> bool:
    """Forget the member's label for their tie with a person (True if there was one)."""
    done = reader.conn.execute(
        delete(TieLabel).where(
            TieLabel.member_id == _member(reader), TieLabel.person_id == person_id
        )
    )
    return bool(done.rowcount)


def save_member_setting(reader: Reader, name: str, value: str | None) -> None:
    """Set (or, with None, delete) the member's own setting ``name``."""
    key = f"{name}:{_member(reader)}"
    reader.conn.execute(delete(Setting).where(Setting.key == key))
    if value is not None:
        reader.conn.execute(insert(Setting).values(key=key, value=value))


def replace_inferred_ties(reader: Reader, rows: Sequence[dict[str, Any]]) -> None:
    """Replace the member's inferred ties by ``rows`` (person_a_id, person_b_id,
    source, since, confidence)."""
    member = _member(reader)
    reader.conn.execute(
        delete(Tie).where(Tie.asserted_by == member, Tie.source.in_(INFERRED_SOURCES))
    )
    stamped = [{**row, "asserted_by": member, "created_at": utcnow()} for row in rows]
    for start in range(0, len(stamped), 5000):
        reader.conn.execute(insert(Tie), stamped[start : start + 5000])


def add_target(
    reader: Reader, *, org_id: int | None, person_id: int | None, purpose: str
) -> dict[str, Any]:
    """Remember an organisation or a person the member is looking at (idempotent)."""
    found = reader.target_id(org_id=org_id, person_id=person_id)
    if found is not None:
        reader.conn.execute(update(Target).where(Target.id == found).values(purpose=purpose))
        return {"id": found, "added": False, "purpose": purpose}
    new_id = reader.conn.execute(
        insert(Target).values(
            member_id=_member(reader),
            organization_id=org_id,
            person_id=person_id,
            purpose=purpose,
            created_at=utcnow(),
        )
    ).inserted_primary_key[0]  # type: ignore[index]
    return {"id": int(new_id), "added": True, "purpose": purpose}


def remove_target(reader: Reader, *, org_id: int | None, person_id: int | None) -> bool:
    column = Target.organization_id if org_id is not None else Target.person_id
    value = org_id if org_id is not None else person_id
    gone = reader.conn.execute(
        delete(Target).where(Target.member_id == _member(reader), column == value)
    ).rowcount
    return bool(gone)


def hold_ledger(reader: Reader) -> None:
    """Hold the member's ledger of asks, marks and rules until the transaction
    ends, so that the etiquette's checks and the write they allow see the same
    ledger: another command of the same member that holds it waits (no
    check-then-insert race between two asks).

    A no-op write on the member's row does it: on SQLite its first write takes
    the database's write lock (``BEGIN IMMEDIATE``, with the wait and message of
    :mod:`weakties.store.engine`) before anything is read; on PostgreSQL it takes
    a lock on that row, and each later statement reads what was committed before
    it (read committed)."""
    member = _member(reader)
    reader.conn.execute(update(Member).where(Member.id == member).values(sharing=Member.sharing))


def insert_ask(reader: Reader, **values: Any) -> int:
    """Put one ask in the member's ledger (the etiquette decided it may be made)."""
    ask_id = reader.conn.execute(
        insert(Ask).values(member_id=_member(reader), status="open", **values)
    ).inserted_primary_key[0]  # type: ignore[index]
    return int(ask_id)


def close_ask(reader: Reader, ask_id: int, status: str, when: dt.datetime) -> None:
    reader.conn.execute(
        update(Ask)
        .where(Ask.id == ask_id, Ask.member_id == _member(reader))
        .values(status=status, closed_at=when)
    )


def mark_do_not_ask(
    reader: Reader, person_id: int, *, reason: str | None = None, lift: bool = False
) -> bool:
    """Record (or lift) the member's "do not ask" mark on a person; True if a
    mark was added or lifted."""
    member = _member(reader)
    if lift:
        return bool(
            reader.conn.execute(
                delete(DoNotAsk).where(DoNotAsk.person_id == person_id, DoNotAsk.set_by == member)
            ).rowcount
        )
    if reader.has_do_not_ask(person_id):
        return False
    reader.conn.execute(
        insert(DoNotAsk).values(
            person_id=person_id, set_by=member, reason=reason, created_at=utcnow()
        )
    )
    return True


def set_sharing(reader: Reader, level: str) -> None:
    """Set what other members may see of the member's data: nothing, counts, names."""
    if level not in SHARING_LEVELS:
        raise InputError(f"sharing must be one of {', '.join(SHARING_LEVELS)}")
    reader.conn.execute(update(Member).where(Member.id == _member(reader)).values(sharing=level))

"""What a viewer may see: their own ties fully, another member's ties as that member shares.

Every member has a sharing level for *their* ties, i.e. the ties their data
asserts: ``nothing`` (invisible to others), ``counts`` (others may count them:
"12 people at Acme through Bob") or ``names`` (others see who). In personal mode
there is one member and everything is theirs; pooling exports in one database
(team mode) defaults to ``names``, since the members put their data together.
Private notes are visible to their author only.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, or_, select, update
from sqlalchemy.orm import Session

from weakties.model.tables import SHARING_LEVELS, KnownPerson, Member, Person, Tie
from weakties.store.errors import AmbiguousError, NotFoundError

__all__ = [
    "SOCIAL_TIE_SOURCES",
    "Viewer",
    "first_degree",
    "resolve_viewer",
    "visible_ties",
]

# Ties that make someone a first-degree contact (inferred ties do not, on purpose).
SOCIAL_TIE_SOURCES = ("connection", "address_book", "manual", "platform")


@dataclass(frozen=True)
class Viewer:
    member_id: int
    person_id: int
    handle: str


def _bind(db: Session | Connection) -> Connection:
    return db.connection() if isinstance(db, Session) else db


def resolve_viewer(db: Session | Connection, handle: str | None = None) -> Viewer:
    """The member acting: ``handle``, else ``$WEAKTIES_MEMBER``, else the first member.

    Raises
    ------
    NotFoundError
        No such member, or no member at all yet (nothing imported).
    """
    conn = _bind(db)
    handle = handle or os.environ.get("WEAKTIES_MEMBER") or None
    query = select(Member.id, Member.person_id, Member.handle)
    if handle:
        row = conn.execute(query.where(Member.handle == handle)).first()
        if row is None:
            matches = conn.execute(query.where(func.lower(Member.handle) == handle.lower())).all()
            if len(matches) > 1:
                raise AmbiguousError(
                    f"several members match {handle!r}", [m.handle for m in matches]
                )
            row = matches[0] if matches else None
        if row is None:
            known = conn.execute(select(Member.handle).order_by(Member.id)).scalars().all()
            raise NotFoundError(f"no member {handle!r} (members: {', '.join(known) or 'none yet'})")
    else:
        row = conn.execute(query.order_by(Member.id).limit(1)).first()
        if row is None:
            raise NotFoundError(
                "no member yet: import an export first "
                "(weakties import linkedin PATH --as NAME) or run weakties demo"
            )
    return Viewer(row.id, row.person_id, row.handle)


def sharing_levels(db: Session | Connection) -> dict[int, str]:
    conn = _bind(db)
    return {mid: level for mid, level in conn.execute(select(Member.id, Member.sharing))}


def set_sharing(db: Session | Connection, handle: str, level: str) -> None:
    if level not in SHARING_LEVELS:
        raise ValueError(f"sharing must be one of {', '.join(SHARING_LEVELS)}")
    viewer = resolve_viewer(db, handle)
    _bind(db).execute(update(Member).where(Member.id == viewer.member_id).values(sharing=level))


def visible_ties(
    db: Session | Connection,
    viewer: Viewer,
    *,
    level: str = "names",
    sources: Iterable[str] | None = None,
    active_only: bool = True,
    with_confidence: bool = False,
    as_of: dt.datetime | None = None,
) -> list[tuple[Any, ...]]:
    """(a, b, source, asserted_by[, confidence]) of the ties ``viewer`` may see.

    ``level="names"`` gives ties the viewer may list by name; ``"counts"`` adds
    those the viewer may only count. With ``as_of``, the ties as they stood
    then: begun before it (undated ones included: a declared connection
    without a date is known to exist) and not ended by it.
    """
    conn = _bind(db)
    allowed = {"names"} if level == "names" else {"names", "counts"}
    members = [mid for mid, lvl in sharing_levels(conn).items() if lvl in allowed]
    columns = [Tie.person_a_id, Tie.person_b_id, Tie.source, Tie.asserted_by]
    if with_confidence:
        columns.append(Tie.confidence)
    query = select(*columns).where(
        or_(
            Tie.asserted_by == viewer.member_id,
            Tie.asserted_by.in_(members),
            Tie.person_a_id == viewer.person_id,
            Tie.person_b_id == viewer.person_id,
        )
    )
    if sources is not None:
        query = query.where(Tie.source.in_(list(sources)))
    if as_of is not None:
        query = query.where(
            or_(Tie.since.is_(None), Tie.since < as_of),
            or_(Tie.ended_at.is_(None), Tie.ended_at > as_of),
        )
    elif active_only:
        query = query.where(Tie.ended_at.is_(None))
    return [tuple(row) for row in conn.execute(query)]


def first_degree(db: Session | Connection, viewer: Viewer) -> set[int]:
    """The viewer's contacts: persons with an active social tie to the viewer."""
    conn = _bind(db)
    me = viewer.person_id
    rows = conn.execute(
        select(Tie.person_a_id, Tie.person_b_id).where(
            or_(Tie.person_a_id == me, Tie.person_b_id == me),
            Tie.source.in_(SOCIAL_TIE_SOURCES),
            Tie.ended_at.is_(None),
        )
    )
    return {b if a == me else a for a, b in rows}


def degrees(db: Session | Connection, viewer: Viewer) -> tuple[dict[int, int], int]:
    """Degree (1 or 2) of every person the viewer may name, and the count of
    second-degree persons the viewer may only count."""
    conn = _bind(db)
    first = first_degree(conn, viewer)
    named: dict[int, int] = dict.fromkeys(first, 1)
    counted: set[int] = set()
    me = viewer.person_id
    for level in ("names", "counts"):
        for a, b, _source, _by in visible_ties(
            conn, viewer, level=level, sources=SOCIAL_TIE_SOURCES
        ):
            for u, v in ((a, b), (b, a)):
                if u in first and v != me and v not in first:
                    if level == "names":
                        named.setdefault(v, 2)
                    elif v not in named:
                        counted.add(v)
    return named, len(counted - set(named))


def visible_people(db: Session | Connection, viewer: Viewer) -> set[int]:
    """Persons the viewer may see by name: their own data's people and their first
    and (named) second degree."""
    conn = _bind(db)
    own = set(
        conn.execute(
            select(KnownPerson.person_id).where(KnownPerson.member_id == viewer.member_id)
        ).scalars()
    )
    named, _ = degrees(conn, viewer)
    members = set(conn.execute(select(Member.person_id)).scalars())
    return own | set(named) | members | {viewer.person_id}


def person_exists(db: Session | Connection, pid: int) -> bool:
    return _bind(db).execute(select(Person.id).where(Person.id == pid)).first() is not None

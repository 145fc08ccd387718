"""Administration: members and what they share, match proposals, the import history,
the database. Every listing shows another member's figures only as far as that
member shares them; a proposal about someone the viewer cannot see is not theirs
to list, accept or reject."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from weakties.records import build_list
from weakties.service.context import Viewer, reader
from weakties.service.network import PersonRef
from weakties.store import write
from weakties.store.engine import Store

__all__ = [
    "DbInfo",
    "ImportRow",
    "Match",
    "MemberRow",
    "accept_match",
    "db_info",
    "holds_people",
    "imports",
    "matches",
    "members",
    "reject_match",
    "set_sharing",
]


@dataclass(frozen=True, slots=True)
class MemberRow:
    """A member, their sharing level, and how many people their data knows (None
    unless they share at least counts, or it is the viewer)."""

    handle: str
    name: str | None
    sharing: str
    people: int | None


@dataclass(frozen=True, slots=True)
class Match:
    """Two person records that may be one human."""

    id: int
    a: PersonRef
    b: PersonRef
    confidence: float
    reason: str
    status: str


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One import (another member's without its file's path)."""

    id: int
    member: str | None
    kind: str
    path: str | None
    export_date: str | None
    finished: str | None
    added: dict[str, int]


@dataclass(frozen=True, slots=True)
class DbInfo:
    url: str
    revision: str | None
    head: str | None


def members(conn: Connection, who: Viewer) -> list[MemberRow]:
    """The members of the database, with what each shares — but those the viewer is
    not shown (a block either way, a suspension), as in search and every list."""
    from weakties.service.social import shown_reader

    return build_list(MemberRow, shown_reader(conn, who).members())


def set_sharing(conn: Connection, who: Viewer, level: str) -> str:
    """Set what other members may see of the viewer's data: nothing, counts, names."""
    write.set_sharing(reader(conn, who), level)
    return level


def matches(conn: Connection, who: Viewer) -> list[Match]:
    """Open proposals whose two records the viewer may both see."""
    return build_list(Match, reader(conn, who).proposals())


def accept_match(conn: Connection, who: Viewer, proposal: int) -> dict[str, int]:
    """Merge the two records of a proposal the viewer may see into one person."""
    from weakties.store.merge import merge_persons

    keep, drop = reader(conn, who).proposal(proposal)
    return merge_persons(conn, keep, drop)


def reject_match(conn: Connection, who: Viewer, proposal: int) -> None:
    """Mark a proposal the viewer may see as wrong: the records stay apart."""
    from weakties.store.merge import reject_proposal

    reader(conn, who).proposal(proposal)
    reject_proposal(conn, proposal)


def imports(conn: Connection, who: Viewer) -> list[ImportRow]:
    """The import history, as far as the viewer may see it."""
    return build_list(ImportRow, reader(conn, who).imports())


def db_info(store: Store) -> DbInfo:
    """Where the database is and which schema revision it has."""
    return DbInfo(store.url, store.current_revision(), store.head_revision())


def holds_people(store: Store) -> bool:
    """Whether the database holds anyone yet (the demo writes only into an empty
    server database). The schema may be an older one, or none yet: the demo asks
    before migrating anything."""
    from sqlalchemy import inspect, select

    from weakties.model.tables import Person

    with store.engine.connect() as conn:
        if not inspect(conn).has_table(Person.__tablename__):
            return False
        return conn.execute(select(Person.id).limit(1)).first() is not None

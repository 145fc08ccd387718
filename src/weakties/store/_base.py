"""The visibility rules as SQL: the one place that decides which rows a scope may use.

Every scoped read in :mod:`weakties.store` filters through the clauses built
here (see :class:`weakties.store.scope.Scope` for the sharing levels):

**Ties** a scope may use at a level (``names`` to list, ``counts`` to count):

- ties asserted by a member of ``scope.members(level)`` (the viewer's own
  data is always among them);
- a member's own tie with the viewer ("Bob is connected to you", asserted by
  Bob): it tells the viewer nothing about Bob's other contacts.

**Traces** (interactions) a scope may use, always by name (traces feed the
tie strength of pairs that are listed):

- traces from the data of a member of ``scope.names``;
- traces the viewer took part in (sender or recipient), whoever's import
  brought them in, when the other person is a member or someone the viewer's
  own data knows: the same message is stored once, by the first member who
  imported it.

**People** a scope may name: members (as members, not their contacts), the
people the data of ``names`` members mentions (``known_person``) and the ends
of the ties it may list. People it may count: the same at ``counts``. Facts
about a person (positions, headline, location) are visible with the person.

**Notes**: their author's only. **Events, asks, targets, settings**: the
member's own (other members' career events as they share them by name).

The operator scope skips every filter.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, Select, and_, exists, false, or_, select, union
from sqlalchemy.sql.elements import ColumnElement

from weakties.model.tables import Interaction, KnownPerson, Member, Tie
from weakties.store.clock import data_now
from weakties.store.scope import Scope

__all__ = ["ReaderBase", "chunks"]

CHUNK = 900  # ids per IN list: below SQLite's oldest limit on bound parameters


def chunks(ids: Any, size: int = CHUNK) -> Any:
    """``ids`` (any iterable) as sorted lists of at most ``size``."""
    values = sorted({int(x) for x in ids})
    for start in range(0, len(values), size):
        yield values[start : start + size]


class ReaderBase:
    """A connection, a scope and the times an analysis reads the data at.

    Attributes
    ----------
    conn : Connection
    scope : Scope
    clock : datetime
        The database's clock (the real time unless the database fixes one):
        when asks are recorded and etiquette waits run.
    now : datetime
        The present of the data: the clock, or the day after the member's
        newest export when that is more than a month old and nothing was
        recorded since (set by the service).
        Analyses default to it; undated facts hold at it.
    """

    def __init__(
        self,
        conn: Connection,
        scope: Scope,
        *,
        now: dt.datetime | None = None,
        clock: dt.datetime | None = None,
    ) -> None:
        self.conn = conn
        self.scope = scope
        self.clock = clock or data_now(conn)
        self.now = now or self.clock
        self._cache: dict[Any, Any] = {}

    # -- the rules ---------------------------------------------------------------
    def tie_visible(self, level: str = "names") -> ColumnElement[bool] | None:
        """The WHERE clause of the ties the scope may use at ``level`` (None: all)."""
        scope = self.scope
        if scope.is_operator:
            return None
        members = sorted(scope.members(level))
        asserted = Tie.asserted_by.in_(members) if members else false()
        me = scope.person_id
        if me is None:
            return asserted
        # a member's own tie with the viewer: asserted by the member at its other end
        own_tie = exists().where(
            Member.id == Tie.asserted_by,
            Member.person_id.in_([Tie.person_a_id, Tie.person_b_id]),
        )
        return or_(asserted, and_(or_(Tie.person_a_id == me, Tie.person_b_id == me), own_tie))

    def trace_visible(self) -> ColumnElement[bool] | None:
        """The WHERE clause of the traces the scope may use (None: all)."""
        scope = self.scope
        if scope.is_operator:
            return None
        members = sorted(scope.names)
        asserted = Interaction.asserted_by.in_(members) if members else false()
        me = scope.person_id
        if me is None:
            return asserted
        known = union(
            select(Member.person_id),
            select(KnownPerson.person_id).where(KnownPerson.member_id == scope.member_id),
        ).subquery()
        allowed = select(known.c.person_id)
        return or_(
            asserted,
            and_(Interaction.sender_id == me, Interaction.recipient_id.in_(allowed)),
            and_(Interaction.recipient_id == me, Interaction.sender_id.in_(allowed)),
        )

    def people_query(self, level: str = "names") -> Any:
        """A SELECT of the person ids the scope may show at ``level`` (None: all)."""
        scope = self.scope
        if scope.is_operator:
            return None
        members = sorted(scope.members(level))
        where = self.tie_visible(level)
        parts: list[Any] = [
            select(Member.person_id.label("pid")),
            select(KnownPerson.person_id.label("pid")).where(
                KnownPerson.member_id.in_(members) if members else false()
            ),
            select(Tie.person_a_id.label("pid")).where(where if where is not None else false()),
            select(Tie.person_b_id.label("pid")).where(where if where is not None else false()),
        ]
        found = union(*parts).subquery()
        return select(found.c.pid)

    def people_filter(self, column: Any, level: str = "names") -> ColumnElement[bool] | None:
        """``column IN (the people the scope may show at level)``, None for all."""
        query = self.people_query(level)
        return None if query is None else column.in_(query)

    def people(self, level: str = "names") -> frozenset[int] | None:
        """The person ids the scope may show at ``level`` (None: everyone), cached."""
        key = ("people", level)
        if key not in self._cache:
            query = self.people_query(level)
            self._cache[key] = (
                None if query is None else frozenset(self.conn.execute(query).scalars())
            )
        return self._cache[key]

    def may_show(self, person_id: int, level: str = "names") -> bool:
        shown = self.people(level)
        return shown is None or person_id in shown

    def keep_visible(self, person_ids: Any, level: str = "names") -> list[int]:
        """The ids of ``person_ids`` the scope may show (sorted, unique)."""
        shown = self.people(level)
        ids = sorted({int(p) for p in person_ids})
        return ids if shown is None else [p for p in ids if p in shown]

    def member_persons(self) -> dict[int, int]:
        """Member id -> person id, for every member (members are visible as members)."""
        if "members" not in self._cache:
            self._cache["members"] = dict(
                self.conn.execute(select(Member.id, Member.person_id)).all()
            )
        return self._cache["members"]

    def where(self, query: Any, *clauses: ColumnElement[bool] | None) -> Select[Any]:
        """``query`` with the clauses that are not None."""
        kept = [c for c in clauses if c is not None]
        return query.where(*kept) if kept else query

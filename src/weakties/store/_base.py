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

**Hidden people** (a reader's ``hidden``, empty unless the service gives it):
people the viewer is not shown at all — on the platform, a member with a block
between them and the viewer, either way, or a suspended member. No tie with
one of them at an end, no trace they sent or received, and not they themselves
are read, even from the viewer's own imported data: everything computed from
such a reader (scores, classes, layers, reach, circles, brokers, the people
counted by origin) is the network without them, so no list or count can point
at them.

The operator scope skips every filter (but ``hidden``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Connection, Select, and_, exists, false, or_, select, union
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from weakties.model.tables import Interaction, KnownPerson, Member, Person, Tie
from weakties.store.clock import data_now
from weakties.store.scope import LEVELS, Scope

__all__ = ["ReaderBase", "chunks", "indexed_by", "one_of"]

CHUNK = 900  # ids per IN list: below SQLite's oldest limit on bound parameters

# The tables as the per-row rules name them inside their subqueries: made once,
# an alias costs more to build than the rest of a query.
_SHOWN_MEMBER = aliased(Member, name="shown_member")
_SHOWN_KNOWN = aliased(KnownPerson, name="shown_known")
_SHOWN_TIE_A = aliased(Tie, name="shown_tie_a")
_SHOWN_TIE_B = aliased(Tie, name="shown_tie_b")
_TIE_OWNER = aliased(Member, name="tie_owner")
# the members whose data a scope may use at each level, besides the viewer's own
# (never correlated: the members table of an enclosing query is another row)
_SHARING = {
    "names": select(Member.id).where(Member.sharing.in_(["names"])).correlate(None),
    "counts": select(Member.id).where(Member.sharing.in_(list(LEVELS))).correlate(None),
}
_SHARER = aliased(Member, name="sharer")
_SHARER_LEVELS = {"names": ["names"], "counts": list(LEVELS)}


#: the rules built so far, reused by the next reads (see :func:`_kept`)
_RULES: dict[tuple[Any, ...], tuple[Any, ColumnElement[bool]]] = {}
_RULES_KEPT = 2048


def _kept(build: Callable[..., ColumnElement[bool]]) -> Callable[..., ColumnElement[bool]]:
    """A rule method whose clause is built once per scope, hidden people and
    arguments, then reused: a rule is a small tree of SQL expressions that costs
    more to build than most indexed reads it filters take to run. What a rule
    depends on is all in the key: the viewer's member and person (the sharing
    levels are read by the query itself), the hidden people, the column or table
    it applies to (kept with the clause, so that the key's identity holds), the
    other arguments and the kind of database."""

    def kept(self: ReaderBase, anchor: Any, *args: Any, **kwargs: Any) -> ColumnElement[bool]:
        scope = self.scope
        key = (
            build.__name__,
            id(anchor),
            args,
            tuple(sorted(kwargs.items())),
            scope.member_id,
            scope.person_id,
            scope.is_operator,
            self.hidden,
            self.conn.dialect.name,  # a rule may be written for its database
        )
        found = _RULES.get(key)
        if found is not None and found[0] is anchor:
            return found[1]
        rule = build(self, anchor, *args, **kwargs)
        if len(_RULES) >= _RULES_KEPT:
            _RULES.clear()
        _RULES[key] = (anchor, rule)
        return rule

    kept.__name__, kept.__doc__ = build.__name__, build.__doc__
    return kept


def chunks(ids: Any, size: int = CHUNK) -> Any:
    """``ids`` (any iterable) as sorted lists of at most ``size``."""
    values = sorted({int(x) for x in ids})
    for start in range(0, len(values), size):
        yield values[start : start + size]


def one_of(conn: Connection, column: Any, ids: Iterable[int]) -> ColumnElement[bool]:
    """``column IN ids``, the ids sent as one bound parameter however many they are:
    on SQLite ``column IN (SELECT value FROM json_each(:ids))`` (a JSON array), on
    PostgreSQL ``column = ANY(:ids)`` (an array); elsewhere a plain ``IN`` list
    (callers then keep it within :data:`CHUNK`).

    One bound value per id makes SQLAlchemy render the statement again for each
    list (a name per value), and the driver bind each value: for the 5,000
    contacts of one member, read in chunks of :data:`CHUNK`, that was some
    30,000 bound values and most of the time of reading their ties and people
    (25 ms of Python for 390 ids on PostgreSQL). With one parameter the
    statement is compiled once and kept, and the database reads the ids from the
    parameter: on SQLite the index of ``column`` is still searched once per id
    (``LIST SUBQUERY`` in the plan)."""
    values = sorted({int(x) for x in ids})
    dialect = conn.dialect.name
    if dialect == "sqlite":
        import json

        from sqlalchemy import String, bindparam, func

        listed = func.json_each(bindparam(None, json.dumps(values), type_=String))
        return column.in_(select(listed.table_valued("value").c.value))
    if dialect != "postgresql":
        return column.in_(values)
    from sqlalchemy import Integer, any_, bindparam
    from sqlalchemy.dialects.postgresql import ARRAY

    return column == any_(bindparam(None, values, type_=ARRAY(Integer)))


def indexed_by(query: Any, table: Any, index: str) -> Any:
    """``query`` reading ``table`` through ``index`` on SQLite (``INDEXED BY``);
    unchanged on PostgreSQL, whose planner weighs indexes with statistics.

    For a choice SQLite's planner gets wrong without statistics (the platform
    does not gather them on SQLite): between two indexes on the same first
    column it takes the narrower one, even when the wider one (a partial index of
    the rows the query wants, holding the columns it reads) spares it a table
    row per index entry. SQLAlchemy's SQLite compiler drops table hints; it is
    taught to write them here (the only hints written are SQLite's own)."""
    _sqlite_hints()
    return query.with_hint(table, f"INDEXED BY {index}", "sqlite")


def _sqlite_hints() -> None:
    from sqlalchemy.dialects.sqlite.base import SQLiteCompiler

    if getattr(SQLiteCompiler, "_weakties_hints", False):
        return

    def get_from_hint_text(self: Any, table: Any, text: str | None) -> str | None:
        return text

    SQLiteCompiler.get_from_hint_text = get_from_hint_text  # type: ignore[method-assign]
    SQLiteCompiler._weakties_hints = True  # type: ignore[attr-defined]


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
    hidden : frozenset of int
        Person ids read as if they did not exist (see the module doc; set by the
        service, empty by default).
    """

    def __init__(
        self,
        conn: Connection,
        scope: Scope,
        *,
        now: dt.datetime | None = None,
        clock: dt.datetime | None = None,
        hidden: Iterable[int] = (),
    ) -> None:
        self.conn = conn
        self.scope = scope
        self.clock = clock or data_now(conn)
        self.now = now or self.clock
        self.hidden = frozenset(int(p) for p in hidden)
        self._cache: dict[Any, Any] = {}

    # -- the rules ---------------------------------------------------------------
    def member_filter(
        self, column: Any, level: str = "names", *, whole: bool = False
    ) -> ColumnElement[bool] | None:
        """``column`` (a member id) is one whose data the scope may use at ``level``
        (None: all): the viewer's own member, and the members whose sharing level
        allows it.

        The levels are read from the ``member`` table by the query itself rather
        than sent as a list of every member id the scope holds: on a platform
        where nearly every member shares, that list is the whole membership, sent
        (and matched) again by every read. Within one transaction on SQLite the
        table is the one the scope was built from; on PostgreSQL a level changed
        since the request began applies at once, which only ever follows the
        member's latest choice.

        ``whole``: for a read of the whole network (every tie, every trace), the
        sharing members are listed once for the query (``IN (SELECT ...)``);
        otherwise each row looks its member up by primary key (``EXISTS``), which
        costs nothing for the few rows an indexed read returns, where listing a
        platform's members would cost more than the read itself.
        """
        return None if self.scope.is_operator else self._shared_by(column, level, whole)

    @_kept
    def _shared_by(self, column: Any, level: str, whole: bool = False) -> ColumnElement[bool]:
        scope = self.scope
        scope.members(level)  # refuses an unknown level
        if whole:
            sharing = column.in_(_SHARING[level])
        else:
            sharing = self._looked_up(
                _SHARER.id, _SHARER.id == column, _SHARER.sharing.in_(_SHARER_LEVELS[level])
            )
        if scope.member_id is None:
            return sharing
        return or_(column == scope.member_id, sharing)

    def _looked_up(self, column: Any, *where: Any) -> ColumnElement[bool]:
        """``EXISTS (SELECT column ... WHERE ...)``, looked up for each row of the
        enclosing query through the indexes.

        PostgreSQL would otherwise turn an uncorrelated-looking lookup (a member
        by id, a person by id) into a hash of the whole table, built by each
        query for its few rows: at 10,000 members, 8 to 20 ms to read a member's
        contacts, 1 ms with a lookup per row. An ``OFFSET 0`` keeps it a lookup
        (PostgreSQL does not rewrite such a subquery); SQLite gets the plain
        ``EXISTS``, which it always looks up per row."""
        probe = select(column).where(*where)
        if self.conn.dialect.name == "postgresql":
            probe = probe.offset(0)
        return probe.exists()

    def tie_visible(
        self, level: str = "names", tie: Any = Tie, *, whole: bool = False
    ) -> ColumnElement[bool] | None:
        """The WHERE clause of the ties the scope may use at ``level`` (None: all);
        ``tie`` is the tie table or an alias of it; ``whole`` for a read of every
        tie (see :meth:`member_filter`)."""
        if self.scope.is_operator:
            return self._not_hidden(tie.person_a_id, tie.person_b_id)
        return self._tie_rule(level, tie, whole)

    def _not_hidden(self, *columns: Any) -> ColumnElement[bool] | None:
        """None of ``columns`` (person ids, possibly NULL) is a hidden person (None:
        nobody is hidden)."""
        if not self.hidden:
            return None
        ids = sorted(self.hidden)
        return and_(*(or_(c.is_(None), c.not_in(ids)) for c in columns))

    def _tie_rule(self, level: str, tie: Any, whole: bool = False) -> ColumnElement[bool]:
        return self._tie_rule_of(tie, level, whole)

    @_kept
    def _tie_rule_of(self, tie: Any, level: str, whole: bool) -> ColumnElement[bool]:
        scope = self.scope
        asserted = self._shared_by(tie.asserted_by, level, whole)
        me = scope.person_id
        if me is None:
            rule = asserted
        else:
            # a member's own tie with the viewer: asserted by the member at its other end
            owner = _TIE_OWNER if tie is not Tie else Member
            own_tie = exists().where(
                owner.id == tie.asserted_by,
                owner.person_id.in_([tie.person_a_id, tie.person_b_id]),
            )
            rule = or_(asserted, and_(or_(tie.person_a_id == me, tie.person_b_id == me), own_tie))
        unhidden = self._not_hidden(tie.person_a_id, tie.person_b_id)
        return rule if unhidden is None else and_(rule, unhidden)

    def trace_visible(self, *, whole: bool = True) -> ColumnElement[bool] | None:
        """The WHERE clause of the traces the scope may use (None: all); ``whole``
        (the default) for a read of every trace, else for a few (see
        :meth:`member_filter`)."""
        scope = self.scope
        unhidden = self._not_hidden(Interaction.sender_id, Interaction.recipient_id)
        if scope.is_operator:
            return unhidden
        asserted = self._shared_by(Interaction.asserted_by, "names", whole)
        me = scope.person_id
        if me is None:
            return asserted if unhidden is None else and_(asserted, unhidden)
        known = union(
            select(Member.person_id),
            select(KnownPerson.person_id).where(KnownPerson.member_id == scope.member_id),
        ).subquery()
        allowed = select(known.c.person_id)
        rule = or_(
            asserted,
            and_(Interaction.sender_id == me, Interaction.recipient_id.in_(allowed)),
            and_(Interaction.recipient_id == me, Interaction.sender_id.in_(allowed)),
        )
        return rule if unhidden is None else and_(rule, unhidden)

    def people_query(self, level: str = "names") -> Any:
        """A SELECT of the person ids the scope may show at ``level`` (None: all).

        It reads every visible tie: for the whole set (:meth:`people`); a filter
        on some rows uses :meth:`people_filter`, which looks up each row's person."""
        scope = self.scope
        if scope.is_operator:
            return None
        where = self.tie_visible(level, whole=True)
        parts: list[Any] = [
            select(Member.person_id.label("pid")),
            select(KnownPerson.person_id.label("pid")).where(
                self._shared_by(KnownPerson.member_id, level, whole=True)
            ),
            select(Tie.person_a_id.label("pid")).where(where if where is not None else false()),
            select(Tie.person_b_id.label("pid")).where(where if where is not None else false()),
        ]
        found = union(*parts).subquery()
        return self.where(select(found.c.pid), self._not_hidden(found.c.pid))

    def people_filter(self, column: Any, level: str = "names") -> ColumnElement[bool] | None:
        """``column`` (a person id) is one the scope may show at ``level`` (None:
        all): the same people as :meth:`people_query`, found for each row by its
        own person (a member; known to the data of a member the scope may use; an
        end of a tie it may use) through the indexes, instead of reading every
        visible tie of the network for a few rows."""
        return None if self.scope.is_operator else self._person_rule(column, level)

    @_kept
    def _person_rule(self, column: Any, level: str) -> ColumnElement[bool]:
        member, known = _SHOWN_MEMBER, _SHOWN_KNOWN
        as_a, as_b = _SHOWN_TIE_A, _SHOWN_TIE_B
        rule = or_(
            self._looked_up(member.id, member.person_id == column),
            self._looked_up(
                known.id, known.person_id == column, self._shared_by(known.member_id, level)
            ),
            self._looked_up(as_a.id, as_a.person_a_id == column, self._tie_rule(level, as_a)),
            self._looked_up(as_b.id, as_b.person_b_id == column, self._tie_rule(level, as_b)),
        )
        unhidden = self._not_hidden(column)
        return rule if unhidden is None else and_(rule, unhidden)

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
        return bool(self.keep_visible([person_id], level))

    def keep_visible(self, person_ids: Any, level: str = "names") -> list[int]:
        """The ids of ``person_ids`` the scope may show (sorted, unique).

        From the whole set when it is at hand (:meth:`people`), else by looking
        up these people only, each answer kept with the reader's other results."""
        ids = sorted({int(p) for p in person_ids} - self.hidden)
        if self.scope.is_operator:
            return ids
        if ("people", level) in self._cache:
            shown = self.people(level)
            return ids if shown is None else [p for p in ids if p in shown]
        key = ("shown", level)
        if key not in self._cache:
            self._cache[key] = {}
        known: dict[int, bool] = self._cache[key]
        todo = [p for p in ids if p not in known]
        if todo:
            found = set(
                self.conn.execute(
                    select(Person.id).where(
                        one_of(self.conn, Person.id, todo), self._person_rule(Person.id, level)
                    )
                ).scalars()
            )
            known.update((p, p in found) for p in todo)
        return [p for p in ids if known[p]]

    def member_persons(self) -> dict[int, int]:
        """Member id -> person id, for every member (members are visible as members)."""
        if "members" not in self._cache:
            self._cache["members"] = dict(
                self.conn.execute(select(Member.id, Member.person_id)).all()
            )
        return self._cache["members"]

    def members_among(self, person_ids: Iterable[int]) -> set[int]:
        """The ones of ``person_ids`` that are members' persons: from
        :meth:`member_persons` once it was read, else read for them alone (the
        unique index of the member's person), not every member of the platform."""
        ids = {int(p) for p in person_ids}
        if "members" in self._cache or not ids:
            return ids & set(self.member_persons().values())
        return set(
            self.conn.execute(
                select(Member.person_id).where(one_of(self.conn, Member.person_id, ids))
            ).scalars()
        )

    def where(self, query: Any, *clauses: ColumnElement[bool] | None) -> Select[Any]:
        """``query`` with the clauses that are not None."""
        kept = [c for c in clauses if c is not None]
        return query.where(*kept) if kept else query

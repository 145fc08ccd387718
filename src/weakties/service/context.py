"""Who is looking, and at which date: the :class:`Viewer` every service call takes.

A viewer is resolved once per command or request:

- :func:`viewer` — a member (by handle; the only member when the database has
  one). Their scope: their own data, and other members' as those share it.
- :func:`shared` — no member: what every member may see (the data of members
  who share it). Administrative listings made without naming a member use it.
- :func:`operator` — the whole database, for explicit whole-network work
  (``ties --all`` and ``suggest --all`` without ``--as``, evaluation,
  benchmarks). Results computed with it say so.

The date. ``viewer.clock`` is the database's clock (the real time unless the
database fixes one, like the demo's); asks are recorded and etiquette waits run
on it. ``viewer.now`` is the data's present: the clock, or — when the member's
newest export is more than a month older than the clock *and* nothing of theirs
was recorded after it — the day after that export, so that a 2018 export
analysed on its own is read as of 2018 rather than as eight years of silence;
``viewer.note`` then says so in one line. As soon as the member does something
on the platform after the export (a connection made, a message or an
invitation, an ask: :meth:`weakties.store.reader.Reader.active_since`), their
data is live and its present is the clock's: freezing it would hide everything
they did since from their scores, dashboard, reminders and ask history. For the
operator and the shared view, anyone's platform activity after the newest
export counts. ``viewer.as_of`` is a date the user asked for (``--as-of``);
analyses run at ``viewer.when``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
import weakref
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from weakties.errors import AmbiguousError, NotFoundError
from weakties.model.tables import Member, Setting
from weakties.store.clock import KEY as CLOCK_KEY
from weakties.store.clock import data_now, parse_clock
from weakties.store.engine import Store
from weakties.store.reader import Reader
from weakties.store.scope import Scope, member_scope, shared_scope

log = logging.getLogger(__name__)

__all__ = [
    "STALE_AFTER",
    "Viewer",
    "operator",
    "person_of",
    "reader",
    "shared",
    "transaction",
    "viewer",
    "viewer_or_shared",
]

#: data older than this (its newest export), with nothing recorded since, is
#: analysed as of its own date
STALE_AFTER = dt.timedelta(days=31)


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is looking (a member, the shared view or the operator) and when.

    Attributes
    ----------
    scope : Scope
        Whose data the viewer's reads may use.
    handle : str or None
        The member's handle (None for the shared view and the operator).
    clock : datetime
        The database's clock.
    now : datetime
        The data's present: analyses default to it (see the module doc).
    as_of : datetime or None
        The date the user asked for, if any.
    data_date : date or None
        The export date of the viewer's newest import.
    note : str or None
        One line to show when ``now`` is not the clock.
    """

    scope: Scope
    handle: str | None
    clock: dt.datetime
    now: dt.datetime
    as_of: dt.datetime | None = None
    data_date: dt.date | None = None
    note: str | None = None

    @property
    def member_id(self) -> int | None:
        return self.scope.member_id

    @property
    def person_id(self) -> int | None:
        return self.scope.person_id

    @property
    def is_operator(self) -> bool:
        return self.scope.is_operator

    @property
    def when(self) -> dt.datetime:
        """The date analyses run at: the one asked for, else the data's present."""
        return self.as_of or self.now

    @property
    def label(self) -> str:
        """How results name the viewer: the handle, "the operator (the whole
        database)" or "every member"."""
        if self.handle is not None:
            return self.handle
        return "the operator (the whole database)" if self.is_operator else "every member"


@contextmanager
def transaction(store: Store) -> Iterator[Connection]:
    """One transaction for one command or request: committed on success, rolled
    back on error; a damaged database said in one line (:meth:`Store.checked`)."""
    with store.checked(), store.engine.begin() as conn:
        yield conn


def reader(conn: Connection, who: Viewer) -> Reader:
    """The scoped reader of a viewer (the engines' only way to the data).

    Its graph-only results (first and second degree, the people it may show) are
    kept for the viewer's next requests while the graph is unchanged (see
    :mod:`weakties.service.live`)."""
    from weakties.service.live import shared_reads

    r = Reader(conn, who.scope, now=who.now, clock=who.clock)
    kept = shared_reads(conn, who)
    if kept is not None:
        r._cache = kept
    return r


class _MemberTable:
    """The member table as one process last read it, at a graph counter: every
    member's ``(id, person, sharing, handle)``, by handle, and the scopes made of
    it so far (their member sets shared between viewers whose sets are equal)."""

    def __init__(self, stamp: int | None, rows: list[tuple[int, int, str, str]]) -> None:
        self.stamp = stamp
        self.rows = rows
        self.by_handle = {r[3]: r for r in rows}
        self.persons = {r[0]: r[1] for r in rows}
        self._shared: Scope | None = None
        self._scopes: dict[int, Scope] = {}
        self._sets: dict[frozenset[int], frozenset[int]] = {}
        self._lock = threading.Lock()

    def persons_of(self, members: Iterable[int]) -> frozenset[int]:
        """The people of ``members`` (those still in the table): who a view that
        leaves those members out hides, e.g. the suspended ones."""
        persons = self.persons
        return frozenset(persons[m] for m in members if m in persons)

    def scope(self, member_id: int) -> Scope:
        with self._lock:
            found = self._scopes.get(member_id)
        if found is not None:
            return found
        made = self._member_scope(member_id)
        with self._lock:
            names = self._sets.setdefault(made.names, made.names)
            counts = self._sets.setdefault(made.counts, made.counts)
            made = dataclasses.replace(made, names=names, counts=counts)
            if len(self._scopes) >= _SCOPES:
                self._scopes.clear()
            return self._scopes.setdefault(member_id, made)

    def _member_scope(self, member_id: int) -> Scope:
        """:func:`member_scope` of the table's rows, the members who share read
        once per table rather than once per member (a pass over the 10,000
        members of a platform read the 10,000 rows for each)."""
        person = self.persons.get(member_id)
        if person is None:
            return member_scope([(m, p, s) for m, p, s, _ in self.rows], member_id)
        with self._lock:
            base = self._shared
            if base is None:
                base = self._shared = shared_scope([(m, p, s) for m, p, s, _ in self.rows])
        names = base.names if member_id in base.names else base.names | {member_id}
        counts = base.counts if member_id in base.counts else base.counts | {member_id}
        return Scope(member_id, person, names, counts)


_SCOPES = 4096  # scopes kept per process and database (their sets are shared)
# per open database: the member table as last read, with the graph counter it was
# read at (members and their sharing are part of the graph: a change bumps it)
_MEMBERS: weakref.WeakKeyDictionary[Engine, _MemberTable] = weakref.WeakKeyDictionary()
_MEMBERS_LOCK = threading.Lock()


def _members(conn: Connection) -> _MemberTable:
    """Every member's ``(id, person, sharing, handle)``: what every viewer's scope is
    made of. Read once per change of the graph and process, not once per request:
    at 10,000 members reading them and making a scope of them is most of what a
    small page costs. A transaction that wrote to the database reads them itself
    (it may have changed them and may yet be rolled back)."""
    from weakties.service.live import counters
    from weakties.store.changes import wrote_in_transaction

    found = counters(conn)  # read before the members: a later change only re-reads
    stamp = found[0] if found is not None and not wrote_in_transaction(conn) else None
    if stamp is not None:
        with _MEMBERS_LOCK:
            kept = _MEMBERS.get(conn.engine)
        if kept is not None and kept.stamp == stamp:
            return kept
    table = _MemberTable(
        stamp,
        [
            (int(m), int(p), str(s), str(h))
            for m, p, s, h in conn.execute(
                select(Member.id, Member.person_id, Member.sharing, Member.handle).order_by(
                    Member.id
                )
            )
        ],
    )
    if stamp is not None:
        with _MEMBERS_LOCK:
            _MEMBERS[conn.engine] = table
    return table


# per open database: what dates a viewer, as this process last read it — the
# clock setting, each scope's newest export (both part of the graph: a change
# bumps its counter) and whether a member did something after their export (ties
# and traces): key -> (the counters it was read at, the value)
_DATES: weakref.WeakKeyDictionary[Engine, dict[Hashable, tuple[Any, Any]]] = (
    weakref.WeakKeyDictionary()
)
_DATES_KEPT = 4096  # entries per process and database
_DATES_LOCK = threading.Lock()


def _remembered(
    conn: Connection, key: Hashable, compute: Callable[[], Any], *, traces: bool = False
) -> Any:
    """``compute()``, reused by this process while the counters it depends on (the
    graph's, and the traces' with ``traces``) are the database's: a request then
    reads neither the clock setting nor the newest import again. A transaction
    that wrote computes it itself (what it wrote may yet be rolled back), and a
    database without counters reuses nothing."""
    from weakties.service.live import counters
    from weakties.store.changes import wrote_in_transaction

    found = counters(conn)  # read before the value: a later change only re-reads
    if found is None or wrote_in_transaction(conn):
        return compute()
    stamp = found if traces else found[0]
    with _DATES_LOCK:
        entries = _DATES.setdefault(conn.engine, {})
        hit = entries.get(key)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    value = compute()
    with _DATES_LOCK:
        if len(entries) >= _DATES_KEPT:
            entries.clear()
        entries[key] = (stamp, value)
    return value


def _clock(conn: Connection) -> dt.datetime:
    """The database's clock (:func:`data_now`), its setting read once per change."""
    fixed = _remembered(
        conn,
        "clock",
        lambda: conn.execute(select(Setting.value).where(Setting.key == CLOCK_KEY)).scalar(),
    )
    return parse_clock(fixed) if fixed else data_now()


def _dated(conn: Connection, scope: Scope, handle: str | None, as_of: dt.datetime | None) -> Viewer:
    """The viewer at the data's present (see the module doc): the clock, unless
    the newest export is more than a month old and nothing was recorded after
    it (:meth:`weakties.store.reader.Reader.active_since`)."""
    clock = _clock(conn)
    r = Reader(conn, scope, clock=clock)
    seen_by = (scope.member_id, scope.person_id, scope.is_operator)
    data_date = _remembered(conn, ("data_date", seen_by), r.data_date)
    now, note = clock, None
    if data_date is not None:
        day_after = dt.datetime.combine(data_date, dt.time()) + dt.timedelta(days=1)
        if clock - day_after > STALE_AFTER and not _remembered(
            conn,
            ("active_since", seen_by, day_after),
            lambda: r.active_since(day_after),
            traces=True,
        ):
            now = day_after
            whose = "your" if scope.member_id is not None else "the"
            note = (
                f"as of {day_after.date().isoformat()}, the day after {whose} newest export "
                f"({data_date.isoformat()}, more than a month old); --as-of DATE for another date"
            )
    who = Viewer(scope, handle, clock, now, as_of, data_date, note if as_of is None else None)
    if not log.isEnabledFor(logging.INFO):
        # the line lists every member the scope holds: not built for nothing
        return who
    log.info(
        "viewer %s: %s; data as of %s (clock %s%s)",
        who.label,
        "every row"
        if scope.is_operator
        else f"members by name {sorted(scope.names)}, counted {sorted(scope.counts - scope.names)}",
        who.when.date().isoformat(),
        clock.date().isoformat(),
        f", newest export {data_date.isoformat()}" if data_date else "",
    )
    return who


def viewer(
    conn: Connection, handle: str | None = None, *, as_of: dt.datetime | None = None
) -> Viewer:
    """The member ``handle`` (case-insensitive if unambiguous) — or, without a
    handle, the database's only member.

    Raises
    ------
    NotFoundError
        No such member, or no member at all yet (nothing imported).
    AmbiguousError
        No handle given and several members share the database.
    """
    table = _members(conn)
    members = table.rows
    if handle:
        exact = table.by_handle.get(handle)
        found = [exact] if exact is not None else []
        if not found:
            found = [m for m in members if m[3].lower() == handle.lower()]
            if len(found) > 1:
                raise AmbiguousError(f"several members match {handle!r}", [m[3] for m in found])
        if not found:
            raise NotFoundError(
                f"no member {handle!r} (members: {', '.join(m[3] for m in members) or 'none yet'})"
            )
        chosen = found[0]
    elif not members:
        raise NotFoundError(
            "no member yet: import an export first "
            "(weakties import linkedin PATH --as NAME) or run weakties demo"
        )
    elif len(members) > 1:
        raise AmbiguousError(
            f"{len(members)} members share this database: say who is looking with "
            "--as NAME (or WEAKTIES_MEMBER)",
            [m[3] for m in members],
        )
    else:
        chosen = members[0]
    return _dated(conn, table.scope(chosen[0]), chosen[3], as_of)


def viewer_or_shared(conn: Connection, handle: str | None = None) -> Viewer:
    """A member if one is named (or the database has only one), else the shared view."""
    if handle or _count(conn) <= 1:
        try:
            return viewer(conn, handle)
        except NotFoundError:
            if handle:
                raise
    return shared(conn)


def _count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(Member)).scalar() or 0)


def shared(conn: Connection) -> Viewer:
    """The shared view: what every member may see."""
    scope = shared_scope([(m, p, s) for m, p, s, _ in _members(conn).rows])
    return _dated(conn, scope, None, None)


def operator(conn: Connection, *, as_of: dt.datetime | None = None) -> Viewer:
    """The operator: the whole database (say so wherever the results are shown)."""
    return _dated(conn, Scope.operator(), None, as_of)


def describe(who: Viewer) -> dict[str, Any]:
    """The viewer as results carry it (JSON-ready)."""
    return {"viewer": who.label, "as_of": who.when.isoformat(timespec="seconds")}


def person_of(who: Viewer) -> int:
    """The viewer's person: only a member looks from somewhere in the network.

    Raises
    ------
    NotFoundError
        For the shared view and the operator.
    """
    if who.person_id is None:
        raise NotFoundError("this is a member's view: say who is looking (--as NAME)")
    return who.person_id

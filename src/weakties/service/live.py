"""What a server process keeps in memory between requests, and how it stays current.

Each process (a web worker, a command) keeps, for its most recently active
viewers, the results that are costly to recompute and that depend only on the
database: the graph snapshot a viewer's scope sees (degree badges, mutual
contacts, paths), their first and second degree, the introduction network with
tie strengths (who can introduce me), the ego graph's data, the dashboard and
the scored ties of the tie table. Nothing is shared between processes but the
database.

**Current.** Every write bumps the database's change counters in its own
transaction (:mod:`weakties.store.changes`): ``graph`` when ties, members,
sharing, people, positions, blocks or settings change, ``traces`` when
interactions, messages, comments, reactions, asks or labels change. Each
request reads both counters once (one one-row query, remembered for its
transaction); an entry is reused only while the counters it was computed with
are the database's: results that depend on the graph alone (snapshots, degrees)
only while ``graph`` is unchanged, the others while both are. A write in one
process is therefore seen by every other process at its next request. A
transaction that wrote neither reads nor fills the memory (what it reads may
still be rolled back), and a database without counters reuses nothing.

**Scoped.** Entries are kept per viewer *and scope*: the key holds the viewer's
member and person and the exact sets of members whose data they may see by name
and by count (recomputed from the ``member`` table by every request), the date
the analysis runs at, and the date asked for. Privacy stays where it is: what
is kept was computed by the same scoped readers, for that scope only. One
result is shared between viewers (:func:`common`): the graph snapshot of the
ties every member may see, which is exactly the snapshot of each member who
shares by name and with whom no member sharing less has asserted a tie
(:func:`weakties.service.network._snapshot` checks it per viewer); on a platform
where nearly everyone shares, the viewers then hold one copy of the network
instead of one each.

**Bounded.** At most ``WEAKTIES_LIVE_VIEWERS`` viewers (default 16) per
process and database, the least recently active dropped first; 0 turns the memory off.
For a member with 5,000 contacts a viewer's entries hold a few MB to a few
tens of MB (docs/network-pages.md gives the measured figures).
"""

from __future__ import annotations

import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

from weakties.service.context import Viewer
from weakties.store.changes import read_counters, wrote_in_transaction

__all__ = [
    "DEFAULT_VIEWERS",
    "clear",
    "common",
    "counters",
    "held",
    "memo",
    "shared_reads",
]

T = TypeVar("T")

#: viewers kept per process unless WEAKTIES_LIVE_VIEWERS says otherwise
DEFAULT_VIEWERS = 16
_COUNTERS = "weakties_counters"  # conn.info: the counters read in this transaction
#: the scoped reader's results kept between requests: they depend on the graph only
_READS = frozenset(
    {
        "first_degree",
        "degrees",
        ("people", "names"),
        ("people", "counts"),
        ("shown", "names"),
        ("shown", "counts"),
    }
)


def _limit() -> int:
    try:
        return max(0, int(os.environ.get("WEAKTIES_LIVE_VIEWERS", DEFAULT_VIEWERS)))
    except ValueError:
        return DEFAULT_VIEWERS


class _Viewers:
    """The per-viewer entries of this process, least recently active first, and
    the entries shared by every viewer (see :func:`common`)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.buckets: OrderedDict[Hashable, dict[str, Any]] = OrderedDict()
        # the graph counter they were computed at, and the entries, least used first
        self.common: tuple[int, OrderedDict[Hashable, Any]] = (-1, OrderedDict())

    def bucket(self, key: Hashable) -> dict[str, Any] | None:
        limit = _limit()
        if limit == 0:
            return None
        with self.lock:
            found = self.buckets.get(key)
            if found is None:
                found = {}
                self.buckets[key] = found
            self.buckets.move_to_end(key)
            while len(self.buckets) > limit:
                self.buckets.popitem(last=False)
            return found


# per open database (a server process opens one): two stores on the same file
# keep apart, as two processes would
_BY_ENGINE: weakref.WeakKeyDictionary[Engine, _Viewers] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def _viewers(engine: Engine) -> _Viewers:
    with _LOCK:
        found = _BY_ENGINE.get(engine)
        if found is None:
            found = _BY_ENGINE[engine] = _Viewers()
        return found


def clear() -> None:
    """Forget everything this process keeps."""
    with _LOCK:
        _BY_ENGINE.clear()


def held(engine: Engine) -> int:
    """How many viewers this process keeps entries for on ``engine``'s database."""
    return len(_viewers(engine).buckets)


def counters(conn: Connection) -> tuple[int, int] | None:
    """The database's ``(graph, traces)`` counters, read once per transaction."""
    info = conn.info
    if _COUNTERS not in info:
        found = read_counters(conn)
        info[_COUNTERS] = found
        # forgotten when the transaction ends (commit, rollback or close)
        _watch(conn)
    return info[_COUNTERS]


def _watch(conn: Connection) -> None:
    from sqlalchemy import event

    engine = conn.engine
    if engine.__dict__.get("_weakties_live_watch"):
        return

    def _forget(c: Any, *_args: Any) -> None:
        c.info.pop(_COUNTERS, None)

    event.listen(engine, "commit", _forget)
    event.listen(engine, "rollback", _forget)

    def _checkin(_dbapi: Any, record: Any) -> None:
        if record is not None:
            record.info.pop(_COUNTERS, None)

    event.listen(engine.pool, "checkin", _checkin)
    engine.__dict__["_weakties_live_watch"] = True


def _viewer_key(who: Viewer) -> Hashable:
    # the scope (member, person, the members seen by name and by count), the dates
    return (who.scope, who.when.date(), who.as_of, who.now.date())


def _slot(conn: Connection, who: Viewer, traces: bool) -> dict[Hashable, Any] | None:
    """The viewer's entries valid at the database's counters (None: keep nothing)."""
    found = counters(conn)
    if found is None or wrote_in_transaction(conn):
        return None
    viewers = _viewers(conn.engine)
    bucket = viewers.bucket(_viewer_key(who))
    if bucket is None:
        return None
    kind, stamp = ("both", found) if traces else ("graph", found[0])
    with viewers.lock:
        slot = bucket.get(kind)
        if slot is None or slot[0] != stamp:
            slot = (stamp, {})
            bucket[kind] = slot
        entries: dict[Hashable, Any] = slot[1]
    return entries


def memo(
    conn: Connection,
    who: Viewer,
    key: Hashable,
    compute: Callable[[], T],
    *,
    traces: bool = True,
) -> T:
    """``compute()``, or what it gave for this viewer while nothing it depends on
    changed: the graph alone (``traces=False``) or the graph and the traces."""
    entries = _slot(conn, who, traces)
    if entries is None:
        return compute()
    if key in entries:
        return entries[key]
    value = compute()
    if not wrote_in_transaction(conn):  # computing wrote nothing to roll back
        entries[key] = value
    return value


def common(conn: Connection, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave for any viewer while the graph is unchanged.

    Only for a result that ``key`` determines whoever asks — the caller puts in
    the key everything the result depends on (a scope that names no viewer, the
    dates) and asks only for viewers who would compute exactly that result. At
    most ``WEAKTIES_LIVE_VIEWERS`` such entries are kept, the least used dropped
    first."""
    found = counters(conn)
    limit = _limit()
    if found is None or limit == 0 or wrote_in_transaction(conn):
        return compute()
    viewers = _viewers(conn.engine)
    with viewers.lock:
        stamp, kept = viewers.common
        entries: OrderedDict[Hashable, Any] | None = kept
        if found[0] < stamp:  # a transaction that began before the last change
            entries = None
        elif stamp != found[0]:
            entries = OrderedDict()
            viewers.common = (found[0], entries)
        if entries is not None and key in entries:
            entries.move_to_end(key)
            return entries[key]
    value = compute()
    if entries is None:
        return value
    if wrote_in_transaction(conn):  # computing wrote something yet to commit
        return value
    with viewers.lock:
        if viewers.common[1] is entries:
            entries[key] = value
            while len(entries) > limit:
                entries.popitem(last=False)
    return value


def shared_reads(conn: Connection, who: Viewer) -> dict[Any, Any] | None:
    """A reader's memory backed by the viewer's graph-only entries, or None."""
    entries = _slot(conn, who, traces=False)
    if entries is None:
        return None
    return _ReadsView(conn, entries)


class _ReadsView(dict[Any, Any]):
    """A scoped reader's per-request memory that keeps its graph-only results
    (:data:`_READS`) among the viewer's entries, for the next requests (not once
    its transaction wrote: those may yet be rolled back)."""

    def __init__(self, conn: Connection, entries: dict[Hashable, Any]) -> None:
        super().__init__()
        self.conn = conn
        self.entries = entries

    def _shared(self, key: object) -> bool:
        return key in _READS and not wrote_in_transaction(self.conn)

    def __contains__(self, key: object) -> bool:
        if super().__contains__(key):
            return True
        return self._shared(key) and ("reads", key) in self.entries

    def __getitem__(self, key: Any) -> Any:
        if super().__contains__(key) or not self._shared(key):
            return super().__getitem__(key)
        return self.entries[("reads", key)]

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        if self._shared(key):
            self.entries[("reads", key)] = value

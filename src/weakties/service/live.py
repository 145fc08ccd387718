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

**Model fits.** A member's kept model fit bumps no counter: it changes how that
member's ties are scored, nobody else's. The entries that depend on the traces
are therefore also stamped with the fits their scores were made with
(:func:`fit_stamp`: which fit each member keeps and whether it serves the date,
read with one query per request) and reused only while the stamp is the same:
the viewer's own fit and, in a team (at most ``PER_MEMBER_SCORING`` other
members sharing by name), the fits of those members too, since their
introduction network scores each member's ties with that member's model
(:func:`weakties.opportunity.network.build_network`). On a platform the
viewer's own fit only: the other members' ties are scored in one pass with the
viewer's model, or, in the network shared by the viewers (:func:`built_apart`
with :func:`weakties.opportunity.network.shared_network`), with the documented
priors — a scope that names no member reads no fit, and :func:`common` keeps
graph snapshots, which no fit changes. A network built apart for one viewer's
own scope holds their fit's stamp in its key. Each fit bumped ``traces``
before: the server's background task keeps the first fits of a few members
every two minutes, and each one dropped every member's dashboard, tie table,
ego graph and introductions on the 10,000-member benchmark platform (a
dashboard then took 27 s to compute again).

**Scoped.** Entries are kept per viewer *and scope*: the key holds the viewer's
member and person and the exact sets of members whose data they may see by name
and by count (recomputed from the ``member`` table by every request), the date
the analysis runs at, and the date asked for. Privacy stays where it is: what
is kept was computed by the same scoped readers, for that scope only. One
result is shared between viewers (:func:`common`): the graph snapshot of the
ties every member may see, which is exactly the snapshot of each member who
shares by name and with whom no member sharing less has asserted a tie
(:func:`weakties.service.network._snapshot` checks it per viewer; the suspended
members are left out of it for every member alike); on a platform
where nearly everyone shares, the viewers then hold one copy of the network
instead of one each.

**Bounded by memory.** What is kept per process and database is bounded by its
size, ``WEAKTIES_LIVE_MB`` (default 512 MiB), the least recently active viewer
dropped first — the most recent one always kept, whatever its size — and by a
number of viewers, ``WEAKTIES_LIVE_VIEWERS`` (default 500; 0 turns the memory
off). A count alone fitted nobody: a member with 5,000 contacts holds a few tens
of MB, most hold far less, and with 16 viewers at most (the former bound) a
server with more active members than that rebuilt a snapshot on nearly every
page — the least recently active is exactly who asks next when members take
turns. Each entry's size is estimated once, when it is kept (numpy arrays by
their bytes, Python objects by ``sys.getsizeof`` through the containers and
records that hold them); a result shared between viewers (:func:`common`) is
counted once, not in each viewer's entries — and still counted once a newer one
replaced it, while viewers' entries made from it hold its arrays (an older
shared graph, tens of MB at 10,000 members, counted nothing: they had not
counted what they share with it). docs/network-pages.md gives the measured
figures.

**The garbage collector.** A server process holds a few hundred thousand objects
the collector tracks — its code and what it keeps here — and CPython's full
collection walks every one of them: on the 10,000-member benchmark platform (a
member with 5,000 contacts) one full collection every five to ten requests of
``/network``, each a pause of 0.1 to 0.3 s, which was that page's p95. What is kept
lives until the next change, so a server process (:func:`settle_kept`, from the
app's lifespan) settles after keeping a result that took at least
:data:`SETTLE_AFTER` of CPU to compute (in its own thread, whatever else ran):
one full collection (what it dropped since the last one is freed then, cycles
included), then every object left is moved out of the collector's generations
(:func:`gc.freeze`), and later collections walk only what is newer. A frozen
object is still freed as soon as nothing refers to it; a frozen cycle that was
dropped waits for the next settle. A command computes once and exits: it does
not settle.

**Built apart.** A result that costs too much for any request — the
introduction network of a whole platform, 40 s and 0.6 GB at its peak for
10,000 members and 2 M tie rows — is built by :func:`built_apart` in a thread of
the server process, one build at a time (a result shared by many viewers before
one viewer's own, whenever each was asked), and shown to every request that asks
for it while it is at most :data:`MAX_AGE` seconds old (for ever while nothing
changed); the first request after :data:`REFRESH_AFTER` seconds with a change
starts the next build and is shown the one it has. A request waits for a build
a bounded time, then is told it is :class:`Pending` (a page loads that part
later). What is made of such a result is checked against the request's own data
by its caller (see :mod:`weakties.service.introductions`).

**Not for background work.** The server's background tasks (:mod:`weakties.service.tasks`)
read the network of many members in turn — a model fit's check goes through
every member, a notification scan through a hundred at a time. They run inside
:func:`background`: they keep nothing per viewer and touch no viewer's entries,
so a scan of a 10,000-member platform does not push the members using the
pages out of the memory (it did: the viewers taking turns dropped everyone
else's entries every two minutes, and each page was computed again). They may
reuse a result shared between viewers (:func:`common`) but never add one.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
import time
import types
import weakref
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

from weakties.service.context import Viewer
from weakties.store.changes import read_counters, wrote_in_transaction

__all__ = [
    "DEFAULT_MB",
    "DEFAULT_VIEWERS",
    "MAX_AGE",
    "REFRESH_AFTER",
    "Pending",
    "background",
    "built_apart",
    "clear",
    "common",
    "counters",
    "fit_stamp",
    "held",
    "held_bytes",
    "kept_for",
    "memo",
    "settle_kept",
    "shared_reads",
    "size_of",
]

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
log = logging.getLogger(__name__)

#: viewers kept per process unless WEAKTIES_LIVE_VIEWERS says otherwise
DEFAULT_VIEWERS = 500
#: MiB kept per process unless WEAKTIES_LIVE_MB says otherwise
DEFAULT_MB = 512
#: results shared between viewers kept at most (one per scope and dates asked)
COMMON = 16
#: seconds of CPU a kept result took to compute, in the thread that computed it,
#: from which a server process settles (see the module doc): a full collection
#: costs a small part of such a result
SETTLE_AFTER = 1.0
_COUNTERS = "weakties_counters"  # conn.info: the counters read in this transaction
_FITS = "weakties_fits"  # conn.info: the fit stamps read in this transaction
#: the scoped reader's results kept between requests: they depend on the graph only
_READS = frozenset(
    {
        "first_degree",
        "own_neighbours",
        "degrees",
        ("people", "names"),
        ("people", "counts"),
        ("shown", "names"),
        ("shown", "counts"),
    }
)


# set while background work runs in this thread (or task): see the module doc
_BACKGROUND: ContextVar[bool] = ContextVar("weakties_live_background", default=False)
# how many kept results are being computed around this point (a result kept inside
# another's computation is settled with the outer one, once, not each on its own)
_COMPUTING: ContextVar[int] = ContextVar("weakties_live_computing", default=0)


@contextmanager
def background() -> Iterator[None]:
    """Run the block as background work: nothing kept per viewer, no viewer's
    entries read or moved, no shared result added (see the module doc)."""
    token = _BACKGROUND.set(True)
    try:
        yield
    finally:
        _BACKGROUND.reset(token)


def _limit() -> int:
    try:
        return max(0, int(os.environ.get("WEAKTIES_LIVE_VIEWERS", DEFAULT_VIEWERS)))
    except ValueError:
        return DEFAULT_VIEWERS


def _budget() -> int:
    """The bytes this process keeps at most per database."""
    try:
        return max(0, int(float(os.environ.get("WEAKTIES_LIVE_MB", DEFAULT_MB)) * 2**20))
    except ValueError:
        return DEFAULT_MB * 2**20


#: objects whose size is their own only (what they refer to is not the result's)
_LEAVES = (
    *(str, bytes, int, float, complex, bool, type(None), range, type),
    *(types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType),
)
_SAMPLE = 64  # a larger collection's items are estimated from this many of them


def size_of(value: Any, shared: Collection[int] = ()) -> int:
    """Bytes ``value`` holds, estimated: numpy arrays by their data, other objects
    by ``sys.getsizeof`` through the containers, records and objects they hold,
    each object once; those whose ``id`` is in ``shared`` count nothing. The
    items of a collection of more than :data:`_SAMPLE` are estimated from as many
    of them, evenly spread (the rows of a result are alike): the estimate costs
    about the same for 500 rows as for 50,000. The arrays among a collection's
    items are each counted, never sampled (see :func:`_items`)."""
    # no value is an array unless numpy is loaded: a command that never used it
    # does not import it here (a tenth of a second) to learn so
    np = sys.modules.get("numpy")
    seen = set(shared)
    stack: list[tuple[Any, float]] = [(value, 1.0)]
    total = 0.0
    while stack:
        obj, weight = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if np is not None and isinstance(obj, np.ndarray):
            total += weight * (sys.getsizeof(obj) if obj.base is None else 112)
            if obj.base is not None:
                stack.append((obj.base, weight))
            elif obj.dtype == object:
                stack.extend(_items(obj.ravel().tolist(), weight))
            continue
        total += weight * sys.getsizeof(obj, 64)
        if isinstance(obj, _LEAVES):
            continue
        if isinstance(obj, dict):
            stack.extend(_items(list(obj.items()), weight, pairs=True))
        elif isinstance(obj, (list, tuple, set, frozenset)):
            stack.extend(_items(list(obj), weight))
        elif type(obj).__module__.startswith(("sqlalchemy", "threading")):
            continue  # a connection or a lock: not part of the result
        else:
            found = getattr(obj, "__dict__", None)
            if found is not None:
                stack.append((found, weight))
            for cls in type(obj).__mro__:
                for name in getattr(cls, "__slots__", ()):
                    if name not in ("__dict__", "__weakref__") and hasattr(obj, name):
                        stack.append((getattr(obj, name), weight))
    return int(total)


def _items(items: list[Any], weight: float, pairs: bool = False) -> list[tuple[Any, float]]:
    """A collection's items to estimate, each with its weight (a sample's stand for all).

    Only rows that are alike may stand for each other: the arrays among the items
    (a dict's values for ``pairs``) are each counted once at the collection's own
    weight — their sizes differ by orders of magnitude (the communities of an ego
    graph: one of thousands of people, many of two), so a sample would miss the
    one that holds nearly all the bytes or count it once per row it stands for —
    and an object listed many times is one object, counted once; the sample is
    drawn from the others."""
    np = sys.modules.get("numpy")  # as in size_of: no array without numpy
    if len(items) <= _SAMPLE:
        rows = items
        step = 1.0
    else:
        if not pairs:
            items = list({id(item): item for item in items}.values())
        arrays = (
            [item for item in items if isinstance(item[1] if pairs else item, np.ndarray)]
            if np is not None
            else []
        )
        if arrays:
            inside = {id(item) for item in arrays}
            items = [item for item in items if id(item) not in inside]
        step = max(len(items) / _SAMPLE, 1.0)
        rows = [items[int(i * step)] for i in range(min(_SAMPLE, len(items)))]
        if arrays:
            kept = [(item, weight) for item in arrays]
            sampled = [(item, weight * step) for item in rows]
            return _parts(kept + sampled, pairs)
    return _parts([(item, weight * step) for item in rows], pairs)


def _parts(rows: list[tuple[Any, float]], pairs: bool) -> list[tuple[Any, float]]:
    if pairs:
        return [(part, weight) for pair, weight in rows for part in pair]
    return rows


class _Viewers:
    """The per-viewer entries of this process, least recently active first, and
    the entries shared by every viewer (see :func:`common`), with their sizes."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.buckets: OrderedDict[Hashable, dict[str, Any]] = OrderedDict()
        # bytes per viewer and kind of slot ("graph", "both")
        self.sizes: dict[Hashable, dict[str, int]] = {}
        # the graph counter they were computed at, and the entries, least used first
        self.common: tuple[int, OrderedDict[Hashable, Any]] = (-1, OrderedDict())
        self.common_sizes: dict[Hashable, int] = {}
        # the results built apart from the requests (see built_apart), least used
        # first, and the builds running
        self.built: OrderedDict[Hashable, _Built] = OrderedDict()
        self.building: dict[Hashable, threading.Thread] = {}
        # the parts of the shared results no longer kept here (replaced by a newer
        # build, or dropped) that viewers' entries may still refer to, with their
        # sizes: counted while they live (see retire)
        self.retired: list[tuple[weakref.ref[Any], int]] = []

    def bucket(self, key: Hashable) -> dict[str, Any] | None:
        limit = _limit()
        if limit == 0:
            return None
        with self.lock:
            found = self.buckets.get(key)
            if found is None:
                found = {}
                self.buckets[key] = found
                self.sizes[key] = {}
            self.buckets.move_to_end(key)
            while len(self.buckets) > limit:
                self._drop_oldest()
            return found

    def _drop_oldest(self) -> None:
        key, _ = self.buckets.popitem(last=False)
        self.sizes.pop(key, None)

    def total(self, retired: bool = True) -> int:
        viewers = sum(n for sizes in self.sizes.values() for n in sizes.values())
        built = sum(b.size for b in self.built.values())
        whole = viewers + sum(self.common_sizes.values()) + built
        return whole + self.retired_bytes() if retired else whole

    def retire(self, value: Any) -> None:
        """``value``, a result shared between viewers, is no longer kept here (a
        newer one replaced it, or it was dropped). The viewers' entries made from
        it did not count what they share with it (see :meth:`shared_ids`), and
        until they are dropped they keep it alive — the graph of an older shared
        network, tens of MB at 10,000 members: its parts are counted, each while
        it lives. Under ``lock``."""
        np = sys.modules.get("numpy")  # no array without numpy (see size_of)
        if np is None:
            return
        parts = list(getattr(value, "__dict__", {}).values()) or [value]
        for part in parts:
            # its arrays, or an object holding them (a graph): what a viewer's entry
            # refers to; not the dates, scopes and numbers that describe it
            inside = getattr(part, "__dict__", {}).values()
            if not isinstance(part, np.ndarray) and not any(
                isinstance(v, np.ndarray) for v in inside
            ):
                continue
            self.retired.append((weakref.ref(part), size_of(part)))

    def retired_bytes(self) -> int:
        """The bytes of the retired parts still alive (the dead ones forgotten)."""
        self.retired = [(ref, size) for ref, size in self.retired if ref() is not None]
        return sum(size for _, size in self.retired)

    def account(self, key: Hashable, kind: str, entries: dict[Hashable, Any], size: int) -> None:
        """``size`` more bytes in the viewer's ``kind`` slot (if it is still
        ``entries``); then the least recently active others dropped while the
        whole is over the budget."""
        with self.lock:
            bucket = self.buckets.get(key)
            if bucket is None or bucket.get(kind, (None, None))[1] is not entries:
                return  # dropped or replaced meanwhile
            sizes = self.sizes.setdefault(key, {})
            sizes[kind] = sizes.get(kind, 0) + size
            budget = _budget()
            while self.total() > budget and next(iter(self.buckets)) != key:
                self._drop_oldest()

    def shared_ids(self, key: Hashable = None, kind: str | None = None) -> list[int]:
        """The ids of the results shared between viewers (counted there only): the
        common ones, and those built apart with the objects they hold (a viewer's
        entry refers to a shared network's graph, not to the network); for an entry
        of the viewer ``key`` in another slot than ``kind``, also what their
        :func:`kept_for` result holds (counted there)."""
        with self.lock:
            ids = [id(v) for v in self.common[1].values()]
            for built in self.built.values():
                ids.append(id(built.value))
                ids.extend(id(part) for part in getattr(built.value, "__dict__", {}).values())
            ids.extend(id(ref()) for ref, _ in self.retired if ref() is not None)
            bucket = self.buckets.get(key) if kind != "stamped" else None
            stamped = bucket.get("stamped") if bucket is not None else None
            if stamped is not None and "value" in stamped[1]:
                value = stamped[1]["value"]
                ids.append(id(value))
                if isinstance(value, tuple):
                    ids.extend(id(part) for part in value)
            return ids


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


# the engines of the server processes' databases: those settle (see the module doc)
_SETTLING: weakref.WeakSet[Engine] = weakref.WeakSet()


def settle_kept(engine: Engine) -> None:
    """Settle after each costly result kept for ``engine``'s database (a server
    process: see the module doc)."""
    _SETTLING.add(engine)


def _computing(compute: Callable[[], T]) -> T:
    """``compute()``, counted in :data:`_COMPUTING` while it runs."""
    token = _COMPUTING.set(_COMPUTING.get() + 1)
    try:
        return compute()
    finally:
        _COMPUTING.reset(token)


def _settle(engine: Engine, started: float) -> None:
    """One full collection, then everything left frozen: after a result that took
    :data:`SETTLE_AFTER` or more of this thread's CPU since ``started`` (its
    :func:`time.thread_time`) was kept on a server's database.

    Its CPU, not the time it took: a server's requests share its process, and
    under load a result of 0.1 s of CPU takes a second or more as the others run
    between its steps; every such result then unfroze and walked the whole heap
    (0.2 s of CPU at 10,000 members), a third of the process's CPU with ten
    requests at once."""
    if engine not in _SETTLING or time.thread_time() - started < SETTLE_AFTER:
        return
    if _COMPUTING.get():  # inside another kept result's computation: it settles
        return
    gc.unfreeze()  # what was frozen before and dropped since is collected now
    gc.collect()
    gc.freeze()


def clear() -> None:
    """Forget everything this process keeps."""
    with _LOCK:
        _BY_ENGINE.clear()


def held(engine: Engine) -> int:
    """How many viewers this process keeps entries for on ``engine``'s database."""
    return len(_viewers(engine).buckets)


def held_bytes(engine: Engine) -> int:
    """The estimated bytes this process keeps for ``engine``'s database."""
    found = _viewers(engine)
    with found.lock:
        return found.total()


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
        c.info.pop(_FITS, None)

    event.listen(engine, "commit", _forget)
    event.listen(engine, "rollback", _forget)

    def _checkin(_dbapi: Any, record: Any) -> None:
        if record is not None:
            record.info.pop(_COUNTERS, None)
            record.info.pop(_FITS, None)

    event.listen(engine.pool, "checkin", _checkin)
    engine.__dict__["_weakties_live_watch"] = True


def fit_stamp(conn: Connection, who: Viewer) -> tuple[Any, ...]:
    """The kept model fits the viewer's scores are made with, each as which fit it
    is and whether it serves the date (:func:`weakties.ties.learned.fit_stamp`):
    the viewer's own and, in a team, those of the other members sharing by name
    (see the module doc); read once per transaction, in one query."""
    from sqlalchemy import select

    from weakties.model.tables import Setting
    from weakties.opportunity.network import PER_MEMBER_SCORING
    from weakties.ties.learned import SETTING
    from weakties.ties.learned import fit_stamp as stamp_of

    me = who.scope.member_id
    if me is None:  # the shared view and the operator score with the priors
        return ()
    others = who.scope.names - {me}
    members = sorted({me, *others} if len(others) <= PER_MEMBER_SCORING else {me})
    when = who.when  # the date the scores are for
    found = conn.info.setdefault(_FITS, {})
    _watch(conn)  # forgotten when the transaction ends
    key = (tuple(members), when)
    if key not in found:
        keys = {f"{SETTING}:{m}": m for m in members}
        texts = dict(
            conn.execute(select(Setting.key, Setting.value).where(Setting.key.in_(keys))).all()
        )
        found[key] = tuple((m, stamp_of(texts.get(k), when)) for k, m in keys.items())
    stamp: tuple[Any, ...] = found[key]
    return stamp


def _viewer_key(who: Viewer) -> Hashable:
    # the scope (member, person, the members seen by name and by count), the dates
    return (who.scope, who.when.date(), who.as_of, who.now.date())


class _Slot:
    """A viewer's entries of one kind, valid at the database's counters, and where
    to account for what is added to them."""

    __slots__ = ("entries", "key", "kind", "viewers")

    def __init__(
        self, viewers: _Viewers, key: Hashable, kind: str, entries: dict[Hashable, Any]
    ) -> None:
        self.viewers = viewers
        self.key = key
        self.kind = kind
        self.entries = entries

    def keep(self, name: Hashable, value: Any) -> None:
        """Keep ``value`` as ``name``, its size counted against the budget."""
        self.entries[name] = value
        size = size_of(value, shared=self.viewers.shared_ids(self.key, self.kind))
        self.viewers.account(self.key, self.kind, self.entries, size)


def _slot(conn: Connection, who: Viewer, traces: bool) -> _Slot | None:
    """The viewer's entries valid at the database's counters, and for the scored
    ones (``traces``) at the fits they use (None: keep nothing)."""
    if _BACKGROUND.get():
        return None
    found = counters(conn)
    if found is None or wrote_in_transaction(conn):
        return None
    viewers = _viewers(conn.engine)
    key = _viewer_key(who)
    bucket = viewers.bucket(key)
    if bucket is None:
        return None
    # the scored results also depend on the fits they were scored with (module doc)
    stamp: Hashable = (found, fit_stamp(conn, who)) if traces else found[0]
    kind = "both" if traces else "graph"
    with viewers.lock:
        slot = bucket.get(kind)
        if slot is None or slot[0] != stamp:
            slot = (stamp, {})
            bucket[kind] = slot
            viewers.sizes.setdefault(key, {})[kind] = 0  # what it replaced is gone
        entries: dict[Hashable, Any] = slot[1]
    return _Slot(viewers, key, kind, entries)


def is_kept(conn: Connection, who: Viewer, key: Hashable, *, traces: bool = True) -> bool:
    """Whether :func:`memo` holds what it gave for ``key`` for this viewer (and
    would answer without computing)."""
    slot = _slot(conn, who, traces)
    return slot is not None and key in slot.entries


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
    slot = _slot(conn, who, traces)
    if slot is None:
        return compute()
    if key in slot.entries:
        return slot.entries[key]
    started = time.thread_time()
    value = _computing(compute)
    if not wrote_in_transaction(conn):  # computing wrote nothing to roll back
        slot.keep(key, value)
        _settle(conn.engine, started)
    return value


def memo_each(
    conn: Connection,
    who: Viewer,
    keys: Iterable[K],
    compute: Callable[[list[K]], Mapping[K, T]],
    *,
    traces: bool = True,
) -> dict[K, T]:
    """As :func:`memo`, one entry per key: what is kept for the viewer is taken as
    it is, and ``compute`` asked once, for the keys missing (all of them, in
    order, when nothing is kept), which it must all answer."""
    wanted = list(dict.fromkeys(keys))
    slot = _slot(conn, who, traces)
    if slot is None:
        return dict(compute(wanted))
    found = {k: slot.entries[k] for k in wanted if k in slot.entries}
    missing = [k for k in wanted if k not in found]
    if not missing:
        return found
    started = time.thread_time()
    values = _computing(lambda: compute(missing))
    kept = not wrote_in_transaction(conn)  # computing wrote nothing to roll back
    for k in missing:
        found[k] = values[k]
        if kept:
            slot.keep(k, values[k])
    if kept:
        _settle(conn.engine, started)
    return found


def kept_for(conn: Connection, who: Viewer, stamp: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave for this viewer with the same ``stamp``,
    whatever changed in the database since: for a result that depends only on
    what ``stamp`` names (a result built apart and the viewer's part of it), not on
    the counters — :func:`memo` computes again after any write anywhere. One such
    result per viewer (another stamp replaces it), counted against the budget
    with the viewer's entries and dropped with them."""
    if _BACKGROUND.get() or counters(conn) is None or wrote_in_transaction(conn):
        return compute()
    viewers = _viewers(conn.engine)
    key = _viewer_key(who)
    bucket = viewers.bucket(key)
    if bucket is None:
        return compute()
    with viewers.lock:
        slot = bucket.get("stamped")
        if slot is not None and slot[0] == stamp:
            found: dict[Hashable, Any] = slot[1]
            return found["value"]
    started = time.thread_time()
    value = _computing(compute)
    if wrote_in_transaction(conn):  # computing wrote something yet to commit
        return value
    entries: dict[Hashable, Any] = {}
    with viewers.lock:
        bucket["stamped"] = (stamp, entries)
        viewers.sizes.setdefault(key, {})["stamped"] = 0  # what it replaced is gone
    _Slot(viewers, key, "stamped", entries).keep("value", value)
    _settle(conn.engine, started)
    return value


def common(conn: Connection, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave for any viewer while the graph is unchanged.

    Only for a result that ``key`` determines whoever asks — the caller puts in
    the key everything the result depends on (a scope that names no viewer, the
    dates) and asks only for viewers who would compute exactly that result. At
    most :data:`COMMON` such entries are kept, the least used dropped first; their
    size counts against the budget once (viewers are dropped first)."""
    found = counters(conn)
    if found is None or _limit() == 0 or wrote_in_transaction(conn):
        return compute()
    viewers = _viewers(conn.engine)
    with viewers.lock:
        stamp, kept = viewers.common
        entries: OrderedDict[Hashable, Any] | None = kept
        if found[0] < stamp:  # a transaction that began before the last change
            entries = None
        elif stamp != found[0]:
            entries = OrderedDict()
            for old in kept.values():
                viewers.retire(old)
            viewers.common = (found[0], entries)
            viewers.common_sizes = {}
        if entries is not None and key in entries:
            entries.move_to_end(key)
            return entries[key]
    started = time.thread_time()
    value = _computing(compute)
    if entries is None or _BACKGROUND.get():
        return value
    if wrote_in_transaction(conn):  # computing wrote something yet to commit
        return value
    size = size_of(value)
    with viewers.lock:
        if viewers.common[1] is entries:
            entries[key] = value
            viewers.common_sizes[key] = size
            while len(entries) > COMMON or (len(entries) > 1 and viewers.total() > _budget()):
                # the viewers' own entries go first, the most recently active
                # viewer's never (the one asking now: as over the budget in
                # account(), it is kept whatever its size)
                if len(viewers.buckets) > 1 and len(entries) <= COMMON:
                    viewers._drop_oldest()
                    continue
                dropped, old = entries.popitem(last=False)
                viewers.retire(old)
                viewers.common_sizes.pop(dropped, None)
    _settle(conn.engine, started)
    return value


#: seconds a result built apart (:func:`built_apart`) is shown as it is, whatever
#: changed since its build began
REFRESH_AFTER = 300.0
#: seconds after which a result built apart is shown no more once the data changed
MAX_AGE = 900.0


class _BuildTurns:
    """One build apart at a time in a process — a build reads the whole network,
    and its peak memory is many times what it keeps (several at once held 14 GB in
    one worker) — and the builds asked for ``first`` (the result shared by every
    viewer who sees the same ties) before the others (a viewer's own), whenever
    they were asked: a shared refresh waits for the build running, never for a
    queue of members' own builds (each as long as the shared one on a platform)."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.busy = False
        self.waiting_first = 0

    @contextmanager
    def turn(self, first: bool) -> Iterator[None]:
        with self.cond:
            self.waiting_first += first
            try:
                while self.busy or (not first and self.waiting_first):
                    self.cond.wait()
            finally:
                self.waiting_first -= first
            self.busy = True
        try:
            yield
        finally:
            with self.cond:
                self.busy = False
                self.cond.notify_all()


_BUILDS = _BuildTurns()


class Pending(Exception):
    """A result built apart from the requests is not ready yet (see :func:`built_apart`)."""


class _Built:
    """A result built apart: the counters its build read, when the build began
    (``time.monotonic``), the result (or the error its build raised) and its size."""

    __slots__ = ("at", "error", "size", "stamp", "value")

    def __init__(
        self, stamp: tuple[int, int], at: float, value: Any, size: int, error: BaseException | None
    ) -> None:
        self.stamp = stamp
        self.at = at
        self.value = value
        self.size = size
        self.error = error


def _apart(engine: Engine) -> bool:
    """Whether this process builds results apart on ``engine``'s database: a server
    process (see :func:`settle_kept`) on a database another connection reaches (an
    SQLite database in memory is one connection's own)."""
    if engine not in _SETTLING:
        return False
    url = engine.url
    return not (url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"))


def built_apart(
    conn: Connection,
    key: Hashable,
    compute: Callable[[Connection], T],
    *,
    wait: float | None = None,
    fresh: bool = False,
    first: bool = False,
    retry: bool = True,
) -> T:
    """``compute(connection)``, built once for every request that asks for ``key``,
    apart from the requests: for a result that costs too much to compute in a
    request or on every change (the introduction network of a whole platform, tens
    of seconds) and that may be somewhat old when what is made of it is checked
    against the request's own data (see :mod:`weakties.service.introductions`).

    In a server process the build runs in a thread of its own, one at a time per
    process, on a connection of its own; the request waits for it at most
    ``wait`` seconds (None: until it is done) and else raises :class:`Pending`.
    A result is then shown to every request asking for ``key`` — ``key`` holds
    everything it depends on but the data — until :data:`MAX_AGE` seconds after its
    build began if the data changed since, for ever if not; a request that finds
    it older than :data:`REFRESH_AFTER` seconds with the data changed starts the
    next build, and is shown the one it has meanwhile. With ``fresh``, a result
    built before the graph's last change is not shown (and the next build
    starts): the caller saw that it misses something the request must see. An
    error of the build is raised to the requests waiting for it, and kept: it is
    raised to every later request but those that may ``retry`` (a page loaded
    again, not the page's own polls), which start the build again — a build that
    fails is not started again every few seconds by a page waiting for it (a
    refresh's error leaves the result there shown). Builds run one at a time, those asked
    ``first`` (a result shared by many viewers) before the others. A command (not
    a server) computes on its own connection and reuses the result only while the
    data is exactly as it was.

    What is kept counts against the process's memory budget, like the viewers'
    entries (dropped first); at most :data:`COMMON` such results."""
    found = counters(conn)
    engine = conn.engine
    if found is None or _limit() == 0 or wrote_in_transaction(conn) or _BACKGROUND.get():
        return compute(conn)
    viewers = _viewers(engine)
    if not _apart(engine):
        # a command (or a database in memory): computed here, reused while the data
        # is exactly as it was (a command asking for several targets builds once)
        with viewers.lock:
            kept = viewers.built.get(key)
            if kept is not None and kept.error is None and kept.stamp == found:
                viewers.built.move_to_end(key)
                return kept.value
        began = time.monotonic()
        value = _computing(lambda: compute(conn))
        if not wrote_in_transaction(conn):
            size = size_of(value)
            with viewers.lock:
                if kept is not None and kept.error is None:
                    viewers.retire(kept.value)
                viewers.built[key] = _Built(found, began, value, size, None)
                _bound(viewers)
        return value
    now = time.monotonic()
    with viewers.lock:
        kept = viewers.built.get(key)
        if kept is not None and kept.error is None:
            viewers.built.move_to_end(key)
            if _shown(kept, found, now, fresh):
                if kept.stamp != found and now - kept.at >= REFRESH_AFTER:
                    _start(viewers, engine, key, compute, first)
                return kept.value
        if kept is not None and kept.error is not None:
            if not retry:
                raise kept.error  # kept: only a request that may retry builds again
            del viewers.built[key]
        thread = _start(viewers, engine, key, compute, first)
    thread.join(wait)
    with viewers.lock:
        kept = viewers.built.get(key)
        if kept is not None and kept.error is not None:
            raise kept.error
        if kept is not None and _shown(kept, found, time.monotonic(), fresh):
            return kept.value
    raise Pending(f"{key!r} is being built")


def _bound(viewers: _Viewers) -> None:
    """After a result built apart was kept (the most recently used): at most
    :data:`COMMON` of them; over the budget, the least used go first (never the
    newest), then the viewers' entries. Under ``viewers.lock``."""
    while len(viewers.built) > COMMON:
        viewers.retire(viewers.built.popitem(last=False)[1].value)
    # (what is retired is freed by dropping the viewers' entries that hold it)
    while viewers.total(retired=False) > _budget() and len(viewers.built) > 1:
        viewers.retire(viewers.built.popitem(last=False)[1].value)
    while viewers.total() > _budget() and viewers.buckets:
        viewers._drop_oldest()


def _shown(kept: _Built, found: tuple[int, int], now: float, fresh: bool) -> bool:
    """Whether a result built apart may be shown to a request that read ``found``."""
    if fresh and kept.stamp[0] < found[0]:
        return False
    return kept.stamp == found or now - kept.at < MAX_AGE


def _start(
    viewers: _Viewers,
    engine: Engine,
    key: Hashable,
    compute: Callable[[Connection], Any],
    first: bool = False,
) -> threading.Thread:
    """The build of ``key`` running (started now if none was; its turn before the
    others' with ``first``); under ``viewers.lock``."""
    running = viewers.building.get(key)
    if running is not None:
        return running

    def build() -> None:
        began = time.monotonic()
        cpu = time.thread_time()
        value: Any = None
        error: BaseException | None = None
        stamp = (-1, -1)
        size = 0
        try:
            with _BUILDS.turn(first), background():
                began = time.monotonic()
                with engine.connect() as c, c.begin():
                    stamp = counters(c) or stamp
                    value = compute(c)
            size = size_of(value)
        except BaseException as exc:  # raised to the requests waiting for it
            error = exc.with_traceback(None)  # not the build's frames and arrays
            log.exception("building %r failed", key)
        finally:
            with viewers.lock:
                viewers.building.pop(key, None)
                before = viewers.built.get(key)
                if error is not None and before is not None and before.error is None:
                    pass  # a refresh failed: the result there is shown until MAX_AGE
                else:
                    if before is not None and before.error is None:
                        viewers.retire(before.value)
                    viewers.built[key] = _Built(stamp, began, value, size, error)
                if key in viewers.built:
                    viewers.built.move_to_end(key)
                _bound(viewers)
        if error is None:
            _settle(engine, cpu)

    thread = threading.Thread(target=build, name="weakties-build", daemon=True)
    viewers.building[key] = thread
    thread.start()
    return thread


def shared_reads(conn: Connection, who: Viewer) -> dict[Any, Any] | None:
    """A reader's memory backed by the viewer's graph-only entries, or None."""
    slot = _slot(conn, who, traces=False)
    if slot is None:
        return None
    return _ReadsView(conn, slot)


class _ReadsView(dict[Any, Any]):
    """A scoped reader's per-request memory that keeps its graph-only results
    (:data:`_READS`) among the viewer's entries, for the next requests (not once
    its transaction wrote: those may yet be rolled back)."""

    def __init__(self, conn: Connection, slot: _Slot) -> None:
        super().__init__()
        self.conn = conn
        self.slot = slot
        self.entries = slot.entries

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
            self.slot.keep(("reads", key), value)

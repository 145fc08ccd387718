"""Scoped reads of ties: the network a scope may list or count, degrees, one pair.

Every method filters through :meth:`ReaderBase.tie_visible` (see
:mod:`weakties.store._base` for the rules).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, case, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement

from weakties.model.kinds import INFERRED_SOURCES, SOCIAL_TIE_SOURCES, TIE_SOURCES
from weakties.model.tables import KnownPerson, Person, Tie
from weakties.store._base import ReaderBase, chunks, indexed_by, one_of
from weakties.store.engine import raw_rows, rows_array

if TYPE_CHECKING:
    import numpy as np

__all__ = ["Moment", "StandingTies", "TieReads"]

#: up to how many people :meth:`TieReads.seen_among` looks up one by one rather
#: than reading the whole second degree
SEEN_AMONG = 100
#: the most moments one read of :meth:`TieReads.standing_ties` answers for
MOMENTS = 16

#: A moment the ties are read at, by the rule of the read that asks:
#: ``("rows", as_of)`` the ties :meth:`TieReads.tie_rows` reads (``as_of`` None:
#: the active ones), ``("pairs", as_of)`` those :meth:`TieReads.tie_pairs` reads.
Moment = tuple[str, "dt.datetime | None"]


def _as_of_clause(as_of: dt.datetime, *, undated: bool) -> ColumnElement[bool]:
    """Ties as they stood at ``as_of``: begun before it (an undated tie only with
    ``undated``) and not ended by it."""
    begun = or_(Tie.since.is_(None), Tie.since < as_of) if undated else Tie.since < as_of
    return and_(begun, or_(Tie.ended_at.is_(None), Tie.ended_at > as_of))


def _standing(as_of: dt.datetime | None) -> ColumnElement[bool]:
    """The ties as they stood at ``as_of`` (undated ones included), else the
    active ones: what :meth:`TieReads.tie_rows` reads."""
    if as_of is not None:
        return _as_of_clause(as_of, undated=True)
    return Tie.ended_at.is_(None)


@dataclass(frozen=True)
class StandingTies:
    """The ties a scope may use at one level that stood at one of some moments,
    read once as columns (:meth:`TieReads.standing_ties`): one entry per tie row
    (a pair may have several: one per source and member who asserts it)."""

    level: str
    moments: tuple[Moment, ...]
    #: the sources read (None: every source)
    sources: frozenset[str] | None
    a: np.ndarray
    b: np.ndarray
    #: index of the tie's source in :data:`~weakties.model.kinds.TIE_SOURCES`
    #: (-1: another source)
    source: np.ndarray
    confidence: np.ndarray
    #: bit ``i`` set when the tie stood at ``moments[i]``
    standing: np.ndarray
    #: viewer -> the sorted ends of every tie and that viewer, and the index of
    #: each end in them (:meth:`ends`)
    nodes: dict[int | None, tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def holds(self, moment: Moment, sources: Iterable[str] | None = None) -> bool:
        """Whether these are the ties of ``sources`` (None: every source) at ``moment``."""
        if moment not in self.moments:
            return False
        if sources is not None and set(sources) == self.sources:
            return True
        # another source than the known ones has no code of its own to be told by
        known = sources is None or set(sources) <= set(TIE_SOURCES)
        return known and (
            self.sources is None or (sources is not None and set(sources) <= self.sources)
        )

    def ends(self, viewer: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The sorted ends of every tie and ``viewer`` (None: no viewer), and the
        index in them of each end: ``a``'s, then ``b``'s, then the viewer's —
        sorted once, kept."""
        import numpy as np

        if viewer not in self.nodes:
            extra = [] if viewer is None else [viewer]
            everyone = np.concatenate([self.a, self.b, np.array(extra, dtype=np.int64)])
            top = int(everyone.max(initial=-1)) + 1
            if everyone.size and everyone.min() >= 0 and top <= 4 * everyone.size:
                # person ids are dense: a table by id numbers the ends without
                # sorting them (the same numbers as a sort gives)
                present = np.zeros(top, dtype=bool)
                present[everyone] = True
                nodes = np.flatnonzero(present)
                ends = (np.cumsum(present) - 1)[everyone]
            else:
                nodes, ends = np.unique(everyone, return_inverse=True)
            self.nodes[viewer] = (nodes, ends.reshape(-1))
        return self.nodes[viewer]

    def among(self, people: Collection[int], viewer: int | None = None) -> np.ndarray:
        """Which rows have both ends among ``people``: a boolean mask (through the
        index of :meth:`ends` with ``viewer``, the one a graph of the reader's
        viewer made already)."""
        import numpy as np

        nodes, ends = self.ends(viewer)
        inside = np.isin(nodes, np.fromiter(people, dtype=np.int64, count=len(people)))
        n = self.a.size
        return inside[ends[:n]] & inside[ends[n : 2 * n]]

    def at(self, moment: Moment, sources: Iterable[str] | None = None) -> np.ndarray:
        """Which rows stood at ``moment`` (one of :attr:`moments`), of ``sources``
        only if given: a boolean mask."""
        import numpy as np

        bit = 1 << self.moments.index(moment)
        mask = (self.standing & bit) != 0
        if sources is not None and set(sources) != self.sources:
            codes = [TIE_SOURCES.index(s) for s in set(sources) if s in TIE_SOURCES]
            mask &= np.isin(self.source, codes)
        return mask


class TieReads(ReaderBase):
    """The ties a scope may use (mixed into :class:`weakties.store.reader.Reader`)."""

    def _moment_clause(self, moment: Moment) -> ColumnElement[bool]:
        kind, as_of = moment
        if kind == "rows":
            return _standing(as_of)
        if kind == "pairs" and as_of is not None:
            return _as_of_clause(as_of, undated=self.is_present(as_of))
        raise ValueError(f"no moment {moment!r}")

    def _table_level(self, level: str) -> str:
        """The level whose ties are those of ``level`` (see :meth:`tie_rows`)."""
        return "names" if level == "counts" and self.scope.counts_only_names else level

    def standing_ties(
        self, level: str, moments: Iterable[Moment], *, sources: Iterable[str] | None = None
    ) -> StandingTies:
        """The ties visible at ``level`` (of ``sources`` only, if given) that stood
        at one of ``moments`` or more, read in one pass and kept for this
        reader's next reads: :meth:`tie_arrays` (a graph's ties, of any of those
        sources), :meth:`tie_pairs` (every pair, or those between some people)
        and :meth:`degrees` answer from it at those moments instead of reading
        the ties again.

        A report and its comparison with a month before read the same network at
        two dates: each read of it is the million tie rows of a 10,000-member
        platform, and most of what a row says (its ends, source, confidence)
        does not depend on the date. One pass reads each row once, with a bit
        per moment at which it stood (computed by the database by the very
        rule of the read that asks), as numbers — a pair key, a tag and the
        confidence — rather than as a tuple with the source's text.
        """
        import numpy as np

        level = self._table_level(level)
        wanted = tuple(dict.fromkeys(moments))
        if not 0 < len(wanted) <= MOMENTS:
            raise ValueError(f"ties are read at one to {MOMENTS} moments, not {len(wanted)}")
        kept = self._cache.get(("standing_ties", level))
        if kept is not None and all(kept.holds(m, sources) for m in wanted):
            return kept
        clauses = [self._moment_clause(m) for m in wanted]
        bits = sum(
            (case((c, literal(1 << i)), else_=literal(0)) for i, c in enumerate(clauses)),
            literal(0),
        )
        code = case(
            {s: i + 1 for i, s in enumerate(TIE_SOURCES)}, value=Tie.source, else_=literal(0)
        )
        query = self.where(
            select(
                Tie.person_a_id * literal(1 << 32) + Tie.person_b_id,
                code * literal(1 << MOMENTS) + bits,
                Tie.confidence,
            ).where(or_(*clauses)),
            self.tie_visible(level, whole=True),
        )
        if sources is not None:
            query = query.where(Tie.source.in_(sorted(set(sources))))
        rows = raw_rows(self.conn, query)
        # one column at a time through an iterator: numpy's conversion of a
        # tuple of a million Python numbers (or of the rows) probes each one
        # first, ten times the cost
        keys = np.fromiter(map(itemgetter(0), rows), dtype=np.int64, count=len(rows))
        tags = np.fromiter(map(itemgetter(1), rows), dtype=np.int64, count=len(rows))
        confidence = np.fromiter(map(itemgetter(2), rows), dtype=np.float64, count=len(rows))
        found = StandingTies(
            level,
            wanted,
            None if sources is None else frozenset(sources),
            keys >> 32,
            keys & 0xFFFFFFFF,
            (tags >> MOMENTS) - 1,
            confidence,
            tags & ((1 << MOMENTS) - 1),
        )
        self._cache[("standing_ties", level)] = found
        return found

    def _standing_at(
        self, level: str, moment: Moment, sources: Iterable[str] | None = None
    ) -> StandingTies | None:
        """The ties read by :meth:`standing_ties` at ``level`` if they hold those of
        ``sources`` (None: every source) at ``moment``."""
        kept = self._cache.get(("standing_ties", self._table_level(level)))
        return kept if kept is not None and kept.holds(moment, sources) else None

    def tie_arrays(
        self,
        level: str = "names",
        *,
        sources: Iterable[str] | None = None,
        as_of: dt.datetime | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(a, b, confidence)`` arrays of the ties :meth:`tie_rows` reads for the
        same arguments (active ones; with ``as_of``, as they stood then), from
        the ties read by :meth:`standing_ties` when they hold the moment, else
        read for it alone (and kept: a graph of fewer sources at the same moment
        is read from them)."""
        moment: Moment = ("rows", as_of)
        table = self._standing_at(level, moment, sources) or self.standing_ties(
            level, [moment], sources=sources
        )
        mask = table.at(moment, sources)
        return table.a[mask], table.b[mask], table.confidence[mask]

    def tie_graph(
        self,
        level: str = "names",
        *,
        sources: Iterable[str] | None = None,
        as_of: dt.datetime | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The ties of :meth:`tie_arrays` as a graph's edge list: ``(person_ids,
        u, v, confidence)``, ``person_ids`` the sorted ends of the ties and the
        viewer, ``u`` and ``v`` each tie's ends as indexes into it.

        The ends of every tie read are indexed once (a sort of two million ids
        for the 10,000-member platform's ties); each graph of a moment and some
        sources keeps the indexes it uses, in order, and numbers them anew —
        what sorting its own ends and the viewer again gives."""
        import numpy as np

        moment: Moment = ("rows", as_of)
        table = self._standing_at(level, moment, sources) or self.standing_ties(
            level, [moment], sources=sources
        )
        mask = table.at(moment, sources)
        viewer = self.scope.person_id
        nodes, ends = table.ends(viewer)
        n = table.a.size
        u, v = ends[:n][mask], ends[n : 2 * n][mask]
        used = np.zeros(nodes.size, dtype=bool)
        used[u] = True
        used[v] = True
        if viewer is not None:
            used[ends[2 * n]] = True
        number = np.cumsum(used) - 1
        return nodes[used], number[u], number[v], table.confidence[mask]

    def tie_rows(
        self,
        level: str = "names",
        *,
        sources: Iterable[str] | None = None,
        include_ended: bool = False,
        as_of: dt.datetime | None = None,
    ) -> list[tuple[int, int, str, int, float]]:
        """``(a, b, source, asserted_by, confidence)`` of the ties visible at ``level``.

        With ``as_of``, the ties as they stood then: begun before it (undated
        ones included: a declared connection without a date is known to exist)
        and not ended by it; else the active ties (all with ``include_ended``).
        """
        # the same ties as by name where everyone one may count shares by name:
        # those read already for the names are taken (a report of a past date
        # reads the network's ties by name, then those one may count)
        level = self._table_level(level)
        key = ("tie_rows", level, tuple(sources) if sources else None, include_ended, as_of)
        if key in self._cache:
            return self._cache[key]
        every = ("tie_rows", level, None, include_ended, as_of)
        if sources is not None and every in self._cache:
            # the same rows of every source were read already (a report reads the
            # network of every tie, then the declared ones): keep those of these
            # sources instead of reading the network's ties again
            wanted = set(key[2] or ())
            kept = [row for row in self._cache[every] if row[2] in wanted]
            self._cache[key] = kept
            return kept
        query = self.where(
            select(Tie.person_a_id, Tie.person_b_id, Tie.source, Tie.asserted_by, Tie.confidence),
            self.tie_visible(level, whole=True),
        )
        if sources is not None:
            query = query.where(Tie.source.in_(list(sources)))
        if as_of is not None or not include_ended:
            query = query.where(_standing(as_of))
        # plain driver tuples: these columns need no result processing, and the
        # network's ties are read whole (one Row object each costs as much again)
        rows: list[tuple[int, int, str, int, float]] = raw_rows(self.conn, query)
        self._cache[key] = rows
        return rows

    def tie_rows_array(
        self,
        level: str = "names",
        *,
        sources: Iterable[str],
        as_of: dt.datetime | None = None,
    ) -> np.ndarray:
        """What :meth:`tie_rows` reads for a whole network, as an n x 4 float64
        array: ``a, b, inferred`` (1 for an inferred source, else 0) and
        ``confidence`` (NaN when NULL) — no Python tuple of strings per tie."""
        import numpy as np

        query = self.where(
            select(
                Tie.person_a_id,
                Tie.person_b_id,
                case((Tie.source.in_(list(INFERRED_SOURCES)), 1), else_=0),
                Tie.confidence,
            ).where(Tie.source.in_(list(sources))),
            self.tie_visible(level, whole=True),
        ).where(_standing(as_of))
        rows = raw_rows(self.conn, query)
        if not rows:
            return np.empty((0, 4), dtype=np.float64)
        return rows_array(rows, np.float64)

    def tied_pairs(
        self,
        pairs: Iterable[tuple[int, int]],
        *,
        sources: Iterable[str],
        as_of: dt.datetime | None = None,
    ) -> set[tuple[int, int]]:
        """Which of ``pairs`` (person ids, either order) hold a tie of one of
        ``sources`` that the scope may name, active (at ``as_of`` if given, as
        :meth:`tie_rows` reads them); each found pair as ``(smaller, larger)``."""
        rows = self._pair_rows(pairs, (), Tie.source.in_(list(sources)), _standing(as_of))
        return {pair for pair, _ in rows}

    def _pair_rows(
        self, pairs: Iterable[tuple[int, int]], columns: tuple[Any, ...], *conditions: Any
    ) -> Iterator[tuple[tuple[int, int], tuple[Any, ...]]]:
        """The tie rows of ``pairs`` (person ids, either order) meeting ``conditions``
        that the scope may name: each as its pair ``(smaller, larger)`` and its
        ``columns``, read 200 pairs at a time."""
        wanted = sorted({(min(a, b), max(a, b)) for a, b in pairs if a != b})
        asked = set(wanted)
        for start in range(0, len(wanted), 200):
            part = wanted[start : start + 200]
            query = self.where(
                select(Tie.person_a_id, Tie.person_b_id, *columns).where(
                    # by the first end's index, both ends among the pairs' (a row
                    # value IN list is read by a scan of every tie on SQLite): the
                    # rows of other pairs of these people are left out below
                    Tie.person_a_id.in_(sorted({a for a, _ in part})),
                    Tie.person_b_id.in_(sorted({b for _, b in part})),
                    *conditions,
                ),
                self.tie_visible("names"),
            )
            for a, b, *rest in self.conn.execute(query):
                pair = (int(a), int(b))
                if pair in asked:
                    yield pair, tuple(rest)

    def first_degree(self) -> set[int]:
        """The viewer's contacts: persons with an active, visible social tie to them."""
        me = self.scope.person_id
        if me is None:
            return set()
        if "first_degree" not in self._cache:
            query = self.where(
                select(Tie.person_a_id, Tie.person_b_id).where(
                    or_(Tie.person_a_id == me, Tie.person_b_id == me),
                    Tie.source.in_(SOCIAL_TIE_SOURCES),
                    Tie.ended_at.is_(None),
                ),
                self.tie_visible("names"),
            )
            self._cache["first_degree"] = {b if a == me else a for a, b in self.conn.execute(query)}
        return set(self._cache["first_degree"])

    def degrees(self, without: Collection[int] = ()) -> tuple[dict[int, int], int]:
        """Degree (1 or 2) of every person the viewer may name, and how many more
        second-degree persons the viewer may only count.

        ``without``: people the viewer is not shown (those with a block between
        them and the viewer): they have no degree, are not counted, and lead to
        nobody — someone reached only through one of them is no second degree,
        even when the viewer's own imported data still holds the tie to them.
        """
        if "degrees" not in self._cache:
            self._cache["degrees"] = self._degrees_from(self.first_degree())
        named, counted = self._cache["degrees"]
        hidden = set(without)
        if not hidden:
            return dict(named), len(counted)
        if hidden and any(named.get(p) == 1 for p in hidden):
            key = ("degrees", frozenset(hidden))
            if key not in self._cache:
                self._cache[key] = self._degrees_from(self.first_degree() - hidden)
            named, counted = self._cache[key]
        return {p: d for p, d in named.items() if p not in hidden}, len(counted - hidden)

    def _degrees_from(self, first: set[int]) -> tuple[dict[int, int], frozenset[int]]:
        """(degree of each person named, the persons only counted) from ``first``:
        only the ties of ``first`` are read (through the indexes on both ends),
        not the whole network's — or picked, as arrays, from the ties
        :meth:`standing_ties` read when they are at hand (a page that drew the
        network): a listing alone (``weakties people``) loads no numpy."""
        named: dict[int, int] = dict.fromkeys(first, 1)
        counted: set[int] = set()
        me = self.scope.person_id
        # a scope that counts no more than it names (a platform where everyone
        # shares by name) sees the same ties at both levels: nobody is counted
        # only, and the contacts' ties (750,000 rows for 5,000 contacts on the
        # benchmark platform) are read once
        levels = ("names",) if self.scope.counts_only_names else ("names", "counts")
        for level in levels:
            table = self._standing_at(level, ("rows", None), SOCIAL_TIE_SOURCES)
            if table is None:
                beyond = {
                    v
                    for a, b in self.contact_ties(first, level)
                    for u, v in ((a, b), (b, a))
                    if u in first and v != me and v not in first
                }
            else:
                beyond = set(self._beyond_in(table, first, level))
            if level == "names":
                for p in beyond:
                    named.setdefault(p, 2)
            else:
                counted.update(beyond)
        return named, frozenset(counted - set(named))

    def _beyond_in(self, table: StandingTies, first: set[int], level: str) -> list[int]:
        """Those linked to one of ``first`` (neither one of them nor the viewer) by
        the active social ties of ``table`` at ``level``: what the loop over
        :meth:`contact_ties` in :meth:`_degrees_from` finds, on arrays."""
        import numpy as np

        me = self.scope.person_id
        contacts = np.fromiter(first, dtype=np.int64, count=len(first))
        moment: Moment = ("rows", None)
        mask = table.at(moment, SOCIAL_TIE_SOURCES)
        nodes, ends = table.ends(me)
        inside = np.isin(nodes, contacts)
        n = table.a.size
        mask &= inside[ends[:n]] | inside[ends[n : 2 * n]]
        a, b = table.a[mask], table.b[mask]
        u, v = np.concatenate([a, b]), np.concatenate([b, a])
        return np.unique(
            v[np.isin(u, contacts) & (v != (-1 if me is None else me)) & ~np.isin(v, contacts)]
        ).tolist()

    def contact_ties(self, people: Iterable[int], level: str = "names") -> list[tuple[int, int]]:
        """``(a, b)`` of the active social ties visible at ``level`` with an end
        among ``people``."""
        ids = {int(p) for p in people}
        if not ids:
            return []
        query = self.where(
            select(Tie.person_a_id, Tie.person_b_id).where(
                or_(
                    one_of(self.conn, Tie.person_a_id, ids), one_of(self.conn, Tie.person_b_id, ids)
                ),
                Tie.source.in_(SOCIAL_TIE_SOURCES),
                Tie.ended_at.is_(None),
            ),
            self.tie_visible(level),
        )
        return raw_rows(self.conn, query)

    def linked_to(self, people: Iterable[int], first: Collection[int], level: str) -> set[int]:
        """Those of ``people`` with an active social tie visible at ``level`` to one
        of ``first`` (the viewer's contacts, say: those of ``people`` in the second
        degree), each person's ties read only until the first that links them.

        Each person's ties are read from each end through the index of the active
        ties (migration 0017) — the other end matched as an expression (``+ 0``),
        so that the database does not look up every pair of a person and a
        contact instead —, never every tie of ``first``, nor every tie of
        ``people`` (:meth:`contact_ties`: on the benchmark platform, where nearly
        everyone is in the second degree, the first few ties of each person link
        them). One ``EXISTS`` per end rather than one for both: with both ends in
        one, PostgreSQL gathers the two ends' ties into a bitmap and reads every
        row (whether a tie ended is in the row), about a hundred per person; each
        alone is answered from the index. On SQLite each end is read through its
        index of the active ties, named (:func:`~weakties.store._base.indexed_by`):
        without statistics its planner took the plain index of ``person_b_id``
        for the second end and read the tie's row for each entry (for the 180
        people working at a page of jobs, 11 ms of the database's time instead
        of 7)."""
        wanted = {int(p) for p in people}
        found: set[int] = set()
        if not wanted or not first:
            return found
        visible = self.tie_visible(level)
        for some in chunks(wanted, 500):
            for ends in chunks(first, 2000):
                links = [
                    self.where(
                        indexed_by(
                            select(Tie.id).where(
                                end == Person.id,
                                one_of(self.conn, other + 0, ends),
                                Tie.source.in_(SOCIAL_TIE_SOURCES),
                                Tie.ended_at.is_(None),
                            ),
                            Tie,
                            index,
                        ),
                        visible,
                    ).exists()
                    for end, other, index in (
                        (Tie.person_a_id, Tie.person_b_id, "ix_tie_a_active"),
                        (Tie.person_b_id, Tie.person_a_id, "ix_tie_b_active"),
                    )
                ]
                found.update(
                    self.conn.execute(
                        select(Person.id).where(one_of(self.conn, Person.id, some), or_(*links))
                    ).scalars()
                )
        return found

    def ties_between(
        self,
        one: Iterable[int],
        other: Iterable[int],
        level: str = "names",
        *,
        social: bool = True,
    ) -> list[tuple[int, int]]:
        """``(a, b)`` of the active ties visible at ``level`` with one end in ``one``
        and the other in ``other`` (social ones only with ``social``).

        On SQLite both ends are read from the index of the pair (``person_a_id``
        first): the database walks the index entries of each person of both groups
        once and reads a tie's row only for a pair that matches. The second end is
        matched as an expression (``person_b_id + 0``) so that the database does not
        look up every combination of the two lists and the sources instead (on the
        10,000-member benchmark platform, a quarter less time for twenty people and
        a hundred contacts, half for a hundred of each). PostgreSQL reads the tie
        rows of the index entries, not the index, for such an expression: there
        both ends are plain columns, and it intersects the entries of the two
        indexes (the pair's and ``person_b_id``'s) before reading any row (at 2,000
        members, 1.7 ms instead of 9.7 for a hundred contacts and twenty-six
        people)."""
        left, right = sorted({int(p) for p in one}), sorted({int(p) for p in other})
        out: list[tuple[int, int]] = []
        if not left or not right:
            return out
        visible = self.tie_visible(level)
        second = Tie.person_b_id + 0 if self.conn.dialect.name == "sqlite" else Tie.person_b_id
        for xs in chunks(left):
            for ys in chunks(right):
                for lows, highs in ((xs, ys), (ys, xs)):
                    query = select(Tie.person_a_id, Tie.person_b_id).where(
                        Tie.person_a_id.in_(lows),
                        second.in_(highs),
                        Tie.ended_at.is_(None),
                    )
                    if social:
                        query = query.where(Tie.source.in_(SOCIAL_TIE_SOURCES))
                    out += raw_rows(self.conn, self.where(query, visible))
        return out

    def degrees_among(self, people: Iterable[int], without: Collection[int] = ()) -> dict[int, int]:
        """The degree (1 or 2) of each of ``people`` the viewer may name at that
        distance: exactly what :meth:`degrees` (``without`` the same people) gives
        for them, read from the ties between them and the viewer's contacts only.
        A page of twenty people then costs the ties of twenty people, not the
        whole second degree of the viewer."""
        me = self.scope.person_id
        hidden = set(without)
        wanted = {int(p) for p in people} - hidden - {me}
        if me is None or not wanted:
            return {}
        first = self.first_degree() - hidden
        out = dict.fromkeys(wanted & first, 1)
        rest = wanted - first
        if "degrees" in self._cache and not (hidden & self.first_degree()):
            # the whole second degree is at hand (kept for this viewer)
            named, _ = self._cache["degrees"]
            out.update({p: 2 for p in rest if named.get(p) == 2})
            return out
        if len(rest) <= len(first):
            # fewer people asked about than contacts (an organisation's page: a
            # hundred people, 5,000 contacts): their own ties, read through the
            # indexes of both ends until one links them, are fewer than the
            # contacts' — the cost follows the page, not the size of the network
            out.update(dict.fromkeys(self.linked_to(rest, first, "names"), 2))
            return out
        for a, b in self.ties_between(rest, first, "names"):
            out[a if a in rest else b] = 2
        return out

    def neighbours(self, pid: int) -> dict[int, bool]:
        """The people tied now to ``pid`` by a tie that may be listed (any source),
        each with whether one of those ties is social (see :meth:`first_degree`).

        The viewer's own are kept with the reader's other results (as
        :meth:`first_degree` is: a server keeps them for the viewer's next
        requests while the graph is unchanged)."""
        if pid == self.scope.person_id and not self.hidden:
            if "own_neighbours" not in self._cache:
                self._cache["own_neighbours"] = self._neighbours(pid)
            return dict(self._cache["own_neighbours"])
        return self._neighbours(pid)

    def _neighbours(self, pid: int) -> dict[int, bool]:
        query = self.where(
            select(Tie.person_a_id, Tie.person_b_id, Tie.source).where(
                or_(Tie.person_a_id == pid, Tie.person_b_id == pid), Tie.ended_at.is_(None)
            ),
            self.tie_visible("names"),
        )
        out: dict[int, bool] = {}
        for a, b, source in raw_rows(self.conn, query):
            other = b if a == pid else a
            out[other] = out.get(other, False) or source in SOCIAL_TIE_SOURCES
        return out

    def own_people(self) -> set[int]:
        """The people the member's own data mentions (``known_person``), but the
        hidden ones."""
        member = self.scope.member_id
        if member is None:
            return set()
        found = self.conn.execute(
            select(KnownPerson.person_id).where(KnownPerson.member_id == member)
        ).scalars()
        return set(found) - self.hidden

    def people_seen(self, without: Collection[int] = ()) -> set[int]:
        """The people a member sees in their lists: the people their own data
        mentions, their first and (named) second degree, the members, themself —
        less ``without`` (see :meth:`degrees`)."""
        me = self.scope.person_id
        hidden = set(without) | self.hidden
        out: set[int] = set(self.member_persons().values())
        if me is None:
            return out - hidden
        out |= self.own_people()
        named, _ = self.degrees(without=hidden)
        return ((out | set(named)) - hidden) | {me}

    def seen_among(self, person_ids: Iterable[int], without: Collection[int] = ()) -> set[int]:
        """The ones of ``person_ids`` that :meth:`people_seen` (``without`` the same
        people) holds, found for them alone when they are few: whether each is a
        member, one the member's own data mentions, or a first or second degree
        (:meth:`degrees_among`). Finding one person (``degree #12``) then reads
        that person's ties, not those of every contact of the viewer."""
        ids = {int(p) for p in person_ids}
        if "degrees" in self._cache or len(ids) > SEEN_AMONG:
            return ids & self.people_seen(without)
        me = self.scope.person_id
        hidden = set(without) | self.hidden
        out = self.members_among(ids)
        if me is None:
            return out - hidden
        member, rest = self.scope.member_id, ids - out
        if member is not None and rest:
            out |= set(
                self.conn.execute(
                    select(KnownPerson.person_id).where(
                        KnownPerson.member_id == member,
                        one_of(self.conn, KnownPerson.person_id, rest),
                    )
                ).scalars()
            )
        out |= set(self.degrees_among(ids - out, without=hidden))
        return (out - hidden) | (ids & {me})

    def pair_ties(self, a: int, b: int) -> list[tuple[str, dt.datetime | None]]:
        """``(source, since)`` of the active ties between ``a`` and ``b`` that may be
        listed."""
        return self.pairs_ties([(a, b)])[(min(a, b), max(a, b))]

    def pairs_ties(
        self, pairs: Iterable[tuple[int, int]]
    ) -> dict[tuple[int, int], list[tuple[str, dt.datetime | None]]]:
        """:meth:`pair_ties` of each of ``pairs`` (person ids, either order), keyed
        ``(smaller, larger)``, in one read per 200 pairs instead of one per pair
        (the ties of the paths a page explains: some forty reads before)."""
        found: dict[tuple[int, int], list[tuple[str, dt.datetime | None]]] = {
            (min(a, b), max(a, b)): [] for a, b in pairs if a != b
        }
        for pair, (source, since) in self._pair_rows(
            found, (Tie.source, Tie.since), Tie.ended_at.is_(None)
        ):
            found[pair].append((source, since))
        return found

    def person_ties(self, pid: int) -> list[Any]:
        """Every tie of one person that may be listed, oldest first (rows with
        ``person_a_id, person_b_id, source, asserted_by, since, ended_at, confidence``)."""
        query = self.where(
            select(
                Tie.person_a_id,
                Tie.person_b_id,
                Tie.source,
                Tie.asserted_by,
                Tie.since,
                Tie.ended_at,
                Tie.confidence,
            )
            .where(or_(Tie.person_a_id == pid, Tie.person_b_id == pid))
            .order_by(Tie.since),
            self.tie_visible("names"),
        )
        return list(self.conn.execute(query))

    def recent_ties(
        self, since: dt.datetime, until: dt.datetime
    ) -> list[tuple[int, int, dt.datetime | None]]:
        """``(a, b, since)`` of the active social ties begun between the dates."""
        query = self.where(
            select(Tie.person_a_id, Tie.person_b_id, Tie.since).where(
                Tie.source.in_(SOCIAL_TIE_SOURCES),
                Tie.ended_at.is_(None),
                Tie.since >= since,
                Tie.since <= until,
            ),
            self.tie_visible("names", whole=True),
        )
        return [(a, b, s) for a, b, s in self.conn.execute(query)]

    # -- for tie strength ---------------------------------------------------------
    def is_present(self, as_of: dt.datetime) -> bool:
        """Whether ``as_of`` is the data's present (within a day): only then do
        undated facts — they hold now — count."""
        return as_of >= self.now - dt.timedelta(days=1)

    def tie_pairs(
        self,
        as_of: dt.datetime,
        *,
        level: str = "names",
        person: int | None = None,
        inferred: bool = True,
        among: Collection[int] | None = None,
    ) -> np.ndarray:
        """Unique ``(a, b)`` pairs (an n x 2 int64 array) of the ties known before
        ``as_of`` and not ended by it (undated ones only when ``as_of`` is the
        present: they cannot be placed in the past), of ``person`` only if given,
        or between the people ``among`` only (both ends among them). Without
        ``inferred``, inferred ties play no part. Read from the ties read by
        :meth:`standing_ties` when they hold ``("pairs", as_of)``."""
        import numpy as np

        def query_of(*clauses: ColumnElement[bool]) -> Any:
            query = self.where(
                select(Tie.person_a_id, Tie.person_b_id).where(
                    _as_of_clause(as_of, undated=self.is_present(as_of)), *clauses
                ),
                self.tie_visible(level, whole=among is None),
            )
            if not inferred:
                query = query.where(Tie.source.not_in(list(INFERRED_SOURCES)))
            return query

        table = self._standing_at(level, ("pairs", as_of)) if person is None else None
        if table is not None:
            mask = table.at(("pairs", as_of))
            if not inferred:
                mask &= ~np.isin(table.source, [TIE_SOURCES.index(s) for s in INFERRED_SOURCES])
            if among is not None:
                mask &= table.among(among, self.scope.person_id)
            keys = np.unique(table.a[mask] * (1 << 32) + table.b[mask])
            return np.column_stack((keys >> 32, keys & 0xFFFFFFFF))
        if among is not None:
            # the ties between some people: by the first end's index, the other
            # end tested on each row found (a member's 5,000 contacts touch half
            # of a platform's ties, a quarter of them lie between the contacts).
            # ``+ 0`` keeps SQLite from searching the index by both ends, a probe
            # for every pair of ids (45 million for 5,000 people)
            rows = []
            for part in chunks(among):
                rows += raw_rows(
                    self.conn,
                    query_of(
                        one_of(self.conn, Tie.person_a_id, part),
                        one_of(self.conn, Tie.person_b_id + 0, among),
                    ),
                )
        elif person is not None:
            rows = raw_rows(
                self.conn,
                query_of(or_(Tie.person_a_id == person, Tie.person_b_id == person)),
            )
        else:
            rows = raw_rows(self.conn, query_of())
        if not rows:
            return np.empty((0, 2), dtype=np.int64)
        found = rows_array(rows, np.int64)
        keys = np.unique(found[:, 0] * (1 << 32) + found[:, 1])  # one row per pair
        return np.column_stack((keys >> 32, keys & 0xFFFFFFFF))

    def tie_since(self, as_of: dt.datetime, *, person: int | None = None) -> np.ndarray:
        """``(a, b, since)`` as float64 rows (since in Unix seconds) of the listable
        ties with a start before ``as_of`` (of ``person`` only, if given)."""
        import numpy as np

        from weakties.store.read_traces import epoch_sql

        query = self.where(
            select(Tie.person_a_id, Tie.person_b_id, epoch_sql(self.conn, Tie.since)).where(
                Tie.since.is_not(None), Tie.since < as_of
            ),
            self.tie_visible("names", whole=person is None),
        )
        if person is not None:
            query = query.where(or_(Tie.person_a_id == person, Tie.person_b_id == person))
        rows = raw_rows(self.conn, query)
        return np.array(rows, dtype=np.float64).reshape(-1, 3)

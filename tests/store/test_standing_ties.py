"""One read of the ties at several moments answers every read it stands in for
exactly as that read alone: the graph's ties at each date and of some sources,
the pairs the tie scoring counts mutual contacts over, the second degree.

A small platform: Ann, Bo and Eve share by name, Cy shares counts, Dee shares
nothing. The ties begin before, between and after the dates read (one has no
date), some ended before or between them; the sources are declared, platform,
manual and inferred.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import numpy as np
import pytest
from sqlalchemy import insert

from weakties.graph import Graph
from weakties.model import tables as t
from weakties.model.kinds import SOCIAL_TIE_SOURCES
from weakties.service import live
from weakties.service.context import shared, viewer
from weakties.store.reader import Reader

NOW = dt.datetime(2026, 6, 1, 12)
MONTH_AGO = dt.datetime(2026, 5, 2)
YEAR_AGO = NOW - dt.timedelta(days=365)
MEMBERS = {"ann": (1, "names"), "bo": (2, "names"), "cy": (3, "counts"), "dee": (4, "nothing")}
MEMBERS["eve"] = (5, "names")
D = dt.timedelta(days=1)
# (a, b, source, asserted by, since, ended)
TIES = [
    (1, 2, "platform", 1, NOW - 400 * D, None),
    (1, 2, "platform", 2, NOW - 400 * D, None),
    (2, 6, "connection", 2, NOW - 10 * D, None),  # since the month before
    (3, 7, "connection", 3, None, None),  # undated
    (4, 8, "connection", 4, NOW - 90 * D, None),
    (1, 4, "connection", 4, NOW - 90 * D, None),  # Dee's tie with Ann
    (5, 9, "connection", 5, NOW - 90 * D, NOW - 5 * D),  # ended since the month before
    (2, 3, "platform", 3, NOW - 90 * D, None),  # Cy's tie with Bo
    (6, 10, "connection", 2, NOW - 500 * D, NOW - 200 * D),  # ended within the year
    (7, 11, "connection", 3, NOW - 90 * D, None),
    (8, 12, "connection", 4, NOW - 90 * D, None),
    (5, 10, "connection", 5, NOW - 90 * D, NOW - 60 * D),  # ended before the month
    (1, 5, "platform", 1, NOW - 45 * D, None),
    (1, 5, "platform", 5, NOW - 45 * D, None),
    (1, 6, "manual", 1, NOW + 2 * D, None),  # begins after the present
    (1, 9, "inferred_colleague", 1, NOW - 90 * D, None),
    (9, 13, "inferred_colleague", 5, NOW - 90 * D, None),
    (2, 9, "inferred_classmate", 2, None, None),
    (6, 9, "connection", 2, MONTH_AGO, None),  # begins at the date, to the microsecond
    (5, 13, "connection", 5, NOW - 40 * D, MONTH_AGO),  # ends at the date
]
KNOWN = {2: [6, 10], 3: [7, 11], 4: [8, 12, 14], 1: [2, 5], 5: [9, 13]}
MOMENTS = [
    ("rows", None),
    ("rows", MONTH_AGO),
    ("pairs", NOW),
    ("pairs", MONTH_AGO),
    ("pairs", YEAR_AGO),
]


@pytest.fixture
def platform(store: Any) -> Any:
    with store.engine.begin() as conn:
        conn.execute(insert(t.Person), [{"id": i, "display_name": f"P{i}"} for i in range(1, 15)])
        conn.execute(
            insert(t.Member),
            [
                {"id": m, "handle": h, "person_id": m, "sharing": s, "created_at": NOW}
                for h, (m, s) in MEMBERS.items()
            ],
        )
        conn.execute(
            insert(t.Tie),
            [
                {
                    "person_a_id": a,
                    "person_b_id": b,
                    "source": source,
                    "asserted_by": by,
                    "since": since,
                    "ended_at": ended,
                    "confidence": 0.5 + 0.01 * i,
                }
                for i, (a, b, source, by, since, ended) in enumerate(TIES)
            ],
        )
        conn.execute(
            insert(t.KnownPerson),
            [{"member_id": m, "person_id": p} for m, ps in KNOWN.items() for p in ps],
        )
    live.clear()
    return store


def _readers(conn: Any) -> list[tuple[Reader, Reader]]:
    """(a reader that read the ties at every moment at once, a fresh one) per viewer."""
    out = []
    for who in [viewer(conn, h) for h in MEMBERS] + [shared(conn)]:
        read_once = Reader(conn, who.scope, now=NOW)
        read_once.standing_ties("names", MOMENTS)
        out.append((read_once, Reader(conn, who.scope, now=NOW)))
    return out


def _edges(a: np.ndarray, b: np.ndarray, weight: np.ndarray) -> list[tuple[int, int, float]]:
    return sorted(zip(a.tolist(), b.tolist(), weight.tolist(), strict=True))


def test_the_graphs_ties_at_each_date_are_those_read_for_that_date(platform):
    with platform.engine.connect() as conn:
        for read_once, fresh in _readers(conn):
            for as_of, sources, level in itertools.product(
                (None, MONTH_AGO), (None, SOCIAL_TIE_SOURCES, ("manual",)), ("names", "counts")
            ):
                expected = sorted(
                    (a, b, c)
                    for a, b, _s, _by, c in fresh.tie_rows(level, sources=sources, as_of=as_of)
                )
                found = _edges(*read_once.tie_arrays(level, sources=sources, as_of=as_of))
                assert found == expected, (read_once.scope, as_of, sources, level)
        # a month before: a tie begun or ended at the date itself does not
        # stand then, one ended since does; one begun since does not
        ann = Reader(conn, viewer(conn, "ann").scope, now=NOW)
        ann.standing_ties("names", MOMENTS)
        pairs = set(zip(*ann.tie_arrays(as_of=MONTH_AGO)[:2], strict=True))
        assert (6, 9) not in pairs and (5, 13) not in pairs and (5, 9) in pairs
        assert (2, 6) not in pairs and (1, 2) in pairs


def test_the_scorings_pairs_at_each_date_are_those_read_for_that_date(platform):
    with platform.engine.connect() as conn:
        among = [1, 2, 5, 6, 9, 13]
        for read_once, fresh in _readers(conn):
            # the scoring's reads (at counts), every tie or those among some people
            for (_, as_of), (inferred, some) in itertools.product(
                MOMENTS[2:], ((True, None), (False, among), (True, among))
            ):
                found = read_once.tie_pairs(as_of, level="counts", inferred=inferred, among=some)
                expected = fresh.tie_pairs(as_of, level="counts", inferred=inferred, among=some)
                assert found.tolist() == expected.tolist(), (as_of, inferred, some)


def test_the_second_degree_from_the_ties_read_once_is_the_one_read_alone(platform):
    with platform.engine.connect() as conn:
        for read_once, fresh in _readers(conn):
            assert read_once.degrees() == fresh.degrees()
        ann = Reader(conn, viewer(conn, "ann").scope, now=NOW)
        ann.standing_ties("names", MOMENTS)
        named, more = ann.degrees()
        # 6 by a tie of hers that begins later but is active; 9 through 6 (not
        # through Eve: that tie ended); Cy (3) through Bo, counted only
        assert named == {2: 1, 4: 1, 5: 1, 6: 1, 9: 2} and more == 1


def test_ties_read_at_other_moments_are_not_taken_for_these(platform):
    with platform.engine.connect() as conn:
        r = Reader(conn, viewer(conn, "bo").scope, now=NOW)
        r.standing_ties("names", [("rows", MONTH_AGO)])
        now = _edges(*r.tie_arrays())  # not held: read for the present
        fresh = Reader(conn, viewer(conn, "bo").scope, now=NOW)
        assert now == sorted((a, b, c) for a, b, _s, _by, c in fresh.tie_rows())
        with pytest.raises(ValueError, match="one to 16 moments"):
            r.standing_ties("names", [])


def test_a_graph_of_the_ties_read_once_is_the_graph_read_alone(platform):
    with platform.engine.connect() as conn:
        for read_once, fresh in _readers(conn):
            me = fresh.scope.person_id
            for as_of, sources in itertools.product(
                (None, MONTH_AGO), (None, SOCIAL_TIE_SOURCES, ("manual",))
            ):
                found = Graph.from_store(read_once, sources=sources, as_of=as_of, orgs=False)
                rows = fresh.tie_rows("names", sources=sources, as_of=as_of)
                ends = {p for a, b, *_ in rows for p in (a, b)} | ({me} - {None})
                assert found.person_ids.tolist() == sorted(ends)
                u, v, strength = found.edges()
                edges = {
                    (found.person_of(x), found.person_of(y), w)
                    for x, y, w in zip(u.tolist(), v.tolist(), strength.tolist(), strict=True)
                }
                strongest: dict[tuple[int, int], float] = {}
                for a, b, _s, _by, c in rows:
                    strongest[a, b] = max(strongest.get((a, b), 0.0), float(np.float32(c)))
                assert edges == {(a, b, c) for (a, b), c in strongest.items()}


@pytest.mark.parametrize("spread", [1, 10_000_000])
def test_the_ends_are_numbered_as_sorting_them_numbers_them(spread):
    from weakties.store.read_ties import StandingTies

    rng = np.random.default_rng(spread)
    a = rng.integers(0, 500, 300) * spread
    b = a + rng.integers(1, 500, 300) * spread
    empty = np.zeros(300, dtype=np.int64)
    table = StandingTies("names", (("rows", None),), None, a, b, empty, empty + 1.0, empty + 1)
    for me in (None, 7 * spread, 100_000 * spread):
        nodes, ends = table.ends(me)
        extra = [] if me is None else [me]
        expected, index = np.unique(np.concatenate([a, b, extra]), return_inverse=True)
        assert nodes.tolist() == expected.tolist() and ends.tolist() == index.tolist()

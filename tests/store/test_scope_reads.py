"""The scope's rules read per row give what the whole sets give, and the one snapshot
kept for several viewers is exactly each one's own.

A small platform: Ann, Bo and Eve share by name, Cy shares counts, Dee shares
nothing. Dee asserted a tie with Ann (Ann sees it: it is her own tie), Cy one with
Bo; Eve has no tie asserted by a member sharing less than names.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from sqlalchemy import insert

from weakties.errors import NotFoundError
from weakties.model import tables as t
from weakties.model.kinds import SOCIAL_TIE_SOURCES
from weakties.service import live
from weakties.service.context import shared, viewer
from weakties.service.network import _shared_view, _snapshot
from weakties.store.reader import Reader

NOW = dt.datetime(2026, 6, 1)
MEMBERS = {"ann": (1, "names"), "bo": (2, "names"), "cy": (3, "counts"), "dee": (4, "nothing")}
MEMBERS["eve"] = (5, "names")
# (a, b, source, asserted by, ended)
TIES = [
    (1, 2, "platform", 1, False),
    (1, 2, "platform", 2, False),
    (2, 6, "connection", 2, False),
    (3, 7, "connection", 3, False),
    (4, 8, "connection", 4, False),
    (1, 4, "connection", 4, False),  # Dee's tie with Ann
    (5, 9, "connection", 5, False),
    (2, 3, "platform", 3, False),  # Cy's tie with Bo
    (6, 10, "connection", 2, False),
    (7, 11, "connection", 3, False),
    (8, 12, "connection", 4, False),
    (5, 10, "connection", 5, True),
    (1, 5, "platform", 1, False),
    (1, 5, "platform", 5, False),
    (9, 13, "inferred_colleague", 5, False),
]
KNOWN = {2: [6, 10], 3: [7, 11], 4: [8, 12, 14], 1: [2, 5], 5: [9, 13]}
# (person, organisation, current)
POSITIONS = [(6, 1, True), (7, 2, True), (8, 3, True), (12, 4, False), (9, 2, True), (14, 5, True)]


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
                    "since": NOW,
                    "ended_at": NOW if ended else None,
                    "confidence": 1.0,
                }
                for a, b, source, by, ended in TIES
            ],
        )
        conn.execute(
            insert(t.KnownPerson),
            [{"member_id": m, "person_id": p} for m, ps in KNOWN.items() for p in ps],
        )
        conn.execute(
            insert(t.Organization),
            [
                {"id": i, "name": f"Org {i}", "norm_name": f"org {i}", "kind": "organization"}
                for i in range(1, 7)
            ],
        )
        conn.execute(
            insert(t.Position),
            [
                {
                    "person_id": p,
                    "organization_id": o,
                    "kind": "job",
                    "source": "observed",
                    # stated by the data of the member who knows the person
                    "asserted_by": next(m for m, ps in KNOWN.items() if p in ps),
                    "is_current": current,
                    "natural_key": f"k{p}-{o}",
                }
                for p, o, current in POSITIONS
            ],
        )
        # Cy follows organisation 6, where nobody works
        conn.execute(insert(t.Follow), [{"member_id": 3, "organization_id": 6, "since": NOW}])
    live.clear()
    return store


def _viewers(conn: Any) -> list[Any]:
    return [viewer(conn, h) for h in MEMBERS] + [shared(conn)]


def test_rows_are_shown_as_the_whole_sets_say(platform):
    with platform.engine.connect() as conn:
        for who in _viewers(conn):
            for level in ("names", "counts"):
                whole = Reader(conn, who.scope).people(level)
                assert whole is not None
                rowwise = Reader(conn, who.scope)
                assert rowwise.keep_visible(range(1, 15), level) == sorted(whole)
                assert all(rowwise.may_show(p, level) == (p in whole) for p in range(1, 15))
                follows = {6} if who.member_id == 3 else set()
                seen = {o for p, o, _ in POSITIONS if p in whole} | follows
                assert Reader(conn, who.scope).visible_orgs(range(1, 7), level) == sorted(seen)
        ann = Reader(conn, viewer(conn, "ann").scope)
        # only Dee's data knows 8, 12 and 14; only Cy's (counts) knows 7 and 11
        assert ann.keep_visible([7, 8, 11, 12, 14]) == []
        assert ann.keep_visible([7, 8, 11, 12, 14], "counts") == [7, 11]
        assert ann.visible_orgs(range(1, 7), "counts") == [1, 2]


def _degrees_from_every_tie(r: Reader) -> tuple[dict[int, int], int]:
    """The second degree from the whole network's ties, as it was first written."""
    first = r.first_degree()
    named: dict[int, int] = dict.fromkeys(first, 1)
    counted: set[int] = set()
    me = r.scope.person_id
    for level in ("names", "counts"):
        for a, b, _s, _by, _c in r.tie_rows(level, sources=SOCIAL_TIE_SOURCES):
            for u, v in ((a, b), (b, a)):
                if u in first and v != me and v not in first:
                    if level == "names":
                        named.setdefault(v, 2)
                    elif v not in named:
                        counted.add(v)
    return named, len(counted - set(named))


def test_degrees_read_from_the_contacts_ties_are_those_of_every_tie(platform):
    with platform.engine.connect() as conn:
        for who in _viewers(conn):
            assert Reader(conn, who.scope).degrees() == _degrees_from_every_tie(
                Reader(conn, who.scope)
            )
        named, more = Reader(conn, viewer(conn, "ann").scope).degrees()
        assert named == {2: 1, 4: 1, 5: 1, 6: 2, 9: 2} and more == 1  # Cy (3) counted only


def _same_graph(one: Any, other: Any) -> bool:
    return all(
        np.array_equal(getattr(one, name), getattr(other, name))
        for name in ("indptr", "indices", "person_ids", "org_indptr", "org_indices", "org_ids")
    )


def test_one_snapshot_serves_only_the_viewers_who_see_exactly_its_ties(platform):
    from weakties.graph import Graph

    with platform.engine.begin() as conn:
        chosen = {h: _shared_view(conn, viewer(conn, h)) for h in MEMBERS}
        # Dee asserted a tie with Ann, Cy one with Bo; Cy and Dee share less
        assert [h for h, scope in chosen.items() if scope is not None] == ["eve"]
        for h in MEMBERS:
            who = viewer(conn, h)
            r = Reader(conn, who.scope)
            assert _same_graph(_snapshot(conn, who, r), Graph.from_store(r, orgs=False))
        eve = viewer(conn, "eve")
        kept = _snapshot(conn, eve, Reader(conn, eve.scope))
        everyone = shared(conn)
        assert _same_graph(kept, Graph.from_store(Reader(conn, everyone.scope), orgs=False))


def test_a_snapshot_without_organisations_has_the_same_ties_and_reads_no_job(platform):
    from sqlalchemy import event

    from weakties.graph import Graph

    with platform.engine.connect() as conn:
        r = Reader(conn, viewer(conn, "ann").scope)
        full = Graph.from_store(r)
        assert full.org_ids is not None and full.org_ids.size  # the world has jobs
        statements: list[str] = []

        def seen(_conn, _cursor, statement, *_args):
            statements.append(statement)

        event.listen(platform.engine, "before_cursor_execute", seen)
        try:
            light = Graph.from_store(Reader(conn, r.scope), orgs=False)
        finally:
            event.remove(platform.engine, "before_cursor_execute", seen)
        assert statements and not [s for s in statements if "position" in s]
        for name in ("indptr", "indices", "strength", "person_ids"):
            assert np.array_equal(getattr(light, name), getattr(full, name))
        assert light.org_ids is None and light.orgs_of(0).size == 0


def test_degrees_among_some_people_are_those_of_the_whole_second_degree(platform):
    everyone = range(1, 15)
    with platform.engine.connect() as conn:
        for who in _viewers(conn):
            for without in ((), (2,), (5, 9), (6,)):
                named, _ = Reader(conn, who.scope).degrees(without=without)
                # read from the ties of these people only, or from the kept degrees
                fresh = Reader(conn, who.scope)
                assert fresh.degrees_among(everyone, without=without) == named
                assert fresh.degrees_among([6, 9, 13], without=without) == {
                    p: d for p, d in named.items() if p in (6, 9, 13)
                }
                kept = Reader(conn, who.scope)
                kept.degrees()
                assert kept.degrees_among(everyone, without=without) == named


def test_people_seen_among_some_are_those_of_everyone_seen(platform):
    """Whether a few people are seen (finding one person) is read for them alone,
    and agrees with the whole set, with people hidden by the reader or left out."""
    with platform.engine.connect() as conn:
        for who in _viewers(conn):
            for hidden in ((), (3,)):
                for without in ((), (2,), (5, 9), (6,)):
                    whole = Reader(conn, who.scope, hidden=hidden).people_seen(without)
                    for some in ([p] for p in range(1, 15)):
                        fresh = Reader(conn, who.scope, hidden=hidden)
                        assert fresh.seen_among(some, without) == set(some) & whole, some
                        assert "degrees" not in fresh._cache  # not the whole second degree
                        assert "members" not in fresh._cache  # nor every member
                    kept = Reader(conn, who.scope, hidden=hidden)
                    kept.member_persons()  # every member read already: used
                    for p in range(1, 15):
                        assert kept.seen_among([p], without) == {p} & whole, p
                    fresh = Reader(conn, who.scope, hidden=hidden)
                    assert fresh.seen_among(range(1, 15), without) == whole


def test_a_person_found_by_id_reads_no_list_of_every_member(platform):
    """Finding ``#id`` (the target of a profile's "who can introduce me") reads
    whether that person is seen, not every member's person and handle; the viewer's
    handle is read for the error that names them."""
    handles = {m: h for h, (m, _) in MEMBERS.items()}
    with platform.engine.connect() as conn:
        for who in _viewers(conn):
            whole = Reader(conn, who.scope).people_seen()
            for p in range(1, 15):
                r = Reader(conn, who.scope)
                if p in whole:
                    assert r.find_person(f"#{p}") == p
                    assert "handles" not in r._cache and "members" not in r._cache
                else:
                    name = handles.get(who.scope.member_id, "you")
                    with pytest.raises(NotFoundError, match=f"no person #{p} visible to {name}$"):
                        r.find_person(f"#{p}")


def test_ties_between_two_groups_are_those_of_every_tie(platform):
    groups = ([1, 2, 3], [4, 5, 6, 10], [9, 13])
    with platform.engine.connect() as conn:
        for who in _viewers(conn):
            r = Reader(conn, who.scope)
            for social in (True, False):
                sources = SOCIAL_TIE_SOURCES if social else None
                every = {(a, b) for a, b, *_ in r.tie_rows("names", sources=sources)}
                for one in groups:
                    for other in groups:
                        want = {
                            (a, b)
                            for a, b in every
                            if (a in one and b in other) or (b in one and a in other)
                        }
                        got = set(r.ties_between(one, other, "names", social=social))
                        assert got == want


def test_the_ties_of_some_sources_are_read_once_with_those_of_every_source(platform):
    """A reader that read the ties of every source keeps those of some sources
    from them (a report reads both): the same rows as read by themselves."""
    with platform.engine.connect() as conn:
        for who in _viewers(conn):
            for level in ("names", "counts"):
                for as_of in (None, dt.datetime(2020, 1, 1)):
                    fresh = Reader(conn, who.scope).tie_rows(
                        level, sources=SOCIAL_TIE_SOURCES, as_of=as_of
                    )
                    r = Reader(conn, who.scope)
                    every = r.tie_rows(level, as_of=as_of)
                    kept = r.tie_rows(level, sources=SOCIAL_TIE_SOURCES, as_of=as_of)
                    assert sorted(kept) == sorted(fresh)
                    assert len(kept) <= len(every)
                    assert r.tie_rows(level, sources=("manual",), as_of=as_of) == [
                        row for row in every if row[2] == "manual"
                    ]


def test_a_scope_that_counts_no_more_than_it_names_reads_the_contacts_ties_once(platform):
    from sqlalchemy import event, update

    with platform.engine.begin() as conn:
        conn.execute(update(t.Member).values(sharing="names"))
    with platform.engine.connect() as conn:
        who = viewer(conn, "ann")
        assert who.scope.counts == who.scope.names
        r = Reader(conn, who.scope)
        r.first_degree()
        statements: list[str] = []

        def seen(_conn, _cursor, statement, *_args):
            statements.append(statement)

        event.listen(platform.engine, "before_cursor_execute", seen)
        try:
            found = r.degrees()
        finally:
            event.remove(platform.engine, "before_cursor_execute", seen)
        assert found == _degrees_from_every_tie(Reader(conn, who.scope))
        assert found[0] and found[1] == 0
        assert len([s for s in statements if "FROM tie" in s]) == 1


def test_the_ties_one_may_count_are_those_read_by_name_when_everyone_counted_shares_names(
    platform,
):
    from sqlalchemy import event, update

    with platform.engine.begin() as conn:
        conn.execute(update(t.Member).values(sharing="names"))
    then = NOW + dt.timedelta(days=1)
    with platform.engine.connect() as conn:
        who = viewer(conn, "ann")
        r = Reader(conn, who.scope)
        r.tie_rows("names", as_of=then)
        statements: list[str] = []

        def seen(_conn, _cursor, statement, *_args):
            statements.append(statement)

        event.listen(platform.engine, "before_cursor_execute", seen)
        try:
            counted = r.tie_rows("counts", sources=SOCIAL_TIE_SOURCES, as_of=then)
        finally:
            event.remove(platform.engine, "before_cursor_execute", seen)
        assert not statements
        fresh = Reader(conn, who.scope).tie_rows("counts", sources=SOCIAL_TIE_SOURCES, as_of=then)
        assert counted and sorted(counted) == sorted(fresh)


def test_a_snapshot_s_organisations_are_read_for_its_nodes_without_listing_who_may_be_shown(
    platform,
):
    from sqlalchemy import event

    from weakties.graph import Graph
    from weakties.graph.fromstore import current_orgs

    with platform.engine.connect() as conn:
        for who in _viewers(conn):
            statements: list[str] = []

            def seen(_conn, _cursor, statement, *_args, into=statements):
                into.append(statement)

            r = Reader(conn, who.scope)
            event.listen(platform.engine, "before_cursor_execute", seen)
            try:
                g = Graph.from_store(r)
            finally:
                event.remove(platform.engine, "before_cursor_execute", seen)
            assert not [s for s in statements if "UNION" in s.upper()]
            # the nodes are people the scope may show: checking them drops none
            pairs, org_ids = current_orgs(Reader(conn, who.scope), g.person_ids)
            checked = g.with_labels(g.person_ids, pairs, org_ids)
            assert g.org_ids is not None and g.org_ids.size
            for name in ("org_ids", "org_indptr", "org_indices"):
                assert np.array_equal(getattr(g, name), getattr(checked, name))


def test_the_ties_of_many_pairs_are_each_pairs_own(platform):
    """``pairs_ties`` (the ties of the paths a page explains, read together) gives
    each pair what the scope lists of either person's ties with the other: the
    visible, standing ones; nothing for pairs with none, in either order."""
    people = range(1, 15)
    pairs = [(a, b) for a in people for b in people if a != b]  # both orders
    with platform.engine.connect() as conn:
        for handle in (*MEMBERS, None):
            who = viewer(conn, handle) if handle else shared(conn)
            r = Reader(conn, who.scope)
            found = r.pairs_ties(pairs)
            assert set(found) == {(min(a, b), max(a, b)) for a, b in pairs}
            for a, b in found:
                listed = sorted(
                    (row.source, row.since)
                    for row in Reader(conn, who.scope).person_ties(a)
                    if {row.person_a_id, row.person_b_id} == {a, b} and row.ended_at is None
                )
                assert sorted(found[(a, b)]) == listed, (handle, a, b)
            assert r.pair_ties(2, 1) == found[(1, 2)]
        # the scope decides: Dee's tie with Ann (she shares nothing) is Ann's to see
        ann = Reader(conn, viewer(conn, "ann").scope).pairs_ties([(4, 1)])
        bo = Reader(conn, viewer(conn, "bo").scope).pairs_ties([(4, 1)])
        assert [s for s, _ in ann[(1, 4)]] == ["connection"] and bo[(1, 4)] == []


def test_organisations_found_visible_are_named_as_a_fresh_reader_names_them(platform):
    """org_rows after visible_orgs (the same reader remembers what it found
    visible, 360f8a4) gives exactly a fresh reader's org_rows: the visible
    organisations with their rows, none of the others, whatever was asked first."""
    with platform.engine.connect() as conn:
        for who in _viewers(conn):
            fresh = Reader(conn, who.scope).org_rows(range(1, 7))
            for first in ([1, 2], [3, 4, 5, 6], list(range(1, 7)), [6, 2]):
                reader = Reader(conn, who.scope)
                seen = reader.visible_orgs(first, "counts")
                assert set(seen) <= set(fresh)
                again = reader.org_rows(range(1, 7))
                assert {k: tuple(v) for k, v in again.items()} == {
                    k: tuple(v) for k, v in fresh.items()
                }, (who.member_id, first)
        # Ann may see 1 and 2 only: what she was told is invisible stays unnamed
        ann = Reader(conn, viewer(conn, "ann").scope)
        assert ann.visible_orgs(range(1, 7), "counts") == [1, 2]
        assert sorted(ann.org_rows(range(1, 7))) == [1, 2]

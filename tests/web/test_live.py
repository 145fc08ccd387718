"""What a server process keeps between requests stays current and scoped
(:mod:`weakties.service.live`): a write through another process (another app on
the same database, the command line) is seen at the next request; a member who
stops sharing, or a block, is not served from memory.

The ``people`` of ``test_social``: Ana and Bo are connected, Bo and Cy are
connected, Dee is a stranger to all.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import make_settings
from tests.web.test_social import _connect, api, people  # noqa: F401
from weakties.service import live
from weakties.service.admin import set_sharing
from weakties.service.context import viewer
from weakties.service.network import degree, paths
from weakties.store.changes import read_counters
from weakties.store.engine import open_store
from weakties.web.app import create_app


def _brokers(client: TestClient, handle: str) -> list[tuple[str, str]]:
    found = api(client, "GET", f"/introductions/paths?person={handle}")
    assert found.status_code == 200, found.text
    return [(p["broker_name"], p["contact_name"]) for p in found.json()["paths"]]


def _profile(client: TestClient, handle: str) -> dict[str, Any]:
    found = api(client, "GET", f"/profiles/{handle}")
    assert found.status_code == 200, found.text
    body: dict[str, Any] = found.json()
    return body


def _path_names(body: dict[str, Any]) -> list[list[str]]:
    return [[p["name"] for p in path] for path in body["paths"]]


def _twin(app: Any, store_url: str, client: TestClient) -> TestClient:
    """The same browser on a second app (another worker process) on the database."""
    twin = TestClient(create_app(make_settings(store_url)))
    twin.__enter__()
    for cookie in client.cookies.jar:
        twin.cookies.jar.set_cookie(cookie)
    return twin


def test_reading_pages_keeps_the_counters_and_writes_bump_them(people, store):  # noqa: F811
    ana, bo = people["ana"], people["bob"]
    with store.engine.connect() as conn:
        before = read_counters(conn)
    assert before is not None
    _profile(ana, "cyd")
    _brokers(ana, "cyd")
    ana.get("/network")
    with store.engine.connect() as conn:
        assert read_counters(conn) == before  # reading changes nothing
    sent = api(bo, "POST", "/conversations", {"to": ["ana"], "body": "Hello"})
    assert sent.status_code in (200, 201), sent.text
    with store.engine.connect() as conn:
        after = read_counters(conn)
    assert after is not None
    assert after[0] == before[0] and after[1] > before[1]  # a message: traces only


def test_an_invitation_accepted_in_one_process_reaches_the_other(people, store_url):  # noqa: F811
    ana, cy, dee = people["ana"], people["cyd"], people["dee"]
    other = _twin(None, store_url, ana)
    try:
        # the second process has Dee out of reach, and keeps what it computed
        assert _profile(other, "dee")["degree"] is None
        assert _brokers(other, "dee") == []
        assert _profile(other, "cyd")["degree"] == 2
        # Cy and Dee connect through the first process
        _connect(cy, dee, "dee")
        # the second process's next request: Dee at the third degree, through Bo and Cy
        seen = _profile(other, "dee")
        assert seen["degree"] == 3
        assert _path_names(seen) == [["Ana", "Bob", "Cyd", "Dee"]]
        assert _brokers(other, "dee") == [("Bob", "Cyd")]
    finally:
        other.__exit__(None, None, None)


def test_a_member_who_stops_sharing_is_not_served_from_memory(people, store, store_url):  # noqa: F811
    ana = people["ana"]
    with store.engine.begin() as conn:
        who = viewer(conn, "ana")
        assert degree(conn, who, "cyd").degree == 2
        assert len(paths(conn, who, "cyd").paths) == 1
    assert _brokers(ana, "cyd") == [("Bob", "Cyd")]
    # Bo and Cy share nothing any more, from the command line (another process)
    cli = open_store(store_url)
    try:
        for handle in ("bob", "cyd"):
            with cli.engine.begin() as conn:
                set_sharing(conn, viewer(conn, handle), "nothing")
    finally:
        cli.close()
    # their tie is theirs alone now: no second degree, no path, no broker
    with store.engine.begin() as conn:
        who = viewer(conn, "ana")
        assert degree(conn, who, "cyd").degree is None
        assert paths(conn, who, "cyd").paths == []
    assert _brokers(ana, "cyd") == []
    assert _profile(ana, "cyd")["degree"] is None


def test_a_block_removes_the_paths_and_badges_through_the_blocked(people):  # noqa: F811
    ana = people["ana"]
    assert _brokers(ana, "cyd") == [("Bob", "Cyd")]
    assert _profile(ana, "cyd")["degree"] == 2
    assert api(ana, "POST", "/blocks", {"handle": "bob"}).status_code == 201
    assert _brokers(ana, "cyd") == []
    cy = _profile(ana, "cyd")
    assert cy["degree"] is None and cy["paths"] == [] and cy["mutual"] == []


def _suspend(store: Any, handle: str) -> None:
    from sqlalchemy import insert, select

    from weakties.model.tables import Member, Suspension
    from weakties.store.clock import utcnow

    with store.engine.begin() as conn:
        member = conn.execute(select(Member.id).where(Member.handle == handle)).scalar()
        conn.execute(
            insert(Suspension).values(member_id=member, reason="test", created_at=utcnow())
        )


def test_a_suspension_leaves_the_graph_snapshot_shared_without_the_suspended(people, store):  # noqa: F811
    """A suspended member is hidden from every member alike: the members who see
    the shared view's ties are still served one snapshot (it gave each of them
    their own), built without the suspended member — no degree, no mutual
    contact, no path through them —, and a suspension after its build is in the
    next request's snapshot. The operator still sees everyone."""
    from weakties.errors import NotFoundError
    from weakties.service.context import operator
    from weakties.service.network import _shared_view, _snapshot, mutual
    from weakties.service.social import shown_reader

    ana, cyd, dee = people["ana"], people["cyd"], people["dee"]
    _connect(ana, dee, "dee")
    _connect(cyd, dee, "dee")
    live.clear()

    def snapshot(handle: str) -> Any:
        with store.engine.connect() as conn:
            who = viewer(conn, handle)
            assert _shared_view(conn, who) is not None  # sees the shared view's ties
            return _snapshot(conn, who, shown_reader(conn, who))

    def routes(handle: str, to: str) -> list[list[str]]:
        with store.engine.connect() as conn:
            found = paths(conn, viewer(conn, handle), to)
        return sorted([p.name or "" for p in path] for path in found.paths)

    before = snapshot("ana")
    assert snapshot("cyd") is before
    assert routes("ana", "cyd") == [["Ana", "Bob", "Cyd"], ["Ana", "Dee", "Cyd"]]
    with store.engine.connect() as conn:
        bob = viewer(conn, "bob").person_id
    assert bob in before.person_ids.tolist()
    _suspend(store, "bob")
    shared = snapshot("ana")
    assert snapshot("cyd") is shared and shared is not before  # one, built since
    assert bob not in shared.person_ids.tolist()
    assert routes("ana", "cyd") == [["Ana", "Dee", "Cyd"]]
    assert routes("cyd", "ana") == [["Cyd", "Dee", "Ana"]]
    with store.engine.connect() as conn:
        who = viewer(conn, "ana")
        assert [p.name for p in mutual(conn, who, "cyd").people] == ["Dee"]
        assert degree(conn, who, "cyd").shortest_paths == 1
        with pytest.raises(NotFoundError):  # not among the people ana can see
            degree(conn, who, "bob")
        assert bob in _snapshot(conn, operator(conn), shown_reader(conn, operator(conn))).person_ids
        seen = paths(conn, operator(conn), "ana", "cyd").paths
        assert sorted([p.name for p in path] for path in seen) == [
            ["Ana", "Bob", "Cyd"],
            ["Ana", "Dee", "Cyd"],
        ]
    cy = _profile(ana, "cyd")
    assert cy["degree"] == 2 and _path_names(cy) == [["Ana", "Dee", "Cyd"]]


def test_memory_is_bounded_per_process(people, store, monkeypatch):  # noqa: F811
    monkeypatch.setenv("WEAKTIES_LIVE_VIEWERS", "2")
    for handle in ("ana", "bob", "cyd", "dee"):
        _profile(people[handle], "ana" if handle != "ana" else "bob")
    assert live.held(store.engine) == 2
    monkeypatch.setenv("WEAKTIES_LIVE_VIEWERS", "0")
    live.clear()
    _profile(people["ana"], "bob")
    assert live.held(store.engine) == 0


def test_memory_is_bounded_by_its_size_the_newest_viewer_kept(people, store, monkeypatch):  # noqa: F811
    """Over the budget, the least recently active viewers are dropped first; the
    most recent one is kept even alone over it (else every page would rebuild)."""
    monkeypatch.setenv("WEAKTIES_LIVE_MB", "1024")
    live.clear()
    for handle in ("ana", "bob", "cyd", "dee"):
        _profile(people[handle], "ana" if handle != "ana" else "bob")
    assert live.held(store.engine) == 4
    four = live.held_bytes(store.engine)
    assert four > 0
    # room for about two of them (their sizes differ: the budget falls between)
    monkeypatch.setenv("WEAKTIES_LIVE_MB", str(four / 2**20 * 0.6))
    live.clear()
    for handle in ("ana", "bob", "cyd", "dee"):
        _profile(people[handle], "ana" if handle != "ana" else "bob")
    assert 1 <= live.held(store.engine) < 4
    assert live.held_bytes(store.engine) <= four * 0.6
    monkeypatch.setenv("WEAKTIES_LIVE_MB", "0")
    live.clear()
    _profile(people["cyd"], "ana")
    assert live.held(store.engine) == 1  # the newest viewer, over a budget of nothing


def test_a_size_counts_each_array_once_and_what_is_shared_not_at_all():
    import numpy as np

    array = np.zeros(1_000_000)  # 8 MB
    assert 8_000_000 <= live.size_of(array) < 8_100_000
    assert 8_000_000 <= live.size_of({"a": array, "b": [array, array[10:]]}) < 8_100_000
    assert live.size_of([array], shared=[id(array)]) < 1_000
    assert live.size_of([str(i) for i in range(1000)]) > 50_000


def test_arrays_of_different_sizes_are_each_counted_not_sampled():
    """A collection's rows stand for each other only when alike: an array among
    many small ones (an ego graph's largest community) is counted once, wherever
    it falls, and one object listed many times is one object."""
    import numpy as np

    big = 8_000_000
    for where in (0, 1, 2, 50, 99):
        arrays: list[Any] = [np.zeros(1) for _ in range(100)]
        arrays[where] = np.zeros(big // 8)
        assert big <= live.size_of(arrays) < big * 1.01, where
        assert big <= live.size_of(dict(enumerate(arrays))) < big * 1.02, where
    assert 80_000 <= live.size_of([np.zeros(10_000)] * 100) < 90_000
    # rows that are alike are still estimated from a sample, within a few percent
    rows = [(i, f"person {i}") for i in range(20_000)]
    exact = sum(sys.getsizeof(r) + sys.getsizeof(r[0]) + sys.getsizeof(r[1]) for r in rows)
    assert 0.9 * exact <= live.size_of(rows) - sys.getsizeof(rows) <= 1.1 * exact


class _Who:
    """What the memory keys a viewer by (see ``live._viewer_key``)."""

    def __init__(self, name: str, day: int) -> None:
        import datetime as dt

        from weakties.store.scope import Scope

        self.scope = Scope(None, None, frozenset({day}), frozenset({day}))  # no fit read
        self.now = self.when = dt.datetime(2024, 1, day)
        self.as_of = None


def test_a_shared_result_over_the_budget_never_drops_the_viewer_asking(store, monkeypatch):
    """The viewer whose request keeps a shared result is the most recently active
    one: over the budget, the older viewers and the older shared results go, not
    them (their page would be rebuilt at their next request)."""
    import numpy as np

    monkeypatch.setenv("WEAKTIES_LIVE_MB", "1")
    live.clear()
    with store.engine.connect() as conn:
        for day, name in ((1, "ana"), (2, "bob")):
            who: Any = _Who(name, day)
            kept = live.memo(conn, who, "page", lambda: np.zeros(10))
            assert kept.size == 10
            live.common(conn, ("snapshot", day), lambda: np.zeros(100_000))  # 0.8 MB each
        assert live.held(store.engine) == 1  # the older viewer went, not bob
        assert live.memo(conn, _Who("bob", 2), "page", lambda: np.ones(10))[0] == 0  # kept


def test_entries_kept_one_by_one_are_computed_only_where_missing(store):
    """``memo_each`` asks its computation only for the keys not kept yet, and
    keeps each answer under its own key: a second list that overlaps the first
    computes only its new part; another viewer keeps their own."""
    live.clear()
    asked: list[list[str]] = []

    def compute(keys: list[str]) -> dict[str, str]:
        asked.append(list(keys))
        return {k: k.upper() for k in keys}

    with store.engine.connect() as conn:
        ana: Any = _Who("ana", 1)
        assert live.memo_each(conn, ana, ["a", "b", "a"], compute) == {"a": "A", "b": "B"}
        assert live.memo_each(conn, ana, ["c", "b"], compute, traces=True) == {"c": "C", "b": "B"}
        assert live.memo_each(conn, ana, ["b", "c", "a"], compute) == {"b": "B", "c": "C", "a": "A"}
        assert live.memo_each(conn, _Who("bob", 2), ["a"], compute) == {"a": "A"}
    assert asked == [["a", "b"], ["c"], ["a"]]


def test_the_network_pages_follow_a_new_connection(people):  # noqa: F811
    ana, dee = people["ana"], people["dee"]
    shown = ("/network", "/network/ties", "/api/v1/network/graph")
    for page in shown:
        first = ana.get(page)
        assert first.status_code == 200 and "Dee" not in first.text, page
    _connect(ana, dee, "dee")
    for page in shown:
        assert "Dee" in ana.get(page).text, page


def test_background_work_keeps_nothing_and_pushes_no_member_out(people, store, monkeypatch):  # noqa: F811
    """The server's background tasks read many members' networks in turn (a fit
    check goes through every member): they keep nothing per viewer, so the
    member using the pages keeps their entries however many members there are."""
    monkeypatch.setenv("WEAKTIES_LIVE_VIEWERS", "1")
    live.clear()
    _profile(people["ana"], "bob")

    def kept() -> list[int | None]:
        return [key[0].member_id for key in live._viewers(store.engine).buckets]

    ana = kept()
    assert len(ana) == 1
    size = live.held_bytes(store.engine)
    with live.background(), store.engine.begin() as conn:
        for handle in ("bob", "cyd", "dee"):
            assert degree(conn, viewer(conn, handle), "ana") is not None
    assert kept() == ana and live.held_bytes(store.engine) == size
    # outside background work, the newest viewer takes the only place
    with store.engine.begin() as conn:
        degree(conn, viewer(conn, "dee"), "ana")
    assert kept() != ana


# A server process on the database SYS.ARGV[1], each step as the test says
SETTLES = """
import gc, sys, weakref

from weakties.service import live
from weakties.store.engine import open_store


class Cycle:
    def __init__(self) -> None:
        self.me = self


live.SETTLE_AFTER = 0.0
store = open_store(sys.argv[1])
with store.engine.connect() as conn:
    live.common(conn, ("not a server", 1), Cycle)
    assert gc.get_freeze_count() == 0, "a command settled"
    live.settle_kept(store.engine)
    first = live.common(conn, ("costly", 1), Cycle)
    assert gc.get_freeze_count() > 0, "nothing frozen after a costly result"
    assert not any(o is first for o in gc.get_objects()), "the kept result is walked"
    gone = weakref.ref(first)
    del first
    live.clear()  # dropped (as after a change), but a frozen cycle
    gc.collect()
    assert gone() is not None, "a frozen cycle was collected"
    live.common(conn, ("costly", 2), Cycle)  # the next costly result settles
    assert gone() is None, "the dropped cycle outlived the next costly result"
print("settled")
"""


def test_a_server_settles_after_a_costly_result_and_frees_what_it_dropped(store_url):
    """A server process freezes what it keeps after a result that was costly to
    compute (full collections then skip it), and collects what it dropped at the
    next such result: a cycle kept and dropped is not held forever.

    In a process of its own: each settle is a full collection of everything the
    process holds, which in a test process that has run hundreds of tests took
    seconds (ten in a full run) instead of a fraction of one."""
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", SETTLES, store_url], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["settled"], done.stdout


def test_a_result_kept_inside_another_settles_once_with_it(store, monkeypatch):
    """A costly result computed inside another's computation (the paths inside
    who can introduce me) is settled with the outer one: one full collection per
    request, not one per level."""
    import gc

    collections: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda *_args: collections.append(1) or 0)
    monkeypatch.setattr(live, "SETTLE_AFTER", 0.0)
    live.clear()
    try:
        live.settle_kept(store.engine)
        with store.engine.connect() as conn:
            live.common(conn, ("outer", 1), lambda: [live.common(conn, ("inner", 1), list)])
            assert len(collections) == 1
            live.common(conn, ("alone", 1), list)
            assert len(collections) == 2
    finally:
        gc.unfreeze()
        live._SETTLING.discard(store.engine)
        live.clear()


def test_a_server_settles_after_a_result_costly_in_cpu_not_one_that_waited(store, monkeypatch):
    """What counts is the CPU the result took in its thread: under load a cheap
    result takes long while the other requests run, and settling after each of
    those walked the whole heap again and again."""
    import gc
    import time

    collections: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda *_args: collections.append(1) or 0)
    monkeypatch.setattr(live, "SETTLE_AFTER", 0.05)

    def waited() -> list[int]:
        time.sleep(0.1)  # as a request waits for the others between its steps
        return []

    def costly() -> list[int]:
        began = time.thread_time()
        while time.thread_time() - began < 0.06:
            sum(range(1000))
        return []

    live.clear()
    try:
        live.settle_kept(store.engine)
        with store.engine.connect() as conn:
            live.common(conn, ("waited", 1), waited)
            assert collections == []
            live.common(conn, ("costly", 1), costly)
            assert len(collections) == 1
    finally:
        gc.unfreeze()
        live._SETTLING.discard(store.engine)
        live.clear()


def _keep_fit(store: Any, handle: str, strength: float | None) -> None:
    """Keep a fit for ``handle`` as the server's background task does (None: delete
    it): a tie model that gives every pair in touch the chance ``strength``."""
    import datetime as dt
    import math

    from weakties.service.context import reader
    from weakties.store.write import save_member_setting
    from weakties.ties.fit import AdditiveModel
    from weakties.ties.learned import SETTING, FittedModels

    with live.background(), store.engine.begin() as conn:
        who = viewer(conn, handle)
        text = None
        if strength is not None:
            intercept = math.log(strength / (1 - strength))
            now = who.now if who.now.tzinfo else who.now.replace(tzinfo=dt.UTC)
            as_of = now.timestamp() - 86_400.0  # a day old: it serves the present
            text = FittedModels(as_of, 30.0, AdditiveModel(intercept, {}), None).to_json()
        save_member_setting(reader(conn, who), SETTING, text)


def _tie_scores(store: Any, handle: str) -> dict[str | None, float]:
    from weakties.service.tie_review import tie_table

    with store.engine.begin() as conn:
        return {row.handle: row.score for row in tie_table(conn, viewer(conn, handle)).ties}


def _kept(store: Any, handle: str) -> dict[Any, Any]:
    """The entries kept for ``handle`` that depend on the traces (the scored ones)."""
    member = _member_id(store, handle)
    for key, bucket in live._viewers(store.engine).buckets.items():
        if key[0].member_id == member:
            return dict(bucket.get("both", (None, {}))[1])
    return {}


def _member_id(store: Any, handle: str) -> int:
    with store.engine.connect() as conn:
        found = viewer(conn, handle).member_id
    assert found is not None
    return found


def _talk(a: TestClient, handle_b: str) -> None:
    """A message: the pair is in touch (a fitted tie model reads pairs in touch)."""
    sent = api(a, "POST", "/conversations", {"to": [handle_b], "body": "Coffee?"})
    assert sent.status_code in (200, 201), sent.text


def test_a_member_s_fit_drops_no_other_member_s_kept_pages(people, store, monkeypatch):  # noqa: F811
    """On a platform (more members sharing by name than are scored each with their
    own model) a kept fit changes its member's scores only: the dashboard and tie
    table kept for the others stay, the very objects, with no counter moved."""
    from weakties.opportunity import network as intro_network
    from weakties.service.dashboard import dashboard

    monkeypatch.setattr(intro_network, "PER_MEMBER_SCORING", 2)  # 4 others: a platform
    live.clear()
    _talk(people["ana"], "bob")
    with store.engine.begin() as conn:
        bob = viewer(conn, "bob")
        board = dashboard(conn, bob)
    before = _tie_scores(store, "bob")
    kept = _kept(store, "bob")
    assert ("dashboard", 12) in kept and "tie_table" in kept
    with store.engine.connect() as conn:
        counted = read_counters(conn)
    _keep_fit(store, "ana", 0.9)
    with store.engine.connect() as conn:
        assert read_counters(conn) == counted
    assert _tie_scores(store, "bob") == before
    with store.engine.begin() as conn:
        assert dashboard(conn, viewer(conn, "bob")) is board
    after = _kept(store, "bob")
    assert all(after[key] is value for key, value in kept.items())
    # Ana's own scores are her new fit's
    assert _tie_scores(store, "ana")["bob"] == pytest.approx(0.9)


def test_a_member_s_kept_scores_follow_their_fit(people, store):  # noqa: F811
    """Whatever a member's kept pages hold that was scored with their fit is
    computed again when the fit that serves them changes, or is gone."""
    live.clear()
    _talk(people["ana"], "bob")
    prior = _tie_scores(store, "ana")["bob"]
    _keep_fit(store, "ana", 0.9)
    assert _tie_scores(store, "ana")["bob"] == pytest.approx(0.9)
    kept = _kept(store, "ana")["tie_table"]
    assert _kept(store, "ana")["tie_table"] is kept  # reused while the fit serves
    _tie_scores(store, "ana")
    assert _kept(store, "ana")["tie_table"] is kept
    _keep_fit(store, "ana", 0.2)
    assert _tie_scores(store, "ana")["bob"] == pytest.approx(0.2)
    _keep_fit(store, "ana", None)
    assert _tie_scores(store, "ana")["bob"] == pytest.approx(prior)


def test_a_team_s_kept_introductions_follow_each_member_s_fit(people, store):  # noqa: F811
    """In a team every member's ties are scored with their own model on the others'
    introduction network: Bo's new fit is Ana's network's strength of his tie with Cy."""
    from weakties.service.introductions import _network

    live.clear()
    _talk(people["bob"], "cyd")

    def strength() -> float:
        with store.engine.begin() as conn:
            who = viewer(conn, "ana")
            net = _network(conn, who)
            g = net.graph
            bob, cyd = (g.node_of(viewer(conn, h).person_id) for h in ("bob", "cyd"))
            row = slice(int(g.indptr[bob]), int(g.indptr[bob + 1]))
            at = list(g.indices[row]).index(cyd)
            return float(g.strength[row][at])

    strength()
    _keep_fit(store, "bob", 0.95)
    assert strength() == pytest.approx(0.95, abs=1e-6)
    _keep_fit(store, "bob", 0.6)
    assert strength() == pytest.approx(0.6, abs=1e-6)


def test_the_fit_stamp_holds_the_fits_a_viewer_s_scores_use(people, store, monkeypatch):  # noqa: F811
    """A team's member is stamped with every teammate's fit (their ties are scored
    with it on the introduction network), a platform's with their own only; a
    fit that stops serving in the course of a day changes the stamp."""
    import dataclasses
    import datetime as dt

    from weakties.opportunity import network as intro_network
    from weakties.ties.learned import FRESH_DAYS

    _keep_fit(store, "ana", 0.9)
    _keep_fit(store, "bob", 0.8)
    ids = {h: _member_id(store, h) for h in ("ana", "bob", "cyd")}
    with store.engine.begin() as conn:
        who = viewer(conn, "ana")
        team = dict(live.fit_stamp(conn, who))
        assert team[ids["ana"]] is not None and team[ids["bob"]] is not None
        assert ids["cyd"] in team and team[ids["cyd"]] is None
        assert live.fit_stamp(conn, who) is live.fit_stamp(conn, who)  # once per transaction
        # the fit was made a day ago: past its last day it serves nothing, same date or not
        last = who.now + dt.timedelta(days=FRESH_DAYS - 1)
        before = dataclasses.replace(who, now=last - dt.timedelta(minutes=1))
        later = dataclasses.replace(who, now=last + dt.timedelta(minutes=1))
        assert live.fit_stamp(conn, before) == live.fit_stamp(conn, who)
        assert dict(live.fit_stamp(conn, later))[ids["ana"]][1] is False
    monkeypatch.setattr(intro_network, "PER_MEMBER_SCORING", 2)
    with store.engine.begin() as conn:
        who = viewer(conn, "ana")
        assert [m for m, _ in live.fit_stamp(conn, who)] == [ids["ana"]]
        assert live.fit_stamp(conn, viewer(conn, "dee"))[0][1] is None


def test_a_network_built_apart_for_one_viewer_follows_their_fit(people, store, monkeypatch):  # noqa: F811
    """On a platform, a member who does not see the ties everyone sees has an
    introduction network of their own, built apart from the requests and scored
    with their fit: a new fit is another network, not the one built before."""
    from weakties.opportunity import network as intro_network
    from weakties.service.introductions import _network

    monkeypatch.setattr(intro_network, "PER_MEMBER_SCORING", 2)  # 4 others: a platform
    with store.engine.begin() as conn:
        set_sharing(conn, viewer(conn, "ana"), "counts")  # her own network, not the shared one
    _talk(people["ana"], "bob")
    live.clear()
    live.settle_kept(store.engine)  # a server process: built apart, in a thread

    def strength() -> float:
        with store.engine.begin() as conn:
            who = viewer(conn, "ana")
            net = _network(conn, who)
            at = net.ego.index(net.graph.node_of(viewer(conn, "bob").person_id))
            return float(net.ego.score[at])

    try:
        strength()
        assert len(live._viewers(store.engine).built) == 1
        _keep_fit(store, "ana", 0.9)
        assert strength() == pytest.approx(0.9, abs=1e-6)
        _keep_fit(store, "ana", 0.3)
        assert strength() == pytest.approx(0.3, abs=1e-6)
    finally:
        live._SETTLING.discard(store.engine)
        live.clear()


def test_the_shared_build_goes_before_the_members_own_builds_waiting(store):
    """One build apart at a time: a build of the network shared by every member
    who sees the same ties, asked after several members' own builds, runs as soon
    as the build running ends — not after every member's build queued before it."""
    import threading

    live.clear()
    live.settle_kept(store.engine)  # a server process: built apart, in a thread
    running = threading.Event()
    release = threading.Event()
    order: list[str] = []

    def blocker(_c: Any) -> str:
        running.set()
        assert release.wait(30)
        return "blocker"

    def made(name: str) -> Any:
        def compute(_c: Any) -> str:
            order.append(name)
            return name

        return compute

    try:
        with store.engine.connect() as conn, conn.begin():
            with pytest.raises(live.Pending):
                live.built_apart(conn, ("own", "first"), blocker, wait=0.0)
            assert running.wait(30)
            for name in ("own-a", "own-b", "own-c"):
                with pytest.raises(live.Pending):
                    live.built_apart(conn, (name,), made(name), wait=0.0)
            threading.Event().wait(0.05)  # the members' builds are waiting for their turn
            with pytest.raises(live.Pending):
                live.built_apart(conn, ("shared",), made("shared"), wait=0.0, first=True)
        release.set()
        for thread in list(live._viewers(store.engine).building.values()):
            thread.join(30)
        assert order[0] == "shared"
        assert sorted(order[1:]) == ["own-a", "own-b", "own-c"]
    finally:
        release.set()
        live.clear()


def _bump(store: Any, value: str) -> None:
    """A write: the database's counters change."""
    from sqlalchemy import delete, insert

    from weakties.model.tables import Setting

    with store.engine.begin() as conn:
        conn.execute(delete(Setting).where(Setting.key == "test:bump"))
        conn.execute(insert(Setting).values(key="test:bump", value=value))


def test_a_result_kept_for_a_stamp_outlives_writes_and_counts_once(store):
    """``kept_for`` keeps one result per viewer while its stamp is the same,
    whatever is written meanwhile (``memo`` computes again after any write); another
    stamp replaces it; a viewer's entry that holds it does not count it again."""
    import numpy as np

    live.clear()
    made: list[int] = []

    def copy(n: int) -> Any:
        made.append(n)
        return (np.zeros(n), 7)

    ana: Any = _Who("ana", 1)
    with store.engine.connect() as conn:
        first = live.kept_for(conn, ana, ("build", 1), lambda: copy(100_000))
    _bump(store, "1")
    with store.engine.connect() as conn:
        assert live.kept_for(conn, ana, ("build", 1), lambda: copy(100_000)) is first
        held = live.held_bytes(store.engine)
        assert 800_000 <= held < 900_000
        # the viewer's network, made again after the write, refers to the copy
        live.memo(conn, ana, "network", lambda: {"graph": first[0], "own": np.zeros(10)})
        assert live.held_bytes(store.engine) - held < 10_000
        assert live.kept_for(conn, _Who("bob", 2), ("build", 1), lambda: copy(10)) is not first
        second = live.kept_for(conn, ana, ("build", 2), lambda: copy(1_000))
    assert second is not first and made == [100_000, 10, 1_000]


def test_a_failed_build_is_started_again_only_by_a_request_that_may_retry(store):
    """A build apart that fails is raised to the request waiting for it and kept:
    the requests that may not retry (a page's polls) are told it failed and start
    nothing; the next one that may (a page loaded again) builds again."""
    live.clear()
    live.settle_kept(store.engine)  # a server process: built apart, in a thread
    calls: list[int] = []

    def failing(_c: Any) -> Any:
        calls.append(1)
        raise RuntimeError("the pool timed out")

    key = ("test", "failing")
    try:
        with store.engine.connect() as conn, conn.begin():
            with pytest.raises(RuntimeError):
                live.built_apart(conn, key, failing)
            for _ in range(3):
                with pytest.raises(RuntimeError):
                    live.built_apart(conn, key, failing, wait=0.0, retry=False)
            assert calls == [1] and not live._viewers(store.engine).building
            with pytest.raises(RuntimeError):
                live.built_apart(conn, key, failing, retry=True)
            assert calls == [1, 1]
    finally:
        live.clear()


class _Network:
    """A result built apart that viewers' entries refer to part of (a graph)."""

    def __init__(self, n: int) -> None:
        import numpy as np

        self.graph = np.zeros(n)
        self.made = float(n)


def test_an_older_shared_result_still_held_by_a_viewer_counts_until_dropped(store):
    """A viewer's entry made from a result built apart does not count what it
    shares with it; once a newer build replaces that result, what the entry still
    holds of it (its graph) counts against the budget — until the entry goes."""
    live.clear()
    ana: Any = _Who("ana", 1)
    sizes = iter([100_000, 1_000])
    with store.engine.connect() as conn:
        first = live.built_apart(conn, "network", lambda _c: _Network(next(sizes)))
        live.memo(conn, ana, "mine", lambda g=first.graph: {"graph": g})
        assert 800_000 <= live.held_bytes(store.engine) < 900_000  # counted once
    _bump(store, "1")
    with store.engine.connect() as conn:
        second = live.built_apart(conn, "network", lambda _c: _Network(next(sizes)))
        assert second is not first
        # ana's entry (made before the change) still holds the first graph
        assert 800_000 <= live.held_bytes(store.engine) < 900_000
        del first
        # ana's next request, after the change: her entries are made again
        live.memo(conn, ana, "mine", lambda: {"graph": second.graph})
        assert live.held_bytes(store.engine) < 100_000  # the first graph is gone


def test_the_viewer_s_own_neighbours_kept_follow_their_new_connection(people, store_url):  # noqa: F811
    """A profile's "how you are connected" reads the viewer's own neighbours from
    what the process keeps for them: a connection the viewer made through another
    process is a new way there at the next request, and another viewer's paths
    are read from their own neighbours, never the first viewer's."""
    ana, bob, cy, dee = people["ana"], people["bob"], people["cyd"], people["dee"]
    other = _twin(None, store_url, ana)
    other_bob = _twin(None, store_url, bob)
    try:
        assert _path_names(_profile(other, "cyd")) == [["Ana", "Bob", "Cyd"]]
        assert _path_names(_profile(other_bob, "ana")) == [["Bob", "Ana"]]  # connected
        # Cy and Dee connect, then Ana and Dee, through the first process
        _connect(cy, dee, "dee")
        _connect(ana, dee, "dee")
        seen = _profile(other, "cyd")
        assert seen["degree"] == 2
        assert sorted(_path_names(seen)) == [["Ana", "Bob", "Cyd"], ["Ana", "Dee", "Cyd"]]
        # Bob's own neighbours are Ana and Cy: Dee two steps away through both
        seen = _profile(other_bob, "dee")
        assert seen["degree"] == 2
        assert sorted(_path_names(seen)) == [["Bob", "Ana", "Dee"], ["Bob", "Cyd", "Dee"]]
    finally:
        other.__exit__(None, None, None)
        other_bob.__exit__(None, None, None)

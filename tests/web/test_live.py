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

        self.scope = (name,)
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


def test_a_server_settles_after_a_costly_result_and_frees_what_it_dropped(store, monkeypatch):
    """A server process freezes what it keeps after a result that was costly to
    compute (full collections then skip it), and collects what it dropped at the
    next such result: a cycle kept and dropped is not held forever."""
    import gc
    import weakref

    class Cycle:
        def __init__(self) -> None:
            self.me = self

    monkeypatch.setattr(live, "SETTLE_AFTER", 0.0)
    live.clear()
    gc.unfreeze()
    try:
        with store.engine.connect() as conn:
            live.common(conn, ("not a server", 1), Cycle)
            assert gc.get_freeze_count() == 0  # a command does not settle
            live.settle_kept(store.engine)
            first = live.common(conn, ("costly", 1), Cycle)
            assert gc.get_freeze_count() > 0
            assert not any(o is first for o in gc.get_objects())  # frozen: never walked
            gone = weakref.ref(first)
            del first
            live.clear()  # dropped (as after a change), but a frozen cycle
            gc.collect()
            assert gone() is not None
            live.common(conn, ("costly", 2), Cycle)  # the next costly result settles
            assert gone() is None
    finally:
        gc.unfreeze()
        live._SETTLING.discard(store.engine)
        live.clear()


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

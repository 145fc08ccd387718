""" "Who can introduce me" on a platform: one introduction network built apart
from the requests for every member who sees the same ties
(:func:`weakties.opportunity.network.shared_network`), each viewer's own ties
scored by their own model (:func:`viewer_network`), some minutes old at most and
checked against the request's data, and a section that loads after the page
while the network is being built.

On the demo platform (every person a member, more than eight sharing by name)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select, update

from tests.web.conftest import SECRET
from weakties.model.tables import Organization, Tie
from weakties.opportunity import network as netmod
from weakties.service import introductions as intro
from weakties.service import live
from weakties.service.context import reader, viewer
from weakties.store.clock import utcnow
from weakties.store.engine import Store, open_store

pytestmark = pytest.mark.slow


@pytest.fixture
def store(
    backend: str, demo_worlds: Any, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Store]:
    with demo_worlds.copy("platform", request, tmp_path) as url:
        opened = open_store(url)
        yield opened
        live.clear()
        opened.engine.dispose()


# back end -> the demo platform's members found by _shared_viewers
_SHARED_VIEWERS: dict[str, list[str]] = {}


def _shared_viewers(store: Store) -> list[str]:
    """Members who see exactly the shared view's ties, scored by the priors.

    Found once per back end and test process: each test asks on its own copy of
    the same demo platform (``store``) before it changes anything, so each would
    find the same members, reading every member's model again (a second of CPU a
    test)."""
    backend = store.engine.dialect.name
    if backend not in _SHARED_VIEWERS:
        _SHARED_VIEWERS[backend] = _find_shared_viewers(store)
    return list(_SHARED_VIEWERS[backend])


def _find_shared_viewers(store: Store) -> list[str]:
    from weakties.model.tables import Member
    from weakties.service.network import _shared_view
    from weakties.ties.strength import choose_model

    found = []
    with store.engine.connect() as conn:
        handles = [
            h for (h,) in conn.execute(Member.__table__.select().with_only_columns(Member.handle))
        ]
        for handle in sorted(handles):
            who = viewer(conn, handle)
            r = reader(conn, who)
            choice = choose_model(r)
            if r.hidden or choice.fitted is not None or choice.prior.name != "default":
                continue
            if _shared_view(conn, who) is not None:
                found.append(handle)
    return found


def _shared_viewer(store: Store, after: str = "") -> str:
    """A member who sees exactly the shared view's ties, the first by handle after
    ``after`` (found without reading each member's model, as
    :func:`_shared_viewers` does)."""
    from weakties.model.tables import Member
    from weakties.service.network import _shared_view
    from weakties.service.social import shown_reader

    with store.engine.connect() as conn:
        handles = select(Member.handle).where(Member.handle > after).order_by(Member.handle)
        for handle in conn.execute(handles).scalars():
            who = viewer(conn, handle)
            if not shown_reader(conn, who).hidden and _shared_view(conn, who) is not None:
                return str(handle)
    raise AssertionError("no member sees the shared view's ties")


def _edges(g: Any, skip: int | None = None) -> dict[tuple[int, int], float]:
    u, v, w = g.edges()
    ids = g.person_ids
    out = {}
    for a, b, x in zip(u.tolist(), v.tolist(), w.tolist(), strict=True):
        if skip is not None and skip in (a, b):
            continue
        pa, pb = int(ids[a]), int(ids[b])
        out[(min(pa, pb), max(pa, pb))] = round(float(x), 5)
    return out


def test_the_shared_network_is_each_viewers_own(store: Store) -> None:
    """Built once for all, with a viewer's own ties added: the same ties, the
    same strengths and the same ranked paths as the network built for that
    viewer alone (for a viewer scored by the documented priors, as the shared
    network scores everyone)."""
    from weakties.model.tables import Organization
    from weakties.opportunity.paths import find_paths
    from weakties.service.network import _shared_view
    from weakties.store.reader import Reader

    handles = _shared_viewers(store)
    assert len(handles) >= 3, handles
    with store.engine.connect() as conn:
        first = viewer(conn, handles[0])
        assert len(first.scope.names) > netmod.PER_MEMBER_SCORING + 1  # a platform
        scope = _shared_view(conn, first)
        base = netmod.shared_network(Reader(conn, scope, now=first.now, clock=first.clock))
        orgs = [
            o
            for (o,) in conn.execute(
                Organization.__table__.select().with_only_columns(Organization.id)
            )
        ]
        compared = 0
        for handle in handles[:3]:
            who = viewer(conn, handle)
            r = reader(conn, who)
            alone = netmod.build_network(r)
            mine = netmod.viewer_network(r, base)
            assert mine is not None and mine.ask is not None
            me = alone.viewer
            # the ties between others, and their strengths
            assert _edges(mine.graph, mine.viewer) == _edges(alone.graph, me)
            # the viewer's own: the contacts, and the strength of each
            ids_alone = alone.graph.person_ids[alone.contacts].tolist()
            ids_mine = mine.graph.person_ids[mine.contacts].tolist()
            assert ids_mine == ids_alone
            row = slice(int(alone.graph.indptr[me]), int(alone.graph.indptr[me + 1]))
            assert np.allclose(mine.ask, alone.graph.strength[row], atol=1e-6)
            # the paths to each organisation, ranked the same
            for oid in orgs[:15]:
                targets = _targets(r, oid)
                if not targets:
                    continue
                got = _ranked(mine, find_paths(mine, _nodes(mine, targets)))
                want = _ranked(alone, find_paths(alone, _nodes(alone, targets)))
                assert got == want
                compared += bool(want)
        assert compared >= 3  # the comparison saw paths


def _targets(r: Any, oid: int) -> list[int]:
    from weakties.opportunity.targets import TargetSpec, resolve_targets

    return list(resolve_targets(r, TargetSpec(org_ids=(oid,))).person_ids)


def _nodes(net: Any, people: list[int]) -> np.ndarray:
    ids = net.graph.person_ids
    pos = np.searchsorted(ids, people)
    pos = pos[pos < ids.size]
    return pos[np.isin(ids[pos], people)]


def _ranked(net: Any, paths: Any) -> list[tuple[Any, ...]]:
    ids = net.graph.person_ids
    out = []
    for i in range(len(paths)):
        hops = [paths.first[i], paths.second[i], paths.target[i]]
        out.append(
            (
                tuple(int(ids[h]) if h >= 0 else -1 for h in hops),
                int(paths.length[i]),
                round(float(paths.score[i]), 5),
            )
        )
    return sorted(out)


def _server(store: Store) -> None:
    """This process as a server process: results built apart, in a thread."""
    live.clear()
    live.settle_kept(store.engine)


def _built(store: Store) -> list[Any]:
    return [b.value for b in live._viewers(store.engine).built.values()]


def _first_way(store: Store, handle: str) -> tuple[int, intro.Introducer]:
    from weakties.model.tables import Organization

    with store.engine.connect() as conn:
        orgs = [
            o
            for (o,) in conn.execute(
                Organization.__table__.select().with_only_columns(Organization.id)
            )
        ]
    for oid in orgs:
        with store.engine.begin() as conn:
            found = intro.who_can_introduce(conn, viewer(conn, handle), org_id=oid)
        for p in found.paths:
            if p.contact is not None and p.broker is not None:
                return oid, p
    raise AssertionError("no way in")


def test_a_tie_ended_since_the_build_is_on_no_path_shown(store: Store) -> None:
    """The shared network is reused after a change (it is minutes old at most),
    but a path whose tie ended since is not shown: each tie of a shown path is
    read again as the viewer may see it now."""
    handle = _shared_viewers(store)[0]
    _server(store)
    oid, way = _first_way(store, handle)
    assert way.broker is not None and way.contact is not None
    built = _built(store)
    assert len(built) == 1
    b, c = way.broker.person_id, way.contact.person_id
    with store.engine.begin() as conn:
        ended = conn.execute(
            update(Tie)
            .where(Tie.person_a_id == min(b, c), Tie.person_b_id == max(b, c))
            .where(Tie.ended_at.is_(None))
            .values(ended_at=utcnow())
        ).rowcount
    assert ended
    with store.engine.begin() as conn:
        again = intro.who_can_introduce(conn, viewer(conn, handle), org_id=oid)
    # the same network (not built again) still holds the tie ...
    assert _built(store) == built
    g = built[0].graph
    nodes = np.searchsorted(g.person_ids, [b, c])
    assert g.has_edge(int(nodes[0]), int(nodes[1]))
    # ... and no path shown goes through it
    shown = {
        (p.broker.person_id, p.contact.person_id) for p in again.paths if p.broker and p.contact
    }
    assert (b, c) not in shown


def test_the_section_loads_after_the_page_while_the_network_is_built(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page does not wait for the build: it shows that the section is coming
    and where it loads from; the API answers 503 with Retry-After, for the paths
    and for a request's draft (not an empty draft: that reads "no path"); once
    built, the section's own page shows the ways in, and the draft is written."""
    from fastapi.testclient import TestClient

    from tests.web.conftest import post_form
    from weakties.service.demo_accounts import DEMO_DOMAIN, DEMO_PASSWORD
    from weakties.web.app import create_app
    from weakties.web.routes import introductions as routes
    from weakties.web.settings import Settings

    handle = _shared_viewers(store)[0]
    oid, way = _first_way(store, handle)  # in this process: computed in the request
    assert way.broker is not None and way.contact is not None
    draft = f"/api/v1/introductions/draft?broker={way.broker.handle}&to={way.contact.handle}"
    live.clear()
    release = threading.Event()
    real = netmod.shared_network

    def slow(*args: Any, **kwargs: Any) -> Any:
        assert release.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(netmod, "shared_network", slow)
    monkeypatch.setattr(intro, "PAGE_WAIT", 0.05)
    monkeypatch.setattr(routes, "API_WAIT", 0.05)
    app = create_app(
        Settings(environment="test", secret_key=SECRET, db=store.url, worker_interval=0),
        store=store,
    )
    with TestClient(app) as client:  # the lifespan: a server process
        signed = post_form(
            client, "/signin", {"email": f"{handle}@{DEMO_DOMAIN}", "password": DEMO_PASSWORD}
        )
        assert signed.status_code == 303
        page = client.get(f"/orgs/{oid}")
        assert page.status_code == 200
        assert f'hx-get="/introducers?org={oid}"' in page.text
        assert 'class="paths"' not in page.text
        api = client.get(f"/api/v1/introductions/paths?org={oid}")
        assert api.status_code == 503
        assert api.headers["Retry-After"] == str(routes.RETRY_AFTER)
        assert api.json()["ok"] is False
        drafted = client.get(draft)
        assert drafted.status_code == 503
        assert drafted.headers["Retry-After"] == str(routes.RETRY_AFTER)
        assert drafted.json()["ok"] is False
        # the page's form does not wait: the member writes the request
        assert (
            client.get(
                draft.replace("/api/v1/introductions/draft", "/network/introductions/new")
            ).status_code
            == 200
        )
        # the live region stays in the page: the part that loads is beside it,
        # and only the region's words are swapped in once the paths are ready
        waiting = _section(page.text)
        status = waiting["status"]
        assert status["id"] and status["id"] not in waiting["loader"].get("hx-select", "")
        assert waiting["loader"]["hx-select-oob"] == f"#{status['id']}:innerHTML"
        assert waiting["loader"]["id"] not in waiting["status_within"]
        polled = client.get(f"/introducers?org={oid}", headers={"HX-Request": "true"})
        assert polled.status_code == 204  # still building: nothing changes in the page
        release.set()
        for _ in range(600):  # until the build's thread is done (bounded)
            section = client.get(f"/introducers?org={oid}")
            assert section.status_code == 200
            if "aria-busy" not in section.text:
                break
            threading.Event().wait(0.1)
        assert 'class="paths"' in section.text
        ready = _section(section.text)
        assert ready["status"]["id"] == status["id"]  # its words, for the region there
        assert ready["status_text"] and ready["status_text"] != waiting["status_text"]
        assert ready["paths"] is not None and waiting["loader"]["hx-select"] == (
            f"#{ready['paths']['id']}"
        )
        assert ready["paths"]["id"] not in ready["status_within"]
        assert client.get(f"/api/v1/introductions/paths?org={oid}").status_code == 200
        drafted = client.get(draft)
        assert drafted.status_code == 200
        assert drafted.json()["draft"]
        assert client.get("/introducers").status_code == 422  # say what to introduce to


def _section(html: str) -> dict[str, Any]:
    """The section's live region (its attributes, words and the ids of the
    elements it is in), the element that loads the paths (``hx-get``) and the
    paths' element (``#introducers-paths`` once loaded)."""
    from html.parser import HTMLParser

    found: dict[str, Any] = {"status": None, "loader": None, "paths": None, "status_text": ""}

    class Parser(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.open: list[dict[str, str]] = []
            self.in_status = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = {k: v or "" for k, v in attrs}
            if tag in ("br", "img", "input", "meta", "link"):
                return
            if a.get("role") == "status" and found["status"] is None:
                found["status"] = a
                found["status_within"] = [e.get("id", "") for e in self.open]
                self.in_status = len(self.open) + 1
            if "hx-get" in a and a["hx-get"].startswith("/introducers"):
                found["loader"] = a
            if a.get("id") == "introducers-paths" and "hx-get" not in a:
                found["paths"] = a
            self.open.append(a)

        def handle_endtag(self, tag: str) -> None:
            if self.open:
                self.open.pop()
            if self.in_status and len(self.open) < self.in_status:
                self.in_status = 0

        def handle_data(self, data: str) -> None:
            if self.in_status:
                found["status_text"] += data.strip()

    Parser().feed(html)
    assert found["status"] is not None, "the section has a live region"
    return found


def _members(conn: Any) -> dict[int, tuple[int, str]]:
    from weakties.model.tables import Member

    rows = conn.execute(select(Member.person_id, Member.id, Member.handle))
    return {p: (m, h) for p, m, h in rows}


@pytest.mark.parametrize("who_blocks", ["viewer", "middle"])
def test_the_request_forms_draft_goes_through_nobody_hidden_from_the_viewer(
    store: Store, who_blocks: str
) -> None:
    """A draft through a broker's contact names that contact: once a block stands
    between them and the viewer (either way), the draft takes another path or
    none, as the page's paths do."""
    from weakties.service import moderation
    from weakties.service.opportunities import draft

    found = None
    with store.engine.connect() as conn:
        members = _members(conn)
        for handle in _shared_viewers(store)[:6]:
            who = viewer(conn, handle)
            net = intro._network(conn, who)
            contacts = reader(conn, who).first_degree()
            me = who.person_id
            for b in sorted(p for p in contacts if p in members):
                for t in sorted(p for p in members if p not in contacts and p != me):
                    try:
                        made = draft(conn, who, f"#{b}", f"#{t}", net=net)
                    except Exception:
                        continue
                    via = made.context.via
                    if via is not None and via.id in members and via.id not in (me, b, t):
                        found = (handle, b, t, via)
                        break
                if found:
                    break
            if found:
                break
    assert found, "the demo has a three-step draft through a member"
    handle, b, t, via = found
    with store.engine.begin() as conn:
        if who_blocks == "viewer":
            moderation.block(conn, viewer(conn, handle), members[via.id][1])
        else:
            moderation.block(conn, viewer(conn, members[via.id][1]), handle)
    with store.engine.begin() as conn:
        form = intro.request_form(conn, viewer(conn, handle), members[b][1], members[t][1])
    assert via.name not in form.draft
    assert "None" not in form.draft


def test_the_viewers_own_scores_are_the_ones_on_their_ties(store: Store) -> None:
    """With notes and messages of the viewer's own, their ties' strengths differ
    from the shared network's: the viewer's are the ones a path's first step
    uses, as in the network built for them alone."""
    import datetime as dt

    from sqlalchemy import insert

    from weakties.model.tables import Interaction, Note
    from weakties.opportunity.paths import find_paths
    from weakties.service.network import _shared_view
    from weakties.store.reader import Reader

    handle = _shared_viewers(store)[0]
    with store.engine.begin() as conn:
        who = viewer(conn, handle)
        contacts = sorted(reader(conn, who).first_degree())
        day = who.now.date() - dt.timedelta(days=10)
        for j, p in enumerate(contacts[:4]):
            for k in range(5):
                conn.execute(
                    insert(Note).values(
                        author_id=who.member_id, person_id=p, text=f"n{k}", noted_on=day
                    )
                )
            for k in range(3 * (j + 1)):
                conn.execute(
                    insert(Interaction).values(
                        kind="message",
                        channel="linkedin",
                        sender_id=who.person_id if k % 2 else p,
                        recipient_id=p if k % 2 else who.person_id,
                        occurred_at=who.now - dt.timedelta(days=5 + 20 * k),
                        group_size=1,
                        asserted_by=who.member_id,
                        natural_key=f"shared-test-{p}-{k}",
                    )
                )
    with store.engine.connect() as conn:
        who = viewer(conn, handle)
        scope = _shared_view(conn, who)
        base = netmod.shared_network(Reader(conn, scope, now=who.now, clock=who.clock))
        r = reader(conn, who)
        mine = netmod.viewer_network(r, base)
        alone = netmod.build_network(r)
        assert mine is not None and mine.ask is not None
        g = mine.graph
        row = slice(int(g.indptr[mine.viewer]), int(g.indptr[mine.viewer + 1]))
        assert (np.abs(mine.ask - g.strength[row]) > 1e-6).any()  # the overlay matters
        mine_row = slice(
            int(alone.graph.indptr[alone.viewer]), int(alone.graph.indptr[alone.viewer + 1])
        )
        assert np.allclose(mine.ask, alone.graph.strength[mine_row], atol=1e-6)
        orgs = list(conn.execute(select(Organization.id).order_by(Organization.id)).scalars())
        compared = 0
        for oid in orgs[:40]:
            targets = _targets(r, oid)
            if not targets:
                continue
            got = _ranked(mine, find_paths(mine, _nodes(mine, targets)))
            want = _ranked(alone, find_paths(alone, _nodes(alone, targets)))
            assert got == want
            compared += bool(want)
        assert compared >= 3


def test_a_failed_refresh_keeps_the_network_there_is(store: Store, monkeypatch: Any) -> None:
    """A refresh that fails leaves the network it was to replace shown (until it is
    too old); only a first build's error reaches the requests."""
    from weakties.model.tables import Person

    _server(store)
    monkeypatch.setattr(live, "REFRESH_AFTER", 0.0)
    calls: list[int] = []
    good = object()

    def compute(_c: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the pool timed out")
        return good

    key = ("test", "refresh")
    with store.engine.connect() as conn, conn.begin():
        assert live.built_apart(conn, key, compute) is good
    with store.engine.begin() as conn:
        conn.execute(update(Person).where(Person.id == 1).values(headline="changed"))
    with store.engine.connect() as conn, conn.begin():
        assert live.built_apart(conn, key, compute, wait=0.0) is good  # starts a refresh
    for thread in list(live._viewers(store.engine).building.values()):
        thread.join(60)
    assert len(calls) == 2  # the refresh ran, and failed
    with store.engine.connect() as conn, conn.begin():
        assert live.built_apart(conn, key, compute, wait=0.0) is good


def test_each_viewer_counts_their_own_part_only(store: Store) -> None:
    """The memory a viewer's entries count is theirs: the shared network's graph
    once, with the network built apart, not again in each viewer's entries."""
    _server(store)
    with store.engine.connect() as conn:
        oid = conn.execute(select(Organization.id).order_by(Organization.id)).scalar()
    for handle in _shared_viewers(store)[:3]:
        with store.engine.begin() as conn:
            intro.who_can_introduce(conn, viewer(conn, handle), org_id=oid)
    kept = live._viewers(store.engine)
    graph = live.size_of(next(iter(kept.built.values())).value.graph)
    checked = 0
    for key, bucket in kept.buckets.items():
        entries = bucket.get("both", (None, {}))[1]
        if not any(isinstance(k, tuple) and k[0] == "introductions" for k in entries):
            continue
        # what the viewer's entries hold, the shared graph included, less that graph
        whole = sum(live.size_of(value) for value in entries.values())
        assert kept.sizes[key]["both"] < whole - graph / 2  # (sizes are estimates)
        checked += 1
    assert checked == 3


def test_a_command_builds_the_shared_network_once_for_several_targets(
    store: Store, monkeypatch: Any
) -> None:
    """Not a server (a command, a script): the network is built in place, and kept
    for the next targets while the data is exactly as it was; a change builds it
    again."""
    from weakties.model.tables import Person

    live.clear()
    builds: list[int] = []
    real = netmod.shared_network

    def counted(*args: Any, **kwargs: Any) -> Any:
        builds.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(netmod, "shared_network", counted)
    handle = _shared_viewers(store)[0]
    with store.engine.connect() as conn:
        orgs = list(conn.execute(select(Organization.id).order_by(Organization.id)).scalars())
    for oid in orgs[:3]:
        with store.engine.begin() as conn:
            intro.who_can_introduce(conn, viewer(conn, handle), org_id=oid)
    assert len(builds) == 1
    with store.engine.begin() as conn:
        conn.execute(update(Person).where(Person.id == 1).values(headline="changed"))
    with store.engine.begin() as conn:
        intro.who_can_introduce(conn, viewer(conn, handle), org_id=orgs[3])
    assert len(builds) == 2


def _building(store: Store) -> list[Any]:
    return list(live._viewers(store.engine).building.values())


def _sharing(conn: Any) -> dict[int, str]:
    from weakties.model.tables import Member

    return dict(conn.execute(select(Member.person_id, Member.sharing)).all())


def test_a_change_that_only_adds_makes_nobody_wait_one_that_removes_does(store: Store) -> None:
    """One shared network whoever shares: a member who starts sharing by name (or
    signs up) gives everyone more to see, and the network there is is served at
    once, its refresh left to REFRESH_AFTER; a member whose ties it holds who
    stops sharing makes the viewers wait for a network built since — and even
    from the network built before, no path through them is shown."""
    from weakties.service.admin import set_sharing

    handle = _shared_viewers(store)[0]
    with store.engine.connect() as conn:
        members = _members(conn)
        me = viewer(conn, handle)
        contacts = reader(conn, me).first_degree()
    # a member who does not share by name yet (nor knows the viewer)
    newcomer = next(
        h for p, (_m, h) in sorted(members.items()) if p not in contacts and h != handle
    )
    with store.engine.begin() as conn:
        set_sharing(conn, viewer(conn, newcomer), "counts")
    _server(store)
    oid, way = _first_way(store, handle)
    assert way.contact is not None and way.contact.handle != newcomer
    built = _built(store)
    assert len(built) == 1 and not _building(store)
    with store.engine.begin() as conn:
        set_sharing(conn, viewer(conn, newcomer), "names")
    with store.engine.begin() as conn:
        who = viewer(conn, handle)
        assert who.scope.names > built[0].scope.names  # the viewer may see more
        found = intro.who_can_introduce(conn, who, org_id=oid, wait=0.0)  # no wait
    assert found.paths
    assert _built(store) == built and not _building(store)  # served, no build started

    # the broker's contact on the way shown stops sharing by name
    leaver = way.contact.handle
    with store.engine.begin() as conn:
        set_sharing(conn, viewer(conn, leaver), "counts")
    with store.engine.begin() as conn, pytest.raises(live.Pending):
        intro.who_can_introduce(conn, viewer(conn, handle), org_id=oid, wait=0.0)
    # the network built before, were it served, shows no path through them
    with store.engine.begin() as conn:
        who = viewer(conn, handle)
        old = netmod.viewer_network(reader(conn, who), built[0])
        shown = intro._introducers(
            conn, who, "x", f"org:#{oid}", oid, None, "job", intro.PATHS_SHOWN, old
        )
    assert shown.paths
    assert leaver not in {p.contact.handle for p in shown.paths if p.contact}
    assert leaver not in {p.broker.handle for p in shown.paths if p.broker}
    for thread in _building(store):
        thread.join(120)
    with store.engine.begin() as conn:
        again = intro.who_can_introduce(conn, viewer(conn, handle), org_id=oid, wait=0.0)
    assert leaver not in {p.contact.handle for p in again.paths if p.contact}
    newer = _built(store)
    assert newer != built and members[way.contact.person_id][0] not in newer[0].scope.names


def test_a_new_contact_s_paths_are_there_without_a_shared_build(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A member who makes a contact after the shared network's build sees their
    paths through that contact at once: the contact is added to the member's own
    part of the network, and no build starts before REFRESH_AFTER. That part (a
    copy of the graph) is made once for the build and those contacts, not again
    at each request after a write."""
    import datetime as dt

    from sqlalchemy import insert

    from weakties.opportunity.paths import find_paths

    handle = _shared_viewers(store)[0]
    _server(store)
    _first_way(store, handle)
    built = _built(store)
    g = built[0].graph
    ids = g.person_ids
    with store.engine.connect() as conn:
        who = viewer(conn, handle)
        r = reader(conn, who)
        members = _members(conn)
        sharing = _sharing(conn)
        contacts = r.first_degree()
        me = who.person_id
        orgs = list(conn.execute(select(Organization.id).order_by(Organization.id)).scalars())
        chosen = None
        for org in orgs[:60]:
            targets = [t for t in _targets(r, org) if t not in contacts and t != me]
            nodes = _nodes(built[0], targets) if targets else np.empty(0, np.int64)
            if not nodes.size:
                continue
            for t in nodes.tolist():
                for b in g.neighbors(t).tolist():
                    pid = int(ids[b])
                    if pid != me and pid not in contacts and sharing.get(pid) == "names":
                        chosen = (org, pid, targets)
                        break
                if chosen:
                    break
            if chosen:
                break
    assert chosen, "someone in the network, not yet a contact, knows someone at an organisation"
    org, new, targets = chosen
    with store.engine.begin() as conn:
        conn.execute(
            insert(Tie).values(
                person_a_id=min(me, new),
                person_b_id=max(me, new),
                source="platform",
                asserted_by=members[me][0],
                since=utcnow() - dt.timedelta(minutes=1),
                confidence=1.0,
            )
        )
    with store.engine.begin() as conn:
        who = viewer(conn, handle)
        net = intro._network(conn, who, wait=0.0)  # no wait: no build needed
        assert new in reader(conn, who).first_degree()
    assert _built(store) == built and not _building(store)
    node = int(np.searchsorted(net.graph.person_ids, new))
    assert net.graph.person_ids[node] == new and node in net.contacts.tolist()
    paths = find_paths(net, _nodes(net, targets))
    assert (paths.first == node).any()  # their paths through the new contact
    assert built[0].graph.neighbors(built[0].graph.node_of(me)).size == (
        net.contacts.size - 1
    )  # the shared graph itself unchanged
    # the copy is the member's while the build and their new contacts are the
    # same: a write elsewhere (which scores their ties again) does not copy it again
    copies: list[int] = []
    real = netmod._with_own_ties

    def counted(*args: Any, **kwargs: Any) -> Any:
        copies.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(netmod, "_with_own_ties", counted)
    from weakties.model.tables import Person

    for k in range(2):
        with store.engine.begin() as conn:
            conn.execute(update(Person).where(Person.id == 1).values(headline=f"changed {k}"))
        with store.engine.begin() as conn:
            again = intro._network(conn, viewer(conn, handle), wait=0.0)
        assert again is not net and again.graph is net.graph
    assert copies == []
    assert _built(store) == built and not _building(store)


def _mutual(p: intro.Introducer) -> int:
    import re

    found = re.search(r"(\d+) mutual contacts?", p.why)
    assert found, p.why
    return int(found.group(1))


def _end_tie(conn: Any, a: int, b: int) -> int:
    return int(
        conn.execute(
            update(Tie)
            .where(Tie.person_a_id == min(a, b), Tie.person_b_id == max(a, b))
            .where(Tie.ended_at.is_(None))
            .values(ended_at=utcnow())
        ).rowcount
    )


def test_the_counts_beside_a_path_are_counted_on_the_ties_read_again(store: Store) -> None:
    """Served from a network built before a change, the counts shown are those
    of the ties as they stand: a mutual contact whose tie with the viewer ended
    is no longer counted, nor a person there the viewer no longer knows."""
    from weakties.opportunity.paths import find_paths

    handles = _shared_viewers(store)
    _server(store)
    with store.engine.connect() as conn:
        orgs = list(conn.execute(select(Organization.id).order_by(Organization.id)).scalars())
    chosen = None
    for handle in handles[:6]:
        for oid in orgs[:40]:
            with store.engine.begin() as conn:
                who = viewer(conn, handle)
                found = intro.who_can_introduce(conn, who, org_id=oid)
                net = intro._network(conn, who)
                targets = _targets(reader(conn, who), oid)
            g, me = net.graph, net.viewer
            direct = [
                int(g.person_ids[t])
                for t in find_paths(net, _nodes(net, targets)).known_directly().tolist()
            ]
            for way in found.paths:
                if way.broker is None or _mutual(way) < 1:
                    continue
                b = g.node_of(way.broker.person_id)
                ends = {way.broker.person_id, way.contact.person_id if way.contact else -1}
                mutual = [int(g.person_ids[m]) for m in g.mutual(me, b).tolist()]
                gone = next((m for m in mutual if m not in ends), None)
                known = next((p for p in direct if p not in ends and p not in mutual), None)
                if gone is not None and known is not None:
                    ended = len({gone, known} & set(direct))  # people known there
                    chosen = (handle, oid, way, found, int(g.person_ids[me]), gone, known, ended)
                    break
            if chosen:
                break
        if chosen:
            break
    assert chosen, "a way in through a broker with a mutual contact, and a person known there"
    handle, oid, way, before, me_pid, gone, known, ended = chosen
    assert way.broker is not None
    built = _built(store)
    with store.engine.begin() as conn:
        assert _end_tie(conn, me_pid, gone)
        assert _end_tie(conn, me_pid, known)
    with store.engine.begin() as conn:
        after = intro.who_can_introduce(conn, viewer(conn, handle), org_id=oid)
    assert _built(store) == built  # the same network, built before
    again = next(p for p in after.paths if p.broker and p.broker.person_id == way.broker.person_id)
    assert _mutual(again) == _mutual(way) - 1
    assert after.known_directly == before.known_directly - ended


def test_your_only_way_is_told_on_the_ties_read_again(store: Store) -> None:
    """A target two brokers reached in the network built before: once the other
    broker's ways there ended, the way shown is "your only way" to them."""
    from itertools import pairwise

    from weakties.opportunity.paths import find_paths

    def pair(a: int, b: int) -> tuple[int, int]:
        return (min(a, b), max(a, b))

    handles = _shared_viewers(store)
    _server(store)
    with store.engine.connect() as conn:
        orgs = list(conn.execute(select(Organization.id).order_by(Organization.id)).scalars())
    chosen = None
    for handle in handles[:6]:
        for oid in orgs[:40]:
            with store.engine.begin() as conn:
                who = viewer(conn, handle)
                found = intro.who_can_introduce(conn, who, org_id=oid)
                net = intro._network(conn, who)
            g = net.graph
            me = int(g.person_ids[net.viewer])
            for way in found.paths:
                if way.length != 2 or way.broker is None or way.contact is None:
                    continue
                if "your only way" in way.why:
                    continue
                b, t = way.broker.person_id, way.contact.person_id
                paths = find_paths(net, np.array([g.node_of(t)]))
                others = np.flatnonzero((paths.length > 1) & (paths.first != g.node_of(b)))
                if not 0 < others.size <= 4:
                    continue
                shown = {pair(me, b), pair(b, t)}
                # one onward tie of each other way there, none of the way shown
                cut = set()
                for j in others.tolist():
                    free = [pair(*s) for s in pairwise(paths.people(j)[1:])]
                    free = [s for s in free if s not in shown]
                    if not free:
                        break
                    cut.add(free[0])
                else:
                    chosen = (handle, oid, way, cut)
                    break
            if chosen:
                break
        if chosen:
            break
    assert chosen, "a way shown to a target another broker reaches too"
    handle, oid, way, cut = chosen
    built = _built(store)
    with store.engine.begin() as conn:
        for a, c in cut:
            assert _end_tie(conn, a, c)
    with store.engine.begin() as conn:
        after = intro.who_can_introduce(conn, viewer(conn, handle), org_id=oid)
    assert _built(store) == built  # the same network, built before
    again = next(p for p in after.paths if p.broker_name == way.broker_name)
    assert again.contact == way.contact
    assert "your only way" in again.why


def test_an_answer_kept_from_a_network_too_old_is_not_shown(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An answer kept from the shared network lives no longer than that network:
    once it is older than MAX_AGE with the data changed, the request waits for the
    next build (which it starts), even though nothing changed since the answer was
    kept; the next answer is computed from the next build."""
    from weakties.model.tables import Person

    handle = _shared_viewer(store)
    _server(store)
    with store.engine.connect() as conn:
        oid = conn.execute(select(Organization.id).order_by(Organization.id)).scalar()
    with store.engine.begin() as conn:
        intro.who_can_introduce(conn, viewer(conn, handle), org_id=oid)
    built = _built(store)
    with store.engine.begin() as conn:
        conn.execute(update(Person).where(Person.id == 1).values(headline="changed"))
    with store.engine.begin() as conn:  # served from the network there is, and kept
        intro.who_can_introduce(conn, viewer(conn, handle), org_id=oid, wait=0.0)
    assert _built(store) == built and not _building(store)
    monkeypatch.setattr(live, "MAX_AGE", 0.0)  # that network is now too old
    with store.engine.begin() as conn, pytest.raises(live.Pending):
        intro.who_can_introduce(conn, viewer(conn, handle), org_id=oid, wait=0.0)
    for thread in _building(store):
        thread.join(60)
    answers: list[Any] = []
    real = intro._introducers

    def counted(*args: Any) -> Any:
        answers.append(args[-1])
        return real(*args)

    monkeypatch.setattr(intro, "_introducers", counted)
    with store.engine.begin() as conn:
        intro.who_can_introduce(conn, viewer(conn, handle), org_id=oid, wait=0.0)
    newer = _built(store)
    assert newer != built
    assert len(answers) == 1 and answers[0].made == newer[0].made


def test_a_failed_build_stops_the_sections_polls_until_the_page_is_loaded_again(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's section polls while the network is built; once its build failed,
    a poll is answered with the section saying so (in the member's language) and
    htmx's 286, which stops the polling, and no poll starts the build again — a
    page loaded again does."""
    from fastapi.testclient import TestClient

    from tests.web.conftest import post_form
    from weakties.service.demo_accounts import DEMO_DOMAIN, DEMO_PASSWORD
    from weakties.web.app import create_app
    from weakties.web.routes import introductions as routes
    from weakties.web.settings import Settings

    handle = _shared_viewer(store)
    with store.engine.connect() as conn:
        oid = conn.execute(select(Organization.id).order_by(Organization.id)).scalar()
    live.clear()
    release = threading.Event()
    builds: list[int] = []

    def failing(*_args: Any, **_kwargs: Any) -> Any:
        builds.append(1)
        assert release.wait(60)
        raise RuntimeError("the pool timed out")

    monkeypatch.setattr(netmod, "shared_network", failing)
    monkeypatch.setattr(intro, "PAGE_WAIT", 0.05)
    app = create_app(
        Settings(environment="test", secret_key=SECRET, db=store.url, worker_interval=0),
        store=store,
    )
    poll = {"HX-Request": "true"}
    with TestClient(app) as client:  # the lifespan: a server process
        signed = post_form(
            client, "/signin", {"email": f"{handle}@{DEMO_DOMAIN}", "password": DEMO_PASSWORD}
        )
        assert signed.status_code == 303
        page = client.get(f"/orgs/{oid}")
        assert f'hx-get="/introducers?org={oid}"' in page.text  # it polls
        assert client.get(f"/introducers?org={oid}", headers=poll).status_code == 204
        release.set()
        for thread in _building(store):
            thread.join(60)
        for _ in range(2):
            stopped = client.get(
                f"/introducers?org={oid}", headers={**poll, "Accept-Language": "fr"}
            )
            assert stopped.status_code == routes.STOP_POLLING
            section = _section(stopped.text)
            assert "Rechargez la page" in section["status_text"]
            assert section["loader"] is None and "aria-busy" not in stopped.text
        assert builds == [1] and not _building(store)  # no poll built again
        again = client.get(f"/orgs/{oid}")  # the page loaded again: built again
        assert again.status_code == 200
        assert len(builds) == 2
        for thread in _building(store):
            thread.join(60)
        monkeypatch.setattr(intro, "PAGE_WAIT", 30.0)  # (it fails at once: no wait)
        shown = client.get(f"/orgs/{oid}")  # its build failed too: said, no polling
        assert "Reload the page to try again" in shown.text
        assert 'hx-get="/introducers' not in shown.text
        assert len(builds) == 3


def test_a_suspended_member_leaves_the_shared_network_for_everyone(store: Store) -> None:
    """A suspension hides the member from everyone alike: it no longer gives
    every member a network of their own (each a build as long as the shared one);
    the shared network built since leaves the suspended member out, and the
    viewers wait for it as when a member whose ties it holds stops sharing."""
    from weakties.model.tables import Suspension

    handle = _shared_viewer(store)
    other = _shared_viewer(store, after=handle)
    _server(store)
    with store.engine.connect() as conn:
        oid = conn.execute(select(Organization.id).order_by(Organization.id)).scalar()
        members = _members(conn)
        sharing = _sharing(conn)
    with store.engine.begin() as conn:
        intro.who_can_introduce(conn, viewer(conn, handle), org_id=oid)
    built = _built(store)
    g = built[0].graph
    me = next(p for p, (_m, h) in members.items() if h == handle)
    # a contact of the viewer's whose ties it holds
    suspended = next(
        p
        for p in g.person_ids[g.neighbors(g.node_of(me))].tolist()
        if sharing.get(p) == "names" and members[p][1] != other
    )
    with store.engine.begin() as conn:
        conn.execute(
            Suspension.__table__.insert().values(
                member_id=members[suspended][0], reason="test", created_at=utcnow()
            )
        )
    with store.engine.begin() as conn, pytest.raises(live.Pending):  # it holds them
        intro.who_can_introduce(conn, viewer(conn, handle), org_id=oid, wait=0.0)
    for thread in _building(store):
        thread.join(60)
    for who in (handle, other):
        with store.engine.begin() as conn:
            intro.who_can_introduce(conn, viewer(conn, who), org_id=oid, wait=0.0)
    newer = _built(store)
    assert len(newer) == 1 and newer != built and not _building(store)  # one, for both
    assert isinstance(newer[0], netmod.SharedNetwork)
    assert suspended not in newer[0].graph.person_ids.tolist()

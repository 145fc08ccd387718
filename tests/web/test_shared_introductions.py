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
from sqlalchemy import update

from tests.web.conftest import SECRET
from weakties.model.tables import Tie
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


def _shared_viewers(store: Store) -> list[str]:
    """Members who see exactly the shared view's ties, scored by the priors."""
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
    and where it loads from; the API answers 503 with Retry-After; once built,
    the section's own page shows the ways in."""
    from fastapi.testclient import TestClient

    from tests.web.conftest import post_form
    from weakties.service.demo_accounts import DEMO_DOMAIN, DEMO_PASSWORD
    from weakties.web.app import create_app
    from weakties.web.routes import introductions as routes
    from weakties.web.settings import Settings

    handle = _shared_viewers(store)[0]
    oid, _way = _first_way(store, handle)  # in this process: computed in the request
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
        release.set()
        for _ in range(600):  # until the build's thread is done (bounded)
            section = client.get(f"/introducers?org={oid}")
            assert section.status_code == 200
            if "aria-busy" not in section.text:
                break
            threading.Event().wait(0.1)
        assert 'class="paths"' in section.text
        assert client.get(f"/api/v1/introductions/paths?org={oid}").status_code == 200
        assert client.get("/introducers").status_code == 422  # say what to introduce to

"""Opinion leaders on a platform whose answer is worked out by hand, and their page
with its one-click follow.

    Vic — Ann — Cal — Eve — Fay
     |     |  /  |
    Bea ---+ Dan-+        (Bea — Cal, Ann — Dan, Cal — Dan)

Within two steps of Vic: Ann, Bea (one step), Cal, Dan (two): four people, so a
member tied to all three others has centrality 1. Cal is tied to Ann, Bea, Dan
(3 in reach) and Eve (4 ties); Ann to Cal, Dan (2) and Vic (3); Dan to Ann, Cal
(2, 2 ties); Bea to Cal (1) and Vic (2). Eve and Fay are three and four steps
away: not listed. Vic follows Bea already.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import api_headers, post_form, sign_up
from weakties import service
from weakties.service.leaders import opinion_leaders

NAMES = {"vic": "Vic", "ann": "Ann", "bea": "Bea", "cal": "Cal <i>Oz</i>", "dan": "Dan"}
NAMES |= {"eve": "Eve", "fay": "Fay"}
TIES = [
    ("vic", "ann"),
    ("vic", "bea"),
    ("ann", "cal"),
    ("ann", "dan"),
    ("bea", "cal"),
    ("cal", "dan"),
    ("cal", "eve"),
    ("eve", "fay"),
]


@pytest.fixture
def world(app, store):
    clients = {h: TestClient(app) for h in NAMES}
    for handle, client in clients.items():
        client.__enter__()
        sign_up(client, NAMES[handle], f"{handle}@example.org", handle=handle)
    for a, b in TIES:
        sent = clients[a].post(
            "/api/v1/invitations", json={"handle": b, "note": "Hi"}, headers=api_headers(clients[a])
        )
        clients[b].post(
            f"/api/v1/invitations/{sent.json()['id']}/accept",
            json={},
            headers=api_headers(clients[b]),
        )
    vic = clients["vic"]
    assert vic.post("/api/v1/members/bea/follow", headers=api_headers(vic)).status_code == 204
    yield clients
    for client in clients.values():
        client.__exit__(None, None, None)


def test_ranked_by_reach_within_two_steps(world, store):
    with store.engine.connect() as conn:
        found = opinion_leaders(conn, service.viewer(conn, "vic"))
    assert found.within_two_steps == 4
    got = [(m.handle, m.degree, m.in_reach, m.reach, m.contacts) for m in found.leaders]
    assert got == [
        ("cal", 2, 3, 4, 2),
        ("ann", 1, 2, 3, 0),
        ("dan", 2, 2, 2, 1),
    ]
    assert [m.centrality for m in found.leaders] == pytest.approx([1.0, 2 / 3, 2 / 3], abs=1e-4)


def test_the_page_and_one_click_follow(world):
    vic = world["vic"]
    page = vic.get("/network/opinion-leaders").text
    assert "Cal &lt;i&gt;Oz&lt;/i&gt;" in page and "<i>Oz</i>" not in page
    assert 'action="/network/opinion-leaders/cal/follow"' in page
    assert "/in/bea" not in page and "/in/eve" not in page
    done = post_form(
        vic, "/network/opinion-leaders/cal/follow", {}, page="/network/opinion-leaders"
    )
    assert (done.status_code, done.headers["location"]) == (303, "/network/opinion-leaders")
    found = vic.get("/api/v1/network/opinion-leaders").json()
    assert [m["handle"] for m in found["leaders"]] == ["ann", "dan"]
    # a block hides each from the other
    cal = world["cal"]
    assert (
        cal.post("/api/v1/blocks", json={"handle": "dan"}, headers=api_headers(cal)).status_code
        == 201
    )
    theirs = cal.get("/api/v1/network/opinion-leaders").json()
    assert "dan" not in [m["handle"] for m in theirs["leaders"]]

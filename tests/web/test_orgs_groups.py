"""Organisation pages, groups (create, join, leave, requests, roles) and following."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, select, update

from tests.web.conftest import api_headers, post_form, sign_up
from weakties.model.tables import Member, Organization, Position


def _post(client, path, json=None):
    return client.post(path, json=json, headers=api_headers(client))


def _put(client, path, json):
    return client.put(path, json=json, headers=api_headers(client))


def _connect(a: TestClient, b: TestClient, handle_b: str) -> None:
    sent = _post(a, "/api/v1/invitations", {"handle": handle_b, "note": "Hi"})
    assert _post(b, f"/api/v1/invitations/{sent.json()['id']}/accept", {}).status_code == 200


@pytest.fixture
def four(app):
    """Ana–Bob–Cyd a chain of connections; Dan connected to nobody."""
    clients = {h: TestClient(app) for h in ("ana", "bob", "cyd", "dan")}
    for handle, client in clients.items():
        client.__enter__()
        sign_up(client, handle.title() + " Éclair", f"{handle}@example.org", handle=handle)
    _connect(clients["ana"], clients["bob"], "bob")
    _connect(clients["bob"], clients["cyd"], "cyd")
    yield clients
    for client in clients.values():
        client.__exit__(None, None, None)


def _job(client, org, **extra):
    added = _post(client, "/api/v1/me/positions", {"organization": org, **extra})
    assert added.status_code == 201, added.text
    profile = client.get("/api/v1/me").json()["handle"]
    positions = client.get(f"/api/v1/profiles/{profile}").json()["experience"]
    return next(p["organization_id"] for p in positions if p["id"] == added.json()["id"])


def test_an_organisation_page_shows_the_people_in_your_network_with_degrees(four, store):
    ana, bob, cyd, dan = (four[h] for h in ("ana", "bob", "cyd", "dan"))
    acme = _job(ana, "Acme", title="Engineer", start="2020-01", current=True)
    assert _job(bob, "ACME SA", title="Former", start="2015", end="2019") == acme
    _job(dan, "Acme", title="<i>Boss</i>", start="2021", current=True)
    seen = cyd.get(f"/api/v1/orgs/{acme}").json()
    assert seen["name"] == "Acme" and seen["aliases"] == ["ACME SA"]
    # Ana is Cyd's second degree (through Bob); Dan is nobody to Cyd
    assert [(p["handle"], p["degree"]) for p in seen["people"]] == [("ana", 2), ("dan", None)]
    assert [p["handle"] for p in seen["network_here"]] == ["ana"]
    assert (seen["people_count"], seen["connections_here"]) == (2, 0)
    assert [(p["handle"], p["degree"], p["end"]) for p in seen["former"]] == [
        ("bob", 1, "2019-01-01")
    ]
    by_ana = ana.get(f"/api/v1/orgs/{acme}").json()
    assert [(p["handle"], p["degree"]) for p in by_ana["people"]] == [("ana", 0), ("dan", None)]
    page = cyd.get(f"/orgs/{acme}").text
    assert "People in your network here" in page and '<a href="/in/ana">' in page
    assert "&lt;i&gt;Boss&lt;/i&gt;" in page and "<i>Boss" not in page
    # the profile links its employer's page
    assert f'href="/orgs/{acme}"' in cyd.get("/in/ana").text
    # an organisation nobody's visible data mentions is not found, nor an unknown id
    with store.engine.begin() as conn:
        hidden = conn.execute(
            insert(Organization)
            .values(name="Secret Corp", norm_name="secret corp", kind="organization")
            .returning(Organization.id)
        ).scalar_one()
    assert cyd.get(f"/api/v1/orgs/{hidden}").status_code == 404
    assert cyd.get(f"/orgs/{hidden}").status_code == 404
    assert _post(cyd, f"/api/v1/orgs/{hidden}/follow").status_code == 404
    assert cyd.get("/api/v1/orgs/999999").status_code == 404


def test_following_organisations_and_members_as_sharing_allows(four, store):
    ana, bob, cyd, dan = (four[h] for h in ("ana", "bob", "cyd", "dan"))
    acme = _job(ana, "Acme", current=True, start="2020")
    assert _post(bob, f"/api/v1/orgs/{acme}/follow").status_code == 204
    assert _post(bob, f"/api/v1/orgs/{acme}/follow").status_code == 204  # once
    done = post_form(dan, f"/orgs/{acme}/follow", {}, page=f"/orgs/{acme}")
    assert done.status_code == 303
    seen = cyd.get(f"/api/v1/orgs/{acme}").json()
    assert seen["followers"] == {
        "count": 2,
        "named": [{"name": "Bob Éclair", "handle": "bob"}, {"name": "Dan Éclair", "handle": "dan"}],
    }
    assert bob.get(f"/api/v1/orgs/{acme}").json()["following"] is True
    # a follower who shares nothing is neither named nor counted, except for themself
    with store.engine.begin() as conn:
        conn.execute(update(Member).where(Member.handle == "dan").values(sharing="nothing"))
    assert cyd.get(f"/api/v1/orgs/{acme}").json()["followers"]["count"] == 1
    assert "Dan" not in cyd.get(f"/orgs/{acme}").text
    assert dan.get(f"/api/v1/orgs/{acme}").json()["followers"]["count"] == 2
    with store.engine.begin() as conn:
        conn.execute(update(Member).where(Member.handle == "dan").values(sharing="counts"))
    counted = cyd.get(f"/api/v1/orgs/{acme}").json()["followers"]
    assert counted["count"] == 2 and [m["handle"] for m in counted["named"]] == ["bob"]
    # members
    assert _post(cyd, "/api/v1/members/cyd/follow").status_code == 409
    assert _post(cyd, "/api/v1/members/ana/follow").status_code == 204
    assert ana.get("/api/v1/profiles/ana").json()["followers"] == 1
    assert cyd.get("/api/v1/profiles/ana").json()["following"] is True
    assert [(f["kind"], f["handle"]) for f in cyd.get("/api/v1/following").json()] == [
        ("member", "ana")
    ]
    assert "Unfollow" in cyd.get("/in/ana").text
    assert cyd.delete("/api/v1/members/ana/follow", headers=api_headers(cyd)).status_code == 204
    assert cyd.delete("/api/v1/members/ana/follow", headers=api_headers(cyd)).status_code == 404
    assert ana.get("/api/v1/profiles/ana").json()["followers"] == 0
    assert bob.delete(f"/api/v1/orgs/{acme}/follow", headers=api_headers(bob)).status_code == 204
    assert bob.get("/api/v1/following").json() == []


def test_groups_open_and_by_request_with_roles(four, store):
    ana, bob, cyd, dan = (four[h] for h in ("ana", "bob", "cyd", "dan"))
    # field-level errors, nothing written
    bad = post_form(ana, "/groups", {"name": " ", "access": "secret"})
    assert bad.status_code == 422
    assert "Name the group." in bad.text and "Choose who may join." in bad.text
    assert _post(ana, "/api/v1/groups", {"name": "x" * 201}).status_code == 422
    made = post_form(ana, "/groups", {"name": "Data <Folk>", "about": "Talk", "access": "open"})
    assert made.status_code == 303
    folk = int(made.headers["location"].rsplit("/", 1)[1])
    again = _post(bob, "/api/v1/groups", {"name": "data folk"})
    assert again.status_code == 422 and list(again.json()["fields"]) == ["name"]
    # an open group: anyone joins; a member holds a group position (the tie model reads it)
    assert _post(cyd, f"/api/v1/groups/{folk}/join").json() == {"state": "member"}
    seen = dan.get(f"/api/v1/groups/{folk}").json()
    assert [(m["handle"], m["role"]) for m in seen["members"]] == [
        ("ana", "owner"),
        ("cyd", "member"),
    ]
    with store.engine.connect() as conn:
        held = conn.execute(
            select(Position.kind, Position.is_current, Position.source).where(
                Position.organization_id == folk
            )
        ).all()
    assert sorted(map(tuple, held)) == [("group", True, "platform")] * 2
    page = dan.get(f"/groups/{folk}").text
    assert "Data &lt;Folk&gt;" in page and "Join the group" in page
    # the only owner cannot leave; a member can
    refused = _post(ana, f"/api/v1/groups/{folk}/leave")
    assert refused.status_code == 409 and "only owner" in refused.json()["error"]
    assert _post(cyd, f"/api/v1/groups/{folk}/leave").status_code == 204
    assert _post(cyd, f"/api/v1/groups/{folk}/leave").status_code == 404
    with store.engine.connect() as conn:
        current = conn.execute(
            select(Position.id).where(
                Position.organization_id == folk, Position.is_current.is_(True)
            )
        ).all()
    assert len(current) == 1
    # a group by request: a moderator accepts each request
    closed = _post(bob, "/api/v1/groups", {"name": "Closed circle", "access": "request"}).json()
    circle = closed["id"]
    assert _post(dan, f"/api/v1/groups/{circle}/join").json() == {"state": "requested"}
    assert _post(cyd, f"/api/v1/groups/{circle}/join").json() == {"state": "requested"}
    assert dan.get(f"/api/v1/groups/{circle}").json()["requests"] == []  # not his to see
    assert [m["handle"] for m in bob.get(f"/api/v1/groups/{circle}").json()["requests"]] == [
        "cyd",
        "dan",
    ]
    not_mod = _post(cyd, f"/api/v1/groups/{circle}/requests/dan", {"accept": True})
    assert not_mod.status_code == 409
    assert _post(bob, f"/api/v1/groups/{circle}/requests/dan", {"accept": True}).status_code == 204
    # only an owner names moderators; then the moderator answers requests
    assert _put(dan, f"/api/v1/groups/{circle}/members/dan", {"role": "owner"}).status_code == 409
    assert (
        _put(bob, f"/api/v1/groups/{circle}/members/dan", {"role": "moderator"}).status_code == 204
    )
    answered = post_form(
        dan, f"/groups/{circle}/requests/cyd", {"accept": "no"}, page=f"/groups/{circle}"
    )
    assert answered.status_code == 303
    final = ana.get(f"/api/v1/groups/{circle}").json()
    assert [(m["handle"], m["role"]) for m in final["members"]] == [
        ("bob", "owner"),
        ("dan", "moderator"),
    ]
    assert final["requests"] == [] and final["member_count"] == 2
    # a group keeps an owner
    assert _put(bob, f"/api/v1/groups/{circle}/members/bob", {"role": "member"}).status_code == 409
    listed = {g["name"]: g for g in dan.get("/api/v1/groups").json()}
    assert listed["Closed circle"]["your_role"] == "moderator"
    assert listed["Data <Folk>"]["members"] == 1
    # a group is followed like an organisation; its organisation page leads to it
    assert _post(cyd, f"/api/v1/orgs/{folk}/follow").status_code == 204
    assert cyd.get(f"/orgs/{folk}", follow_redirects=False).headers["location"] == f"/groups/{folk}"

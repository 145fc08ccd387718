"""Download all my data; delete my account (mine goes, what others wrote stays)."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.web.conftest import PASSWORD, api_headers, post_form, sign_up
from weakties.model.tables import Account, Interaction, Invitation, Member, Person, Tie


@pytest.fixture
def members(app):
    clients = {h: TestClient(app) for h in ("ana", "bob", "cyd")}
    for handle, client in clients.items():
        client.__enter__()
        sign_up(client, handle.title() + " Test", f"{handle}@example.org", handle=handle)
    bob, cyd = clients["bob"], clients["cyd"]
    sent = bob.post(
        "/api/v1/invitations", json={"handle": "cyd", "note": "Hi Cyd"}, headers=api_headers(bob)
    )
    cyd.post(f"/api/v1/invitations/{sent.json()['id']}/accept", json={}, headers=api_headers(cyd))
    bob.post("/api/v1/tokens", json={"name": "bob's script"}, headers=api_headers(bob))
    mail = bob.get("/api/v1/profiles/bob").json()["contact"][0]["id"]
    bob.put(
        f"/api/v1/me/contact/{mail}", json={"visibility": "connections"}, headers=api_headers(bob)
    )
    yield clients
    for client in clients.values():
        client.__exit__(None, None, None)


def _files(archive: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        return {name: z.read(name).decode() for name in z.namelist()}


def test_download_all_my_data(members):
    bob = members["bob"]
    response = bob.get("/settings/export")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert 'filename="weakties-bob-' in response.headers["content-disposition"]
    files = _files(response.content)
    account = json.loads(files["account.json"])
    assert [a["email"] for a in account] == ["bob@example.org"]
    assert "password_hash" not in files["account.json"]
    assert [t["name"] for t in json.loads(files["access_tokens.json"])] == ["bob's script"]
    assert "token_hash" not in files["access_tokens.json"]
    assert [i["note"] for i in json.loads(files["invitations.json"])] == ["Hi Cyd"]
    assert [v["visibility"] for v in json.loads(files["contact_visibility.json"])] == [
        "connections"
    ]
    ties = list(csv.DictReader(io.StringIO(files["ties.csv"])))
    assert [(t["source"], t["asserted_by"]) for t in ties] == [("platform", "2")]  # his own row
    traces = list(csv.DictReader(io.StringIO(files["interactions.csv"])))
    assert [(t["kind"], t["asserted_by"]) for t in traces] == [("invitation", "2")]
    everything = "".join(files.values())
    assert "cyd@example.org" not in everything and "ana@example.org" not in everything
    same = bob.get("/api/v1/me/export")
    assert same.status_code == 200 and set(_files(same.content)) == set(files)


def test_delete_my_account(members, store):
    bob, cyd = members["bob"], members["cyd"]
    wrong = post_form(bob, "/settings/delete", {"password": "not it at all"}, page="/settings")
    assert wrong.status_code == 422 and "Wrong password." in wrong.text
    done = post_form(bob, "/settings/delete", {"password": PASSWORD}, page="/settings")
    assert done.status_code == 303
    assert bob.get("/api/v1/me").status_code == 401
    again = post_form(bob, "/signin", {"email": "bob@example.org", "password": PASSWORD})
    assert again.status_code == 401
    assert cyd.get("/api/v1/connections").json() == []
    assert cyd.get("/api/v1/profiles/bob").status_code == 404
    with store.engine.connect() as conn:
        assert conn.execute(select(Member.handle).order_by(Member.id)).scalars().all() == [
            "ana",
            "cyd",
        ]
        assert conn.execute(select(func.count()).select_from(Tie)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(Invitation)).scalar_one() == 0
        # the invitation's trace was Bob's (he invited): it went with him
        assert conn.execute(select(func.count()).select_from(Interaction)).scalar_one() == 0
        # Cyd's data still knows the person she was connected with, without his profile
        bob_person = conn.execute(
            select(Person.headline, Person.summary).where(Person.display_name == "Bob Test")
        ).all()
        assert bob_person == [(None, None)]


def test_a_person_nobody_knows_is_deleted_entirely(members, store):
    ana = members["ana"]
    other = members["bob"]
    # when Cyd leaves, Bob's data still knows her; when Bob leaves too, nobody does
    post_form(members["cyd"], "/settings/delete", {"password": PASSWORD}, page="/settings")
    post_form(other, "/settings/delete", {"password": PASSWORD}, page="/settings")
    with store.engine.connect() as conn:
        names = conn.execute(select(Person.display_name)).scalars().all()
        assert names == ["Ana Test"]
        assert conn.execute(select(func.count()).select_from(Account)).scalar_one() == 1
    assert ana.get("/api/v1/me").status_code == 200


def test_the_only_operator_cannot_leave(members):
    ana = members["ana"]
    refused = ana.post("/api/v1/me/delete", json={"password": PASSWORD}, headers=api_headers(ana))
    assert refused.status_code == 409
    assert "only operator" in refused.json()["error"]
    page = post_form(ana, "/settings/delete", {"password": PASSWORD}, page="/settings")
    assert page.status_code == 409 and "You are the only operator" in page.text
    wrong = ana.post("/api/v1/me/delete", json={"password": "nope"}, headers=api_headers(ana))
    assert wrong.status_code == 403 and list(wrong.json()["fields"]) == ["password"]
    assert ana.get("/api/v1/me").status_code == 200


def test_the_only_operator_hands_over_then_leaves(members):
    ana, bob = members["ana"], members["bob"]
    # a member cannot make anyone operator, themselves included
    assert bob.post("/api/v1/members/bob/operator", headers=api_headers(bob)).status_code == 403
    profile = ana.get("/in/bob")
    assert "Make operator" in profile.text
    made = post_form(ana, "/in/bob/operator", {}, page="/in/bob")
    assert made.status_code == 303
    assert bob.get("/api/v1/me").json()["role"] == "operator"
    assert ana.get("/api/v1/profiles/bob").json()["is_operator"] is True
    assert "Make operator" not in ana.get("/in/bob").text
    gone = ana.post("/api/v1/me/delete", json={"password": PASSWORD}, headers=api_headers(ana))
    assert gone.status_code == 204
    # the new operator is now the only one, and may hand over in turn
    assert bob.post("/api/v1/members/cyd/operator", headers=api_headers(bob)).status_code == 204
    assert bob.post("/api/v1/members/nobody/operator", headers=api_headers(bob)).status_code == 404


def test_a_group_whose_owner_leaves_gets_another_owner(members):
    ana, bob, cyd = members["ana"], members["bob"], members["cyd"]

    def post(client, path, body=None):
        return client.post(path, json=body or {}, headers=api_headers(client))

    made = post(bob, "/api/v1/groups", {"name": "Closed circle", "access": "request"}).json()
    circle = made["id"]
    assert post(cyd, f"/api/v1/groups/{circle}/join").json() == {"state": "requested"}
    assert post(bob, f"/api/v1/groups/{circle}/requests/cyd", {"accept": True}).status_code == 204
    assert post(ana, f"/api/v1/groups/{circle}/join").json() == {"state": "requested"}
    alone = post(bob, "/api/v1/groups", {"name": "Bob alone", "access": "open"}).json()["id"]
    left = post_form(bob, "/settings/delete", {"password": PASSWORD}, page="/settings")
    assert left.status_code == 303
    # Cyd, its only member left, owns it now and answers the request waiting there
    seen = cyd.get(f"/api/v1/groups/{circle}").json()
    assert seen["your_role"] == "owner"
    assert [m["handle"] for m in seen["requests"]] == ["ana"]
    assert post(cyd, f"/api/v1/groups/{circle}/requests/ana", {"accept": True}).status_code == 204
    # a pending request is no membership; a group nobody else belongs to has no owner
    assert ana.get(f"/api/v1/groups/{alone}").json()["your_role"] is None

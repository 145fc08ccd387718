"""The person brief in the browser: the viewer's own notes and conversations, linked
from the profile, escaped; another member's brief about the same person holds none
of them; nobody has a brief about themself."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from tests.web.conftest import api_headers, sign_up
from weakties import service
from weakties.model.tables import Event, Member
from weakties.service import people


@pytest.fixture
def pair(client, other, store):
    sign_up(client, "Ana Lima", "ana@example.org", handle="ana")
    sign_up(other, "Bob <b>Chen</b>", "bob@example.org", handle="bob")
    sent = client.post(
        "/api/v1/invitations", json={"handle": "bob", "note": "Hi"}, headers=api_headers(client)
    )
    other.post(
        f"/api/v1/invitations/{sent.json()['id']}/accept", json={}, headers=api_headers(other)
    )
    talk = client.post(
        "/api/v1/conversations",
        json={"to": ["bob"], "body": "Lunch?"},
        headers=api_headers(client),
    )
    assert talk.status_code == 201, talk.text
    with store.engine.begin() as conn:
        who = service.viewer(conn, "ana")
        people.add_note(conn, who, "Bob <b>Chen</b>", "Bob <i>hates</i> mornings")
        bob = conn.execute(select(Member.person_id).where(Member.handle == "bob")).scalar_one()
        conn.execute(
            insert(Event).values(
                member_id=who.member_id,
                person_id=bob,
                kind="career_move",
                occurred_on=dt.date.today() - dt.timedelta(days=3),
                detail=json.dumps({"from": {"org": "Acme"}, "to": {"org": "Globex"}}),
            )
        )


def test_the_brief_is_the_viewers_own(client, other, pair, app):
    profile = client.get("/in/bob").text
    assert 'href="/in/bob/brief"' in profile
    page = client.get("/in/bob/brief")
    assert page.status_code == 200
    # user text is escaped: the name and the note
    assert "Bob &lt;b&gt;Chen&lt;/b&gt;" in page.text and "<b>Chen</b>" not in page.text
    assert "Bob &lt;i&gt;hates&lt;/i&gt; mornings" in page.text
    assert "moved to Globex in" in page.text
    found = client.get("/api/v1/profiles/bob/brief").json()
    assert [n["text"] for n in found["notes"]] == ["Bob <i>hates</i> mornings"]
    assert found["conversations"]["total"] == 1 and found["tie"] in ("strong", "weak")
    # Bob's brief about Ana, and a stranger's about Bob, hold none of Ana's notes
    assert "mornings" not in other.get("/in/ana/brief").text
    with TestClient(app) as third:
        sign_up(third, "Cy Dorn", "cy@example.org", handle="cyd")
        theirs = third.get("/api/v1/profiles/bob/brief").json()
        assert theirs["notes"] == [] and theirs["conversations"]["total"] == 0
        assert theirs["tie"] is None
    # nobody has a brief about themself; the anonymous visitor signs in first
    assert client.get("/in/ana/brief").status_code == 404
    assert client.get("/api/v1/profiles/nobody/brief").status_code == 404
    with TestClient(app) as anonymous:
        assert anonymous.get("/in/bob/brief", follow_redirects=False).status_code == 303
        assert anonymous.get("/api/v1/profiles/bob/brief").status_code == 401

"""Connections: invitations with a note, acceptance with "how do you know each other?",
ignore, withdraw, remove; an accepted invitation is a tie the tie model reads."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from sqlalchemy import func, select, update

from tests.support import INVITATIONS_2024, connections, csv_text, profile, url, write_files
from tests.web.conftest import api_headers, post_form, sign_up
from weakties.model.tables import Interaction, Tie, TieLabel
from weakties.service import connections as connections_service


@pytest.fixture
def three(app):
    """Ana, Bo and Cy, three browsers signed in (Ana is the operator)."""
    from fastapi.testclient import TestClient

    clients = [TestClient(app) for _ in range(3)]
    for client, (name, handle) in zip(
        clients, [("Ana Lima", "ana"), ("Bob Chen", "bob"), ("Cyd Tran", "cyd")], strict=True
    ):
        client.__enter__()
        sign_up(client, name, f"{handle}@example.org", handle=handle)
    yield clients
    for client in clients:
        client.__exit__(None, None, None)


def invite(client, handle, note=None):
    return client.post(
        "/api/v1/invitations", json={"handle": handle, "note": note}, headers=api_headers(client)
    )


def accept(client, invitation_id, how_known=None):
    return client.post(
        f"/api/v1/invitations/{invitation_id}/accept",
        json={"how_known": how_known},
        headers=api_headers(client),
    )


def connect(a, b, b_handle, how_known="colleague"):
    sent = invite(a, b_handle, "Hello from a test")
    assert sent.status_code == 201, sent.text
    assert accept(b, sent.json()["id"], how_known).status_code == 200


def test_invite_with_a_note_and_accept(three, store):
    ana, bo, _cy = three
    sent = invite(ana, "bob", "We met at the <b>meetup</b>")
    assert sent.status_code == 201
    body = sent.json()
    assert body["status"] == "pending" and body["note"] == "We met at the <b>meetup</b>"
    assert ana.get("/api/v1/profiles/bob").json()["connection"] == "invited"
    assert bo.get("/api/v1/profiles/ana").json()["connection"] == "invited_you"
    received = bo.get("/api/v1/invitations").json()["received"]
    assert [(i["sender"]["handle"], i["note"]) for i in received] == [
        ("ana", "We met at the <b>meetup</b>")
    ]
    page = bo.get("/network").text
    assert "We met at the &lt;b&gt;meetup&lt;/b&gt;" in page
    assert "How do you know each other?" in page

    done = accept(bo, body["id"], "friend")
    assert done.status_code == 200 and done.json()["how_known"] == "friend"
    assert ana.get("/api/v1/profiles/bob").json()["degree"] == 1
    assert bo.get("/api/v1/profiles/ana").json()["connection"] == "connected"
    assert [m["handle"] for m in ana.get("/api/v1/connections").json()] == ["bob"]
    assert bo.get("/api/v1/invitations").json() == {"received": [], "sent": []}
    with store.engine.connect() as conn:
        ties = conn.execute(select(Tie.source, Tie.asserted_by, Tie.ended_at)).all()
        traces = conn.execute(
            select(Interaction.kind, Interaction.channel, Interaction.asserted_by)
        ).all()
        labels = conn.execute(select(TieLabel.member_id, TieLabel.closeness)).all()
    # a tie in each member's data, as if each had imported it; the trace once
    assert sorted(ties) == [("platform", 1, None), ("platform", 2, None)]
    assert traces == [("invitation", "platform", 1)]
    assert labels == [(2, 4)]  # Bo's answer, "friends": closeness 4 of 5


def test_a_stranger_needs_a_note_a_contact_of_a_contact_does_not(three):
    ana, bo, cy = three
    refused = invite(ana, "bob")
    assert refused.status_code == 422
    assert list(refused.json()["fields"]) == ["note"]
    assert bo.get("/api/v1/invitations").json()["received"] == []  # nothing written
    connect(ana, bo, "bob")
    connect(bo, cy, "cyd")
    # Cy is Ana's second degree through Bo: no note needed
    assert invite(ana, "cyd").status_code == 201


def test_the_page_says_why_an_invitation_is_refused(three):
    ana, _bo, _cy = three
    page = post_form(ana, "/network/invitations", {"handle": "bob", "note": ""}, page="/in/bob")
    assert page.status_code == 422
    assert "You have no contact in common" in page.text
    assert 'aria-invalid="true" aria-describedby="e-note"' in page.text
    too_long = post_form(
        ana, "/network/invitations", {"handle": "bob", "note": "x" * 301}, page="/in/bob"
    )
    assert too_long.status_code == 422 and "at most 300 characters" in too_long.text
    ok = post_form(ana, "/network/invitations", {"handle": "bob", "note": "Hi"}, page="/in/bob")
    assert ok.status_code == 303 and ok.headers["location"] == "/in/bob"


def test_ignore_tells_the_sender_nothing(three):
    ana, bo, _cy = three
    sent = invite(ana, "bob", "Hello").json()
    ignored = bo.post(f"/api/v1/invitations/{sent['id']}/ignore", headers=api_headers(bo))
    assert ignored.status_code == 200 and ignored.json()["status"] == "ignored"
    assert bo.get("/api/v1/invitations").json()["received"] == []
    (still,) = ana.get("/api/v1/invitations").json()["sent"]
    assert still["status"] == "pending"
    assert accept(bo, sent["id"]).status_code == 404  # answered once


def test_withdraw_and_who_may_answer(three):
    ana, bo, cy = three
    sent = invite(ana, "bob", "Hello").json()
    # only the recipient answers, only the sender withdraws
    assert accept(cy, sent["id"]).status_code == 404
    assert accept(ana, sent["id"]).status_code == 404
    other = bo.post(f"/api/v1/invitations/{sent['id']}/withdraw", headers=api_headers(bo))
    assert other.status_code == 404
    withdrawn = ana.post(f"/api/v1/invitations/{sent['id']}/withdraw", headers=api_headers(ana))
    assert withdrawn.json()["status"] == "withdrawn"
    assert bo.get("/api/v1/invitations").json()["received"] == []
    assert accept(bo, sent["id"]).status_code == 404


def test_impossible_invitations(three):
    ana, bo, _cy = three
    assert invite(ana, "ana", "me").json()["fields"] == {"handle": "You cannot invite yourself."}
    assert invite(ana, "nobody", "hi").status_code == 404
    invite(ana, "bob", "Hello")
    assert invite(ana, "bob", "Again").json()["fields"] == {
        "handle": "Your invitation is waiting for an answer."
    }
    assert list(invite(bo, "ana", "Hi").json()["fields"]) == ["handle"]
    bad = invite(ana, "bob", "x" * 301)
    assert bad.status_code == 422 and list(bad.json()["fields"]) == ["note"]


def test_remove_and_connect_again(three, store):
    ana, bo, _cy = three
    connect(ana, bo, "bob")
    removed = bo.delete("/api/v1/connections/ana", headers=api_headers(bo))
    assert removed.status_code == 204
    assert ana.get("/api/v1/profiles/bob").json()["connection"] == "none"
    assert bo.delete("/api/v1/connections/ana", headers=api_headers(bo)).status_code == 404
    # the history stays; connecting again reopens the same ties
    connect(ana, bo, "bob", how_known="met_once")
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Tie)).scalar_one() == 2
        assert conn.execute(select(func.count()).select_from(Interaction)).scalar_one() == 2
        label = conn.execute(select(TieLabel.closeness)).scalar_one()
    assert label == 1
    assert ana.get("/api/v1/profiles/bob").json()["degree"] == 1


def _set_invitation_rule(store, handle, value):
    from weakties import service
    from weakties.service import outreach

    with service.transaction(store) as conn:
        outreach.set_rule(conn, service.viewer(conn, handle), "invitations_per_week", value)


def test_the_weekly_limit_comes_from_etiquette_and_says_until_when(three, store):
    ana, _bo, _cy = three
    _set_invitation_rule(store, "ana", "1")  # a member may lower their own limit
    assert invite(ana, "bob", "Hello").status_code == 201
    refused = invite(ana, "cyd", "Hello")
    assert refused.status_code == 409
    next_day = (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).date().isoformat()
    assert refused.json()["error"] == (
        f"1 invitation in seven days is the limit: the next one is possible on {next_day}"
    )


@pytest.mark.parametrize("value", ["off", "5000"])
def test_a_member_cannot_loosen_the_weekly_limit(three, store, value):
    _set_invitation_rule(store, "ana", value)
    with store.engine.connect() as conn:
        from weakties import service

        limit = connections_service.invitations_per_week(conn, service.viewer(conn, "ana"))
    assert limit == 100


def test_a_platform_connection_is_a_tie_like_an_imported_one(three, store, tmp_path):
    """The features of a platform connection equal those of the same connection imported.

    Ana and Bo connect on the platform; Cy imports an export in which Dee invited
    Cy and they connected at the same moments. The tie model reads both pairs
    the same way: every feature equal.
    """
    from weakties.ingest.linkedin.importer import import_linkedin
    from weakties.service.context import reader, viewer
    from weakties.ties.features import compute_features
    from weakties.ties.traces import load_traces

    ana, bo, _cy = three
    sent = invite(bo, "ana", "Hello").json()
    accept(ana, sent["id"])
    invited = dt.datetime(2025, 3, 1, 9, 30)
    connected = dt.datetime(2025, 3, 2)
    with store.engine.begin() as conn:
        conn.execute(update(Interaction).values(occurred_at=invited))
        conn.execute(update(Tie).values(since=connected))
    export = write_files(
        tmp_path / "cyd",
        {
            "Profile.csv": profile("Cy", "Tran"),
            "Connections.csv": connections([["Dee", "Vo", url("dee"), "", "", "", "02 Mar 2025"]]),
            "Invitations.csv": csv_text(
                INVITATIONS_2024,
                [["Dee Vo", "Cy Tran", "3/1/25, 9:30 AM", "", "INCOMING", url("dee"), url("cy")]],
            ),
        },
    )
    import_linkedin(store, export, "cy")
    as_of = dt.datetime(2025, 6, 1)
    rows = {}
    with store.engine.connect() as conn:
        for handle in ("ana", "cy"):
            who = viewer(conn, handle)
            scoped = reader(conn, who)
            traces = load_traces(scoped, as_of, person=who.person_id)
            table = compute_features(scoped, traces, as_of=as_of, ego=who.person_id)
            assert len(table) == 1, handle
            rows[handle] = table.row(0)
    np.testing.assert_equal(rows["ana"], rows["cy"])  # NaN (no such data) equals NaN
    # and the platform's traces count: who invited whom, known since the invitation
    assert rows["ana"]["invitation"] == 1.0
    assert rows["ana"]["days_known"] == pytest.approx((as_of - invited).total_seconds() / 86400)


def test_second_degree_and_mutual_connections_follow_the_sharing(three, store):
    from sqlalchemy import update as sql_update

    from weakties.model.tables import Member

    ana, bob, cyd = three
    connect(ana, bob, "bob")
    connect(bob, cyd, "cyd")
    seen = ana.get("/api/v1/profiles/cyd").json()
    assert seen["degree"] == 2
    assert seen["mutual"] == [{"name": "Bob Chen", "handle": "bob"}]
    page = ana.get("/in/cyd").text
    assert "1 connection in common:" in page and '<a href="/in/bob">Bob Chen</a>' in page
    assert ">2nd<" in page
    # Bob and Cyd share nothing of their networks: Ana no longer sees how they connect
    with store.engine.begin() as conn:
        conn.execute(
            sql_update(Member).where(Member.handle.in_(["bob", "cyd"])).values(sharing="nothing")
        )
    hidden = ana.get("/api/v1/profiles/cyd").json()
    assert (hidden["degree"], hidden["mutual"]) == (None, [])
    assert "in common:" not in ana.get("/in/cyd").text

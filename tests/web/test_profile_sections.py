"""A complete profile: experience per employer, education, skills with endorsements,
recommendations, contact details with per-field visibility, how you're connected."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from tests.web.conftest import api_headers, post_form, sign_up
from weakties.model.tables import Interaction, Member


def _put(client, path, json):
    return client.put(path, json=json, headers=api_headers(client))


def _post(client, path, json=None):
    return client.post(path, json=json, headers=api_headers(client))


@pytest.fixture
def trio(app):
    """Ana, Bob and Cyd signed in; Ana and Bob are connected, Cyd is a stranger."""
    clients = {h: TestClient(app) for h in ("ana", "bob", "cyd")}
    for handle, client in clients.items():
        client.__enter__()
        sign_up(client, handle.title() + " Ébert", f"{handle}@example.org", handle=handle)
    ana, bob = clients["ana"], clients["bob"]
    sent = _post(ana, "/api/v1/invitations", {"handle": "bob", "note": "Hi"})
    assert _post(bob, f"/api/v1/invitations/{sent.json()['id']}/accept", {}).status_code == 200
    yield clients
    for client in clients.values():
        client.__exit__(None, None, None)


def test_experience_grouped_per_employer_and_edited_by_its_owner(trio):
    ana, bob = trio["ana"], trio["bob"]
    jobs = [
        {"organization": "Acme SA", "title": "Engineer", "start": "2018-01", "end": "2020-06"},
        {
            "organization": "ACME",
            "title": "Lead <b>engineer</b>",
            "start": "2020-07",
            "current": True,
        },
        {"organization": "Initech", "title": "Intern", "start": "2017", "end": "2017-12"},
        {"kind": "study", "organization": "École Polytechnique", "title": "MSc", "start": "2012"},
    ]
    ids = []
    for job in jobs:
        added = _post(ana, "/api/v1/me/positions", job)
        assert added.status_code == 201, added.text
        ids.append(added.json()["id"])
    seen = bob.get("/api/v1/profiles/ana").json()
    acme, initech = seen["employers"]
    # "Acme SA" and "ACME" are one organisation: two roles under one employer
    assert acme["organization"] == "Acme SA" and acme["current"] is True
    assert [r["title"] for r in acme["roles"]] == ["Lead <b>engineer</b>", "Engineer"]
    assert acme["start"] == "2018-01-01" and acme["end"] is None
    assert initech["roles"][0]["start"] == "2017-01-01"
    assert [e["organization"] for e in seen["education"]] == ["École Polytechnique"]
    page = bob.get("/in/ana").text
    assert "Lead &lt;b&gt;engineer&lt;/b&gt;" in page and "<b>engineer" not in page
    # field-level errors, nothing written
    bad = _post(ana, "/api/v1/me/positions", {"organization": "X", "start": "2020-13"})
    assert bad.status_code == 422 and list(bad.json()["fields"]) == ["start"]
    backwards = _post(
        ana, "/api/v1/me/positions", {"organization": "X", "start": "2020-05", "end": "2019"}
    )
    assert backwards.status_code == 422 and list(backwards.json()["fields"]) == ["end"]
    form = post_form(ana, "/settings/career", {"kind": "job", "organization": " "})
    assert form.status_code == 422 and "Name the organisation or the school." in form.text
    assert len(bob.get("/api/v1/profiles/ana").json()["experience"]) == 3
    # only the owner edits or removes
    assert _put(bob, f"/api/v1/me/positions/{ids[2]}", {"organization": "Evil"}).status_code == 404
    assert bob.delete(f"/api/v1/me/positions/{ids[2]}", headers=api_headers(bob)).status_code == 404
    edited = _put(
        ana,
        f"/api/v1/me/positions/{ids[2]}",
        {"organization": "Initech", "title": "Trainee", "start": "2017"},
    )
    assert edited.status_code == 204
    removed = post_form(ana, f"/settings/career/{ids[0]}/delete", {}, page="/settings/career")
    assert removed.status_code == 303
    after = bob.get("/api/v1/profiles/ana").json()
    assert [e["roles"][0]["title"] for e in after["employers"]] == [
        "Lead <b>engineer</b>",
        "Trainee",
    ]


def test_endorsing_a_connection_is_a_trace_like_an_imported_endorsement(trio, store):
    from weakties.service.context import reader, viewer
    from weakties.ties.features import compute_features
    from weakties.ties.traces import load_traces

    ana, bob, cyd = trio["ana"], trio["bob"], trio["cyd"]
    assert _post(bob, "/api/v1/me/skills", {"skill": "Python"}).json() == {"skill": "Python"}
    assert _post(bob, "/api/v1/me/skills", {"skill": "python"}).json() == {"skill": "Python"}
    post_form(bob, "/settings/skills", {"skill": "Data <script>"}, page="/settings/career")

    def services() -> float:
        with store.engine.connect() as conn:
            who = viewer(conn, "ana")
            scoped = reader(conn, who)
            as_of = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=1)
            traces = load_traces(scoped, as_of, person=who.person_id)
            table = compute_features(scoped, traces, as_of=as_of, ego=who.person_id)
            return float(table.row(0)["services"])

    assert services() == 0.0
    assert _post(ana, "/api/v1/profiles/bob/endorsements", {"skill": "PYTHON"}).status_code == 204
    assert _post(ana, "/api/v1/profiles/bob/endorsements", {"skill": "Python"}).status_code == 204
    assert services() == 1.0
    with store.engine.connect() as conn:
        kind, detail, channel = conn.execute(
            select(Interaction.kind, Interaction.detail, Interaction.channel).where(
                Interaction.kind == "endorsement"
            )
        ).one()
    assert (kind, detail, channel) == ("endorsement", "Python", "platform")
    skills = {s["name"]: s for s in bob.get("/api/v1/profiles/bob").json()["skills"]}
    assert skills["Python"]["endorsements"] == 1
    assert skills["Python"]["endorsers"] == [{"name": "Ana Ébert", "handle": "ana"}]
    page = ana.get("/in/bob").text
    assert "Data &lt;script&gt;" in page and "Withdraw my endorsement" in page
    # a stranger cannot endorse, and sees no endorsement of a member who shares nothing
    refused = _post(cyd, "/api/v1/profiles/bob/endorsements", {"skill": "Python"})
    assert refused.status_code == 422 and list(refused.json()["fields"]) == ["skill"]
    assert _post(ana, "/api/v1/profiles/bob/endorsements", {"skill": "Cobol"}).status_code == 404
    with store.engine.begin() as conn:
        conn.execute(update(Member).where(Member.handle == "ana").values(sharing="nothing"))
    hidden = {s["name"]: s for s in cyd.get("/api/v1/profiles/bob").json()["skills"]}
    assert hidden["Python"]["endorsements"] == 0 and hidden["Python"]["endorsers"] == []
    assert "Ana" not in cyd.get("/in/bob").text.split('id="h-skills"')[1]
    # the endorser still sees theirs; they can take it back
    assert (
        _post(ana, "/api/v1/profiles/bob/endorsements/withdraw", {"skill": "Python"}).status_code
        == 204
    )
    assert services() == 0.0


def test_contact_details_show_as_their_member_chose(trio):
    ana, bob, cyd = trio["ana"], trio["bob"], trio["cyd"]
    mine = bob.get("/api/v1/profiles/bob").json()["contact"]
    assert [(d["kind"], d["value"], d["visibility"]) for d in mine] == [
        ("email", "bob@example.org", "only_me")
    ]
    detail = mine[0]["id"]
    # only Bob by default: neither his connection nor a stranger sees it
    assert ana.get("/api/v1/profiles/bob").json()["contact"] == []
    assert "bob@example.org" not in ana.get("/in/bob").text
    assert (
        _put(bob, f"/api/v1/me/contact/{detail}", {"visibility": "connections"}).status_code == 204
    )
    assert [d["value"] for d in ana.get("/api/v1/profiles/bob").json()["contact"]] == [
        "bob@example.org"
    ]
    assert cyd.get("/api/v1/profiles/bob").json()["contact"] == []
    assert "bob@example.org" not in cyd.get("/in/bob").text
    done = post_form(
        bob, f"/settings/contact/{detail}", {"visibility": "everyone"}, page="/settings/career"
    )
    assert done.status_code == 303
    assert "bob@example.org" in cyd.get("/in/bob").text
    # someone else's detail, or a visibility that does not exist
    assert _put(ana, f"/api/v1/me/contact/{detail}", {"visibility": "everyone"}).status_code == 404
    wrong = _put(bob, f"/api/v1/me/contact/{detail}", {"visibility": "friends"})
    assert wrong.status_code == 422 and list(wrong.json()["fields"]) == ["visibility"]


def test_how_you_are_connected_names_the_paths(trio):
    ana, bob, cyd = trio["ana"], trio["bob"], trio["cyd"]
    sent = _post(bob, "/api/v1/invitations", {"handle": "cyd", "note": "Hi"})
    assert _post(cyd, f"/api/v1/invitations/{sent.json()['id']}/accept", {}).status_code == 200
    seen = ana.get("/api/v1/profiles/cyd").json()
    assert seen["degree"] == 2
    assert seen["paths"] == [
        [
            {"name": "Ana Ébert", "handle": "ana"},
            {"name": "Bob Ébert", "handle": "bob"},
            {"name": "Cyd Ébert", "handle": "cyd"},
        ]
    ]
    page = ana.get("/in/cyd").text
    assert "How you&#39;re connected" in page or "How you're connected" in page
    assert '<a href="/in/bob">Bob Ébert</a>' in page.split('id="h-how"')[1]


def test_a_recommendation_waits_for_its_recipient(trio, store):
    ana, bob, cyd = trio["ana"], trio["bob"], trio["cyd"]
    text = "Bob <b>ships</b>.\nEvery time."
    # only a connection recommends; each wrong field named, nothing written
    refused = _post(cyd, "/api/v1/profiles/bob/recommendations", {"text": "Great"})
    assert refused.status_code == 422 and list(refused.json()["fields"]) == ["text"]
    empty = post_form(
        ana, "/in/bob/recommend", {"relationship": "x" * 201, "text": " "}, page="/in/bob"
    )
    assert empty.status_code == 422
    assert "Write the recommendation." in empty.text and "This text is too long." in empty.text
    assert 'value="' + "x" * 201 + '"' in empty.text  # what was typed is kept
    sent = _post(
        ana, "/api/v1/profiles/bob/recommendations", {"relationship": "Managed Bob", "text": text}
    )
    assert sent.status_code == 201, sent.text
    rec = sent.json()["id"]
    with store.engine.connect() as conn:
        row = conn.execute(
            select(Interaction.kind, Interaction.channel, Interaction.status).where(
                Interaction.id == rec
            )
        ).one()
    assert tuple(row) == ("recommendation", "platform", "PENDING")
    # waiting: its writer and its recipient see it, nobody else
    assert [r["status"] for r in bob.get("/api/v1/profiles/bob").json()["recommendations"]] == [
        "pending"
    ]
    assert [r["status"] for r in ana.get("/api/v1/profiles/ana").json()["recommendations"]] == [
        "pending"
    ]
    assert cyd.get("/api/v1/profiles/bob").json()["recommendations"] == []
    assert "ships" not in cyd.get("/in/bob").text
    # someone else cannot show it; Bob can
    assert _put(cyd, f"/api/v1/me/recommendations/{rec}", {"shown": True}).status_code == 404
    assert _put(ana, f"/api/v1/me/recommendations/{rec}", {"shown": True}).status_code == 404
    shown = post_form(bob, f"/settings/recommendations/{rec}", {"show": "yes"}, page="/in/bob")
    assert shown.status_code == 303
    seen = cyd.get("/api/v1/profiles/bob").json()["recommendations"]
    assert [
        (r["direction"], r["person"]["handle"], r["relationship"], r["text"], r["id"]) for r in seen
    ] == [("received", "ana", "Managed Bob", text, None)]
    assert "Bob &lt;b&gt;ships&lt;/b&gt;" in cyd.get("/in/bob").text
    assert "Bob &lt;b&gt;ships" in cyd.get("/in/ana").text  # given, on Ana's profile
    # rewriting makes it wait again
    assert _post(ana, "/api/v1/profiles/bob/recommendations", {"text": "Again"}).json()["id"] == rec
    assert cyd.get("/api/v1/profiles/bob").json()["recommendations"] == []
    # a writer who shares nothing is named to nobody else
    assert _put(bob, f"/api/v1/me/recommendations/{rec}", {"shown": True}).status_code == 204
    with store.engine.begin() as conn:
        conn.execute(update(Member).where(Member.handle == "ana").values(sharing="nothing"))
    assert cyd.get("/api/v1/profiles/bob").json()["recommendations"] == []
    assert len(bob.get("/api/v1/profiles/bob").json()["recommendations"]) == 1
    # the writer takes it back
    assert (
        bob.delete("/api/v1/profiles/bob/recommendations", headers=api_headers(bob)).status_code
        == 404
    )
    assert (
        ana.delete("/api/v1/profiles/bob/recommendations", headers=api_headers(ana)).status_code
        == 204
    )
    assert bob.get("/api/v1/profiles/bob").json()["recommendations"] == []


def test_a_platform_recommendation_is_a_service_for_the_tie_model(trio, store):
    from weakties.service.context import reader, viewer
    from weakties.ties.features import compute_features
    from weakties.ties.traces import load_traces

    ana = trio["ana"]

    def services() -> float:
        with store.engine.connect() as conn:
            who = viewer(conn, "ana")
            scoped = reader(conn, who)
            as_of = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=1)
            traces = load_traces(scoped, as_of, person=who.person_id)
            table = compute_features(scoped, traces, as_of=as_of, ego=who.person_id)
            return float(table.row(0)["services"])

    assert services() == 0.0
    assert _post(ana, "/api/v1/profiles/bob/recommendations", {"text": "Solid"}).status_code == 201
    assert services() == 3.0  # a recommendation weighs three endorsements


def test_paths_are_the_graph_engines_shortest_paths(app, store):
    """The profile finds its paths from the two people's own ties; the graph engine
    over the whole network finds the same ones."""
    from weakties.service import network, profiles
    from weakties.service.context import viewer

    handles = ("ann", "ben", "cat", "dov", "eve", "fay")
    clients = {h: TestClient(app) for h in handles}
    for handle, client in clients.items():
        client.__enter__()
        sign_up(client, handle.title(), f"{handle}@example.org", handle=handle)
    for a, b in (("ann", "ben"), ("ben", "cat"), ("cat", "dov"), ("ann", "eve"), ("eve", "cat")):
        sent = _post(clients[a], "/api/v1/invitations", {"handle": b, "note": "Hi"})
        assert _post(clients[b], f"/api/v1/invitations/{sent.json()['id']}/accept", {}).is_success
    try:
        with store.engine.connect() as conn:
            for me in handles:
                who = viewer(conn, me)
                for other in handles:
                    if other == me:
                        continue
                    seen = profiles.member_profile(conn, who, other)
                    got = sorted(tuple(s.person_id for s in path) for path in seen.paths)
                    engine = network.paths(conn, who, f"#{seen.person_id}").paths
                    assert got == sorted(tuple(s.id for s in path) for path in engine), (me, other)
                    if got:
                        assert seen.degree == len(got[0]) - 1
        # the two shortest paths of three hops from Ann to Dov
        dov = clients["ann"].get("/api/v1/profiles/dov").json()
        assert sorted([s["handle"] for s in path] for path in dov["paths"]) == [
            ["ann", "ben", "cat", "dov"],
            ["ann", "eve", "cat", "dov"],
        ]
    finally:
        for client in clients.values():
            client.__exit__(None, None, None)

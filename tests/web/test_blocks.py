"""A block hides each member from the other, either way, everywhere a member is shown:
the profile (page, API, photo) answers as for a handle nobody has; the feed's career
moves, the job's "people in your network", suggestions, mutual contacts and paths
leave the other out. And the profile's own Message / Block / Report buttons.

The ``people`` of ``test_social``: Ana and Bo are connected, Bo and Cy are
connected, Dee is a stranger to all, Opal is the operator.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from tests.web.conftest import csrf, post_form
from tests.web.test_social import _employ, api, people  # noqa: F401
from weakties.model.tables import Event, Member, Report


def _ids(store, handle: str) -> tuple[int, int]:
    with store.engine.connect() as conn:
        member, person = conn.execute(
            select(Member.id, Member.person_id).where(Member.handle == handle)
        ).one()
    return int(member), int(person)


def _not_found(client, handle: str) -> tuple[int, str, int, str]:
    page = client.get(f"/in/{handle}")
    answer = api(client, "GET", f"/profiles/{handle}")
    return (
        page.status_code,
        page.text.replace(handle, "HANDLE"),
        answer.status_code,
        json.dumps(answer.json()).replace(handle, "HANDLE"),
    )


def test_a_block_hides_the_profile_both_ways_as_a_missing_handle(people, store):  # noqa: F811
    ana, bo, cy = people["ana"], people["bob"], people["cyd"]
    assert ana.get("/in/bob").status_code == 200
    assert "Bob" in ana.get("/in/cyd").text  # the mutual contact and the path through Bo
    assert api(ana, "POST", "/blocks", {"handle": "bob"}).status_code == 201
    missing = _not_found(ana, "nobody")
    assert missing[0] == 404 and missing[2] == 404
    # the blocker and the blocked: the very answer a handle nobody has gets
    assert _not_found(ana, "bob") == missing
    assert _not_found(bo, "ana") == missing
    assert ana.get("/photos/bob.jpg").status_code == 404
    assert ana.get("/in/bob/block").status_code == 404
    # neither follows, endorses nor recommends the other
    assert api(bo, "POST", "/members/ana/follow").status_code == 404
    assert api(bo, "POST", "/profiles/ana/endorsements", {"skill": "Python"}).status_code == 404
    # Bo is gone from what Ana is shown of Cy: no mutual contact, no path through him
    page = ana.get("/in/cyd")
    assert page.status_code == 200 and "Bob" not in page.text
    assert "Bob" not in json.dumps(api(ana, "GET", "/profiles/cyd").json())
    # others still see both; lifted, the two see each other again
    assert cy.get("/in/bob").status_code == 200 and cy.get("/in/ana").status_code == 200
    assert api(ana, "DELETE", "/blocks/bob").status_code == 204
    assert ana.get("/in/bob").status_code == 200 and bo.get("/in/ana").status_code == 200


def test_a_block_hides_career_moves_job_counts_and_suggestions(people, store):  # noqa: F811
    ana, cy = people["ana"], people["cyd"]
    _employ(store, "bob", "Globex")
    _employ(store, "cyd", "Globex")
    job = api(cy, "POST", "/jobs", {"organization": "Globex", "title": "Data engineer"})
    assert job.status_code == 201, job.text
    ana_member, _ = _ids(store, "ana")
    _, bo_person = _ids(store, "bob")
    move = {"from": {"title": "Engineer", "org": "Initech"}, "to": {"title": "CTO"}}
    with store.engine.begin() as conn:
        conn.execute(
            Event.__table__.insert().values(
                member_id=ana_member,
                person_id=bo_person,
                kind="career_move",
                detail=json.dumps(move),
            )
        )

    def careers() -> list[str]:
        items = api(ana, "GET", "/feed").json()["items"]
        return [i["career"]["person"] for i in items if i.get("career")]

    def network() -> dict[str, int]:
        return api(ana, "GET", f"/jobs/{job.json()['id']}").json()["network"]

    def suggested(client) -> set[str | None]:
        return {s["name"] for s in api(client, "GET", "/suggestions").json()["suggestions"]}

    assert careers() == ["Bob"]
    assert network() == {"first": 1, "second": 1, "total": 2}  # Bo, then Cy through Bo
    assert "Ana" in suggested(cy) and "Cyd" in suggested(ana)  # through Bo
    assert api(ana, "POST", "/blocks", {"handle": "bob"}).status_code == 201
    assert careers() == []
    assert network() == {"first": 0, "second": 0, "total": 0}
    assert "CTO" not in ana.get("/feed").text
    assert api(cy, "POST", "/blocks", {"handle": "ana"}).status_code == 201
    assert "Ana" not in suggested(cy) and "Cyd" not in suggested(ana)


def test_message_block_and_report_from_a_profile(people, store):  # noqa: F811
    ana, dee = people["ana"], people["dee"]
    page = ana.get("/in/dee").text
    assert 'action="/messages"' in page and 'name="to" value="dee"' in page
    assert 'action="/in/dee/block"' in page and 'value="member"' in page
    assert 'action="/in/dee/block"' not in ana.get("/in/ana").text  # not on one's own
    # Message: the inbox's form, addressed to Dee
    assert 'value="dee"' in ana.get("/messages?to=dee").text
    # Report: to the operator's queue, and back to the profile
    reported = post_form(
        ana,
        "/reports",
        {"kind": "member", "target": "dee", "reason": "fake profile", "next": "/in/dee"},
        page="/in/dee",
    )
    assert reported.status_code == 200 and 'href="/in/dee"' in reported.text
    with store.engine.connect() as conn:
        reasons = conn.execute(select(Report.kind, Report.reason)).all()
    assert reasons == [("member", "fake profile")]
    assert "fake profile" in people["opal"].get("/moderation").text
    # Block asks first (a page, no JavaScript), with the form that blocks
    confirm = ana.get("/in/dee/block")
    assert confirm.status_code == 200 and 'action="/blocks"' in confirm.text
    assert 'name="handle" value="dee"' in confirm.text
    token = csrf(ana, "/in/dee/block")
    forged = ana.post("/blocks", data={"handle": "dee"}, follow_redirects=False)
    assert forged.status_code == 403  # no CSRF token, no block
    assert ana.get("/in/dee").status_code == 200
    done = ana.post("/blocks", data={"csrf_token": token, "handle": "dee"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/blocks"
    assert ana.get("/in/dee").status_code == 404 and dee.get("/in/ana").status_code == 404
    # in French too
    assert api(ana, "DELETE", "/blocks/dee").status_code == 204
    post_form(ana, "/settings/language", {"locale": "fr"}, page="/settings")
    french = ana.get("/in/dee").text
    assert "Signaler" in french and "Bloquer" in french and "Envoyer un message" in french
    assert "Bloquer Dee ?" in ana.get("/in/dee/block").text


def test_a_block_from_the_page_ends_the_connection_and_the_follows(people):  # noqa: F811
    ana, bo = people["ana"], people["bob"]
    assert api(bo, "POST", "/members/ana/follow").status_code == 204
    assert "ana" in {f.get("handle") for f in api(bo, "GET", "/following").json()}
    assert [c["handle"] for c in api(ana, "GET", "/connections").json()] == ["bob"]
    blocked = post_form(ana, "/blocks", {"handle": "bob"}, page="/in/bob/block")
    assert blocked.status_code == 303
    assert api(ana, "GET", "/connections").json() == []
    assert [c["handle"] for c in api(bo, "GET", "/connections").json()] == ["cyd"]
    # lifted, the block gives back neither the connection nor Bo's follow
    unblocked = post_form(ana, "/blocks/bob/delete", {}, page="/blocks")
    assert unblocked.status_code == 303
    assert api(ana, "GET", "/connections").json() == []
    assert "ana" not in {f.get("handle") for f in api(bo, "GET", "/following").json()}


def test_organisation_pages_leave_out_a_blocked_member_both_ways(people, store):  # noqa: F811
    from weakties.model.tables import Organization

    ana, cy = people["ana"], people["cyd"]
    for handle in ("ana", "bob", "cyd"):
        _employ(store, handle, "Globex")
    with store.engine.connect() as conn:
        org = conn.execute(select(Organization.id).where(Organization.name == "Globex")).scalar()

    def here(client) -> tuple[set[str], set[str], int]:
        page = api(client, "GET", f"/orgs/{org}").json()
        return (
            {p["handle"] for p in page["network_here"]},
            {p["handle"] for p in page["people"]},
            page["people_count"],
        )

    assert here(ana) == ({"bob", "cyd"}, {"ana", "bob", "cyd"}, 3)  # Cy through Bo
    assert here(cy)[0] == {"ana", "bob"}
    assert "Cyd" in ana.get(f"/orgs/{org}").text
    assert api(ana, "POST", "/blocks", {"handle": "cyd"}).status_code == 201
    assert here(ana) == ({"bob"}, {"ana", "bob"}, 2)
    assert here(cy) == ({"bob"}, {"bob", "cyd"}, 2)  # the other way too
    assert "Cyd" not in ana.get(f"/orgs/{org}").text


def test_an_imported_tie_to_a_blocked_member_leads_to_nobody(people, store):  # noqa: F811
    """Ana's own LinkedIn export holds Bo too: blocking him ends their platform
    connection, not her data, and yet Bo no longer makes Cy her second degree."""
    from weakties.model.tables import Organization, Tie

    ana = people["ana"]
    for handle in ("bob", "cyd"):
        _employ(store, handle, "Globex")
    ana_member, ana_person = _ids(store, "ana")
    _, bo_person = _ids(store, "bob")
    low, high = sorted((ana_person, bo_person))
    with store.engine.begin() as conn:
        conn.execute(
            Tie.__table__.insert().values(
                person_a_id=low, person_b_id=high, source="connection", asserted_by=ana_member
            )
        )
        org = conn.execute(select(Organization.id).where(Organization.name == "Globex")).scalar()

    def here() -> tuple[dict[str, int | None], set[str]]:
        page = api(ana, "GET", f"/orgs/{org}").json()
        return (
            {p["handle"]: p["degree"] for p in page["people"]},
            {p["handle"] for p in page["network_here"]},
        )

    assert here() == ({"bob": 1, "cyd": 2}, {"bob", "cyd"})
    assert api(ana, "POST", "/blocks", {"handle": "bob"}).status_code == 201
    assert here() == ({"cyd": None}, set())


def test_a_block_hides_the_conversation_of_the_two_both_ways(people):  # noqa: F811
    """Dee writes to Ana (a request: they are not connected), Ana blocks Dee: the
    request is shown to neither — not in the requests, the counts or the badge, and
    its page and API answer as for a conversation that does not exist. It is hidden,
    not deleted: lifting the block shows it again."""
    ana, dee = people["ana"], people["dee"]
    sent = api(dee, "POST", "/conversations", {"to": ["ana"], "body": "DEEWRITES to Ana"})
    rid = sent.json()["id"]
    assert api(ana, "GET", "/notifications/counts").json()["requests"] == 1
    assert 'href="/messages">Messages <span' in ana.get("/badges").text
    assert api(ana, "POST", "/blocks", {"handle": "dee"}).status_code == 201

    counts = api(ana, "GET", "/notifications/counts").json()
    assert (counts["messages"], counts["requests"]) == (0, 0)
    assert 'href="/messages">Messages</a>' in ana.get("/badges").text
    for client, other in ((ana, "dee"), (dee, "ana")):
        for state in ("active", "request"):
            assert api(client, "GET", f"/conversations?state={state}").json() == []
        for page in ("/messages", "/messages/requests"):
            shown = client.get(page)
            assert shown.status_code == 200
            assert "DEEWRITES" not in shown.text and f"/in/{other}" not in shown.text
        assert api(client, "GET", f"/conversations/{rid}").status_code == 404
        assert client.get(f"/messages/{rid}").status_code == 404
        assert client.get(f"/messages/{rid}/after/0").status_code == 404
    assert api(ana, "POST", f"/conversations/{rid}/accept").status_code == 404
    assert "DEEWRITES" not in json.dumps(api(ana, "GET", "/notifications").json())

    assert api(ana, "DELETE", "/blocks/dee").status_code == 204
    assert [c["id"] for c in api(ana, "GET", "/conversations?state=request").json()] == [rid]
    again = api(ana, "GET", f"/conversations/{rid}").json()
    assert [m["body"] for m in again["messages"]] == ["DEEWRITES to Ana"]

"""Posts, the feed, messages, notifications, jobs and moderation through the API and pages.

Four members: Ana and Bo are connected, Bo and Cy are connected (Cy is Ana's
second degree), Dee is a stranger to all. The operator is Opal.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func, select, update

from tests.web.conftest import PASSWORD, api_headers, csrf, post_form, sign_up
from weakties.model.tables import Comment, Interaction, Mention, Message, Notification, Post
from weakties.store.search_ddl import matches

HANDLES = ("opal", "ana", "bob", "cyd", "dee")


def _connect(a: TestClient, b: TestClient, handle_b: str) -> None:
    sent = a.post(
        "/api/v1/invitations", json={"handle": handle_b, "note": "Hi"}, headers=api_headers(a)
    )
    assert sent.status_code == 201, sent.text
    done = b.post(
        f"/api/v1/invitations/{sent.json()['id']}/accept", json={}, headers=api_headers(b)
    )
    assert done.status_code == 200, done.text


@pytest.fixture
def people(app) -> Any:
    clients = {h: TestClient(app) for h in HANDLES}
    for handle, client in clients.items():
        client.__enter__()
        sign_up(client, handle.title(), f"{handle}@example.org", handle=handle)
    _connect(clients["ana"], clients["bob"], "bob")
    _connect(clients["bob"], clients["cyd"], "cyd")
    yield clients
    for client in clients.values():
        client.__exit__(None, None, None)


def api(client: TestClient, method: str, path: str, body: Any = None) -> Any:
    headers = api_headers(client) if method != "GET" else {}
    return client.request(method, "/api/v1" + path, json=body, headers=headers)


def test_a_post_reaches_its_audience_only(people):
    ana, bo, cy, dee = (people[h] for h in ("ana", "bob", "cyd", "dee"))
    private = api(
        ana, "POST", "/posts", {"body": "For my **connections**", "audience": "connections"}
    )
    assert private.status_code == 201, private.text
    public = api(ana, "POST", "/posts", {"body": "Hello *everyone*"}).json()
    pid = private.json()["id"]
    assert api(bo, "GET", f"/posts/{pid}").status_code == 200
    for outsider in (cy, dee, people["opal"]):
        assert api(outsider, "GET", f"/posts/{pid}").status_code == 404
        assert outsider.get(f"/posts/{pid}").status_code == 404
        assert api(outsider, "POST", f"/posts/{pid}/comments", {"body": "x"}).status_code == 404
        assert api(outsider, "PUT", f"/posts/{pid}/reaction", {"kind": "like"}).status_code == 404
        assert api(outsider, "POST", f"/posts/{pid}/shares", {}).status_code == 404
    assert api(dee, "GET", f"/posts/{public['id']}").json()["html"] == (
        "<p>Hello <em>everyone</em></p>\n"
    )
    feed = api(bo, "GET", "/feed").json()
    ids = [i["post"]["id"] for i in feed["items"] if i["post"]]
    assert pid in ids and public["id"] in ids
    why = next(i["why"] for i in feed["items"] if i["post"] and i["post"]["id"] == pid)
    assert why == [{"kind": "connection", "name": "Ana", "link": "/in/ana", "via": None}]
    # Cy follows nobody and is nobody's connection of Ana's: her feed has neither
    assert [i for i in api(cy, "GET", "/feed").json()["items"] if i["post"]] == []
    # a share of a connections-only post stays with connections, and outsiders see nothing of it
    shared = api(bo, "POST", f"/posts/{pid}/shares", {"body": "worth reading"}).json()
    assert shared["audience"] == "connections" and shared["shared"]["id"] == pid
    seen_by_cy = api(cy, "GET", f"/posts/{shared['id']}").json()
    assert seen_by_cy["shared"] is None and "connections" not in json.dumps(seen_by_cy["html"])


def test_markdown_is_sanitised_everywhere(people):
    ana, bo = people["ana"], people["bob"]
    nasty = "<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)> https://example.org/a?b=1"
    made = api(ana, "POST", "/posts", {"body": nasty}).json()
    html = made["html"]
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert '<a href="https://example.org/a?b=1" rel="nofollow noopener noreferrer ugc">' in html
    api(bo, "POST", f"/posts/{made['id']}/comments", {"body": nasty})
    page = bo.get(f"/posts/{made['id']}").text
    assert "<script>alert" not in page and "<img" not in page
    assert "&lt;img src=x onerror=alert(3)&gt;" in page  # shown as the text it is
    feed_page = bo.get("/feed").text
    assert "<script>alert" not in feed_page


def test_comment_reaction_and_mention_notify_the_author(people, store):
    from weakties.service.tasks import run_due

    ana, bo, cy = people["ana"], people["bob"], people["cyd"]
    pid = api(ana, "POST", "/posts", {"body": "Our launch", "audience": "connections"}).json()["id"]
    first = api(bo, "POST", f"/posts/{pid}/comments", {"body": "Great, @ana! and @cyd"}).json()
    assert '<a href="/in/ana"' in first["html"]
    assert "/in/cyd" not in first["html"]  # Cy may not read the post: no mention, no notice
    reply = api(ana, "POST", f"/posts/{pid}/comments", {"body": "Thanks", "parent_id": first["id"]})
    assert reply.status_code == 201 and reply.json()["parent_id"] == first["id"]
    assert (
        api(bo, "PUT", f"/posts/{pid}/reaction", {"kind": "celebrate"}).json()["reactions"][
            "celebrate"
        ]
        == 1
    )
    run_due(store)
    kinds = {n["kind"]: n for n in api(ana, "GET", "/notifications").json()}
    assert {"comment", "reaction", "mention"} <= set(kinds)
    assert kinds["comment"]["actors"] == [{"handle": "bob", "name": "Bob", "headline": None}]
    assert {n["kind"] for n in api(bo, "GET", "/notifications").json()} >= {"reply"}
    assert api(cy, "GET", "/notifications").json() == []
    assert api(ana, "GET", "/notifications/counts").json()["notifications"] >= 3
    assert api(ana, "POST", "/notifications/read", {}).status_code == 204
    assert api(ana, "GET", "/notifications/counts").json()["notifications"] == 0
    page = api(ana, "GET", f"/posts/{pid}").json()
    assert [c["id"] for c in page["comments"]] == [first["id"]]
    assert [r["body" if False else "id"] for r in page["comments"][0]["replies"]]


def test_feed_cursor_is_stable_under_new_posts(people, monkeypatch):
    from weakties.service import social

    monkeypatch.setitem(social.LIMITS, "post", (100, 3600))
    ana, bo = people["ana"], people["bob"]
    made = [api(ana, "POST", "/posts", {"body": f"post {i}"}).json()["id"] for i in range(25)]
    first = api(bo, "GET", "/feed").json()
    assert len(first["items"]) == 20 and first["next_cursor"]
    api(ana, "POST", "/posts", {"body": "a new one while Bo reads"})
    second = api(bo, "GET", f"/feed?cursor={first['next_cursor']}").json()
    seen = [i["post"]["id"] for i in first["items"] + second["items"]]
    assert seen == sorted(made, reverse=True)
    assert api(bo, "GET", "/feed?cursor=nonsense").status_code == 422


def test_messages_requests_and_blocks(people, store):
    ana, bo, dee = people["ana"], people["bob"], people["dee"]
    direct = api(ana, "POST", "/conversations", {"to": ["bob"], "body": "Lunch?"})
    assert direct.status_code == 201, direct.text
    cid = direct.json()["id"]
    assert api(bo, "GET", "/conversations").json()[0]["unread"] == 1
    assert api(bo, "GET", "/notifications/counts").json()["messages"] == 1
    answer = api(bo, "POST", f"/conversations/{cid}/messages", {"body": "Yes!"})
    assert answer.status_code == 201
    newer = api(ana, "GET", f"/conversations/{cid}/messages?after={answer.json()['id'] - 1}")
    assert [m["body"] for m in newer.json()] == ["Yes!"]
    for outsider in (dee, people["cyd"], people["opal"]):
        assert api(outsider, "GET", f"/conversations/{cid}").status_code == 404
        assert outsider.get(f"/messages/{cid}").status_code == 404
        assert outsider.get(f"/messages/{cid}/after/0").status_code == 404
        assert (
            api(outsider, "POST", f"/conversations/{cid}/messages", {"body": "x"}).status_code
            == 404
        )
    # a stranger's message is a request
    request = api(
        dee, "POST", "/conversations", {"to": ["ana"], "body": "Hello, may I ask?"}
    ).json()
    rid = request["id"]
    assert request["waiting"] is True
    assert [c["id"] for c in api(ana, "GET", "/conversations").json()] == [cid]
    assert [c["id"] for c in api(ana, "GET", "/conversations?state=request").json()] == [rid]
    assert api(bo, "POST", f"/conversations/{rid}/accept").status_code == 404
    assert api(ana, "POST", f"/conversations/{rid}/decline").status_code == 204
    assert api(ana, "GET", f"/conversations/{rid}").status_code == 404
    # a group conversation is between connections
    group = api(bo, "POST", "/conversations", {"to": ["ana", "dee"], "body": "All of us"})
    assert group.status_code == 422 and list(group.json()["fields"]) == ["to"]
    # block: no message, no invitation target found, no mention
    assert api(ana, "POST", "/blocks", {"handle": "dee"}).status_code == 201
    again = api(dee, "POST", "/conversations", {"to": ["ana"], "body": "Please answer me"})
    assert again.status_code == 404
    for one, other in ((dee, "ana"), (ana, "dee")):
        invited = api(one, "POST", "/invitations", {"handle": other, "note": "Hello there"})
        assert invited.status_code == 404, invited.text
    pid = api(dee, "POST", "/posts", {"body": "Hey @ana look"}).json()["id"]
    assert "/in/ana" not in api(dee, "GET", f"/posts/{pid}").json()["html"]
    assert api(ana, "GET", f"/posts/{pid}").status_code == 404
    assert [b["handle"] for b in api(ana, "GET", "/blocks").json()] == ["dee"]
    # messages are traces for the tie model: metadata only, never the text
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(Interaction.kind, Interaction.content, Interaction.group_size).where(
                Interaction.channel == "platform", Interaction.kind == "message"
            )
        ).all()
    assert rows and all(content is None for _k, content, _g in rows)


def test_a_declined_request_looks_waiting_to_its_sender_who_writes_once(people):
    ana, dee = people["ana"], people["dee"]
    rid = api(dee, "POST", "/conversations", {"to": ["ana"], "body": "Hello, may I ask?"}).json()[
        "id"
    ]
    pending = api(dee, "GET", f"/conversations/{rid}").json()
    assert pending["waiting"] is True

    def refused(response: Any) -> None:
        assert response.status_code == 422, response.text
        assert "waits for an answer" in response.json()["fields"]["body"]

    # one message until the request is accepted: a follow-up is refused, by either way in
    refused(api(dee, "POST", f"/conversations/{rid}/messages", {"body": "Any news?"}))
    refused(api(dee, "POST", "/conversations", {"to": ["ana"], "body": "Any news?"}))
    page = post_form(dee, f"/messages/{rid}", {"body": "Any news?"}, page=f"/messages/{rid}")
    assert page.status_code == 422 and "waits for an answer" in page.text

    assert api(ana, "POST", f"/conversations/{rid}/decline").status_code == 204
    # the sender cannot tell: the same view, the same note, the same refusal
    assert api(dee, "GET", f"/conversations/{rid}").json() == pending
    assert "Your message waits until they accept your request." in dee.get(f"/messages/{rid}").text
    refused(api(dee, "POST", f"/conversations/{rid}/messages", {"body": "Any news?"}))
    refused(api(dee, "POST", "/conversations", {"to": ["ana"], "body": "Any news?"}))
    # the recipient never sees its messages again, even when she writes to the sender
    assert api(ana, "GET", f"/conversations/{rid}").status_code == 404
    mine = api(ana, "POST", "/conversations", {"to": ["dee"], "body": "Hi Dee"})
    assert mine.status_code == 201, mine.text
    assert mine.json()["id"] != rid
    assert [m["body"] for m in mine.json()["messages"]] == ["Hi Dee"]
    assert rid not in [c["id"] for c in api(ana, "GET", "/conversations").json()]


def test_an_accepted_request_is_a_conversation(people):
    ana, dee = people["ana"], people["dee"]
    rid = api(dee, "POST", "/conversations", {"to": ["ana"], "body": "Hello?"}).json()["id"]
    assert api(ana, "POST", f"/conversations/{rid}/accept").status_code == 204
    assert api(dee, "GET", f"/conversations/{rid}").json()["waiting"] is False
    again = api(dee, "POST", f"/conversations/{rid}/messages", {"body": "Thanks!"})
    assert again.status_code == 201, again.text


def test_a_burst_of_the_same_message_is_refused(app, people):
    extra = {}
    for i in range(6):
        client = TestClient(app)
        client.__enter__()
        sign_up(client, f"Member {i}", f"m{i}@example.org", handle=f"member{i}")
        extra[f"member{i}"] = client
    spam = "Buy my wonderful consulting services now, best prices in town"
    sent = [
        api(people["dee"], "POST", "/conversations", {"to": [h], "body": f"Hi {h}! {spam}"})
        for h in extra
    ]
    assert [s.status_code for s in sent] == [201] * 5 + [409]
    assert "the same message to 6 members" in sent[-1].json()["error"]
    for client in extra.values():
        client.__exit__(None, None, None)


def test_rate_limit_on_posting(people, monkeypatch):
    from weakties.service import social

    monkeypatch.setitem(social.LIMITS, "post", (2, 3600))
    ana = people["ana"]
    codes = [api(ana, "POST", "/posts", {"body": f"n{i}"}).status_code for i in range(3)]
    assert codes == [201, 201, 409]


def test_field_errors_and_nothing_half_written(people, store):
    ana = people["ana"]
    bad = api(ana, "POST", "/posts", {"body": "", "audience": "friends"})
    assert bad.status_code == 422 and set(bad.json()["fields"]) == {"body", "audience"}
    page = post_form(ana, "/posts", {"body": "   ", "audience": "everyone"}, page="/feed")
    assert page.status_code == 422 and "Write something first." in page.text
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Post)).scalar_one() == 0


def _employ(store, handle: str, org: str, kind: str = "job") -> None:
    """Say in the member's own data that they work at ``org`` now (or, with kind
    ``group``, that they belong to the group ``org``)."""
    from weakties.model.tables import Member, Organization, Position

    with store.engine.begin() as conn:
        member, person = conn.execute(
            select(Member.id, Member.person_id).where(Member.handle == handle)
        ).one()
        org_id = conn.execute(select(Organization.id).where(Organization.name == org)).scalar()
        if org_id is None:
            org_id = conn.execute(
                Organization.__table__.insert()
                .values(
                    name=org,
                    norm_name=org.lower(),
                    kind="group" if kind == "group" else "organization",
                )
                .returning(Organization.id)
            ).scalar_one()
        conn.execute(
            Position.__table__.insert().values(
                person_id=person,
                organization_id=org_id,
                kind=kind,
                title="Engineer" if kind == "job" else None,
                is_current=True,
                asserted_by=member,
                source="manual",
                natural_key=f"test-{handle}-{org}",
            )
        )


def test_jobs_with_the_network_that_works_there(people, store):
    from weakties.service.tasks import run_due

    ana, cy, dee = (people[h] for h in ("ana", "cyd", "dee"))
    _employ(store, "cyd", "Globex")
    _employ(store, "bob", "Globex")
    refused = api(dee, "POST", "/jobs", {"organization": "Globex", "title": "Data engineer"})
    assert refused.status_code == 422 and list(refused.json()["fields"]) == ["organization"]
    job = api(
        cy,
        "POST",
        "/jobs",
        {
            "organization": "Globex",
            "title": "Data engineer",
            "location": "Lyon",
            "workplace": "hybrid",
            "description": "Join **us**",
        },
    )
    assert job.status_code == 201, job.text
    jid = job.json()["id"]
    found = api(ana, "GET", "/jobs?q=data&workplace=hybrid").json()
    assert [j["id"] for j in found] == [jid]
    assert found[0]["network"] == {"first": 1, "second": 1, "total": 2}  # Bo, then Cy via Bo
    assert api(ana, "GET", "/jobs?workplace=remote").json() == []
    assert api(ana, "GET", "/jobs?workplace=moon").status_code == 422
    page = ana.get("/jobs?q=data").text
    assert "2 people in your network work there" in page
    assert api(ana, "PUT", f"/jobs/{jid}/saved").status_code == 204
    assert [j["id"] for j in api(ana, "GET", "/jobs?saved=true").json()] == [jid]
    assert api(ana, "POST", f"/jobs/{jid}/applications", {"note": "I'd love to"}).status_code == 204
    assert api(ana, "POST", f"/jobs/{jid}/applications", {"note": "again"}).status_code == 422
    assert api(ana, "GET", f"/jobs/{jid}/applications").status_code == 404
    applied = api(cy, "GET", f"/jobs/{jid}/applications").json()
    assert [(a["member"]["handle"], a["note"]) for a in applied] == [("ana", "I'd love to")]
    # what each sees of the job, in a list and alone: hers saved and applied to,
    # his (the poster's) with how many applied
    mark = lambda j: (j["saved"], j["applied"], j["applicants"])  # noqa: E731
    assert [mark(j) for j in api(ana, "GET", "/jobs?q=data").json()] == [(True, True, None)]
    assert mark(api(ana, "GET", f"/jobs/{jid}").json()) == (True, True, None)
    assert [mark(j) for j in api(cy, "GET", "/jobs?q=data").json()] == [(False, False, 1)]
    assert mark(api(dee, "GET", f"/jobs/{jid}").json()) == (False, False, None)
    assert api(dee, "PUT", f"/jobs/{jid}/saved").status_code == 204  # saved, not applied
    assert [mark(j) for j in api(dee, "GET", "/jobs?q=data").json()] == [(True, False, None)]
    # followers of Globex hear of new jobs, through the background task
    from weakties.model.tables import Follow, Member, Organization

    with store.engine.begin() as conn:
        dee_id = conn.execute(select(Member.id).where(Member.handle == "dee")).scalar_one()
        org = conn.execute(select(Organization.id).where(Organization.name == "Globex")).scalar()
        conn.execute(
            Follow.__table__.insert().values(member_id=dee_id, organization_id=org, active=True)
        )
    second = api(cy, "POST", "/jobs", {"organization": "Globex", "title": "Analyst"}).json()
    run_due(store)
    assert any(
        n["kind"] == "job" and n["link"] == f"/jobs/{second['id']}"
        for n in api(dee, "GET", "/notifications").json()
    )
    assert api(cy, "POST", f"/jobs/{jid}/close").status_code == 204
    assert api(dee, "GET", f"/jobs/{jid}").status_code == 404
    assert api(ana, "GET", f"/jobs/{jid}").json()["status"] == "closed"  # she applied


def test_expired_jobs_close_in_the_background(people, store):
    from sqlalchemy import update

    from weakties.model.tables import JobPosting
    from weakties.service.tasks import run_due, schedule_periodic

    _employ(store, "cyd", "Initech")
    jid = api(
        people["cyd"], "POST", "/jobs", {"organization": "Initech", "title": "Tester"}
    ).json()["id"]
    with store.engine.begin() as conn:
        conn.execute(update(JobPosting).values(expires_on=dt.date(2020, 1, 1)))
    schedule_periodic(store)
    run_due(store)
    assert api(people["ana"], "GET", "/jobs").json() == []
    assert api(people["cyd"], "GET", f"/jobs/{jid}").json()["status"] == "closed"


def test_report_and_hide_and_suspend(people, store):
    ana, bo, opal = people["ana"], people["bob"], people["opal"]
    pid = api(bo, "POST", "/posts", {"body": "Something rude"}).json()["id"]
    assert (
        api(
            ana, "POST", "/reports", {"kind": "post", "target": str(pid), "reason": "rude"}
        ).status_code
        == 201
    )
    assert api(ana, "GET", "/moderation/reports").status_code == 404
    assert ana.get("/moderation").status_code == 404
    queue = api(opal, "GET", "/moderation/reports").json()
    assert [(r["kind"], r["text"], r["subject"]["handle"]) for r in queue] == [
        ("post", "Something rude", "bob")
    ]
    no_reason = api(opal, "POST", f"/moderation/reports/{queue[0]['id']}", {"decision": "hide"})
    assert no_reason.status_code == 422 and list(no_reason.json()["fields"]) == ["reason"]
    done = api(
        opal,
        "POST",
        f"/moderation/reports/{queue[0]['id']}",
        {"decision": "hide", "reason": "Insults"},
    )
    assert done.status_code == 204
    assert api(ana, "GET", f"/posts/{pid}").status_code == 404
    own = api(bo, "GET", f"/posts/{pid}").json()
    assert own["hidden_reason"] == "Insults"
    assert "Hidden by the operator: Insults" in bo.get(f"/posts/{pid}").text
    photo = io.BytesIO()
    Image.new("RGB", (50, 50), (10, 20, 30)).save(photo, format="PNG")
    assert (
        bo.post(
            "/api/v1/me/photo",
            files={"photo": ("bo.png", photo.getvalue(), "image/png")},
            headers=api_headers(bo),
        ).status_code
        == 204
    )
    assert api(ana, "GET", "/profiles/bob/photo").status_code == 200
    # a member report, then a suspension: Bo reads, writes nothing, and is seen by nobody
    rid = api(
        ana, "POST", "/reports", {"kind": "member", "target": "bob", "reason": "spam"}
    ).json()["id"]
    assert (
        api(
            opal, "POST", f"/moderation/reports/{rid}", {"decision": "suspend", "reason": "Spam"}
        ).status_code
        == 204
    )
    refused = api(bo, "POST", "/posts", {"body": "I am back"})
    assert refused.status_code == 409 and "suspended: Spam" in refused.json()["error"]
    assert api(ana, "POST", "/conversations", {"to": ["bob"], "body": "hi"}).status_code == 404
    # a suspended member's profile is the operator's (and their own) to read: to the
    # other members it answers as an unknown handle does
    assert api(ana, "GET", "/profiles/bob").status_code == 404
    assert ana.get("/in/bob").status_code == ana.get("/in/nobody-here").status_code == 404
    assert api(opal, "GET", "/profiles/bob").status_code == 200
    assert opal.get("/in/bob").status_code == 200
    assert bo.get("/in/bob").status_code == 200
    assert api(ana, "GET", "/profiles/bob/photo").status_code == 404
    assert ana.get("/photos/bob.jpg").status_code == 404
    assert api(opal, "GET", "/profiles/bob/photo").status_code == 200


def test_export_and_deletion_include_the_members_posts_and_messages(people, store):
    ana, bo = people["ana"], people["bob"]
    pid = api(ana, "POST", "/posts", {"body": "My own words"}).json()["id"]
    api(bo, "POST", f"/posts/{pid}/comments", {"body": "Bo's comment"})
    api(ana, "POST", f"/posts/{pid}/comments", {"body": "Ana's comment"})
    api(ana, "POST", "/conversations", {"to": ["bob"], "body": "Ana's message"})
    archive = zipfile.ZipFile(io.BytesIO(ana.get("/api/v1/me/export").content))
    text = {name: archive.read(name).decode() for name in archive.namelist()}
    assert "My own words" in text["posts.json"]
    assert "Ana's comment" in text["comments.json"] and "Bo's comment" not in text["comments.json"]
    assert "Ana's message" in text["messages.json"]
    gone = api(ana, "POST", "/me/delete", {"password": PASSWORD})
    assert gone.status_code == 204
    with store.engine.connect() as conn:
        # the post stays for Bo's comment, without a word of Ana's
        left_posts = conn.execute(select(Post.author_id, Post.body, Post.html)).all()
        assert left_posts == [(None, "", "")]
        assert conn.execute(select(Comment.body)).scalars().all() == ["Bo's comment"]
        assert conn.execute(select(func.count()).select_from(Message)).scalar_one() == 0
        left = conn.execute(select(Notification.kind)).scalars().all()
    assert "comment" not in left  # Bo's comment was news to Ana only


def test_a_deleted_members_post_stays_empty_for_the_comments_others_wrote(people, store):
    ana, bo, cy, dee = (people[h] for h in ("ana", "bob", "cyd", "dee"))
    pid = api(ana, "POST", "/posts", {"body": "Pelican news for @cyd"}).json()["id"]
    alone = api(ana, "POST", "/posts", {"body": "Pelican musings"}).json()["id"]
    api(ana, "POST", f"/posts/{alone}/comments", {"body": "Ana talks to herself"})
    api(bo, "PUT", f"/posts/{pid}/reaction", {"kind": "like"})
    api(ana, "PUT", f"/posts/{pid}/reaction", {"kind": "celebrate"})
    said = api(bo, "POST", f"/posts/{pid}/comments", {"body": "Bo's comment"}).json()["id"]
    api(cy, "POST", f"/posts/{pid}/comments", {"body": "Cy's reply", "parent_id": said})
    api(ana, "POST", f"/posts/{pid}/comments", {"body": "Ana's reply", "parent_id": said})
    api(ana, "POST", f"/posts/{pid}/comments", {"body": "Ana's comment"})
    share = api(bo, "POST", f"/posts/{pid}/shares", {"body": "Bo shares"}).json()["id"]
    assert api(ana, "POST", "/me/delete", {"password": PASSWORD}).status_code == 204

    shown = api(dee, "GET", f"/posts/{pid}")
    assert shown.status_code == 200, shown.text
    post = shown.json()
    assert post["author"] is None and post["html"] == ""
    assert post["reactions"]["like"] == 1 and post["reactions"]["celebrate"] == 0
    threads = [(c["html"], [r["html"] for r in c["replies"]]) for c in post["comments"]]
    assert threads == [("<p>Bo's comment</p>\n", ["<p>Cy's reply</p>\n"])]
    page = bo.get(f"/posts/{pid}").text
    assert "A deleted member&#39;s post" in page and "Cy's reply" in page
    assert "Pelican" not in page and "Ana" not in page
    assert api(cy, "POST", f"/posts/{pid}/comments", {"body": "Cy again"}).status_code == 201
    assert api(bo, "POST", f"/posts/{pid}/shares", {}).status_code == 404
    # in no list: not in the feed, not found by its words; Bo's share shows it missing
    feed = [i["post"] for i in api(bo, "GET", "/feed").json()["items"] if i["post"]]
    assert [p["id"] for p in feed] == [share] and feed[0]["shared"] is None
    assert api(bo, "GET", "/search?q=pelican&kind=posts").json()["posts"] == []
    assert api(bo, "GET", f"/posts/{alone}").status_code == 404  # nobody else commented
    with store.engine.connect() as conn:
        assert conn.execute(select(Post.id).where(Post.author_id.is_(None))).scalars().all() == [
            pid
        ]
        assert conn.execute(select(Mention.id).where(Mention.post_id == pid)).all() == []
        assert conn.execute(select(Post.id).where(matches(conn, "post", "pelican"))).all() == []
        # what told Ana (Bo's comment) and Cy (her mention) went with Ana; Bo's news of
        # Cy's reply stays
        kinds = conn.execute(select(Notification.kind).where(Notification.post_id == pid))
        assert kinds.scalars().all() == ["reply"]


def test_a_deleted_members_connections_post_stays_for_those_who_commented(people, store):
    ana, bo, cy = people["ana"], people["bob"], people["cyd"]
    pid = api(ana, "POST", "/posts", {"body": "For my connections", "audience": "connections"})
    pid = pid.json()["id"]
    api(bo, "POST", f"/posts/{pid}/comments", {"body": "Bo's comment"})
    assert api(ana, "POST", "/me/delete", {"password": PASSWORD}).status_code == 204
    assert api(bo, "GET", f"/posts/{pid}").json()["comments"][0]["html"] == "<p>Bo's comment</p>\n"
    # the audience was Ana's connections: Cy never was one, and the link tells nothing
    assert api(cy, "GET", f"/posts/{pid}").status_code == 404
    assert api(cy, "POST", f"/posts/{pid}/comments", {"body": "x"}).status_code == 404


def test_others_replies_to_a_deleted_members_comment_stay(people, store):
    ana, bo, cy = people["ana"], people["bob"], people["cyd"]
    pid = api(bo, "POST", "/posts", {"body": "Bo's news"}).json()["id"]
    asked = api(ana, "POST", f"/posts/{pid}/comments", {"body": "Ana asks"}).json()["id"]
    api(bo, "POST", f"/posts/{pid}/comments", {"body": "Bo answers", "parent_id": asked})
    api(ana, "POST", f"/posts/{pid}/comments", {"body": "Ana thanks", "parent_id": asked})
    assert api(ana, "POST", "/me/delete", {"password": PASSWORD}).status_code == 204
    shown = api(cy, "GET", f"/posts/{pid}").json()
    left = [(c["html"], c["parent_id"], c["replies"]) for c in shown["comments"]]
    # what Bo wrote stays, as a comment on his post; what Ana wrote goes
    assert len(left) == 1 and "Bo answers" in left[0][0] and left[0][1:] == (None, [])
    assert "Bo answers" in bo.get(f"/posts/{pid}").text


def test_replies_to_a_hidden_comment_stay_hidden_when_its_author_leaves(people, store):
    ana, bo, cy = people["ana"], people["bob"], people["cyd"]
    pid = api(bo, "POST", "/posts", {"body": "Bo's news"}).json()["id"]
    rude = api(ana, "POST", f"/posts/{pid}/comments", {"body": "Ana is rude"}).json()["id"]
    api(bo, "POST", f"/posts/{pid}/comments", {"body": "Bo quotes Ana", "parent_id": rude})
    with store.engine.begin() as conn:  # as the operator's queue hides it
        conn.execute(
            update(Comment).where(Comment.id == rude).values(hidden_at=dt.datetime(2026, 1, 1))
        )
    assert api(cy, "GET", f"/posts/{pid}").json()["comments"] == []
    assert api(ana, "POST", "/me/delete", {"password": PASSWORD}).status_code == 204
    assert api(cy, "GET", f"/posts/{pid}").json()["comments"] == []


def test_pages_render_in_both_languages(people):
    ana = people["ana"]
    pid = api(ana, "POST", "/posts", {"body": "Bonjour"}).json()["id"]
    for path in (
        "/feed",
        f"/posts/{pid}",
        "/messages",
        "/messages/requests",
        "/notifications",
        "/jobs",
        "/jobs/new",
        "/blocks",
        "/badges",
    ):
        assert ana.get(path).status_code == 200, path
    post_form(ana, "/settings/language", {"locale": "fr"}, page="/settings")
    page = ana.get("/feed").text
    assert "Fil d" in page and "Publier" in page
    assert csrf(ana, "/feed")


def test_a_group_discussion_reaches_the_groups_members_only(people, store):
    ana, bo, cy, dee = (people[h] for h in ("ana", "bob", "cyd", "dee"))
    _employ(store, "ana", "Lyon Data Alumni", kind="group")
    _employ(store, "cyd", "Lyon Data Alumni", kind="group")
    with store.engine.connect() as conn:
        from weakties.model.tables import Organization

        gid = conn.execute(
            select(Organization.id).where(Organization.name == "Lyon Data Alumni")
        ).scalar_one()
    outside = api(dee, "POST", "/posts", {"body": "Me too", "audience": "group", "group_id": gid})
    assert outside.status_code == 422 and list(outside.json()["fields"]) == ["group_id"]
    made = api(
        ana,
        "POST",
        "/posts",
        {"body": "Meetup on Friday, @cyd and @bob?", "audience": "group", "group_id": gid},
    )
    assert made.status_code == 201, made.text
    pid = made.json()["id"]
    assert made.json()["group"] == "Lyon Data Alumni"
    # Cy is no connection of Ana's but a member of the group; Bo is her connection but not in it
    assert '<a href="/in/cyd"' in made.json()["html"] and "/in/bob" not in made.json()["html"]
    assert api(cy, "GET", f"/posts/{pid}").status_code == 200
    for outsider in (bo, dee):
        assert api(outsider, "GET", f"/posts/{pid}").status_code == 404
        assert pid not in [i["post"]["id"] for i in api(outsider, "GET", "/feed").json()["items"]]
    item = next(i for i in api(cy, "GET", "/feed").json()["items"] if i["post"]["id"] == pid)
    assert item["why"] == [{"kind": "group", "name": "Lyon Data Alumni", "link": None, "via": None}]
    assert "a discussion in your group Lyon Data Alumni" in cy.get("/feed").text
    page = post_form(
        ana,
        "/posts",
        {"body": "From the form", "audience": "group", "group_id": str(gid)},
        page="/feed",
    )
    assert page.status_code == 303
    assert "Group: Lyon Data Alumni" in cy.get(page.headers["location"]).text

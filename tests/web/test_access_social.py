"""The access-control matrix, continued: posts, messages, notifications, jobs, safety.

The same visitors as ``test_access`` (Olga owns; Cody is her connection; Sara
her second degree; Stan a stranger; Opal the operator; an anonymous visitor),
and Olga's things: a post for her connections, a conversation with Cody, a
message request from Stan, a job at her employer, a report of her post by Cody.
Stan has blocked Sara. ``test_access.test_every_route_is_in_the_matrix`` reads
these rows too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from tests.web.conftest import api_headers
from tests.web.copies import visitors
from tests.web.test_access import API, ROLES, SIGNED, World, build_world
from weakties.web.security import CSRF_HEADER

OWNER_AND_CONNECTION = {"owner", "connection"}


def _only(roles: set[str], ok: int, refused: int, anonymous: int) -> dict[str, int]:
    return {
        "anonymous": anonymous,
        **{r: (ok if r in roles else refused) for r in ROLES if r != "anonymous"},
    }


def _page(roles: set[str], ok: int = 200) -> dict[str, int]:
    return _only(roles, ok, 404, 303)


def _api(roles: set[str], ok: int = 200) -> dict[str, int]:
    return _only(roles, ok, 404, 401)


MINE = OWNER_AND_CONNECTION
SOCIAL_MATRIX: list[tuple[str, str, str, dict[str, int], int]] = [
    ("GET", "/feed", "", SIGNED, 200),
    ("POST", "/posts", "form:post", {}, 303),
    ("GET", "/posts/{post}", "", _page(MINE), 404),
    ("POST", "/posts/{post}/comments", "form:comment", _page(MINE, 303), 404),
    ("POST", "/posts/{post}/react", "form:react", _page(MINE, 303), 404),
    ("POST", "/posts/{post}/share", "form:comment", _page(MINE, 303), 404),
    ("POST", "/posts/{post}/delete", "form", _page({"owner"}, 303), 404),
    ("GET", "/messages", "", SIGNED, 200),
    ("GET", "/messages/requests", "", SIGNED, 200),
    # Stan's request to Olga is not accepted: he may not write to her again (422)
    ("POST", "/messages", "form:message", {**SIGNED, "owner": 422, "stranger": 422}, 303),
    ("GET", "/messages/{conv}", "", _page(MINE), 404),
    ("POST", "/messages/{conv}", "form:comment", _page(MINE, 303), 404),
    ("GET", "/messages/{conv}/after/{zero}", "", _page(MINE), 404),
    ("POST", "/messages/{request}/accept", "form", _page({"owner"}, 303), 404),
    ("POST", "/messages/{request}/decline", "form", _page({"owner"}, 303), 404),
    ("GET", "/notifications", "", SIGNED, 200),
    ("POST", "/notifications/read", "form", {}, 303),
    ("GET", "/badges", "", SIGNED, 200),
    ("GET", "/jobs", "", SIGNED, 200),
    ("GET", "/jobs/new", "", SIGNED, 200),
    ("POST", "/jobs", "form:job", {**SIGNED, "owner": 303, "operator": 303}, 422),
    ("GET", "/jobs/{job}", "", SIGNED, 200),
    ("POST", "/jobs/{job}/save", "form", {}, 303),
    ("POST", "/jobs/{job}/apply", "form:note", {**SIGNED, "owner": 422}, 303),
    ("POST", "/jobs/{job}/close", "form", _page({"owner"}, 303), 404),
    # a block hides each member's profile from the other (Stan blocked Sara), as if
    # the handle did not exist; blocking asks first, on a page of its own
    ("GET", "/in/{blocked}", "", {**SIGNED, "stranger": 404}, 200),
    ("GET", "/in/{blocker}", "", {**SIGNED, "second": 404}, 200),
    ("GET", "/in/{blocked}/block", "", {**SIGNED, "stranger": 404}, 200),
    ("GET", "/in/{blocker}/block", "", {**SIGNED, "second": 404}, 200),
    ("GET", "/blocks", "", SIGNED, 200),
    ("POST", "/blocks", "form:block", {**SIGNED, "owner": 422}, 303),
    ("POST", "/blocks/{blocked}/delete", "form", _page({"stranger"}, 303), 404),
    ("POST", "/reports", "form:report", {**_page({"connection"}), "owner": 422}, 404),
    ("GET", "/moderation", "", _page({"operator"}), 404),
    ("POST", "/moderation/{report}", "form:decide", _page({"operator"}, 303), 404),
    # the API
    ("GET", "/api/v1/feed", "", API, 200),
    ("POST", "/api/v1/posts", "json:post", API, 201),
    ("GET", "/api/v1/posts/{post}", "", _api(MINE), 404),
    ("DELETE", "/api/v1/posts/{post}", "", _api({"owner"}, 204), 404),
    ("POST", "/api/v1/posts/{post}/comments", "json:comment", _api(MINE, 201), 404),
    ("PUT", "/api/v1/posts/{post}/reaction", "json:react", _api(MINE), 404),
    ("DELETE", "/api/v1/posts/{post}/reaction", "", _api(MINE), 404),
    ("POST", "/api/v1/posts/{post}/shares", "json:share", _api(MINE, 201), 404),
    ("GET", "/api/v1/conversations", "", API, 200),
    ("POST", "/api/v1/conversations", "json:message", {**API, "owner": 422, "stranger": 422}, 201),
    ("GET", "/api/v1/conversations/{conv}", "", _api(MINE), 404),
    ("GET", "/api/v1/conversations/{conv}/messages", "", _api(MINE), 404),
    ("POST", "/api/v1/conversations/{conv}/messages", "json:comment", _api(MINE, 201), 404),
    ("POST", "/api/v1/conversations/{request}/accept", "", _api({"owner"}, 204), 404),
    ("POST", "/api/v1/conversations/{request}/decline", "", _api({"owner"}, 204), 404),
    ("GET", "/api/v1/notifications", "", API, 200),
    ("GET", "/api/v1/notifications/counts", "", API, 200),
    ("POST", "/api/v1/notifications/read", "json:read", API, 204),
    ("GET", "/api/v1/jobs", "", API, 200),
    ("POST", "/api/v1/jobs", "json:job", {**API, "owner": 201, "operator": 201}, 422),
    ("GET", "/api/v1/jobs/{job}", "", API, 200),
    ("PUT", "/api/v1/jobs/{job}/saved", "", API, 204),
    ("DELETE", "/api/v1/jobs/{job}/saved", "", API, 204),
    ("POST", "/api/v1/jobs/{job}/applications", "json:note", {**API, "owner": 422}, 204),
    ("GET", "/api/v1/jobs/{job}/applications", "", _api({"owner"}), 404),
    ("POST", "/api/v1/jobs/{job}/close", "", _api({"owner"}, 204), 404),
    ("GET", "/api/v1/profiles/{blocked}", "", {**API, "stranger": 404}, 200),
    ("GET", "/api/v1/profiles/{blocker}", "", {**API, "second": 404}, 200),
    ("GET", "/api/v1/blocks", "", API, 200),
    ("POST", "/api/v1/blocks", "json:block", {**API, "owner": 422}, 201),
    ("DELETE", "/api/v1/blocks/{blocked}", "", _api({"stranger"}, 204), 404),
    ("POST", "/api/v1/reports", "json:report", {**_api({"connection"}, 201), "owner": 422}, 404),
    ("GET", "/api/v1/moderation/reports", "", _api({"operator"}), 404),
    ("POST", "/api/v1/moderation/reports/{report}", "json:decide", _api({"operator"}, 204), 404),
]


def build_social(app: Any, store: Any) -> World:
    """Olga's world with her posts, conversations, a job, a report and a block."""
    from weakties.model.tables import Member, Organization, Position

    world = build_world(app, store)
    c = world.clients

    def call(role: str, method: str, path: str, body: Any = None) -> Any:
        answer = c[role].request(method, path, json=body, headers=api_headers(c[role]))
        assert answer.status_code < 300, answer.text
        return answer.json() if answer.content else None

    world.ids["post"] = call(
        "owner", "POST", "/api/v1/posts", {"body": "Olga's news", "audience": "connections"}
    )["id"]
    world.ids["conv"] = call(
        "owner", "POST", "/api/v1/conversations", {"to": ["cody"], "body": "Hi Cody"}
    )["id"]
    world.ids["request"] = call(
        "stranger", "POST", "/api/v1/conversations", {"to": ["olga"], "body": "Hello Olga"}
    )["id"]
    world.ids["zero"] = 0
    with store.engine.begin() as conn:
        member, person = conn.execute(
            select(Member.id, Member.person_id).where(Member.handle == "olga")
        ).one()
        # the shared world may know Acme already (Olga's profile names it)
        org = (
            conn.execute(
                select(Organization.id).where(
                    Organization.norm_name == "acme", Organization.kind == "organization"
                )
            ).scalar()
            or conn.execute(
                Organization.__table__.insert()
                .values(name="Acme", norm_name="acme", kind="organization")
                .returning(Organization.id)
            ).scalar_one()
        )
        conn.execute(
            Position.__table__.insert().values(
                person_id=person,
                organization_id=org,
                kind="job",
                title="CTO",
                is_current=True,
                asserted_by=member,
                source="manual",
                natural_key="access-olga-acme",
            )
        )
    world.ids["job"] = call(
        "owner", "POST", "/api/v1/jobs", {"organization": "Acme", "title": "Engineer"}
    )["id"]
    world.ids["report"] = call(
        "connection",
        "POST",
        "/api/v1/reports",
        {"kind": "post", "target": str(world.ids["post"]), "reason": "spam"},
    )["id"]
    call("stranger", "POST", "/api/v1/blocks", {"handle": "sara"})
    world.ids["blocked"] = "sara"
    world.ids["blocker"] = "stan"
    return world


@pytest.fixture
def social(world_copies, backend, request, tmp_path) -> Iterator[World]:
    with world_copies.copy("social", build_social, request, tmp_path) as (copied, _store):
        yield copied


def _body(kind: str, world: World) -> dict[str, Any]:
    _, _, name = kind.partition(":")
    bodies: dict[str, dict[str, Any]] = {
        "post": {"body": "Hello all", "audience": "everyone"},
        "comment": {"body": "Well said"},
        "react": {"kind": "like"},
        "share": {"body": "Worth reading"},
        "message": {"to": "olga", "body": "Hello there, Olga"},
        "job": {"organization": "Acme", "title": "Designer"},
        "note": {"note": "I would like to apply"},
        "block": {"handle": "olga"},
        "report": {"kind": "post", "target": str(world.ids["post"]), "reason": "not nice"},
        "decide": {"decision": "dismiss"},
        "read": {},
    }
    body = dict(bodies.get(name, {}))
    if kind.startswith("json") and name == "message":
        body["to"] = [body["to"]]
    return body


def _call(world: World, role: str, method: str, path: str, kind: str) -> int:
    client = world.clients[role]
    url = path.format(owner="olga", **world.ids)
    if kind.startswith("form"):
        data = {"csrf_token": world.tokens[role], **_body(kind, world)}
        return client.request(method, url, data=data, follow_redirects=False).status_code
    headers = {CSRF_HEADER: world.tokens[role]} if role != "anonymous" and method != "GET" else {}
    json = _body(kind, world) if kind.startswith("json") else None
    return client.request(
        method, url, json=json, headers=headers, follow_redirects=False
    ).status_code


@pytest.mark.parametrize(
    ("method", "path", "kind", "special", "default"),
    SOCIAL_MATRIX,
    ids=[f"{m} {p}" for m, p, *_ in SOCIAL_MATRIX],
)
def test_access(world_copies, request, backend, method, path, kind, special, default):
    expected = {role: special.get(role, default) for role in ROLES}
    order = visitors(expected, backend)
    # rows that only read share one served copy; a row that writes gets its own
    seen = (
        world_copies.reading("social", build_social, request)
        if method == "GET"
        else request.getfixturevalue("social")
    )
    got = {role: _call(seen, role, method, path, kind) for role in order}
    assert got == {role: expected[role] for role in order}


def test_nobody_reads_what_is_not_theirs(social):
    """Beyond the status: lists never carry another member's post, conversation or request."""
    c = social.clients
    for role in ("stranger", "second", "operator"):
        feed = c[role].get("/api/v1/feed").json()
        assert all(
            i["post"] is None or i["post"]["id"] != social.ids["post"] for i in feed["items"]
        )
        inbox = c[role].get("/api/v1/conversations").json()
        assert social.ids["conv"] not in {x["id"] for x in inbox}
        requests = c[role].get("/api/v1/conversations?state=request").json()
        assert social.ids["request"] not in {x["id"] for x in requests}
        assert "Olga's news" not in c[role].get("/feed").text
        assert "Hi Cody" not in c[role].get("/messages").text
        # nor does search find the post, on the page or through the API
        found = c[role].get("/api/v1/search?q=olga+news").json()
        assert social.ids["post"] not in {p["id"] for p in found["posts"]}, role
        assert "Olga&#39;s news" not in c[role].get("/search?q=olga+news&kind=posts").text
    for role in ("owner", "connection"):
        found = c[role].get("/api/v1/search?q=olga+news&kind=posts").json()
        assert [p["id"] for p in found["posts"]] == [social.ids["post"]], role
        assert "Olga&#39;s news" in c[role].get("/search?q=olga+news").text, role
    # the job is found by its title by every member, with the network line
    for role in ("stranger", "connection"):
        jobs = c[role].get("/api/v1/search?q=engineer&kind=jobs").json()["jobs"]
        assert social.ids["job"] in {j["id"] for j in jobs}, role
    assert "Hello Olga" not in c["connection"].get("/messages/requests").text
    assert [x["id"] for x in c["owner"].get("/api/v1/conversations?state=request").json()] == [
        social.ids["request"]
    ]

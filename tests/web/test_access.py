"""The access-control matrix: every page and API route × every kind of visitor.

Olga owns the resources. Around her: Cody (her connection), Sara (Cody's
connection: Olga's second degree), Stan (a stranger), Opal (the operator, first
account, connected to nobody) and an anonymous visitor. For every route each of
them gets exactly the status written below; a route added to the app without a
row here fails ``test_every_route_is_in_the_matrix``.

Rows run their visitors in the order of the table with the ones expected to
succeed last: a refused request writes nothing, so the visitors before cannot
change what the last one finds.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from PIL import Image

from tests.web.conftest import PASSWORD, api_headers, sign_up
from tests.web.copies import World, visitors
from weakties.web.security import CSRF_HEADER

ROLES = ("anonymous", "stranger", "second", "connection", "operator", "owner")
HANDLES = {
    "operator": "opal",
    "owner": "olga",
    "connection": "cody",
    "second": "sara",
    "stranger": "stan",
}


def _invite(client: TestClient, handle: str, note: str | None = "Hello") -> int:
    sent = client.post(
        "/api/v1/invitations", json={"handle": handle, "note": note}, headers=api_headers(client)
    )
    assert sent.status_code == 201, sent.text
    return int(sent.json()["id"])


def _accept(client: TestClient, invitation: int) -> None:
    done = client.post(
        f"/api/v1/invitations/{invitation}/accept", json={}, headers=api_headers(client)
    )
    assert done.status_code == 200, done.text


def build_world(app: Any, store: Any) -> World:
    """Olga's world, built once per backend (``world`` hands out copies)."""
    clients = {role: TestClient(app) for role in ROLES}
    for client in clients.values():
        client.__enter__()
    for role in ("operator", "owner", "connection", "second", "stranger"):
        handle = HANDLES[role]
        sign_up(clients[role], handle.title(), f"{handle}@example.org", handle=handle)
    _accept(clients["connection"], _invite(clients["owner"], "cody"))
    _accept(clients["second"], _invite(clients["connection"], "sara"))
    w = World(clients)
    token = clients["owner"].post(
        "/api/v1/tokens", json={"name": "olga's"}, headers=api_headers(clients["owner"])
    )
    w.ids["token"] = token.json()["id"]
    photo = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 20, 30)).save(photo, format="PNG")
    uploaded = clients["owner"].post(
        "/api/v1/me/photo",
        files={"photo": ("olga.png", photo.getvalue(), "image/png")},
        headers=api_headers(clients["owner"]),
    )
    assert uploaded.status_code == 204
    owner = clients["owner"]
    added = owner.post(
        "/api/v1/me/positions",
        json={"organization": "Acme", "title": "Engineer", "start": "2020-01"},
        headers=api_headers(owner),
    )
    w.ids["position"] = added.json()["id"]
    owner.post("/api/v1/me/skills", json={"skill": "Python"}, headers=api_headers(owner))
    cody = clients["connection"]
    endorsed = cody.post(
        "/api/v1/profiles/olga/endorsements", json={"skill": "Python"}, headers=api_headers(cody)
    )
    assert endorsed.status_code == 204
    recommended = cody.post(
        "/api/v1/profiles/olga/recommendations",
        json={"text": "Olga delivers"},
        headers=api_headers(cody),
    )
    w.ids["recommendation"] = recommended.json()["id"]
    w.ids["contact"] = owner.get("/api/v1/profiles/olga").json()["contact"][0]["id"]
    w.ids["org"] = owner.get("/api/v1/profiles/olga").json()["experience"][0]["organization_id"]
    circle = owner.post(
        "/api/v1/groups",
        json={"name": "Olga's circle", "access": "request"},
        headers=api_headers(owner),
    )
    w.ids["group"] = circle.json()["id"]
    for role in ("connection", "second"):
        asked = clients[role].post(
            f"/api/v1/groups/{w.ids['group']}/join", headers=api_headers(clients[role])
        )
        assert asked.json() == {"state": "requested"}
    accepted = owner.post(
        f"/api/v1/groups/{w.ids['group']}/requests/cody",
        json={"accept": True},
        headers=api_headers(owner),
    )
    assert accepted.status_code == 204
    w.ids["to_stan"] = _invite(clients["owner"], "stan", "Hello Stan")  # Olga -> Stan
    w.ids["from_sara"] = _invite(clients["second"], "olga", None)  # Sara -> Olga, no note
    (tie,) = clients["owner"].get("/api/v1/network/ties").json()["ties"]
    w.ids["cody_person"] = tie["id"]  # Olga's tie with Cody
    # Sara asks Cody to introduce her to Olga: only those two see it before a forward
    sara = clients["second"]
    asked = sara.post(
        "/api/v1/introductions",
        json={**_body("json:intro", "second"), "body": "Sara's first words to Cody"},
        headers=api_headers(sara),
    )
    assert asked.status_code == 201, asked.text
    w.ids["intro"] = asked.json()["id"]
    # Olga uploads her LinkedIn export: its import's page is hers only
    w.ids["upload"] = _upload_export(owner)
    return w


def _upload_export(client: TestClient) -> int:
    from tests.support import connections, profile, url
    from weakties.service.uploads import wait_for_imports

    export = io.BytesIO()
    with zipfile.ZipFile(export, "w") as archive:
        archive.writestr("Profile.csv", profile("Olga", ""))
        archive.writestr(
            "Connections.csv", connections([["Dee", "Vo", url("dee"), "", "", "", "2 Mar 2024"]])
        )
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/settings/import").text)
    assert token is not None
    posted = client.post(
        "/settings/import",
        data={"csrf_token": token.group(1)},
        files={"export": ("export.zip", export.getvalue(), "application/zip")},
        follow_redirects=False,
    )
    assert posted.status_code == 303, posted.text
    assert wait_for_imports(60)
    return int(posted.headers["location"].rsplit("/", 1)[1])


@pytest.fixture
def world(world_copies, backend, request, tmp_path) -> Iterator[World]:
    with world_copies.copy("access", build_world, request, tmp_path) as (copied, _store):
        yield copied


# (method, path template, body kind, {role: status}); unlisted roles: the default
SIGNED = {"anonymous": 303}  # pages: visitors are sent to sign in
API = {"anonymous": 401}
# Cody is a tie of Olga's and of Sara's: only they answer reminders about him
OWN_TIE_FORM = {**SIGNED, "owner": 303, "second": 303}
OWN_TIE = {**API, "owner": 200, "second": 200}
MATRIX: list[tuple[str, str, str, dict[str, int], int]] = [
    # pages anyone may see
    ("GET", "/", "", {}, 200),
    ("GET", "/signup", "", {}, 200),
    ("GET", "/signin", "", {}, 200),
    ("GET", "/password/forgot", "", {}, 200),
    ("GET", "/password/reset", "", {}, 200),
    ("POST", "/signup", "form:signup", {}, 303),
    ("POST", "/signin", "form:signin", {}, 303),
    ("POST", "/signout", "form", {}, 303),
    ("POST", "/password/forgot", "form:email", {}, 200),
    ("POST", "/password/reset", "form:reset", {}, 422),  # no valid link for anyone
    ("POST", "/language", "form:locale", {}, 303),
    # a member's own pages
    ("GET", "/settings", "", SIGNED, 200),
    ("POST", "/settings/language", "form:locale", SIGNED, 303),
    ("POST", "/settings/tokens", "form:token", SIGNED, 200),
    # sign-up is open in this world: no invitation links to make
    ("POST", "/settings/invitations", "form", SIGNED, 404),
    ("POST", "/settings/tokens/{token}/delete", "form", {**SIGNED, "owner": 303}, 404),
    ("GET", "/settings/export", "", SIGNED, 200),
    ("POST", "/settings/do-not-ask", "form:do_not_ask", SIGNED, 303),
    # each deletes their own account; the only operator cannot leave
    ("POST", "/settings/delete", "form:password", {**SIGNED, "operator": 409}, 303),
    ("GET", "/settings/profile", "", SIGNED, 200),
    ("POST", "/settings/profile", "form:profile", SIGNED, 303),
    ("POST", "/settings/photo", "form:photo", SIGNED, 422),  # no file: refused for all
    ("POST", "/settings/photo/delete", "form", SIGNED, 303),
    ("GET", "/settings/import", "", SIGNED, 200),
    ("POST", "/settings/import", "form", SIGNED, 422),  # no file: refused for all
    # an uploaded export's import: its uploader's only
    ("GET", "/settings/import/{upload}", "", {**SIGNED, "owner": 200}, 404),
    ("GET", "/photos/{owner}.jpg", "", SIGNED, 200),
    ("GET", "/network", "", SIGNED, 200),
    ("GET", "/in/{owner}", "", SIGNED, 200),
    # only an operator makes another member operator
    ("POST", "/in/{owner}/operator", "form", {**SIGNED, "operator": 303}, 403),
    # a profile's sections: each edits their own; endorsing is for connections
    ("GET", "/settings/career", "", SIGNED, 200),
    ("POST", "/settings/career", "form:position", SIGNED, 303),
    ("POST", "/settings/career/{position}", "form:position", {**SIGNED, "owner": 303}, 404),
    ("POST", "/settings/career/{position}/delete", "form", {**SIGNED, "owner": 303}, 404),
    ("POST", "/settings/skills", "form:skill", SIGNED, 303),
    ("POST", "/settings/skills/delete", "form:skill", {**SIGNED, "owner": 303}, 404),
    ("POST", "/settings/contact/{contact}", "form:visibility", {**SIGNED, "owner": 303}, 404),
    ("POST", "/in/{owner}/endorse", "form:skill", {**SIGNED, "connection": 303}, 422),
    ("POST", "/in/{owner}/endorse/withdraw", "form:skill", {**SIGNED, "connection": 303}, 404),
    # recommending is for connections; showing it is its recipient's, taking it back its writer's
    ("POST", "/in/{owner}/recommend", "form:recommend", {**SIGNED, "connection": 303}, 422),
    ("POST", "/in/{owner}/recommend/withdraw", "form", {**SIGNED, "connection": 303}, 404),
    (
        "POST",
        "/settings/recommendations/{recommendation}",
        "form:show",
        {**SIGNED, "owner": 303},
        404,
    ),
    # organisations and groups: pages for every member; following for anyone but oneself;
    # answering requests (Sara's) for moderators, roles for owners; the only owner stays
    ("GET", "/orgs/{org}", "", SIGNED, 200),
    ("POST", "/orgs/{org}/follow", "form", SIGNED, 303),
    ("POST", "/orgs/{org}/unfollow", "form", SIGNED, 404),
    # a company's page: nobody administers Acme yet and nobody is there now (Olga's
    # position there is not current); the operator edits it, cannot make herself its
    # admin (she is not there) and finds no admin to remove; the others are refused
    ("POST", "/orgs/{org}/about", "form:org", {**SIGNED, "operator": 303}, 409),
    ("POST", "/orgs/{org}/admins", "form:admin", {**SIGNED, "operator": 422}, 409),
    ("POST", "/orgs/{org}/admins/{owner}/delete", "form", {**SIGNED, "operator": 404}, 409),
    ("POST", "/in/{owner}/follow", "form", {**SIGNED, "owner": 409}, 303),
    ("POST", "/in/{owner}/unfollow", "form", {**SIGNED, "owner": 409}, 404),
    ("GET", "/following", "", SIGNED, 200),
    ("GET", "/search", "", SIGNED, 200),
    ("GET", "/search/suggest", "", SIGNED, 200),
    ("GET", "/groups", "", SIGNED, 200),
    ("POST", "/groups", "form:group", SIGNED, 303),
    ("GET", "/groups/{group}", "", SIGNED, 200),
    ("POST", "/groups/{group}/join", "form", SIGNED, 303),
    (
        "POST",
        "/groups/{group}/leave",
        "form",
        {**SIGNED, "owner": 409, "connection": 303, "second": 303},
        404,
    ),
    ("POST", "/groups/{group}/requests/sara", "form:accept", {**SIGNED, "owner": 303}, 409),
    ("POST", "/groups/{group}/members/cody/role", "form:role", {**SIGNED, "owner": 303}, 409),
    # connecting: each action is its recipient's, sender's or party's alone
    # inviting Olga: herself, her connection, and the two with an invitation pending
    # between them and her cannot; only the operator (a stranger with a note) can
    (
        "POST",
        "/network/invitations",
        "form:invite",
        {**SIGNED, "operator": 303},
        422,
    ),
    ("POST", "/network/invitations/{to_stan}/accept", "form", {**SIGNED, "stranger": 303}, 404),
    ("POST", "/network/invitations/{to_stan}/ignore", "form", {**SIGNED, "stranger": 303}, 404),
    ("POST", "/network/invitations/{to_stan}/withdraw", "form", {**SIGNED, "owner": 303}, 404),
    (
        "POST",
        "/network/connections/{owner}/remove",
        "form",
        {**SIGNED, "connection": 303},
        404,
    ),
    # the network pages: each member reads and corrects only their own ties (Cody is
    # a tie of Olga's and of Sara's; Cody himself and the others have no tie with him)
    ("GET", "/network/ties", "", SIGNED, 200),
    ("GET", "/network/graph", "", SIGNED, 200),
    ("GET", "/network/people?figure=second_degree", "", SIGNED, 200),
    ("GET", "/network/ties/{cody_person}", "", {**SIGNED, "owner": 200, "second": 200}, 404),
    (
        "POST",
        "/network/ties/{cody_person}/correct",
        "form:said",
        {**SIGNED, "owner": 303, "second": 303},
        404,
    ),
    # keep in touch: each member reads and answers only the reminders of their own ties
    ("GET", "/network/keep-in-touch", "", SIGNED, 200),
    ("POST", "/network/keep-in-touch/cadences", "form:cadences", SIGNED, 303),
    *[
        ("POST", f"/network/keep-in-touch/{{cody_person}}/{verb}", kind, OWN_TIE_FORM, 404)
        for verb, kind in (("snooze", "form:until"), ("dismiss", "form"), ("restore", "form"))
    ],
    # the brief about Olga is each member's own; Olga has none about herself
    ("GET", "/in/{owner}/brief", "", {**SIGNED, "owner": 404}, 200),
    ("GET", "/api/v1/profiles/{owner}/brief", "", {**API, "owner": 404}, 200),
    # people you may know, opportunities, opinion leaders: each member's own lists;
    # one click invites under the invitation rules (only Opal may still invite Olga)
    ("GET", "/network/people-you-may-know", "", SIGNED, 200),
    ("GET", "/network/opportunities", "", SIGNED, 200),
    ("GET", "/network/opinion-leaders", "", SIGNED, 200),
    ("POST", "/network/invite", "form:invite", {**SIGNED, "operator": 303}, 422),
    ("POST", "/network/opinion-leaders/{owner}/follow", "form", {**SIGNED, "owner": 409}, 303),
    ("GET", "/api/v1/network/people-you-may-know", "", API, 200),
    ("GET", "/api/v1/network/opportunities", "", API, 200),
    ("GET", "/api/v1/network/opinion-leaders", "", API, 200),
    ("GET", "/api/v1/network/keep-in-touch", "", API, 200),
    ("PUT", "/api/v1/network/keep-in-touch/cadences", "json:cadences", API, 200),
    ("POST", "/api/v1/network/keep-in-touch/{cody_person}/snooze", "json:until", OWN_TIE, 404),
    ("POST", "/api/v1/network/keep-in-touch/{cody_person}/dismiss", "", OWN_TIE, 404),
    (
        "DELETE",
        "/api/v1/network/keep-in-touch/{cody_person}",
        "",
        {**API, "owner": 204, "second": 204},
        404,
    ),
    # the API
    ("GET", "/api/v1/network", "", API, 200),
    ("GET", "/api/v1/network/ties", "", API, 200),
    ("GET", "/api/v1/network/people?figure=second_degree", "", API, 200),
    ("GET", "/api/v1/network/graph", "", API, 200),
    ("GET", "/api/v1/network/ties/{cody_person}", "", {**API, "owner": 200, "second": 200}, 404),
    (
        "PUT",
        "/api/v1/network/ties/{cody_person}/correction",
        "json:said",
        {**API, "owner": 200, "second": 200},
        404,
    ),
    ("GET", "/api/v1/me", "", API, 200),
    ("GET", "/api/v1/me/export", "", API, 200),
    ("PUT", "/api/v1/me/profile", "json:profile", API, 200),
    ("GET", "/api/v1/me/do-not-ask", "", API, 200),
    ("PUT", "/api/v1/me/do-not-ask", "json:do_not_ask", API, 200),
    ("GET", "/api/v1/suggestions", "", API, 200),
    ("POST", "/api/v1/me/photo", "", API, 422),  # no file
    ("DELETE", "/api/v1/me/photo", "", API, 204),
    ("GET", "/api/v1/profiles/{owner}/photo", "", API, 200),
    ("POST", "/api/v1/me/delete", "json:password", {**API, "operator": 409}, 204),
    ("GET", "/api/v1/tokens", "", API, 200),
    ("POST", "/api/v1/tokens", "json:token", API, 201),
    ("DELETE", "/api/v1/tokens/{token}", "", {**API, "owner": 204}, 404),
    ("GET", "/api/v1/profiles/{owner}", "", API, 200),
    ("POST", "/api/v1/members/{owner}/operator", "", {**API, "operator": 204}, 403),
    ("GET", "/api/v1/invitations", "", API, 200),
    ("POST", "/api/v1/invitations", "json:invite", {**API, "operator": 201}, 422),
    ("POST", "/api/v1/invitations/{from_sara}/accept", "json:answer", {**API, "owner": 200}, 404),
    ("POST", "/api/v1/invitations/{from_sara}/ignore", "", {**API, "owner": 200}, 404),
    ("POST", "/api/v1/invitations/{to_stan}/withdraw", "", {**API, "owner": 200}, 404),
    ("GET", "/api/v1/connections", "", API, 200),
    ("DELETE", "/api/v1/connections/{owner}", "", {**API, "connection": 204}, 404),
    ("POST", "/api/v1/me/positions", "json:position", API, 201),
    ("PUT", "/api/v1/me/positions/{position}", "json:position", {**API, "owner": 204}, 404),
    ("DELETE", "/api/v1/me/positions/{position}", "", {**API, "owner": 204}, 404),
    ("POST", "/api/v1/me/skills", "json:skill", API, 201),
    ("POST", "/api/v1/me/skills/remove", "json:skill", {**API, "owner": 204}, 404),
    (
        "POST",
        "/api/v1/profiles/{owner}/endorsements",
        "json:skill",
        {**API, "connection": 204},
        422,
    ),
    (
        "POST",
        "/api/v1/profiles/{owner}/endorsements/withdraw",
        "json:skill",
        {**API, "connection": 204},
        404,
    ),
    ("PUT", "/api/v1/me/contact/{contact}", "json:visibility", {**API, "owner": 204}, 404),
    ("GET", "/api/v1/orgs/{org}", "", API, 200),
    ("POST", "/api/v1/orgs/{org}/follow", "", API, 204),
    ("DELETE", "/api/v1/orgs/{org}/follow", "", API, 404),
    ("PUT", "/api/v1/orgs/{org}", "json:org", {**API, "operator": 204}, 409),
    ("POST", "/api/v1/orgs/{org}/admins", "json:admin", {**API, "operator": 422}, 409),
    ("DELETE", "/api/v1/orgs/{org}/admins/{owner}", "", {**API, "operator": 404}, 409),
    ("POST", "/api/v1/members/{owner}/follow", "", {**API, "owner": 409}, 204),
    ("DELETE", "/api/v1/members/{owner}/follow", "", {**API, "owner": 409}, 404),
    ("GET", "/api/v1/following", "", API, 200),
    ("GET", "/api/v1/search", "", API, 200),
    ("GET", "/api/v1/groups", "", API, 200),
    ("POST", "/api/v1/groups", "json:group", API, 201),
    ("GET", "/api/v1/groups/{group}", "", API, 200),
    ("POST", "/api/v1/groups/{group}/join", "", API, 200),
    (
        "POST",
        "/api/v1/groups/{group}/leave",
        "",
        {**API, "owner": 409, "connection": 204, "second": 204},
        404,
    ),
    (
        "POST",
        "/api/v1/groups/{group}/requests/sara",
        "json:accept",
        {**API, "owner": 204},
        409,
    ),
    ("PUT", "/api/v1/groups/{group}/members/cody", "json:role", {**API, "owner": 204}, 409),
    (
        "POST",
        "/api/v1/profiles/{owner}/recommendations",
        "json:recommend",
        {**API, "connection": 201},
        422,
    ),
    ("DELETE", "/api/v1/profiles/{owner}/recommendations", "", {**API, "connection": 204}, 404),
    (
        "PUT",
        "/api/v1/me/recommendations/{recommendation}",
        "json:shown",
        {**API, "owner": 204},
        404,
    ),
    # introductions: Sara's request through Cody is seen and answered by Cody alone;
    # a second request is refused by etiquette (Sara's open ask; nobody else's contact),
    # asking oneself or for oneself is a form error
    ("GET", "/network/introductions", "", SIGNED, 200),
    # "who can introduce me" alone (where a page's section loads from when it was not
    # ready with the page): to a member, to no one said (a form error)
    ("GET", "/introducers?person={owner}", "", SIGNED, 200),
    ("GET", "/introducers", "", SIGNED, 422),
    ("GET", "/network/introductions/new", "", SIGNED, 404),  # no broker named
    (
        "POST",
        "/network/introductions",
        "form:intro",
        {**SIGNED, "owner": 422, "connection": 422},
        409,
    ),
    (
        "POST",
        "/network/introductions/{intro}/forward",
        "form:note",
        {**SIGNED, "connection": 303},
        404,
    ),
    ("POST", "/network/introductions/{intro}/decline", "form", {**SIGNED, "connection": 303}, 404),
    ("POST", "/network/introductions/{intro}/withdraw", "form", {**SIGNED, "second": 303}, 404),
    ("GET", "/api/v1/introductions", "", API, 200),
    ("GET", "/api/v1/introductions/paths", "", API, 422),  # no organisation, member or job
    (
        "GET",
        "/api/v1/introductions/draft?broker=cody&to=olga",
        "",
        {**API, "owner": 422, "connection": 422},
        200,
    ),
    ("POST", "/api/v1/introductions", "json:intro", {**API, "owner": 422, "connection": 422}, 409),
    ("GET", "/api/v1/introductions/{intro}", "", {**API, "second": 200, "connection": 200}, 404),
    ("POST", "/api/v1/introductions/{intro}/forward", "json:note", {**API, "connection": 200}, 404),
    ("POST", "/api/v1/introductions/{intro}/decline", "", {**API, "connection": 200}, 404),
    ("POST", "/api/v1/introductions/{intro}/withdraw", "", {**API, "second": 200}, 404),
]


def _body(kind: str, role: str) -> dict[str, Any]:
    me = HANDLES.get(role, "anon")
    forms = {
        "signup": {"name": "New One", "email": f"new-{me}@example.org", "password": PASSWORD},
        "signin": {"email": "olga@example.org", "password": PASSWORD},
        "email": {"email": "olga@example.org"},
        "reset": {"token": "not-a-token", "password": PASSWORD},
        "locale": {"locale": "fr"},
        "token": {"name": "new"},
        "invite": {"handle": "olga", "note": "Hello Olga"},
        "answer": {"how_known": "colleague"},
        "password": {"password": PASSWORD},
        "profile": {"name": f"{me.title()} Renamed", "headline": "New headline"},
        "photo": {},
        "position": {"kind": "job", "organization": "Initech", "title": "Analyst"},
        "skill": {"skill": "Python"},
        "visibility": {"visibility": "everyone"},
        "recommend": {"relationship": "Colleague", "text": "Olga delivers"},
        "show": {"show": "yes"},
        "shown": {"shown": True},
        "group": {"name": f"{me.title()}'s group", "access": "open"},
        "accept": {"accept": "yes"} if kind.startswith("form") else {"accept": True},
        "role": {"role": "moderator"},
        "said": {"said": "close"},
        "cadences": {"cadence_5": "20"} if kind.startswith("form") else {"cadence_5": 20},
        "until": {"until": (dt.date.today() + dt.timedelta(days=10)).isoformat()},
        "intro": {"broker": "cody", "to": "olga", "body": f"{me.title()} asks Cody a favour"},
        "note": {"note": "You two should talk"},
        "org": {"about": f"{me.title()} wrote this", "website": "https://acme.example"},
        "admin": {"handle": me},
        "do_not_ask": (
            {"do_not_ask": "on", "reason": "Too busy this year"}
            if kind.startswith("form")
            else {"on": True, "reason": "Too busy this year"}
        ),
    }
    _, _, name = kind.partition(":")
    return forms.get(name, {})


def _call(world: World, role: str, method: str, path: str, kind: str) -> int:
    client = world.clients[role]
    url = path.format(owner="olga", **world.ids)
    if kind.startswith("form"):
        data = {"csrf_token": world.tokens[role], **_body(kind, role)}
        return client.request(method, url, data=data, follow_redirects=False).status_code
    headers = {CSRF_HEADER: world.tokens[role]} if role != "anonymous" and method != "GET" else {}
    json = _body(kind, role) if kind.startswith("json") else None
    return client.request(
        method, url, json=json, headers=headers, follow_redirects=False
    ).status_code


@pytest.mark.parametrize(
    ("method", "path", "kind", "special", "default"),
    MATRIX,
    ids=[f"{m} {p}" for m, p, *_ in MATRIX],
)
def test_access(world_copies, request, backend, method, path, kind, special, default):
    expected = {role: special.get(role, default) for role in ROLES}
    order = visitors(expected, backend)
    # rows that only read share one served copy; a row that writes gets its own
    seen = (
        world_copies.reading("access", build_world, request)
        if method == "GET"
        else request.getfixturevalue("world")
    )
    got = {role: _call(seen, role, method, path, kind) for role in order}
    assert got == {role: expected[role] for role in order}


def _app_routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(method, path) of every route, also inside the routers the app includes
    (which recent FastAPI versions keep as routers rather than copying their routes)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _app_routes(inner.routes, prefix + route.include_context.prefix)
        elif isinstance(route, APIRoute):
            for method in route.methods:
                yield method, prefix + route.path


def test_every_route_is_in_the_matrix(app):
    from tests.web.test_access_social import SOCIAL_MATRIX

    routes = set(_app_routes(app.routes))
    routes.discard(("GET", "/api/v1/openapi.json"))
    assert len(routes) > 150  # the walk finds the app's routes
    listed = [(m, p.split("?")[0]) for m, p, *_ in MATRIX + SOCIAL_MATRIX]

    def in_matrix(method: str, path: str) -> bool:
        # a row names a route by its own values ({intro}, cody) or placeholders
        pattern = re.compile(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(path)) + "$")
        return any(m == method and pattern.match(p) for m, p in listed)

    assert {(m, p) for m, p in routes if not in_matrix(m, p)} == set()


def test_what_each_visitor_reads(world):
    """Beyond the status: nobody reads another member's e-mail, tokens or invitations."""
    c = world.clients
    # Olga's e-mail is hers only until she says otherwise; then her connection sees it
    owner = c["owner"]
    olga_mail = f"/api/v1/me/contact/{world.ids['contact']}"
    assert (
        owner.put(
            olga_mail, json={"visibility": "connections"}, headers=api_headers(owner)
        ).status_code
        == 204
    )
    assert "olga@example.org" in str(c["connection"].get("/api/v1/profiles/olga").json())
    # Sara's request to join Olga's group: Olga (its owner) sees it, nobody else
    group = f"/api/v1/groups/{world.ids['group']}"
    assert [m["handle"] for m in owner.get(group).json()["requests"]] == ["sara"]
    for role in ("stranger", "connection", "operator"):
        assert c[role].get(group).json()["requests"] == [], role
        assert "sara" not in c[role].get(f"/groups/{world.ids['group']}").text, role
    # Cody's recommendation waits for Olga: only the two of them read it
    for role in ("stranger", "second", "operator"):
        assert "Olga delivers" not in c[role].get("/in/olga").text, role
        assert "Olga delivers" not in str(c[role].get("/api/v1/profiles/olga").json()), role
    for role in ("owner", "connection"):
        assert "Olga delivers" in c[role].get("/in/olga").text, role
    assert "olga@example.org" in c["connection"].get("/in/olga").text
    for role in ("stranger", "second", "operator"):
        assert "olga@example.org" not in c[role].get("/in/olga").text, role
    for role in ("stranger", "second", "operator"):
        profile = c[role].get("/api/v1/profiles/olga").json()
        assert "email" not in profile and "olga@example.org" not in str(profile)
    for role in ("stranger", "second", "connection", "operator"):
        assert all(t["name"] != "olga's" for t in c[role].get("/api/v1/tokens").json())
        listed = c[role].get("/api/v1/invitations").json()
        ids = {i["id"] for i in listed["received"] + listed["sent"]}
        expected = {
            "stranger": {world.ids["to_stan"]},
            "second": {world.ids["from_sara"]},
        }.get(role, set())
        assert ids == expected, role
    assert c["owner"].get("/api/v1/profiles/cody").json()["degree"] == 1
    seen_by_second = c["second"].get("/api/v1/profiles/olga").json()
    assert seen_by_second["degree"] == 2
    assert seen_by_second["mutual"] == [{"name": "Cody", "handle": "cody"}]
    seen_by_stranger = c["stranger"].get("/api/v1/profiles/olga").json()
    assert (seen_by_stranger["degree"], seen_by_stranger["mutual"]) == (None, [])

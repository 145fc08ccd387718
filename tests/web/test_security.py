"""Headers, CSRF, escaping: what holds on every page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from tests.web.conftest import PASSWORD, api_headers, csrf, post_form, sign_up


def test_every_response_carries_the_security_headers(client):
    for path in ("/", "/signin", "/api/v1/openapi.json", "/static/style.css", "/nothing"):
        headers = client.get(path).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"


def test_pages_have_no_inline_script_or_style(client):
    sign_up(client, "Ana Lima", "ana@example.org")
    for path in ("/", "/settings", "/in/ana-lima", "/signup", "/network", "/settings/profile"):
        html = client.get(path).text
        assert re.search(r"<title>[^<]+</title>", html), path  # a title is text, once
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert "<style" not in html and " style=" not in html and " on" + "click=" not in html


def test_a_form_without_the_csrf_token_changes_nothing(client, other):
    response = client.post(
        "/signup",
        data={"name": "Ana", "email": "ana@example.org", "password": PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 403
    # another browser's token does not work either
    stolen = csrf(other, "/signup")
    response = client.post(
        "/signup",
        data={"csrf_token": stolen, "name": "A", "email": "a@example.org", "password": PASSWORD},
    )
    assert response.status_code == 403
    assert client.get("/api/v1/me").status_code == 401


def test_sign_up_in_french_keeps_the_language(client):
    client.headers["Accept-Language"] = "fr-FR,fr;q=0.9"
    page = client.get("/signup")
    assert "Créer mon compte" in page.text
    post_form(client, "/signup", {"name": "Léa", "email": "lea@example.org", "password": PASSWORD})
    assert client.get("/api/v1/me").json()["locale"] == "fr"


def test_control_characters_are_refused_at_the_door(client, other):
    """A NUL byte (which PostgreSQL cannot store) names its field; never a 500."""
    bad = post_form(
        client, "/signup", {"name": "Ana\x00", "email": "ana@example.org", "password": PASSWORD}
    )
    assert bad.status_code == 422 and 'aria-describedby="e-name"' in bad.text
    sign_up(client, "Ana Lima", "ana@example.org", handle="ana")
    sign_up(other, "Bob Chen", "bob@example.org", handle="bob")
    assert post_form(other, "/signin", {"email": "a\x00@x.org", "password": "x"}).status_code == 401
    assert post_form(other, "/password/forgot", {"email": "\x00"}).status_code == 200
    assert client.get("/in/ana%00").status_code == 404
    assert client.get("/api/v1/profiles/ana%00").status_code == 404
    headers = api_headers(client)
    token = client.post("/api/v1/tokens", json={"name": "\x00"}, headers=headers)
    assert token.status_code == 422 and list(token.json()["fields"]) == ["name"]
    note = client.post(
        "/api/v1/invitations", json={"handle": "bob", "note": "hi\x00"}, headers=headers
    )
    assert note.status_code == 422 and list(note.json()["fields"]) == ["note"]
    fine = client.post(
        "/api/v1/invitations", json={"handle": "bob", "note": "Hi,\n\tBob"}, headers=headers
    )
    assert fine.status_code == 201


# -- the escaping sweep -----------------------------------------------------------

#: a U+202E (a bidi override: the one control character the single-line fields
#: accept, since it is not a C0 control) ends each hostile text
_HOSTILE = "<script>alert('{}')</script>\"'><img src=x onerror=alert(2)>\u202e"


def hostile(field: str) -> str:
    """A text that would run a script if a page printed it as markup, naming its field."""
    return _HOSTILE.format(field)


def shown(field: str) -> str:
    """The same as a page or a response must show it: as text, without the override."""
    return hostile(field).replace("\u202e", "")


class _Page(HTMLParser):
    """What a browser would run of a page: its scripts, its event handlers, its
    images; and the text it shows (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict[str, str | None]] = []
        self.script_text: list[str] = []
        self.handlers: list[tuple[str, str]] = []
        self.images: list[str | None] = []
        self.text: list[str] = []
        self.attributes: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name))
            if value:
                self.attributes.append(value)
        if tag == "script":
            self.scripts.append(dict(attrs))
            self._in_script = True
        if tag == "img":
            self.images.append(dict(attrs).get("src"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_script = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.script_text if self._in_script else self.text).append(data)


def _check_page(client: Any, path: str, fields: tuple[str, ...]) -> list[Any]:
    """What is wrong with the page ``path``: markup from the data, a field not shown."""
    from tests.web.test_control_characters import UNSHOWN

    page = client.get(path)
    if page.status_code != 200:
        return [(path, page.status_code)]
    html = page.text
    parsed = _Page()
    parsed.feed(html)
    parsed.close()
    wrong: list[Any] = []
    # nothing the data holds became markup: no inline script, no handler, no image
    if not all(str(s.get("src") or "").startswith("/static/") for s in parsed.scripts):
        wrong.append((path, "script", parsed.scripts))
    if "".join(parsed.script_text).strip():
        wrong.append((path, "inline script"))
    if parsed.handlers:
        wrong.append((path, "handlers", parsed.handlers))
    if "x" in parsed.images or "<script>alert" in html or "<img src=x" in html:
        wrong.append((path, "markup"))
    if UNSHOWN.search(html):
        wrong.append((path, "control character"))
    # and each field shows, as the text it is
    said = "".join(parsed.text) + "".join(parsed.attributes)
    missing = [f for f in fields if shown(f) not in said]
    return [*wrong, (path, "not shown", missing)] if missing else wrong


def _strings(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """Every (key, string) of a JSON document."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield "", k
            yield from _strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, key)


def _check_json(client: Any, path: str, fields: tuple[str, ...]) -> list[Any]:
    """What is wrong with the JSON of ``path``: a control character, a field not
    carried as the string typed — or, for what members write in Markdown (a post,
    a comment, a job's description: the ``html`` fields), not as sanitised HTML
    that shows it as text."""
    from tests.web.test_control_characters import UNSHOWN

    answer = client.get(path)
    if answer.status_code != 200 or not answer.headers["content-type"].startswith(
        "application/json"
    ):
        return [(path, answer.status_code, answer.headers["content-type"])]
    wrong: list[Any] = []
    if UNSHOWN.search(answer.content.decode()):
        wrong.append((path, "control character"))
    strings = []
    for key, text in _strings(answer.json()):
        if key != "html":
            if "&lt;" in text or "&#" in text:
                wrong.append((path, key, "escaped as HTML in a plain string"))
            strings.append(text)
            continue
        parsed = _Page()
        parsed.feed(text)
        parsed.close()
        if parsed.scripts or parsed.handlers or parsed.images:
            wrong.append((path, key, "markup in the HTML", text))
        strings.append("".join(parsed.text))
    # as typed (no entity, no markup taken away), less the override
    missing = [f for f in fields if not any(shown(f) in s for s in strings)]
    return [*wrong, (path, "not carried", missing)] if missing else wrong


def test_hostile_text_in_every_field_stays_text_on_every_page(client, other, app, store):
    """Every text a member writes — name, headline, location, industry, about,
    experience title and organisation (an organisation's name comes from there),
    a company's about text and industry (its page admin's), skill, group name and
    description, post, share, comment, message, job title and description,
    invitation note, recommendation, private note, token, do-not-ask reason — written as markup
    that would run a script, then every page and JSON route that shows it: the
    pages print it as text (no script, handler or image comes from it), the JSON
    carries it as the string typed (or, for Markdown, as sanitised HTML showing
    it as text), and the bidi override never leaves the server. "How do you know
    each other" is a choice: markup there is refused."""
    from fastapi.testclient import TestClient

    from weakties.service import tasks
    from weakties.service.context import viewer
    from weakties.service.people import add_note

    ana, bob = client, other
    cat = TestClient(app, base_url="http://testserver")
    cat.__enter__()
    sign_up(ana, "Ana Lima", "ana@example.org", handle="ana")
    sign_up(bob, "Bob Chen", "bob@example.org", handle="bob")
    sign_up(cat, "Cat Diaz", "cat@example.org", handle="cat")

    def api(who: Any, method: str, path: str, body: dict[str, Any], status: int = 200) -> Any:
        done = who.request(method, "/api/v1" + path, json=body, headers=api_headers(who))
        assert done.status_code == status, (path, done.text)
        return done.json() if done.content else None

    # Ana and Bob connect (how they know each other is a choice: markup is refused)
    invited = api(bob, "POST", "/invitations", {"handle": "ana", "note": hostile("note-bob")}, 201)
    refused = ana.post(
        f"/api/v1/invitations/{invited['id']}/accept",
        json={"how_known": hostile("how")},
        headers=api_headers(ana),
    )
    assert refused.status_code == 422 and "how_known" in refused.text
    api(ana, "POST", f"/invitations/{invited['id']}/accept", {"how_known": "colleague"})
    api(cat, "POST", "/invitations", {"handle": "ana", "note": hostile("note")}, 201)
    # Ana's profile, career, skills
    api(
        ana,
        "PUT",
        "/me/profile",
        {
            "name": hostile("name"),
            "headline": hostile("headline"),
            "location": hostile("location"),
            "industry": hostile("industry"),
            "about": hostile("about"),
        },
    )
    position = {"organization": hostile("org"), "title": hostile("title"), "current": True}
    api(ana, "POST", "/me/positions", {**position, "start": "2020-01"}, 201)
    api(ana, "POST", "/me/skills", {"skill": hostile("skill")}, 201)
    org = api(ana, "GET", "/profiles/ana", {})["experience"][0]["organization_id"]
    api(bob, "POST", f"/orgs/{org}/follow", {}, 204)
    # Ana, there now, takes charge of its page and writes about it (the website's
    # quotes and brackets must stay inside its link)
    api(ana, "POST", f"/orgs/{org}/admins", {"handle": "ana"}, 204)
    about_org = {
        "about": hostile("org-about"),
        "industry": hostile("org-industry"),
        "website": 'https://acme.example/?q="><script>alert(3)</script>',
    }
    api(ana, "PUT", f"/orgs/{org}", about_org, 204)
    # a group, a post and a comment, a message, a job, a recommendation, a note
    group = api(
        ana, "POST", "/groups", {"name": hostile("group"), "about": hostile("group-about")}, 201
    )["id"]
    post = api(ana, "POST", "/posts", {"body": hostile("post")}, 201)["id"]
    org_post = {"body": hostile("org-post"), "organization_id": org}
    api(ana, "POST", "/posts", org_post, 201)
    api(bob, "POST", f"/posts/{post}/comments", {"body": hostile("comment")}, 201)
    api(bob, "POST", f"/posts/{post}/shares", {"body": hostile("share")}, 201)
    chat = api(ana, "POST", "/conversations", {"to": ["bob"], "body": hostile("message")}, 201)
    job = api(
        ana,
        "POST",
        "/jobs",
        {"organization": f"#{org}", "title": hostile("job"), "description": hostile("job-text")},
        201,
    )["id"]
    recommended = api(
        bob,
        "POST",
        "/profiles/ana/recommendations",
        {"relationship": hostile("relationship"), "text": hostile("recommendation")},
        201,
    )
    api(ana, "PUT", f"/me/recommendations/{recommended['id']}", {"shown": True}, 204)
    api(ana, "PUT", "/me/do-not-ask", {"on": True, "reason": hostile("reason")})
    api(ana, "POST", "/tokens", {"name": hostile("token")}, 201)
    with store.engine.begin() as conn:
        add_note(conn, viewer(conn, "ana"), "bob", hostile("private-note") + "\x1b")
    tasks.run_due(store)  # the notifications (invitations, the job, the comment)
    tasks.tick(store)

    profile = ("name", "headline", "location", "about", "title", "org", "skill")
    wrong: list[Any] = []
    for path, fields in (
        ("/in/ana", (*profile, "relationship", "recommendation")),
        ("/", ("name",)),
        ("/settings", ("token",)),
        ("/settings/profile", ("name", "headline", "location", "industry", "about")),
        ("/settings/career", ("title", "org")),
        (f"/orgs/{org}", ("org", "name", "title", "job", "org-post", "org-about", "org-industry")),
        (f"/orgs/{group}", ("group", "group-about")),  # a group is an organisation too
        (f"/groups/{group}", ("group", "group-about", "name")),
        ("/groups", ("group",)),
        ("/feed", ("post", "name")),
        (f"/posts/{post}", ("post", "comment", "name")),
        ("/messages", ()),
        (f"/messages/{chat['id']}", ("message", "name")),
        ("/notifications", ()),
        ("/jobs", ("job", "org")),
        (f"/jobs/{job}", ("job", "job-text", "org")),
        ("/network", ("note",)),
        ("/network/ties", ()),
        ("/in/bob/brief", ("private-note",)),
        ("/search?q=alert", ("name", "group", "org", "post", "job")),
    ):
        wrong += _check_page(ana, path, fields)
    (tie,) = api(bob, "GET", "/network/ties", {})["ties"]  # Bob's tie: Ana
    for path, fields in (
        ("/in/ana", (*profile, "relationship", "recommendation")),
        (f"/network/ties/{tie['id']}", ("name",)),
        (f"/orgs/{org}", ("org", "name", "org-about", "org-industry")),
        ("/feed", ("post", "share", "name")),
        ("/in/ana/brief", ("name", "post")),
        ("/messages", ("message", "name")),
        (f"/messages/{chat['id']}", ("message", "name")),
        ("/notifications", ("name", "job")),
        ("/network/ties", ("name",)),
        ("/following", ("org",)),
        (f"/groups/{group}", ("group", "group-about", "name")),
        (f"/jobs/{job}", ("job", "job-text", "org")),
        ("/search?q=alert", ("name", "group", "org", "post", "job")),
    ):
        wrong += _check_page(bob, path, fields)
    for who, path, fields in (
        (ana, "/me", ("name",)),
        (ana, "/profiles/ana", (*profile, "relationship", "recommendation")),
        (ana, f"/orgs/{org}", ("org", "job", "org-post", "org-about", "org-industry")),
        (ana, f"/orgs/{group}", ("group", "group-about")),
        (ana, f"/groups/{group}", ("group", "group-about")),
        (ana, f"/posts/{post}", ("post", "comment")),
        (ana, "/feed", ("post", "share")),
        (ana, f"/conversations/{chat['id']}", ("message",)),
        (ana, "/jobs", ("job",)),
        (ana, f"/jobs/{job}", ("job", "job-text")),
        (ana, "/invitations", ("note",)),
        (ana, "/tokens", ("token",)),
        (ana, "/me/do-not-ask", ("reason",)),
        (ana, "/profiles/bob/brief", ("private-note",)),
        (ana, "/search?q=alert", ("name", "group", "org", "post", "job")),
        (bob, "/conversations", ("message",)),
        (bob, "/notifications", ("job",)),
        (bob, "/network/ties", ("name",)),
        (bob, f"/network/ties/{tie['id']}", ("name",)),
        (bob, "/network/graph", ("name",)),
        (bob, "/profiles/ana", ("name", "headline", "relationship", "recommendation")),
    ):
        wrong += _check_json(who, "/api/v1" + path, fields)
    cat.__exit__(None, None, None)
    assert wrong == [], "\n".join(map(repr, wrong))

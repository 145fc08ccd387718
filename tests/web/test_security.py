"""Headers, CSRF, escaping: what holds on every page."""

from __future__ import annotations

import re

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


def test_user_text_is_escaped_everywhere_it_shows(client):
    name = '<img src=x onerror="alert(1)"> Ana'
    sign_up(client, name, "ana@example.org")
    handle = client.get("/api/v1/me").json()["handle"]
    for path in (f"/in/{handle}", "/"):
        html = client.get(path).text
        assert "<img src=x" not in html
        assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; Ana" in html
    assert client.get("/api/v1/me").json()["name"] == name  # JSON keeps it as data


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

"""The search box of every page suggests as one types (htmx fetches
``/search/suggest`` into the box's list) and stays a plain form to ``/search``
without JavaScript; the suggestions hold only what the viewer may see, escaped."""

from __future__ import annotations

import re

from tests.web.test_social import api, people  # noqa: F401


def test_every_page_has_the_box_with_its_plain_form(people):  # noqa: F811
    ana = people["ana"]
    for path in ("/", "/feed", "/jobs", "/in/bob", "/settings", "/search?q=bo"):
        page = ana.get(path).text
        form = re.search(
            r'<form method="get" action="/search" role="search"[^>]*>(.*?)</form>', page, re.S
        )
        assert form, path
        box = form.group(1)
        assert 'name="q"' in box and 'hx-get="/search/suggest"' in box, path
        assert 'hx-target="#q-top-suggest"' in box and 'id="q-top-suggest"' in box, path
    # signed out: no box (search is for members)
    from fastapi.testclient import TestClient

    with TestClient(ana.app) as anonymous:
        assert "/search/suggest" not in anonymous.get("/signin").text


def test_suggestions_are_a_fragment_of_what_the_viewer_may_see(people):  # noqa: F811
    ana, bo, dee = people["ana"], people["bob"], people["dee"]
    made = api(bo, "POST", "/posts", {"body": "Réseau <i>privé</i>", "audience": "connections"})
    assert made.status_code == 201, made.text
    found = ana.get("/search/suggest?q=reseau")
    assert found.status_code == 200
    html = found.text
    assert "<html" not in html and "<header" not in html  # a fragment for the box
    assert 'href="/posts/' in html and "Réseau &lt;i&gt;privé&lt;/i&gt;" in html
    assert "<i>privé" not in html
    assert 'href="/search?q=reseau"' in html
    # Dee is not Bob's connection: his post is not hers to find
    assert "/posts/" not in dee.get("/search/suggest?q=reseau").text
    assert dee.get("/search/suggest?q=").text.strip() == ""
    # people, by an unaccented part of their name, linked to their profile
    assert 'href="/in/bob"' in ana.get("/search/suggest?q=bo").text
    # a block keeps each member out of the other's suggestions
    assert api(dee, "POST", "/blocks", {"handle": "ana"}).status_code == 201
    assert 'href="/in/dee"' not in ana.get("/search/suggest?q=dee").text
    assert ana.get("/search/suggest?q=" + "x" * 201).status_code == 422

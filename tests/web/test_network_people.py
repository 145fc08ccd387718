"""The people behind a figure of /network: each reach figure and circle size is a
link to a page that lists exactly the people it counts, by name.

The ``people`` of ``test_social`` (Ana and Bob connected, Bob and Cyd connected),
and more: Cyd and Dee connected, Opal connected with Ana and Bob. From Ana: Bob
and Opal are her first degree (tied to each other: a circle), Cyd her second
degree, reached through Bob only, Dee her third.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from tests.web.test_social import _connect, api, people  # noqa: F401
from weakties.service import network, viewer


@pytest.fixture
def world(people):  # noqa: F811
    _connect(people["cyd"], people["dee"], "dee")
    _connect(people["opal"], people["ana"], "ana")
    _connect(people["opal"], people["bob"], "bob")
    return people


def _listed(client: Any, query: str) -> tuple[int, list[str]]:
    found = api(client, "GET", f"/network/people?{query}")
    assert found.status_code == 200, found.text
    body = found.json()
    return body["total"], [p["handle"] for p in body["people"]]


def test_each_figure_lists_the_people_it_counts(world):
    ana = world["ana"]
    report = api(ana, "GET", "/network").json()["report"]
    declared, inferred = report["reach"]["declared"], report["reach"]["with_inferred"]
    assert _listed(ana, "figure=second_degree") == (declared["second_degree"], ["cyd"])
    assert _listed(ana, "figure=third_degree") == (declared["third_degree"], ["dee"])
    assert _listed(ana, "figure=third_degree&inferred=true")[0] == inferred["third_degree"]
    way_in = report["circles"]["only_way_in"]["people"]
    assert _listed(ana, "figure=only_way_in") == (way_in, ["cyd"])
    (circle,) = report["circles"]["circles"]
    total, handles = _listed(ana, "figure=circle&circle=1")
    assert total == circle["size"] and sorted(handles) == ["bob", "opal"]
    # a circle the report does not list, a figure it does not have
    assert api(ana, "GET", "/network/people?figure=circle&circle=2").status_code == 404
    assert api(ana, "GET", "/network/people?figure=circles").status_code == 422


def test_the_figures_on_the_page_link_to_their_people(world):
    ana = world["ana"]
    page = html.unescape(ana.get("/network").text)
    for link in (
        "/network/people?figure=second_degree",
        "/network/people?figure=third_degree&ties=inferred",
        "/network/people?figure=only_way_in",
        "/network/people?figure=circle&circle=1",
    ):
        assert f'href="{link}"' in page, link
    listed = ana.get("/network/people?figure=third_degree")
    assert listed.status_code == 200
    assert re.search(r'<a href="/in/dee">Dee</a>', listed.text)
    # the circle's people are contacts: each links to the tie
    circle = ana.get("/network/people?figure=circle&circle=1").text
    assert 'href="/in/bob"' in circle and 'href="/in/opal"' in circle
    # as of a day: the figures of that day, and the page says it
    before = ana.get("/network/people?figure=second_degree&as_of=2020-01-01")
    assert before.status_code == 200 and "Cyd" not in before.text


def test_a_page_at_a_time_by_name(world, store):
    with store.engine.begin() as conn:
        who = viewer(conn, "cyd")
        everyone = network.people_behind(conn, who, "second_degree")
        names = [p.name for p in everyone.people]
        assert everyone.total == len(names) >= 2 and names == sorted(names, key=str.casefold)
        first = network.people_behind(conn, who, "second_degree", limit=1)
        second = network.people_behind(conn, who, "second_degree", offset=1, limit=1)
    assert first.total == everyone.total and len(first.people) == 1
    assert first.people + second.people == everyone.people[:2]
    cyd = world["cyd"]
    page = cyd.get("/network/people?figure=second_degree").text
    assert "Next" not in page  # fewer than a page
    total, _ = _listed(cyd, "figure=second_degree&limit=1&offset=1")
    assert total == everyone.total


def test_a_block_takes_the_blocked_out_of_every_list(world):
    ana, dee = world["ana"], world["dee"]
    assert _listed(ana, "figure=third_degree")[1] == ["dee"]
    blocked = api(dee, "POST", "/blocks", {"handle": "ana"})
    assert blocked.status_code in (200, 201, 204), blocked.text
    assert _listed(ana, "figure=third_degree") == (0, [])

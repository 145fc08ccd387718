"""My network in the browser: the value report as a page and as JSON, the ties with
their class and reasons, the member's corrections kept as their labels."""

from __future__ import annotations

import datetime as dt
import json
import re
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from tests.web.conftest import SECRET, api_headers, post_form, sign_up
from weakties.model.tables import Member, TieLabel
from weakties.records import to_json
from weakties.service import viewer
from weakties.service.report import network_report


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
def pair(client, other):
    sign_up(client, "Ana Lima", "ana@example.org", handle="ana")
    sign_up(other, "Bob <b>Chen</b>", "bob@example.org", handle="bob")
    _connect(client, other, "bob")
    ties = client.get("/api/v1/network/ties").json()["ties"]
    assert [t["handle"] for t in ties] == ["bob"]
    return ties[0]["id"]


def test_a_new_member_sees_not_enough_data(client):
    sign_up(client, "Ana Lima", "ana@example.org")
    page = client.get("/network")
    assert page.status_code == 200
    assert "Not enough data yet" in page.text
    found = client.get("/api/v1/network").json()
    assert found["report"]["headline"]["ties"] == 0
    assert found["month"] is None and "no tie on" in found["month_note"]


def test_the_page_shows_the_report_with_links_to_the_people(client, pair):
    page = client.get("/network").text
    assert "What your network is worth" in page
    # each class count is a link to the ties behind it; the chart is SVG, no script
    assert 'href="/network/ties?class=weak"' in page or 'href="/network/ties?class=strong"' in page
    assert re.search(r'<svg class="bars" id="chart-classes"[^>]*role="group"', page)
    # a tie accepted today did not exist a month before: no history to compare with
    assert "No change to show" in page


def test_an_old_export_is_told_in_the_pages_words_with_a_date_control(client, store, tmp_path):
    """Ana's only data is an export two years old: the pages read it as of the day
    after it and say so in their own words — none names a command or an option of
    the command line (--as-of) — and /network has a date control that shows the
    value as of another day; what is not a date is refused on the field."""
    from tests.support import connections, profile, url, write_files
    from weakties.ingest.linkedin.importer import import_linkedin

    sign_up(client, "Ana Lima", "ana@example.org", handle="ana")
    rows = [
        ["Dee", "Vo", url("dee"), "", "", "", "02 Mar 2024"],
        ["Eli", "Ray", url("eli"), "", "", "", "01 Feb 2023"],
    ]
    export = write_files(
        tmp_path / "ana",
        {"Profile.csv": profile("Ana", "Lima"), "Connections.csv": connections(rows)},
    )
    import_linkedin(store, export, "ana", export_date=dt.date(2024, 3, 10))
    cli_words = re.compile(r"(?<![\w-])--[a-z]|\bweakties (?:import|ties|model|report|suggest)\b")
    pages = ("/network", "/network/ties", "/network/graph", "/network/keep-in-touch")
    for path in (*pages, "/network/opportunities"):
        page = client.get(path)
        assert page.status_code == 200, path
        said = re.sub(r"<[^>]+>", " ", page.text)  # what the page says, not its markup
        assert not cli_words.search(said), (path, cli_words.search(said))
        assert "this is as of Mar 11, 2024, the day after it" in said, path
    page = client.get("/network").text
    assert 'name="as_of" type="date" value="2024-03-11"' in page
    assert "Choose another date with the date field." in page
    chosen = client.get("/network", params={"as_of": "2023-06-01"}).text
    assert "As of Jun 1, 2023" in chosen and "the day after it" not in chosen
    assert 'name="as_of" type="date" value="2023-06-01"' in chosen
    for wrong in ("someday", "0001-01-01"):
        refused = client.get("/network", params={"as_of": wrong})
        assert refused.status_code == 422 and 'id="e-as_of"' in refused.text
    post_form(client, "/settings/language", {"locale": "fr"}, page="/settings")
    for path in pages:  # the dates in the member's language, not in ISO form
        said = " ".join(re.sub(r"<[^>]+>", " ", client.get(path).text).split())
        assert "à la date du 11 mars 2024, le lendemain de cet export" in said, path
        assert not re.search(r"\b\d{4}-\d\d-\d\d\b", said), (path, said)


def test_a_figure_from_missing_data_says_not_enough_data(client, pair):
    """One connection who knows nobody else: the degrees beyond the first, the
    bridges, brokerage, circles, dormant and decaying ties come from missing
    data, and the page says so wherever they appear, never a 0 or a "None"."""
    report = client.get("/api/v1/network").json()["report"]
    assert report["reach"]["missing"] and report["headline"]["second_degree"] == 0
    missing = [k for k in ("brokerage", "circles", "dormant", "decaying") if report[k]["missing"]]
    assert missing == ["brokerage", "circles", "dormant", "decaying"]
    page = client.get("/network").text
    figures = re.search(r'<dl class="figures">.*?</dl>', page, re.S)
    assert figures
    for label in ("2nd degree", "3rd degree"):
        shown = re.search(rf"<dt>{label}</dt><dd>(.*?)</dd>", figures.group(0), re.S)
        assert shown and re.sub(r"<[^>]+>", "", shown.group(1)).strip() == "not enough data"
    reach = re.search(r"<h3>Reach</h3>.*?<h3>", page, re.S)
    assert reach and 'id="reach-missing"' in reach.group(0)
    cells = re.findall(r"<td>(.*?)</td>", reach.group(0), re.S)
    row = ["1", "not enough data", "not enough data"]
    assert [re.sub(r"<[^>]+>", "", c) for c in cells] == row + row
    said = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "through one contact only: 0" not in said
    assert "None." not in said  # neither dormant nor decaying ties say "none" from no history
    for words in (
        "Not enough data: your second degree is not known",
        "Not enough data: brokerage needs known ties among most of your contacts",
        "Not enough data: ties are known among too few of your contacts",
        "Not enough data: your contact history is shorter than three years",
        "Not enough data: your contact history is shorter than a year",
    ):
        assert words in said, words


def test_the_api_takes_the_pages_date(client, pair):
    """/api/v1/network?as_of= is the page's date field: the value as of that day, and
    what is not a date in range is refused naming the field."""
    found = client.get("/api/v1/network", params={"as_of": "2020-01-01"}).json()
    assert found["report"]["as_of"] == "2020-01-01"
    assert found["report"]["headline"]["ties"] == 0  # the connection is today's
    assert found["month_before"] == "2019-12-02" and "2019-12-02" in found["month_note"]
    today = client.get("/api/v1/network").json()
    assert today["report"]["headline"]["ties"] == 1
    assert client.get("/api/v1/network", params={"as_of": ""}).json() == today
    for wrong in ("someday", "0001-01-01", "2020-13-01"):
        refused = client.get("/api/v1/network", params={"as_of": wrong})
        assert refused.status_code == 422, wrong
        body = refused.json()
        assert body["ok"] is False and list(body["fields"]) == ["as_of"], body


def test_the_network_page_in_french_says_everything_in_french(client, pair):
    """The month's note and every caption of the report on /network are in the
    member's language, and so is the name of the default model there and on the
    ties' pages."""
    post_form(client, "/settings/language", {"locale": "fr"}, page="/settings")
    page = client.get("/network").text
    said = re.sub(r"<[^>]+>", " ", page)
    assert "Aucun changement à montrer" in said and "un mois avant cette date" in said
    assert "modèle de force des liens : par défaut" in said
    english = (
        "No change to show",
        "no change to show",
        "a month before",
        "scored as of the date",
        "heavy-tailed",
        "Burt's measures",
        "Declared ties",
        "Leiden communities",
        "through one contact only",
        "Walter and Murnighan",
        "lost more than",
        "where known",
        "you broker between circles",
        "model: default",
    )
    assert [e for e in english if e in said] == []
    for path in ("/network/ties", f"/network/ties/{pair}"):
        shown = re.sub(r"<[^>]+>", " ", client.get(path).text)
        assert "default" not in shown and "par défaut" in shown, path


def test_the_api_report_is_the_command_line_report(client, pair, store, settings):
    from weakties.cli.main import app as cli_app

    found = client.get("/api/v1/network").json()
    with store.engine.begin() as conn:
        expected = to_json(network_report(conn, viewer(conn, "ana"), remember=False))
    assert found["report"] == expected
    if settings.db.startswith("postgresql"):
        return  # the command line's --db takes a SQLite path in this test
    result = CliRunner().invoke(
        cli_app,
        ["--db", settings.db, "report", "--json", "--no-remember", "--as", "ana"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == found["report"]


def test_ties_listed_with_class_layer_and_reasons(client, pair):
    table = client.get("/api/v1/network/ties").json()
    (bob,) = table["ties"]
    assert bob["class"] in ("strong", "weak", "dormant", "nominal")
    assert table["total"] == table["matching"] == 1
    assert client.get("/api/v1/network/ties?class=strong&class=weak").status_code == 200
    other_class = next(k for k in ("strong", "weak", "dormant", "nominal") if k != bob["class"])
    assert client.get(f"/api/v1/network/ties?class={other_class}").json()["ties"] == []
    assert client.get("/api/v1/network/ties?name=BOB").json()["matching"] == 1
    assert client.get("/api/v1/network/ties?sort=sideways").status_code == 422
    page = client.get("/network/ties").text
    # a name written by its owner is shown as text, never as markup
    assert "Bob &lt;b&gt;Chen&lt;/b&gt;" in page and "<b>Chen</b>" not in page
    assert client.get("/network/ties?layer=abc").status_code == 422


def test_a_correction_is_kept_as_the_members_label(client, pair, store):
    said = post_form(
        client,
        f"/network/ties/{pair}/correct",
        {"said": "never_met", "back": "/network/ties?class=weak"},
        page="/network/ties",
    )
    assert (said.status_code, said.headers["location"]) == (303, "/network/ties?class=weak")
    with store.engine.begin() as conn:
        rows = conn.execute(
            select(TieLabel.label, TieLabel.closeness, Member.handle).join(
                Member, Member.id == TieLabel.member_id
            )
        ).all()
    assert [tuple(r) for r in rows] == [("nominal", 1, "ana")]
    table = client.get("/api/v1/network/ties?corrected=yes").json()
    assert [t["correction"] for t in table["ties"]] == ["never_met"]
    assert "We never met" in client.get(f"/network/ties/{pair}").text
    # through the API: "we are close", then forgotten
    put = client.put(
        f"/api/v1/network/ties/{pair}/correction",
        json={"said": "close"},
        headers=api_headers(client),
    )
    assert put.json() == {"person_id": pair, "said": "close", "label": "strong", "closeness": 5}
    gone = client.put(
        f"/api/v1/network/ties/{pair}/correction", json={"said": None}, headers=api_headers(client)
    )
    assert gone.json()["said"] is None
    assert client.get("/api/v1/network/ties?corrected=yes").json()["ties"] == []
    # a back link to another site is not followed
    away = post_form(
        client,
        f"/network/ties/{pair}/correct",
        {"said": "close", "back": "//evil.example"},
        page="/network/ties",
    )
    assert away.headers["location"] == f"/network/ties/{pair}"


def test_nobody_corrects_a_tie_they_do_not_have(client, other, pair, app):
    with TestClient(app) as third:
        sign_up(third, "Cy Dorn", "cy@example.org", handle="cyd")
        refused = third.put(
            f"/api/v1/network/ties/{pair}/correction",
            json={"said": "close"},
            headers=api_headers(third),
        )
        assert refused.status_code == 404
        assert refused.json()["ok"] is False
        assert third.get("/api/v1/network/ties").json()["ties"] == []


def _demo_client(stack: ExitStack, url: str) -> tuple[Any, TestClient]:
    """The member "you" signed in on the demo platform at ``url`` (open until ``stack`` closes)."""
    from weakties.service.demo_accounts import DEMO_DOMAIN, DEMO_PASSWORD
    from weakties.store.engine import open_store
    from weakties.web.app import create_app
    from weakties.web.settings import Settings

    store = open_store(url)
    stack.callback(store.close)
    app = create_app(Settings(environment="test", secret_key=SECRET, db=url), store=store)
    browser = TestClient(app)
    signed = post_form(
        browser, "/signin", {"email": f"you@{DEMO_DOMAIN}", "password": DEMO_PASSWORD}
    )
    assert signed.status_code == 303
    return store, browser


@pytest.fixture
def demo(backend, demo_worlds, per_backend, request):
    """A copy of the demo platform for the module's readers, one per back end."""

    def make(stack: ExitStack, folder: Path) -> tuple[Any, TestClient]:
        url = stack.enter_context(demo_worlds.copy("platform", request, folder))
        return _demo_client(stack, url)

    return per_backend.get(request, make)


@pytest.mark.slow
def test_every_figure_of_a_real_network_on_the_page(demo):
    store, browser = demo
    found = browser.get("/api/v1/network").json()
    report = found["report"]
    with store.engine.begin() as conn:
        assert report == to_json(network_report(conn, viewer(conn, "you"), remember=False))
    page = browser.get("/network").text
    for layer in report["classes"]["layers"]:
        assert f'href="/network/ties?layer={layer["layer"]}"' in page
    # every listed tie with its largest part of the score, as its own page says it
    listed = [
        *report["circles"]["only_way_in"]["brokers"],
        *report["dormant"]["worth_reconnecting"],
        *report["decaying"]["ties"],
    ]
    tops = [t["why"]["parts"][0]["push"] for t in listed if t["why"] and t["why"]["parts"]]
    assert tops
    for push in tops:
        assert f"{'+' if push > 0 else '−'}{abs(push):.2f}".rstrip("0").rstrip(".") in page
    # the people behind a figure: the class count is the number of ties listed
    for klass, n in report["classes"]["counts"].items():
        assert browser.get(f"/api/v1/network/ties?class={klass}").json()["matching"] == n
    for layer in report["classes"]["layers"]:
        listed = browser.get(f"/api/v1/network/ties?layer={layer['layer']}&limit=1000").json()
        assert sum(t["class"] != "nominal" for t in listed["ties"]) == layer["ties"]
    # the headline's organisations: the spread of them, each linked to its people
    assert 'href="#diversity-organisations"' in page and 'id="diversity-organisations"' in page
    top = report["diversity"]["organisations"]["top"][0]
    listed = browser.get("/api/v1/network/ties", params={"org": top["name"], "limit": 1000})
    # everyone counted at the organisation is listed (the list also has the contacts
    # who work there besides other places)
    assert listed.json()["matching"] >= top["people"]
    # the month's change, where the demo's history allows it
    month = found["month"]
    assert month is not None and month["since"] < report["as_of"]
    assert month["deltas"]["ties"] == report["headline"]["ties"] - month["then"]["ties"]
    # sorting: by name is alphabetical, by strength descending
    by_name = browser.get("/api/v1/network/ties?sort=name&limit=50").json()["ties"]
    names = [t["name"].casefold() for t in by_name]
    assert names == sorted(names)
    strongest = browser.get("/api/v1/network/ties?limit=50").json()["ties"]
    assert [t["score"] for t in strongest] == sorted((t["score"] for t in strongest), reverse=True)


def test_the_ego_graph_of_a_member_with_one_connection(client, pair):
    graph = client.get("/api/v1/network/graph").json()
    (bob,) = graph["nodes"]
    assert (bob["id"], bob["handle"], bob["bridge"]) == (pair, "bob", False)
    (ring,) = graph["rings"]
    assert abs((bob["x"] ** 2 + bob["y"] ** 2) ** 0.5 - ring["radius"]) < 0.5
    assert graph["edges"] == [] and graph["circles"] == []
    page = client.get("/network/graph").text
    assert 'data-src="/api/v1/network/graph"' in page
    assert "Dunbar rings" in page and "<b>Chen</b>" not in page


@pytest.mark.slow
def test_the_ego_graph_draws_every_tie_on_its_ring(demo):
    _, browser = demo
    graph = browser.get("/api/v1/network/graph").json()
    report = browser.get("/api/v1/network").json()["report"]
    assert len(graph["nodes"]) == report["headline"]["ties"]
    radius = {ring["layer"]: ring for ring in graph["rings"]}
    for node in graph["nodes"]:
        ring = radius[node["layer"] if node["class"] != "nominal" else None]
        distance = (node["x"] ** 2 + node["y"] ** 2) ** 0.5
        assert ring["radius"] - 0.5 <= distance <= ring["radius"] + 14 * ring["rows"]
    bridges = {n["id"] for n in graph["nodes"] if n["bridge"]}
    assert {b["id"] for b in report["circles"]["only_way_in"]["brokers"]} <= bridges
    ids = {n["id"] for n in graph["nodes"]}
    assert all(e["a"] in ids and e["b"] in ids for e in graph["edges"])
    # a tie between two circles joins people of two different circles
    circle = {n["id"]: n["circle"] for n in graph["nodes"]}
    for e in graph["edges"]:
        assert e["between"] == (
            circle[e["a"]] is not None
            and circle[e["b"]] is not None
            and circle[e["a"]] != circle[e["b"]]
        )

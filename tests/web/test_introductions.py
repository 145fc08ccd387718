"""Introductions with consent in the web app, on the demo platform: "who can
introduce me" on the organisation, person and job pages, the request written from
the draft in a form that works without JavaScript (and without a CSRF token, not
at all), the broker's answers, refusals with their rule and day, the JSON API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.intro_world import Way, find_way
from tests.web.conftest import api_headers, csrf, lent_app, make_settings, post_form
from weakties.store.engine import open_store

pytestmark = pytest.mark.slow


@pytest.fixture
def demo_url(
    backend: str, demo_worlds: Any, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[str]:
    """A copy of the demo platform, this test's own, on its back end."""
    with demo_worlds.copy("platform", request, tmp_path) as url:
        yield url


@pytest.fixture
def way(demo_url: str, per_backend: Any, request: pytest.FixtureRequest) -> Way:
    def make(_stack: Any, _folder: Path) -> Way:
        opened = open_store(demo_url)
        try:
            return find_way(opened)
        finally:
            opened.engine.dispose()

    return per_backend.get(request, make)


@pytest.fixture
def app(demo_url: str) -> Iterator[Any]:
    """An app on this test's copy: one the process built before, lent (its
    routes worked out and its pages compiled once, as by a server process)."""
    store = open_store(demo_url)
    try:
        with lent_app(make_settings(demo_url), store) as lent:
            yield lent
    finally:
        store.engine.dispose()


def _browser(app: Any, handle: str) -> TestClient:
    from weakties.service.demo_accounts import DEMO_DOMAIN, DEMO_PASSWORD

    client = TestClient(app)
    client.__enter__()
    signed = post_form(
        client, "/signin", {"email": f"{handle}@{DEMO_DOMAIN}", "password": DEMO_PASSWORD}
    )
    assert signed.status_code == 303, signed.text
    return client


@pytest.fixture
def three(app: Any, way: Way) -> Iterator[dict[str, TestClient]]:
    clients = {
        role: _browser(app, handle)
        for role, handle in (
            ("requester", way.requester),
            ("broker", way.broker),
            ("target", way.target),
        )
    }
    yield clients
    for client in clients.values():
        client.__exit__(None, None, None)


WORDS = "Would you introduce me? <script>alert(1)</script> I'd be grateful & brief."


def _request_page(client: TestClient, way: Way) -> Any:
    return client.get(
        "/network/introductions/new",
        params={"broker": way.broker, "to": way.target, "org": way.org_id},
    )


def _section(client: TestClient, path: str) -> str:
    """The "who can introduce me" section of the page at ``path``, as a member
    without JavaScript reaches it: on a platform the page is shown first and says
    the section follows, with a link to it (``/introducers?…``), which is followed."""
    page = client.get(path)
    assert page.status_code == 200, page.text[:500]
    section = page.text[page.text.index('id="introducers"') :]
    later = re.search(r'<a href="(/introducers\?[^"]+)">', section.split("</section>")[0])
    if later is None:
        return section
    alone = client.get(later.group(1).replace("&amp;", "&"))
    assert alone.status_code == 200, alone.text[:500]
    return alone.text[alone.text.index('id="introducers"') :]


def test_a_platform_page_shows_itself_first_and_its_section_next(three, way, monkeypatch):
    """On a platform (more members share than a team) a page does not work out
    who can introduce the viewer when that is not already worked out: it says
    the section follows and loads it at once (htmx's ``load``, then every few
    seconds while the network is built), or by its link; once worked out, the
    page shows it in place."""
    from weakties.service import introductions as intro

    requester = three["requester"]
    asked: list[str] = []
    real = intro._introducers

    def counted(*args: Any) -> Any:
        asked.append(args[3])  # the target
        return real(*args)

    monkeypatch.setattr(intro, "_introducers", counted)
    url = f"/introducers?org={way.org_id}"
    first = requester.get(f"/orgs/{way.org_id}")
    assert first.status_code == 200
    section = first.text[first.text.index('id="introducers"') :].split("</section>")[0]
    assert f'hx-get="{url}"' in section and 'hx-trigger="load, every 3s"' in section
    assert f'<a href="{url}">' in section  # without JavaScript
    assert "data-broker" not in section and asked == []  # nothing worked out
    loaded = requester.get(url, headers={"HX-Request": "true"})  # what htmx asks
    assert loaded.status_code == 200 and f'data-broker="{way.broker}"' in loaded.text
    assert len(asked) == 1
    again = requester.get(f"/orgs/{way.org_id}")
    section = again.text[again.text.index('id="introducers"') :].split("</section>")[0]
    assert f'data-broker="{way.broker}"' in section and "hx-get" not in section
    assert len(asked) == 1  # the paths worked out once, shown twice


def test_the_request_without_javascript_from_page_to_forward(three, way):
    requester, broker, target = three["requester"], three["broker"], three["target"]
    section = _section(requester, f"/orgs/{way.org_id}")
    assert "Who can introduce me" in section
    link = re.search(
        r'href="(/network/introductions/new\?broker=' + way.broker + r'[^"]+)"', section
    )
    assert link, section[:2000]
    form = requester.get(link.group(1).replace("&amp;", "&"))
    assert form.status_code == 200
    draft = re.search(r'<textarea id="f-body" name="body"[^>]*>([^<]*)</textarea>', form.text)
    assert draft and draft.group(1).strip(), "the form starts from the draft"
    assert 'name="csrf_token"' in form.text
    # no CSRF token, no request
    forged = requester.post(
        "/network/introductions",
        data={"broker": way.broker, "to": way.target, "body": WORDS, "org": str(way.org_id)},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    empty = post_form(
        requester,
        "/network/introductions",
        {"broker": way.broker, "to": way.target, "body": "  ", "org": str(way.org_id)},
        page="/network/introductions",
    )
    assert empty.status_code == 422 and "Write something first." in empty.text
    sent = post_form(
        requester,
        "/network/introductions",
        {"broker": way.broker, "to": way.target, "body": WORDS, "org": str(way.org_id)},
        page="/network/introductions",
    )
    assert sent.status_code == 303, sent.text
    mine = requester.get("/network/introductions")
    assert "Waiting for an answer" in mine.text
    # the broker has it first; the target has nothing
    theirs = broker.get("/network/introductions")
    intro_id = int(
        re.search(r'action="/network/introductions/(\d+)/forward"', theirs.text).group(1)
    )
    assert f"/network/introductions/{intro_id}/decline" in theirs.text
    assert broker.get("/api/v1/notifications").status_code in (200, 404)
    nothing = target.get("/network/introductions")
    assert "Nobody has asked you" in nothing.text and WORDS not in nothing.text
    assert target.get(f"/api/v1/introductions/{intro_id}").status_code == 404
    thread = broker.get(f"/api/v1/introductions/{intro_id}").json()["thread_id"]
    shown = broker.get(f"/messages/{thread}")
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt;" in shown.text and "<script>alert" not in shown.text
    )

    forwarded = post_form(
        broker,
        f"/network/introductions/{intro_id}/forward",
        {"note": "You two <b>should</b> talk."},
        page="/network/introductions",
    )
    assert forwarded.status_code == 303
    group = int(forwarded.headers["location"].rsplit("/", 1)[1])
    seen = target.get(f"/messages/{group}")
    assert seen.status_code == 200
    assert "&lt;script&gt;" in seen.text and "You two &lt;b&gt;should&lt;/b&gt; talk." in seen.text
    # the conversation of three opens with the consent banner too, for each of the three;
    # the person to meet is told they are free not to answer, and no more
    banner = seen.text[seen.text.index('id="consent"') :]
    assert "forwarded the request on" in banner and "You are free to answer or not" in banner
    assert f'href="/messages/{thread}"' not in seen.text
    for client, words in (
        (requester, "forwarded your request to"),
        (broker, "You forwarded the request of"),
    ):
        page = client.get(f"/messages/{group}").text
        assert words in page[page.index('id="consent"') :]
        assert f'href="/messages/{thread}"' in page  # back to their private thread
    notes = target.get("/notifications").text
    assert "introduced you" in notes
    assert "Forwarded" in requester.get("/network/introductions").text

    # the same broker again the same day: refused, with the rule and the day it lifts
    again = post_form(
        requester,
        "/network/introductions",
        {
            "broker": way.broker,
            "to": way.target,
            "body": "Once more, other words.",
            "org": str(way.org_id),
        },
        page="/network/introductions",
    )
    assert again.status_code == 409
    assert 'data-rule="cooldown_introduced"' in again.text
    assert "A rest after an introduction" in again.text
    # the day it lifts, said once: the rule's detail names it
    block = again.text[again.text.index('class="refusals') :]
    day = re.search(r"let them rest until (\w+ \d+, \d{4})", block).group(1)
    assert block[: block.index("</div>")].count(day) == 1


def test_declined_shows_not_forwarded_and_the_decline_is_final(three, way):
    requester, broker = three["requester"], three["broker"]
    sent = requester.post(
        "/api/v1/introductions",
        json={"broker": way.broker, "to": way.target, "body": WORDS, "org": way.org_id},
        headers=api_headers(requester),
    )
    assert sent.status_code == 201, sent.text
    intro_id = sent.json()["id"]
    no = post_form(
        broker, f"/network/introductions/{intro_id}/decline", {}, page="/network/introductions"
    )
    assert no.status_code == 303
    page = requester.get("/network/introductions").text
    assert "Not forwarded" in page
    assert "You did not forward it" in broker.get("/network/introductions").text
    late = post_form(
        broker,
        f"/network/introductions/{intro_id}/forward",
        {"note": ""},
        page="/network/introductions",
    )
    assert late.status_code == 409 and "already answered" in late.text


def test_the_api_paths_request_refusal_and_answers(three, way):
    requester, broker, target = three["requester"], three["broker"], three["target"]
    paths = requester.get("/api/v1/introductions/paths", params={"org": way.org_id})
    assert paths.status_code == 200
    found = paths.json()
    assert found["known_directly"] == 0
    chosen = next(p for p in found["paths"] if p["broker"] and p["broker"]["handle"] == way.broker)
    assert chosen["askable"] is True and chosen["why"] and chosen["refusals"] == []
    person = requester.get("/api/v1/introductions/paths", params={"person": way.target})
    assert person.status_code == 200
    draft = requester.get(
        "/api/v1/introductions/draft", params={"broker": way.broker, "to": way.target}
    )
    assert draft.status_code == 200 and draft.json()["draft"]
    sent = requester.post(
        "/api/v1/introductions",
        json={"broker": way.broker, "to": way.target, "body": WORDS, "org": way.org_id},
        headers=api_headers(requester),
    )
    assert sent.status_code == 201
    second = requester.post(
        "/api/v1/introductions",
        json={
            "broker": way.broker,
            "to": way.target,
            "body": "Other words again.",
            "org": way.org_id,
        },
        headers=api_headers(requester),
    )
    assert second.status_code == 409
    body = second.json()
    assert body["ok"] is False and body["status"] == 409 and body["fields"] == {}
    rules = {r["rule"]: r["possible_on"] for r in body["reasons"]}
    assert rules.get("open_per_broker")
    assert body["possible_on"] == max(rules.values())
    mine = requester.get("/api/v1/introductions").json()
    assert [r["state"] for r in mine["sent"]] == ["waiting"] and mine["received"] == []
    assert target.get("/api/v1/introductions").json() == {"received": [], "sent": [], "waiting": 0}
    intro_id = sent.json()["id"]
    answered = broker.post(
        f"/api/v1/introductions/{intro_id}/forward",
        json={"note": "Meet each other"},
        headers=api_headers(broker),
    )
    assert answered.status_code == 200
    assert answered.json()["state"] == "forwarded"
    assert target.get(f"/messages/{answered.json()['conversation_id']}").status_code == 200
    again = broker.post(f"/api/v1/introductions/{intro_id}/decline", headers=api_headers(broker))
    assert again.status_code == 409


def test_who_can_introduce_is_on_person_and_job_pages(app, three, way):
    from weakties.service import jobs
    from weakties.service.context import viewer

    requester, target = three["requester"], three["target"]
    profile = requester.get(f"/in/{way.target}")
    assert profile.status_code == 200 and 'id="introducers"' in profile.text
    own = target.get(f"/in/{way.target}")
    assert 'id="introducers"' not in own.text  # nobody introduces you to yourself
    with app.state.store.engine.connect() as conn:
        theirs = jobs.my_organizations(conn, viewer(conn, way.broker))
    poster = three["broker"]
    posted = poster.post(  # where the broker works, as their own profile says
        "/api/v1/jobs",
        json={"organization": theirs[0][1], "title": "Analyst", "description": "Numbers."},
        headers=api_headers(poster),
    )
    assert posted.status_code == 201, posted.text
    job = requester.get(f"/jobs/{posted.json()['id']}")
    assert job.status_code == 200 and 'id="introducers"' in job.text
    assert csrf(requester, f"/jobs/{posted.json()['id']}")


def _send_api(client: TestClient, way: Way, body: str = WORDS) -> Any:
    sent = client.post(
        "/api/v1/introductions",
        json={"broker": way.broker, "to": way.target, "body": body, "org": way.org_id},
        headers=api_headers(client),
    )
    assert sent.status_code == 201, sent.text
    return sent.json()


def test_the_brokers_thread_asks_for_consent_and_the_requester_withdraws(three, way):
    requester, broker, target = three["requester"], three["broker"], three["target"]
    sent = _send_api(requester, way)
    thread = f"/messages/{sent['thread_id']}"
    page = broker.get(thread).text
    banner = page[page.index('id="consent"') :]
    assert "asks you for an introduction" in banner
    assert "sees nothing of this request unless you forward it" in banner
    forms = re.findall(
        r'<form method="post" action="([^"]+)"[^>]*>\s*<input type="hidden" name="csrf_token"',
        banner,
    )
    assert forms[:2] == [
        f"/network/introductions/{sent['id']}/forward",
        f"/network/introductions/{sent['id']}/decline",
    ]
    assert "Decline privately" in banner
    # the requester's side: what they asked, and a withdrawal (never without CSRF)
    mine = requester.get(thread).text
    assert f'action="/network/introductions/{sent["id"]}/withdraw"' in mine
    assert "Forward to" not in mine
    withdraw = f"/network/introductions/{sent['id']}/withdraw"
    assert requester.post(withdraw, follow_redirects=False).status_code == 403
    done = post_form(requester, withdraw, {}, page="/network/introductions")
    assert done.status_code == 303
    assert "Withdrawn" in requester.get("/network/introductions").text
    page = broker.get(thread).text
    assert "withdrew this request" in page and "/forward" not in page
    assert "withdrew their request for an introduction" in broker.get("/notifications").text
    late = post_form(
        broker, f"/network/introductions/{sent['id']}/decline", {}, page="/network/introductions"
    )
    assert late.status_code == 409 and "was withdrawn by the member who sent it" in late.text
    assert target.get("/api/v1/introductions").json()["received"] == []
    # the API withdraws too; a withdrawn request cannot be withdrawn again
    again = requester.post(
        f"/api/v1/introductions/{sent['id']}/withdraw", headers=api_headers(requester)
    )
    assert again.status_code == 409
    # asking again at once is refused, in the member's language
    post_form(requester, "/settings/language", {"locale": "fr"}, page="/settings")
    refused = post_form(
        requester,
        "/network/introductions",
        {"broker": way.broker, "to": way.target, "body": "Autres mots.", "org": str(way.org_id)},
        page="/network/introductions",
    )
    assert refused.status_code == 409
    assert 'data-rule="cooldown_withdrawn"' in refused.text
    assert "Vous avez retiré votre demande du" in refused.text
    assert "you withdrew your ask" not in refused.text


def _stranger_of(db: str, way: Way) -> str:
    """A member who is none of the three and not one of the broker's contacts."""
    from weakties.model.tables import Member
    from weakties.service.context import reader, viewer

    store = open_store(db)
    try:
        with store.engine.connect() as conn:
            broker = conn.execute(
                select(Member.person_id).where(Member.handle == way.broker)
            ).scalar()
            for handle in conn.execute(select(Member.handle).order_by(Member.id)).scalars():
                if handle in (way.requester, way.broker, way.target):
                    continue
                if broker not in reader(conn, viewer(conn, handle)).first_degree():
                    return str(handle)
    finally:
        store.engine.dispose()
    raise AssertionError(f"everyone knows {way.broker}")


def test_do_not_ask_me_to_introduce_in_the_settings(app, three, way, demo_url):
    requester, broker = three["requester"], three["broker"]

    def brokers() -> set[str]:
        return set(re.findall(r"broker=([\w.-]+)", _section(requester, f"/orgs/{way.org_id}")))

    assert way.broker in brokers()
    settings = broker.get("/settings").text
    assert 'action="/settings/do-not-ask"' in settings
    assert 'name="do_not_ask" value="on">' in settings  # not checked
    forged = broker.post("/settings/do-not-ask", data={"do_not_ask": "on"}, follow_redirects=False)
    assert forged.status_code == 403
    too_long = post_form(
        broker, "/settings/do-not-ask", {"do_not_ask": "on", "reason": "x" * 201}, page="/settings"
    )
    assert too_long.status_code == 422
    assert 'id="e-reason"' in too_long.text and "at most 200 characters" in too_long.text
    assert way.broker in brokers()
    on = post_form(
        broker,
        "/settings/do-not-ask",
        {"do_not_ask": "on", "reason": "<b>busy</b> this year"},
        page="/settings",
    )
    assert on.status_code == 303
    settings = broker.get("/settings").text
    assert 'name="do_not_ask" value="on" checked>' in settings
    assert "&lt;b&gt;busy&lt;/b&gt; this year" in settings and "<b>busy" not in settings
    assert way.broker not in brokers()
    refused = post_form(
        requester,
        "/network/introductions",
        {"broker": way.broker, "to": way.target, "body": WORDS, "org": str(way.org_id)},
        page="/network/introductions",
    )
    assert refused.status_code == 409 and 'data-rule="do_not_ask"' in refused.text
    assert "asked not to be asked for introductions" in refused.text
    assert "&lt;b&gt;busy&lt;/b&gt; this year" in refused.text
    # a member who is not the broker's contact, reaching the form by its address, is
    # told the rule without the reason (contacts_only refuses them anyway)
    stranger = _browser(app, _stranger_of(demo_url, way))
    try:
        form = _request_page(stranger, way).text
    finally:
        stranger.__exit__(None, None, None)
    assert 'data-rule="do_not_ask"' in form and 'data-rule="contacts_only"' in form
    assert "busy" not in form
    off = post_form(broker, "/settings/do-not-ask", {"reason": ""}, page="/settings")
    assert off.status_code == 303
    assert way.broker in brokers()


def test_forwarding_an_ask_closed_another_way_says_so(three, way, demo_url):
    """The requester recorded the ask's outcome on the command line: the broker's
    Forward is refused as closed, not as withdrawn, in their language."""
    from weakties.model.tables import IntroRequest
    from weakties.service.context import viewer
    from weakties.service.outreach import outcome

    requester, broker = three["requester"], three["broker"]
    sent = _send_api(requester, way)
    store = open_store(demo_url)
    try:
        with store.engine.begin() as conn:
            ask_id = conn.execute(
                select(IntroRequest.ask_id).where(IntroRequest.id == sent["id"])
            ).scalar_one()
            outcome(conn, viewer(conn, way.requester), ask_id, "declined")
    finally:
        store.engine.dispose()
    forward = f"/network/introductions/{sent['id']}/forward"
    late = post_form(broker, forward, {"note": ""}, page="/network/introductions")
    assert late.status_code == 409
    assert "the member who sent it has recorded how it ended" in late.text
    assert "was withdrawn by the member" not in late.text
    post_form(broker, "/settings/language", {"locale": "fr"}, page="/settings")
    late = post_form(broker, forward, {"note": ""}, page="/network/introductions")
    assert late.status_code == 409 and "a noté comment elle s’est terminée" in late.text

"""In a real browser, on the demo platform: an introduction with consent, end to end.

A member opens an organisation where they know nobody, sees the path through a
contact and sends the request written from the draft; the broker forwards it; the
person asked for sees a conversation of three; a second request through the same
broker the same day is refused with the rule and the day it lifts. One browser,
one context per member, no console error. Screenshots go to tests/artifacts/
(introduction-*.png).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.intro_world import Way, find_way
from tests.servers import serve_in_thread
from tests.web.conftest import SECRET

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def live(demo_worlds, request, tmp_path_factory) -> Iterator[tuple[str, Way]]:
    from weakties.store.engine import open_store
    from weakties.web.app import create_app
    from weakties.web.settings import Settings

    folder = tmp_path_factory.mktemp("intro-browser")
    with demo_worlds.copy("platform", request, folder, "sqlite") as db:
        store = open_store(db)
        way = find_way(store)
        app = create_app(Settings(environment="test", secret_key=SECRET, db=db), store=store)
        server = serve_in_thread(app)
        yield server.url, way
        server.stop()
        store.engine.dispose()


def _member(chromium: Any, url: str, handle: str, errors: list[str]) -> Any:
    from weakties.service.demo_accounts import DEMO_DOMAIN, DEMO_PASSWORD

    context = chromium.new_context(locale="en-GB", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + "/signin")
    page.get_by_label("E-mail address").fill(f"{handle}@{DEMO_DOMAIN}")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return page


def test_an_introduction_with_consent_in_chromium(chromium, live, artifacts):
    url, way = live
    errors: list[str] = []
    requester = _member(chromium, url, way.requester, errors)
    requester.goto(f"{url}/orgs/{way.org_id}")
    section = requester.locator("#introducers")
    expect(section.get_by_role("heading", name="Who can introduce me")).to_be_visible()
    path = section.locator(f'li.path[data-broker="{way.broker}"]')
    assert path.locator("p.why").inner_text().strip()
    requester.screenshot(path=artifacts / "introduction-org.png", full_page=True)
    path.get_by_role("link", name="for an introduction").click()
    requester.wait_for_url("**/network/introductions/new?**")
    words = requester.locator("#f-body")
    assert words.input_value().strip(), "the request starts from the draft"
    words.fill(words.input_value() + "\nI would value twenty minutes of their time.")
    requester.get_by_role("button", name="Send the request").click()
    requester.wait_for_url("**/network/introductions#intro-*")
    assert requester.locator("#sent li.intro.waiting").count() == 1

    broker = _member(chromium, url, way.broker, errors)
    broker.goto(url + "/notifications")
    broker.get_by_role("link", name="asks you for an introduction").first.click()
    broker.wait_for_url("**/network/introductions")
    asked = broker.locator("#received li.intro.waiting")
    assert asked.count() == 1
    asked.get_by_label("A word from you to both (optional)").fill("You two should talk.")
    broker.screenshot(path=artifacts / "introduction-broker.png", full_page=True)
    asked.get_by_role("button", name="Forward to").click()
    broker.wait_for_url("**/messages/*")

    target = _member(chromium, url, way.target, errors)
    target.goto(url + "/notifications")
    target.get_by_role("link", name="introduced you to").first.click()
    target.wait_for_url("**/messages/*")
    body = target.locator("main").inner_text()
    assert "twenty minutes of their time" in body and "You two should talk." in body
    # a conversation of three: the member sees the two others, both wrote in it
    assert sorted(target.locator("main h1 a").evaluate_all("els => els.map(e => e.pathname)")) == (
        sorted([f"/in/{way.requester}", f"/in/{way.broker}"])
    )
    assert target.locator("#messages li.message").count() == 2
    target.screenshot(path=artifacts / "introduction-three.png", full_page=True)

    assert errors == [], errors
    # a second request through the same broker the same day: refused, rule and day
    requester.goto(
        f"{url}/network/introductions/new?broker={way.broker}&to={way.target}&org={way.org_id}"
    )
    requester.locator("#f-body").fill("Another favour, asked in quite other words.")
    requester.get_by_role("button", name="Send the request").click()
    refusal = requester.locator(".refusals li[data-rule]")
    refusal.first.wait_for()
    assert "cooldown_introduced" in refusal.first.get_attribute("data-rule")
    # the rule and the day it lifts, said once (the rule's detail names it)
    said = requester.locator(".refusals").inner_text()
    day = re.search(r"let them rest until (\w+ \d+, \d{4})", said)
    assert day is not None, said
    assert said.count(day.group(1)) == 1, said
    requester.screenshot(path=artifacts / "introduction-refused.png", full_page=True)
    assert [e for e in errors if "409 (Conflict)" not in e] == [], errors


def test_the_section_s_live_region_stays_while_its_paths_load(
    chromium, demo_worlds, request, tmp_path, monkeypatch
):
    """While the platform's network is being built, the section says so in a live
    region (role=status); when the paths arrive, that same element — not one put
    in its place, which a screen reader does not announce — says how many people
    can introduce the member."""
    import threading

    from weakties.opportunity import network as netmod
    from weakties.service import introductions as intro
    from weakties.service import live as kept
    from weakties.store.engine import open_store
    from weakties.web.app import create_app
    from weakties.web.settings import Settings

    with demo_worlds.copy("platform", request, tmp_path, "sqlite") as db:
        store = open_store(db)
        way = find_way(store)
        kept.clear()
        kept.settle_kept(store.engine)  # a server process: the network built apart
        release = threading.Event()
        real = netmod.shared_network

        def slow(*args: Any, **kwargs: Any) -> Any:
            assert release.wait(60)
            return real(*args, **kwargs)

        monkeypatch.setattr(netmod, "shared_network", slow)
        monkeypatch.setattr(intro, "PAGE_WAIT", 0.05)
        app = create_app(Settings(environment="test", secret_key=SECRET, db=db), store=store)
        server = serve_in_thread(app)
        errors: list[str] = []
        try:
            page = _member(chromium, server.url, way.requester, errors)
            page.goto(f"{server.url}/orgs/{way.org_id}")
            status = page.locator("#introducers [role=status]")
            expect(status).to_contain_text("Working out who can introduce you")
            status.evaluate("el => { el.dataset.kept = 'yes' }")  # this very element
            release.set()
            expect(page.locator("#introducers li.path").first).to_be_visible(timeout=30_000)
            expect(status).to_have_attribute("data-kept", "yes")
            expect(status).to_contain_text("can introduce you")
            expect(page.locator("#introducers [role=status]")).to_have_count(1)
            assert errors == [], errors
        finally:
            release.set()
            server.stop()
            kept.clear()
            store.engine.dispose()

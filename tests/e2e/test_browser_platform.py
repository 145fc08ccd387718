"""In a real browser: the network around members — mutual connections and degrees,
an organisation page's "people in your network here", a group created and joined,
search by an unaccented part of a name (typed into the box, suggested as one types
with htmx, and submitted as a plain form).

Screenshots of each page go to tests/artifacts/; any console error or failed asset
fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.test_browser_accounts import _join, _page
from tests.servers import serve_in_thread
from tests.web.conftest import make_settings
from weakties.web.app import create_app

pytestmark = pytest.mark.browser


@pytest.fixture
def live(store, store_url) -> Iterator[str]:
    server = serve_in_thread(create_app(make_settings(store_url), store=store))
    yield server.url
    server.stop()


def _connect(inviter: Any, invitee: Any, live: str, handle: str, how: str) -> None:
    inviter.goto(f"{live}/in/{handle}")
    inviter.locator("#f-note").fill("We met at the Lyon meetup.")
    inviter.locator("form.connect button[type=submit]").click()
    invitee.goto(live + "/network")
    invitee.locator("form.answer select").first.select_option(how)
    invitee.locator("form.answer button[type=submit]").first.click()
    invitee.wait_for_url(f"{live}/in/**")


def test_degrees_organisation_group_and_search(chromium, live, artifacts):
    errors: list[str] = []
    ana = _page(chromium, "en-GB", errors)
    lea = _page(chromium, "fr-FR", errors)
    cyd = _page(chromium, "en-GB", errors)
    _join(ana, live, "Ana Lima", "ana@example.org")
    _join(lea, live, "Léa Martin", "lea@example.org")
    _join(cyd, live, "Cyd Ökonom", "cyd@example.org")
    _connect(ana, lea, live, "lea-martin", "colleague")
    _connect(ana, cyd, live, "cyd-okonom", "met_once")

    # Léa sees Cyd as second degree, with Ana in common
    lea.goto(live + "/in/cyd-okonom")
    assert lea.locator("h1 .badge").first.inner_text() == "2e"
    assert "Ana Lima" in lea.locator("p.mutual").inner_text()
    lea.screenshot(path=artifacts / "profile-second-degree-fr.png", full_page=True)

    # Cyd works at Acme; Léa finds him on Acme's page, in her network
    cyd.goto(live + "/settings/career")
    cyd.locator("#new-organization").fill("Acme")
    cyd.locator("#new-title").fill("Data engineer")
    cyd.locator("#new-start").fill("2021-03")
    cyd.locator("#new-current").check()
    cyd.locator("form[action='/settings/career'] button[type=submit]").click()
    cyd.wait_for_url(live + "/settings/career")
    cyd.screenshot(path=artifacts / "career-edit-en.png", full_page=True)
    lea.goto(live + "/in/cyd-okonom")
    lea.get_by_role("link", name="Acme").first.click()
    lea.wait_for_url(live + "/orgs/*")
    network = lea.locator("#network")
    assert network.get_by_role("heading").inner_text() == "Les personnes de votre réseau ici"
    expect(network.get_by_role("link", name="Cyd Ökonom")).to_be_visible()
    lea.screenshot(path=artifacts / "organisation-fr.png", full_page=True)

    # Ana creates a group; Léa joins it
    ana.goto(live + "/groups")
    ana.locator("#f-name").fill("Lyon Data")
    ana.locator("#f-about").fill("Data people around Lyon.")
    ana.get_by_role("button", name="Create the group").click()
    ana.wait_for_url(live + "/groups/*")
    ana.screenshot(path=artifacts / "group-en.png", full_page=True)
    lea.get_by_role("link", name="Groupes").first.click()
    lea.get_by_role("link", name="Lyon Data").click()
    lea.get_by_role("button", name="Rejoindre le groupe").click()
    members = lea.locator("#members")
    expect(members.get_by_role("link", name="Léa Martin")).to_be_visible()
    expect(members.get_by_role("link", name="Ana Lima")).to_be_visible()
    lea.screenshot(path=artifacts / "group-joined-fr.png", full_page=True)

    # search finds Léa by an unaccented part of her name, from the box on every page
    cyd.locator("#q-top").fill("lea mar")
    # with htmx the box suggests as one types, on every page
    suggested = cyd.locator("#q-top-suggest")
    expect(suggested.get_by_role("link", name="Léa Martin")).to_be_visible()
    cyd.screenshot(path=artifacts / "search-suggest-en.png")
    cyd.locator("#q-top").press("Enter")
    cyd.wait_for_url(live + "/search?q=lea+mar")
    expect(cyd.locator("#results").get_by_role("link", name="Léa Martin")).to_be_visible()
    # and, with htmx, as one types on the search page
    cyd.locator("#q-page").fill("okono")
    cyd.locator("#results").get_by_role("link", name="Cyd Ökonom").wait_for()
    assert "okono" in cyd.url
    cyd.screenshot(path=artifacts / "search-en.png", full_page=True)
    assert errors == []

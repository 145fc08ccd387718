"""In a real browser: members join, sign in and out, in English and French.

Screenshots of each page go to tests/artifacts/. Any console error (a script
refused by the Content-Security-Policy) or failed asset fails the test.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.servers import serve_in_thread
from tests.web.conftest import PASSWORD, make_settings
from weakties.web.app import create_app

pytestmark = pytest.mark.browser


@pytest.fixture
def live(store, store_url) -> Iterator[str]:
    server = serve_in_thread(create_app(make_settings(store_url), store=store))
    yield server.url
    server.stop()


def _page(chromium: Any, locale: str, errors: list[str]) -> Any:
    context = chromium.new_context(locale=locale, viewport={"width": 1100, "height": 800})
    page = context.new_page()

    def console(message: Any) -> None:
        # a form answered 401/422 logs "Failed to load resource": not an error here
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def response(answer: Any) -> None:
        if answer.status >= 400 and answer.request.resource_type != "document":
            errors.append(f"{answer.status} {answer.url}")

    page.on("console", console)
    page.on("response", response)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page


def test_join_sign_out_and_in_again_in_two_languages(chromium, live, artifacts):
    errors: list[str] = []
    ana = _page(chromium, "en-GB", errors)
    ana.goto(live + "/")
    ana.screenshot(path=artifacts / "home-en.png", full_page=True)
    ana.get_by_role("link", name="Join").first.click()
    ana.get_by_label("Your name").fill("Ana Lima")
    ana.get_by_label("E-mail address").fill("ana@example.org")
    ana.get_by_label("Password").fill("short")
    ana.get_by_role("button", name="Create my account").click()
    expect(ana.get_by_text("The password needs at least 10 characters.")).to_be_visible()
    ana.screenshot(path=artifacts / "signup-error-en.png", full_page=True)
    ana.get_by_label("Password").fill(PASSWORD)
    ana.get_by_role("button", name="Create my account").click()
    ana.wait_for_url(live + "/in/ana-lima")
    assert ana.get_by_role("heading", level=1).inner_text().startswith("Ana Lima")
    assert ana.evaluate("typeof htmx") == "object"  # the vendored script ran under the CSP
    ana.screenshot(path=artifacts / "profile-en.png", full_page=True)

    lea = _page(chromium, "fr-FR", errors)
    lea.goto(live + "/signup")
    assert lea.locator("html").get_attribute("lang") == "fr"
    lea.get_by_label("Votre nom").fill("Léa Martin")
    lea.get_by_label("Adresse e-mail").fill("lea@example.org")
    lea.get_by_label("Mot de passe").fill(PASSWORD)
    lea.get_by_role("button", name="Créer mon compte").click()
    lea.wait_for_url(live + "/in/lea-martin")
    expect(lea.get_by_role("link", name="Mon profil", exact=True)).to_be_visible()
    lea.screenshot(path=artifacts / "profile-fr.png", full_page=True)
    lea.goto(live + "/in/ana-lima")
    assert lea.get_by_role("heading", level=1).inner_text().startswith("Ana Lima")

    ana.get_by_role("button", name="Sign out").click()
    ana.wait_for_url(live + "/")
    ana.get_by_role("link", name="Sign in").first.click()
    ana.get_by_label("E-mail address").fill("ana@example.org")
    ana.get_by_label("Password").fill("not the password")
    ana.get_by_role("button", name="Sign in").last.click()
    assert ana.get_by_role("alert").inner_text() == "Wrong e-mail address or password."
    ana.screenshot(path=artifacts / "signin-error-en.png", full_page=True)
    ana.get_by_label("Password").fill(PASSWORD)
    ana.get_by_role("button", name="Sign in").last.click()
    ana.wait_for_url(live + "/in/ana-lima")

    ana.get_by_role("link", name="Settings").click()
    ana.get_by_label("Name of a new token").fill("my script")
    ana.get_by_role("button", name="Create a token").click()
    assert ana.locator("code.token").inner_text().startswith("wt_")
    ana.screenshot(path=artifacts / "settings-en.png", full_page=True)
    ana.select_option("#locale-choice", "fr")
    ana.get_by_role("button", name="Change").click()
    assert ana.get_by_role("heading", level=1).inner_text() == "Paramètres"
    assert errors == []


def _join(page: Any, live: str, name: str, email: str) -> None:
    page.goto(live + "/signup")
    page.locator("#f-name").fill(name)
    page.locator("#f-email").fill(email)
    page.locator("#f-password").fill(PASSWORD)
    page.locator("form[action='/signup'] button[type=submit]").click()
    page.wait_for_url(live + "/in/**")


def test_connect_with_a_note_and_say_how_you_know_each_other(chromium, live, artifacts):
    errors: list[str] = []
    ana = _page(chromium, "en-GB", errors)
    lea = _page(chromium, "fr-FR", errors)
    _join(ana, live, "Ana Lima", "ana@example.org")
    _join(lea, live, "Léa Martin", "lea@example.org")

    ana.goto(live + "/in/lea-martin")
    ana.get_by_role("button", name="Connect").click()
    assert ana.locator("#e-note").inner_text().startswith("You have no contact in common")
    ana.get_by_label("A note with your invitation (optional)").fill(
        "Hello Léa, we met at the Lyon meetup."
    )
    ana.get_by_role("button", name="Connect").click()
    expect(ana.get_by_text("Invitation sent.")).to_be_visible()
    ana.screenshot(path=artifacts / "profile-invited-en.png", full_page=True)

    lea.goto(live + "/network")
    expect(lea.get_by_text("Hello Léa, we met at the Lyon meetup.")).to_be_visible()
    lea.get_by_label("Comment vous connaissez-vous ?").select_option("met_once")
    lea.screenshot(path=artifacts / "network-invitation-fr.png", full_page=True)
    lea.get_by_role("button", name="Accepter").click()
    lea.wait_for_url(live + "/in/ana-lima")
    assert lea.locator(".badge").first.inner_text() == "1er"
    lea.screenshot(path=artifacts / "profile-connected-fr.png", full_page=True)

    ana.goto(live + "/in/lea-martin")
    assert ana.locator(".badge").first.inner_text() == "1st"
    ana.get_by_role("link", name="My network").click()
    expect(ana.get_by_role("heading", name="1 connection")).to_be_visible()
    ana.screenshot(path=artifacts / "network-en.png", full_page=True)

    # Léa takes her data with her, then leaves
    lea.get_by_role("link", name="Paramètres").click()
    with lea.expect_download() as download_info:
        lea.get_by_role("link", name="Télécharger mes données").click()
    download = download_info.value
    assert download.suggested_filename.startswith("weakties-lea-martin-")
    with zipfile.ZipFile(download.path()) as archive:
        assert {"account.json", "profile.json", "ties.csv"} <= set(archive.namelist())
    lea.get_by_label("Votre mot de passe, pour confirmer").fill(PASSWORD)
    lea.screenshot(path=artifacts / "settings-delete-fr.png", full_page=True)
    lea.get_by_role("button", name="Supprimer mon compte pour de bon").click()
    lea.wait_for_url(live + "/?deleted=1")
    assert lea.get_by_role("status").inner_text() == "Votre compte et vos données sont supprimés."
    ana.goto(live + "/in/lea-martin")
    expect(ana.get_by_role("heading", name="Not found")).to_be_visible()
    assert errors == []

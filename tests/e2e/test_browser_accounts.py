"""In a real browser: members join, sign in and out, in English and French.

Screenshots of each page go to tests/artifacts/. Any console error (a script
refused by the Content-Security-Policy) or failed asset fails the test.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
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


def _synthetic_export(folder: Path) -> tuple[Path, str, int]:
    """A LinkedIn export in the real format, as the demo writes it: the ZIP, its
    owner's name and how many named connections its Connections.csv lists (the
    rows LinkedIn leaves empty for hidden members are not connections)."""
    import csv
    import io

    import numpy as np

    from weakties.synth import generate, write_linkedin_export

    world = generate(n_people=90, seed=3)
    degree = world.degree()
    person = int(np.argmin(np.abs(degree - 40)))  # tens of contacts: a quick import
    path = write_linkedin_export(world, person, folder)
    with zipfile.ZipFile(path) as archive:
        text = archive.read("Connections.csv").decode("utf-8")
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("First Name,"))
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[header:]))))
    named = sum(1 for row in rows if row["First Name"].strip() or row["Last Name"].strip())
    who = world.people[person]
    return path, f"{who.first_name} {who.last_name}", named


def test_upload_a_linkedin_export_and_follow_it_to_a_filled_profile(
    chromium, live, artifacts, tmp_path, monkeypatch
):
    """A member uploads their export in the real format; the progress page updates
    itself (htmx, no reload) until the import ends, then links to their profile,
    filled with the export's positions and skills; the import counted the export's
    connections, and the network report reads them."""
    import threading

    from weakties.ingest.linkedin import importer

    export, name, named = _synthetic_export(tmp_path / "export")
    # the import waits for the test's word, so that the page is seen running
    go_on = threading.Event()
    real = importer.import_linkedin

    def held(*args: Any, **kwargs: Any) -> Any:
        assert go_on.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(importer, "import_linkedin", held)
    errors: list[str] = []
    member = _page(chromium, "en-GB", errors)
    _join(member, live, name, "member@example.org")
    member.get_by_role("link", name="Settings").click()
    member.get_by_role("link", name="Import my LinkedIn data").click()
    member.get_by_label("Your LinkedIn export (ZIP)").set_input_files(export)
    member.screenshot(path=artifacts / "import-form-en.png", full_page=True)
    member.get_by_role("button", name="Import").click()
    member.wait_for_url(live + "/settings/import/*")
    expect(member.get_by_role("heading", name=f"Importing {export.name}")).to_be_visible()
    expect(member.get_by_role("status")).to_have_text("Reading your export: 0 %")
    expect(member.get_by_text("0 rows read")).to_be_visible()
    member.screenshot(path=artifacts / "import-progress-en.png", full_page=True)
    member.evaluate("window.stillThisPage = true")
    go_on.set()
    expect(member.get_by_role("heading", name="Your export is imported")).to_be_visible(
        timeout=60_000
    )
    assert member.evaluate("window.stillThisPage") is True  # htmx swapped it in place
    expect(member.get_by_text(f"{named} connections", exact=True)).to_be_visible()
    member.screenshot(path=artifacts / "import-done-en.png", full_page=True)

    with zipfile.ZipFile(export) as archive:
        positions = archive.read("Positions.csv").decode("utf-8").splitlines()
        skills = archive.read("Skills.csv").decode("utf-8").splitlines()
    title = positions[1].split(",")[1]
    member.get_by_role("link", name="See my profile").click()
    member.wait_for_url(live + "/in/**")
    experience = member.locator("section", has=member.locator("#h-experience"))
    expect(experience.get_by_text(title).first).to_be_visible()
    skill_list = member.locator("section", has=member.locator("#h-skills"))
    expect(skill_list.get_by_text(skills[1], exact=True).first).to_be_visible()
    member.screenshot(path=artifacts / "profile-imported-en.png", full_page=True)
    member.goto(live + "/network")  # the report on the imported network
    expect(member.get_by_role("heading", name="What your network is worth")).to_be_visible()
    expect(member.get_by_text(f"of your {named} contacts").first).to_be_visible()
    member.screenshot(path=artifacts / "network-imported-en.png", full_page=True)
    assert errors == []

"""Every network page in French, on the demo with the member's model fitted on
their history: no English word of the platform's own, no ISO date, numbers in
French; the fitted model's name worded in French with a French date."""

from __future__ import annotations

import html
import re
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.support import fit_on_short_history
from tests.web.conftest import SECRET, post_form
from weakties.model.tables import Organization, Person, Position
from weakties.store.engine import Store, open_store

pytestmark = pytest.mark.slow

#: English words the platform writes (none of them French); a page's data (names,
#: organisations, headlines, places, industries) is taken out before looking
ENGLISH = re.compile(
    r"\b(the|and|with|from|your|you|ago|since|last|people|person|ties|strong|weak|"
    r"learned|history|within|none|not|enough|data|known|default|model|days|"
    r"months|years|month|year|week|weeks|contact with|mutual|shared|also at|through|"
    r"reached|degree|none yet|never|times|time|new|left|joined|works at|step|steps)\b",
    re.IGNORECASE,
)
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
#: a count of 0 or 1 with a French plural ("1 personnes": French says "1 personne")
ONE_PLURAL = re.compile(
    r"(?<![\d,\u202f\xa0])[01] (personnes|contacts|liens|cercles|ponts|échanges|jours|relations|"
    r"validations|messages|ans|valeurs|semaines|fois différentes)\b"
)


def _text(page: str) -> str:
    """What a reader sees of a page's main part (no markup, no scripts), its
    spaces collapsed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    found = re.search(r"<main\b.*?</main>", page, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", found.group(0) if found else page))
    return " ".join(text.split())


@pytest.fixture(scope="module", autouse=True)
def _short_history():
    """The demo world is a shorter history than a fit needs: see fit_on_short_history."""
    with fit_on_short_history():
        yield


@pytest.fixture
def french(
    backend: str, demo_worlds: Any, per_backend: Any, request: pytest.FixtureRequest
) -> dict[str, Any]:
    """The pages, read once per back end on a copy of the demo platform."""

    def make(stack: ExitStack, folder: Path) -> dict[str, Any]:
        url = stack.enter_context(demo_worlds.copy("platform", request, folder))
        store = open_store(url)
        try:
            return _read_pages(store, url)
        finally:
            store.close()

    return per_backend.get(request, make)


def _read_pages(store: Store, url: str) -> dict[str, Any]:
    from weakties.service import viewer
    from weakties.service.demo_accounts import DEMO_DOMAIN, DEMO_PASSWORD
    from weakties.service.introductions import who_can_introduce
    from weakties.service.models import fit
    from weakties.web.app import create_app
    from weakties.web.settings import Settings

    with store.engine.begin() as conn:
        assert fit(conn, viewer(conn, "you")).ties.fitted  # the model learned on the history
        # an organisation with ways in of two and three steps: "who can introduce me"
        ways = (
            (oid, who_can_introduce(conn, viewer(conn, "you"), org_id=oid).paths)
            for (oid,) in conn.execute(select(Organization.id).order_by(Organization.id))
        )
        org, paths = next((oid, ps) for oid, ps in ways if {p.length for p in ps} == {2, 3})
        # the request through the first broker who can be asked: how they know the target
        way = next(p for p in paths if p.askable and p.length == 2)
        request = f"/network/introductions/new?broker={way.broker.handle}&to={way.contact.handle}"
        data = set()
        for row in conn.execute(
            select(Person.display_name, Person.headline, Person.location, Person.industry)
        ):
            data.update(" ".join(v.split()) for v in row if v)
        data.update(" ".join(n.split()) for (n,) in conn.execute(select(Organization.name)) if n)
        data.update(" ".join(t.split()) for (t,) in conn.execute(select(Position.title)) if t)
    app = create_app(
        Settings(environment="test", secret_key=SECRET, db=url, warm_kernels=False),
        store=store,
    )
    browser = TestClient(app)
    signed = post_form(
        browser, "/signin", {"email": f"you@{DEMO_DOMAIN}", "password": DEMO_PASSWORD}
    )
    assert signed.status_code == 303
    post_form(browser, "/settings/language", {"locale": "fr"}, page="/settings")
    ties = browser.get("/api/v1/network/ties?limit=20").json()["ties"]
    tie = ties[0]
    handle = next(t["handle"] for t in ties if t.get("handle"))
    pages = {
        path: browser.get(path)
        for path in (
            "/network",
            "/network/ties",
            f"/network/ties/{tie['id']}",
            "/network/graph",
            "/network/people-you-may-know",
            "/network/opportunities",
            "/network/keep-in-touch",
            "/network/opinion-leaders",
            f"/in/{handle}/brief",
            f"/orgs/{org}",
            # the section alone, as the organisation's page loads it on a platform
            f"/introducers?org={org}",
            f"{request}&org={org}",
        )
    }
    # the longest first: a name inside a longer one goes with it
    said = sorted(data, key=len, reverse=True)
    return {"pages": pages, "data": said, "tie": tie, "org": org}


def _own_words(text: str, data: list[str]) -> str:
    """A page's text without its data (names, organisations, headlines, places)."""
    for value in data:
        if len(value) > 2:
            text = text.replace(value, " ")
            if len(value) > 28:  # a chart's label: its first 27 characters and "…"
                text = text.replace(value[:27] + "…", " ")
    return text


def test_the_fitted_model_is_named_in_french_with_a_french_date(french):
    for path in ("/network", "/network/ties", f"/network/ties/{french['tie']['id']}"):
        page = french["pages"][path]
        assert page.status_code == 200, path
        said = _text(page.text)
        assert "appris de votre historique jusqu’au 2 déc. 2024" in said, path
        assert "learned from" not in said and "2024-12-02" not in said, path


def test_a_reasons_push_is_a_french_number(french):
    said = _text(french["pages"][f"/network/ties/{french['tie']['id']}"].text)
    pushes = re.findall(r"\(([+−-]?\d+(?:[.,]\d+)?)\)", said)
    assert pushes, said
    assert not [p for p in pushes if "." in p or p.startswith("-")], pushes


def test_who_can_introduce_me_gives_its_reasons_in_french(french):
    page = french["pages"][f"/introducers?org={french['org']}"].text
    section = page[
        page.index('id="introducers"') : page.index("</section>", page.index('id="introducers"'))
    ]
    reasons = [_text(r) for r in re.findall(r'<p class="why">(.*?)</p>', section, flags=re.S)]
    assert len(reasons) >= 2, section
    for reason in reasons:
        assert re.search(r"\d+ contacts? en commun", reason), reason
        assert "mutual" not in reason and " tie, " not in reason, reason
    assert any(", qui " in r for r in reasons), reasons  # a way in of three steps


def test_every_network_page_is_french_throughout(french):
    found = {}
    for path, page in french["pages"].items():
        assert page.status_code == 200, path
        text = _own_words(_text(page.text), french["data"])
        english = sorted(
            {text[max(m.start() - 30, 0) : m.end() + 30] for m in ENGLISH.finditer(text)}
        )
        days = ISO_DAY.findall(text)
        plurals = [text[max(m.start() - 30, 0) : m.end() + 10] for m in ONE_PLURAL.finditer(text)]
        if english or days or plurals:
            found[path] = (english, days, plurals)
    assert found == {}

"""People you may know says what ranked each suggestion: before the member's fit,
Katz's index and the facts behind it (mutual contacts, shared places); once the
ranker is fitted on their history (``weakties model fit``), what that model
weighed for each suggestion, in English and in French, and never a count of
mutual contacts that its names contradict."""

from __future__ import annotations

import html
import re
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support import fit_on_short_history
from tests.web.conftest import SECRET, post_form

pytestmark = pytest.mark.slow

PYMK = "/network/people-you-may-know"


@pytest.fixture(scope="module", autouse=True)
def _short_history():
    """The demo world is a shorter history than a fit needs (8 distinct new pairs
    on platform-1200): see fit_on_short_history."""
    with fit_on_short_history():
        yield


def _reasons(page: str) -> dict[str, list[str]]:
    """Each suggestion's reasons as the page lists them, by the person's handle."""
    out = {}
    for handle, listed in re.findall(
        r'<p><a href="/in/([^"]+)">.*?</p>\s*<ul class="reasons">(.*?)</ul>', page, flags=re.S
    ):
        out[handle] = [
            " ".join(html.unescape(re.sub(r"<[^>]+>", " ", li)).split())
            for li in re.findall(r"<li>(.*?)</li>", listed, flags=re.S)
        ]
    return out


@pytest.fixture
def seen(backend, demo_worlds, per_backend, request) -> dict[str, Any]:
    """The member's suggestions (API and page) before and after their fit, read
    once per back end on a copy of the large demo."""

    def make(stack: ExitStack, folder: Path) -> dict[str, Any]:
        url = stack.enter_context(demo_worlds.copy("platform-1200", request, folder))
        return _read(url)

    return per_backend.get(request, make)


def _read(url: str) -> dict[str, Any]:
    from weakties.service import viewer
    from weakties.service.demo_accounts import DEMO_DOMAIN, DEMO_PASSWORD
    from weakties.service.models import fit
    from weakties.store.engine import open_store
    from weakties.web.app import create_app
    from weakties.web.settings import Settings

    store = open_store(url)
    app = create_app(
        Settings(environment="test", secret_key=SECRET, db=url, worker_interval=0),
        store=store,
    )
    out: dict[str, Any] = {}
    try:
        with TestClient(app) as you:
            signed = post_form(
                you, "/signin", {"email": f"you@{DEMO_DOMAIN}", "password": DEMO_PASSWORD}
            )
            assert signed.status_code == 303

            for when in ("before", "after"):
                if when == "after":
                    with store.engine.begin() as conn:
                        assert fit(conn, viewer(conn, "you")).suggestions.fitted
                found = you.get(f"/api{PYMK.replace('/network', '/v1/network')}").json()
                out[when] = {"api": found["people"], "page": you.get(PYMK).text}
            post_form(you, "/settings/language", {"locale": "fr"}, page="/settings")
            out["french"] = you.get(PYMK).text
    finally:
        store.close()
    return out


def _handles(found: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(p["invite"]["handle"], p["why"]) for p in found if p["invite"]["handle"]]


def test_before_the_fit_the_reasons_are_the_facts_katz_ranks_by(seen):
    page = seen["before"]["page"]
    assert "Computed now from your network." in page
    reasons = _reasons(page)
    people = _handles(seen["before"]["api"])
    assert people
    for handle, why in people:
        listed = reasons[handle]
        assert listed and (
            re.fullmatch(r"\d+ mutual contacts? \(.+\)", listed[0])
            or listed[0] == "three steps away through your contacts' contacts"
        ), (handle, listed)
        # Katz's index does not read places: one shared is context, after the reason
        assert all(
            r.startswith("also at ") and r.endswith(" (not part of the ranking)")
            for r in listed[1:]
        ), (handle, listed)
        assert why.split("; ")[0].split(" (")[0] in listed[0]  # the same count as the API's


# how the page says each feature the fitted ranker names (pymk_model.describe)
SAID = [
    (r"([\d,]+) mutual contacts?", r"{0} mutual contacts?( \(.+\))?"),
    (r"in touch with ([\d,]+) (?:person|people)", r"in touch with {0} (person|people) in all"),
    (
        r"active: ([\d,]+) contacts? in the last month",
        r"active: {0} contacts? with anyone in the last month",
    ),
    (
        r"meeting new people: (\d+) in the last month",
        r"met {0} new (person|people) in the last month",
    ),
    (r"last in touch with anyone (.+)", r"last in touch with anyone {0}"),
    (r"many paths through your contacts' contacts", r"many paths through your contacts' contacts"),
    (
        r"in the same place \(employer, school or group\) now",
        r"(also at .+|in the same place as you now .+)",
    ),
    (r"new here", r"new here: .+"),
]


def _said(item: str) -> str:
    for core, page in SAID:
        found = re.fullmatch(core, item)
        if found:
            return page.format(*(re.escape(g) for g in found.groups()))
    raise AssertionError(f"a reason the page does not know: {item!r}")


def test_after_the_fit_each_suggestion_says_what_the_model_weighed(seen):
    page = seen["after"]["page"]
    assert "Ranked now by the model learned from your history" in page
    assert "Computed now from your network." not in page
    reasons = _reasons(page)
    people = _handles(seen["after"]["api"])
    assert people
    for handle, why in people:
        expected = [_said(item) for item in why.split("; ")]
        listed = reasons[handle]
        assert len(listed) == len(expected), (handle, why, listed)
        for shown, pattern in zip(listed, expected, strict=True):
            assert re.fullmatch(pattern, shown), (handle, why, shown)
        for shown in listed:  # never more names than the count says
            found = re.fullmatch(r"(\d+) mutual contacts? \((.+)\)", shown)
            if found:
                names = found.group(2).split(", ")
                assert len([n for n in names if n != "…"]) <= int(found.group(1)), shown


def test_after_the_fit_the_reasons_are_french_on_french_pages(seen):
    reasons = [r for listed in _reasons(seen["french"]).values() for r in listed]
    assert reasons
    english = re.compile(r"\b(mutual|in touch|people|contacts? in|new here|anyone|ago)\b")
    assert [r for r in reasons if english.search(r)] == []
    assert "Classées maintenant par le modèle appris de votre historique" in seen["french"]

"""In a real browser, on the demo platform: the value dashboard, the ego graph and the
ties pages render, without a console error, and the ego graph is drawn.

Screenshots go to tests/artifacts/ (network-*.png).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.servers import serve_in_thread
from tests.web.conftest import SECRET

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def demo_live(demo_worlds, request, tmp_path_factory) -> Iterator[str]:
    from weakties.store.engine import open_store
    from weakties.web.app import create_app
    from weakties.web.settings import Settings

    folder = tmp_path_factory.mktemp("demo")
    with demo_worlds.copy("platform", request, folder, "sqlite") as db:
        store = open_store(db)
        app = create_app(Settings(environment="test", secret_key=SECRET, db=db), store=store)
        server = serve_in_thread(app)
        yield server.url
        server.stop()
        store.close()


def _signed_in(chromium: Any, live: str, errors: list[str]) -> Any:
    from weakties.service.demo_accounts import DEMO_DOMAIN, DEMO_PASSWORD

    context = chromium.new_context(locale="en-GB", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "response",
        lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    page.goto(live + "/signin")
    page.get_by_label("E-mail address").fill(f"you@{DEMO_DOMAIN}")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return page


def test_dashboard_graph_and_ties_in_chromium(chromium, demo_live, artifacts):
    from PIL import Image

    errors: list[str] = []
    page = _signed_in(chromium, demo_live, errors)
    page.goto(demo_live + "/network")
    expect(page.get_by_role("heading", name="What your network is worth")).to_be_visible()
    bars = page.locator("svg#chart-classes a")
    assert bars.count() == 4
    page.screenshot(path=artifacts / "network-dashboard.png", full_page=True)
    # a figure leads to the people behind it
    page.locator('svg#chart-classes a[href="/network/ties?class=weak"]').click()
    page.wait_for_url("**/network/ties?class=weak")
    assert page.locator("table.ties tbody tr").count() > 0
    assert (
        page.locator("table.ties tbody tr.weak").count()
        == page.locator("table.ties tbody tr").count()
    )
    page.screenshot(path=artifacts / "network-ties.png", full_page=True)

    page.goto(demo_live + "/network/graph")
    graph = page.locator("#ego-graph")
    graph.wait_for(state="visible")
    page.locator("#ego-graph[data-drawn]").wait_for(state="attached", timeout=30_000)
    drawn = int(graph.get_attribute("data-drawn") or 0)
    data = page.evaluate("fetch('/api/v1/network/graph').then(r => r.json())")
    assert drawn == len(data["nodes"]) + 1  # every contact and the member
    shot = graph.screenshot()
    page.screenshot(path=artifacts / "network-graph.png", full_page=True)
    image = Image.open(io.BytesIO(shot)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20) or []
    painted = sum(n for n, rgb in colours if rgb != (255, 255, 255))
    assert painted > 0.01 * image.width * image.height, "the ego graph's canvas is blank"
    assert errors == [], errors
    # clicking a person opens them (one of the innermost ring: nobody on top)
    person = next(n for n in data["nodes"] if n["layer"] == 5)
    x, y = page.evaluate(
        """(id) => {
             const box = document.getElementById('ego-graph').getBoundingClientRect();
             const at = window.egoGraph.getElementById('p' + id).renderedPosition();
             return [box.left + at.x, box.top + at.y];
           }""",
        person["id"],
    )
    page.mouse.click(x, y)
    target = f"/in/{person['handle']}" if person["handle"] else f"/network/ties/{person['id']}"
    page.wait_for_url("**" + target)
    assert errors == [], errors


AXE = Path(__file__).with_name("vendor") / "axe-core-4.10.3.min.js"


def test_axe_finds_no_serious_violation_on_the_network_pages(chromium, demo_live, artifacts):
    """axe-core (vendored, test-only) on each network page: no serious or critical
    violation. The script is injected into a context that bypasses the CSP: what is
    checked is the page's accessibility, not the policy (the test above checks it)."""
    import hashlib

    recorded = re.search(r"`([0-9a-f]{64})` \|", AXE.with_name("README.md").read_text())
    assert recorded and hashlib.sha256(AXE.read_bytes()).hexdigest() == recorded.group(1)
    from weakties.service.demo_accounts import DEMO_DOMAIN, DEMO_PASSWORD

    context = chromium.new_context(
        locale="en-GB", viewport={"width": 1200, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.goto(demo_live + "/signin")
    page.get_by_label("E-mail address").fill(f"you@{DEMO_DOMAIN}")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    found: dict[str, list[str]] = {}
    tie = page.evaluate("fetch('/api/v1/network/ties?limit=1').then(r => r.json())")
    members = page.evaluate("fetch('/api/v1/network/ties?limit=1000').then(r => r.json())")
    member = next((t["handle"] for t in members["ties"] if t["handle"]), None)
    for path in (
        "/network",
        "/network/ties",
        f"/network/ties/{tie['ties'][0]['id']}",
        "/network/graph",
        "/network/keep-in-touch",
        "/network/people-you-may-know",
        "/network/opportunities",
        "/network/opinion-leaders",
        *([f"/in/{member}/brief"] if member else []),
    ):
        page.goto(demo_live + path)
        if path == "/network/graph":
            page.locator("#ego-graph[data-drawn]").wait_for(state="attached", timeout=30_000)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        found[path] = [
            f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} nodes"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
    (artifacts / "network-axe.txt").write_text(
        "\n".join(f"{p}: {v}" for p, vs in found.items() for v in vs) or "none\n"
    )
    assert found == {p: [] for p in found}, found

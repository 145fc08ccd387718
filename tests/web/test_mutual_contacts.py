"""The tie page and the person brief count the same mutual contacts for the same
pair (on the demo platform, where colleagues and co-recipients are inferred ties).

The tie page's count is the tie model's feature, the common neighbours over every
tie the member may see, the inferred ones included (colleagues, classmates,
co-recipients), which is what the network snapshot says
(:func:`weakties.service.network.mutual` and ``degree``); the brief reads that
function. It counted current declared ties only, so the same pair had 3 mutual
contacts on one page and 0 on the other.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import SECRET, post_form
from weakties.store.engine import open_store

pytestmark = pytest.mark.slow


@pytest.fixture
def you(
    backend: str, demo_worlds: Any, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[TestClient]:
    from weakties.service.demo_accounts import DEMO_DOMAIN, DEMO_PASSWORD
    from weakties.web.app import create_app
    from weakties.web.settings import Settings

    with demo_worlds.copy("platform", request, tmp_path) as url:
        store = open_store(url)
        app: Any = create_app(
            Settings(environment="test", secret_key=SECRET, db=url, worker_interval=0),
            store=store,
        )
        with TestClient(app) as client:
            signed = post_form(
                client, "/signin", {"email": f"you@{DEMO_DOMAIN}", "password": DEMO_PASSWORD}
            )
            assert signed.status_code == 303
            yield client
        store.engine.dispose()


def test_the_tie_page_and_the_brief_count_the_same_mutual_contacts(you):
    ties = you.get("/api/v1/network/ties?limit=10").json()["ties"]
    pairs = [(t["id"], t["handle"], t["mutual_contacts"]) for t in ties if t.get("handle")][:5]
    assert pairs
    counted = {
        handle: (
            mutual,
            you.get(f"/api/v1/network/ties/{pid}").json()["tie"]["mutual_contacts"],
            you.get(f"/api/v1/profiles/{handle}/brief").json()["mutual_total"],
        )
        for pid, handle, mutual in pairs
    }
    assert {h: (m, m, m) for h, (m, _, _) in counted.items()} == counted

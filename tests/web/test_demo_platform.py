"""The demo as a platform: every person of the demo world can sign in."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.web.conftest import SECRET, post_form
from weakties.model.tables import Account, Member, Person
from weakties.service.demo_accounts import DEMO_DOMAIN, DEMO_PASSWORD, open_demo_accounts
from weakties.store.engine import open_store
from weakties.web.app import create_app
from weakties.web.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture
def demo_store(backend, demo_worlds, request, tmp_path):
    """A copy of the demo (no accounts yet), this test's own."""
    with demo_worlds.copy("demo", request, tmp_path) as url:
        store = open_store(url)
        yield store
        store.close()


def test_every_demo_person_signs_in(demo_store):
    store = demo_store
    first = open_demo_accounts(store)
    assert first.operator_email == f"you@{DEMO_DOMAIN}"
    again = open_demo_accounts(store)  # serving the same demo twice adds nobody
    assert again.created == 0
    with store.engine.connect() as conn:
        people = conn.execute(select(func.count()).select_from(Person)).scalar_one()
        accounts = conn.execute(select(func.count()).select_from(Account)).scalar_one()
        handles = conn.execute(select(Member.handle).order_by(Member.id)).scalars().all()
    assert accounts == people == first.created
    app = create_app(Settings(environment="test", secret_key=SECRET, db=store.url), store=store)
    for handle in (handles[0], handles[len(handles) // 2], handles[-1]):
        with TestClient(app) as browser:
            signed = post_form(
                browser,
                "/signin",
                {"email": f"{handle}@{DEMO_DOMAIN}", "password": DEMO_PASSWORD},
            )
            assert signed.status_code == 303, handle
            me = browser.get("/api/v1/me").json()
            assert me["handle"] == handle
            assert me["role"] == ("operator" if handle == "you" else "member")
            page = browser.get(f"/in/{handle}")
            assert page.status_code == 200
            assert re.search(r"<h1>[^<]+", page.text)

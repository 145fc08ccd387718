"""The web app on a fresh database (SQLite and PostgreSQL), with a test client."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient

from weakties.store.engine import Store
from weakties.web.app import create_app
from weakties.web.settings import Settings

SECRET = "test-secret-" + "x" * 40
PASSWORD = "correct horse battery staple"


def make_settings(store_url: str, **overrides: Any) -> Settings:
    # no background loop unless a test asks for one: tests run the tasks themselves
    overrides.setdefault("worker_interval", 0)
    # nor kernels loaded in the background (test_warm_kernels checks that)
    overrides.setdefault("warm_kernels", False)
    return Settings(environment="test", secret_key=SECRET, db=store_url, **overrides)


@pytest.fixture(autouse=True)
def _introductions_in_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page waits for the introduction network as long as it takes: a busy test
    machine may need more than the second a page waits on a server to build a
    demo's (the tests of what a page shows when it is not ready set their own
    waits: tests/web/test_shared_introductions.py)."""
    from weakties.service import introductions
    from weakties.web.routes import introductions as routes

    monkeypatch.setattr(introductions, "PAGE_WAIT", 600.0)
    monkeypatch.setattr(routes, "API_WAIT", 600.0)


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 with its smallest cost: the tests sign up hundreds of members, and
    what they check does not depend on the cost (``test_accounts`` checks the
    real parameters)."""
    from argon2 import PasswordHasher

    from weakties.service import accounts

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", lambda: cheap)


@pytest.fixture(scope="module")
def world_copies(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Worlds built once per module and backend, copied for each test (``copies``)."""
    from tests.web.copies import WorldCopies

    copies = WorldCopies(tmp_path_factory.mktemp("worlds"))
    yield copies
    copies.drop_all()


@pytest.fixture
def settings(store_url: str) -> Settings:
    return make_settings(store_url)


# settings (but the database) -> apps built by this process and not lent now
_IDLE_APPS: dict[tuple[str, str], list[Any]] = {}


@contextmanager
def lent_app(settings: Settings, store: Store) -> Iterator[Any]:
    """An app on ``store``: one this process built before for the same settings
    (but the database), given the test's store and settings, or a new one.

    Building the app is cheap, but its first request into each of its routers
    makes FastAPI work out every route of that router again (some 40 to 80 ms
    a router) and its first render of each page compiles the template: paid
    once per app, as a server does once per process, instead of once per test.
    An app is lent to one test at a time (a module's reading copy keeps one
    while its other tests borrow another), and comes back as the test found it:
    what a test may change (its settings object, dependency overrides) is the
    test's or set again here."""
    key = (
        settings.model_dump_json(exclude={"db", "secret_key"}),
        settings.secret_key.get_secret_value(),
    )
    idle = _IDLE_APPS.setdefault(key, [])
    app = idle.pop() if idle else create_app(settings, store=store)
    app.state.settings = settings
    app.state.store = store
    try:
        yield app
    finally:
        app.dependency_overrides.clear()
        app.state.store = None
        idle.append(app)


@pytest.fixture
def app(settings: Settings, store: Store) -> Iterator[Any]:
    with lent_app(settings, store) as lent:
        yield lent


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture
def other(app: Any) -> Iterator[TestClient]:
    """A second browser."""
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


def csrf(client: TestClient, path: str = "/") -> str:
    """The CSRF token of the forms on ``path`` for this browser."""
    page = client.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, f"no form with a CSRF token on {path}"
    return found.group(1)


def post_form(
    client: TestClient, path: str, data: dict[str, str], *, page: str | None = None
) -> Any:
    return client.post(
        path, data={"csrf_token": csrf(client, page or path), **data}, follow_redirects=False
    )


def sign_up(
    client: TestClient, name: str, email: str, password: str = PASSWORD, **extra: str
) -> Any:
    response = post_form(
        client, "/signup", {"name": name, "email": email, "password": password, **extra}
    )
    assert response.status_code == 303, response.text
    return response


def api_headers(client: TestClient) -> dict[str, str]:
    """What the pages' scripts send with a write to the API: the CSRF header."""
    return {"X-CSRF-Token": csrf(client, "/")}

"""schemathesis against /api/v1: no server error, every answer as the document says.

Every operation of the OpenAPI document is called with generated input, signed in
(a personal access token) and anonymously; the checks are schemathesis' defaults
(no 5xx, status codes, content types and bodies as documented).
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from tests.web.conftest import api_headers, sign_up

pytestmark = pytest.mark.slow


def _check_every_operation(app, headers: dict[str, str], examples: int) -> int:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))
        def call(case):
            case.call_and_validate(headers=headers)

        call()
        checked += 1
    return checked


def test_the_api_as_documented(app, store):
    # generated input tests what the routes accept and answer; the database behind
    # them matters for far fewer cases, so PostgreSQL gets fewer examples (on SQLite
    # 15 signed in per operation: 30 took 78 s of an 18-minute suite)
    signed_in, anonymous = (15, 5) if store.engine.dialect.name == "sqlite" else (10, 4)
    with TestClient(app) as browser, TestClient(app) as second:
        sign_up(browser, "Ana Lima", "ana@example.org")
        sign_up(second, "Bob Chen", "bob@example.org", handle="bob")
        created = browser.post(
            "/api/v1/tokens", json={"name": "schemathesis"}, headers=api_headers(browser)
        )
    token = created.json()["token"]
    operations = _check_every_operation(app, {"Authorization": f"Bearer {token}"}, signed_in)
    assert operations >= 5
    _check_every_operation(app, {}, anonymous)

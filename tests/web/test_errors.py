"""One JSON error shape for the whole API (locked here), error pages for the rest."""

from __future__ import annotations

from tests.web.conftest import sign_up

SHAPE = {"ok", "error", "status", "fields"}


def _assert_shape(response, status: int) -> dict:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == SHAPE
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["fields"], dict)
    return body


def test_every_api_error_has_the_same_shape(client):
    _assert_shape(client.get("/api/v1/me"), 401)
    _assert_shape(client.get("/api/v1/nothing-here"), 404)
    sign_up(client, "Ana Lima", "ana@example.org")
    # a write from the session cookie without the CSRF header
    _assert_shape(client.post("/api/v1/tokens", json={"name": "x"}), 403)
    _assert_shape(client.get("/api/v1/profiles/nobody"), 404)
    _assert_shape(client.delete("/api/v1/tokens/999"), 403)
    _assert_shape(client.request("PUT", "/api/v1/me"), 405)


def test_invalid_input_is_422_naming_the_field(client):
    sign_up(client, "Ana Lima", "ana@example.org")
    from tests.web.conftest import api_headers

    headers = api_headers(client)
    body = _assert_shape(client.post("/api/v1/tokens", json={"name": ""}, headers=headers), 422)
    assert list(body["fields"]) == ["name"]
    body = _assert_shape(client.post("/api/v1/tokens", json={}, headers=headers), 422)
    assert list(body["fields"]) == ["name"]
    body = _assert_shape(client.post("/api/v1/tokens", content=b"{not json", headers=headers), 422)
    assert body["fields"]
    body = _assert_shape(client.delete("/api/v1/tokens/abc", headers=headers), 422)
    assert list(body["fields"]) == ["path.token_id"]
    assert client.get("/api/v1/tokens").json() == []  # nothing written


def test_pages_show_errors_as_pages(client):
    sign_up(client, "Ana Lima", "ana@example.org")
    missing = client.get("/in/nobody")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert "Not found" in missing.text
    forged = client.post("/signout", data={"csrf_token": "forged"})
    assert forged.status_code == 403
    assert "came from another site" in forged.text
    assert client.get("/api/v1/me").status_code == 200  # still signed in


def test_an_error_page_escapes_what_was_asked_for(client):
    sign_up(client, "Ana Lima", "ana@example.org")
    response = client.get("/in/<script>alert(1)<%2Fscript>")
    assert response.status_code == 404
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;" in response.text


def test_the_openapi_document_describes_the_api_only(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["info"]["title"] == "weakties"
    assert all(path.startswith("/api/v1/") for path in document["paths"])
    assert "/api/v1/me" in document["paths"]
    assert "ErrorOut" in document["components"]["schemas"]

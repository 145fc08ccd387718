"""A link in a post is never fetched (docs/platform.md, "Posts and the feed"): no
preview is made, so the server issues no request to the address a member typed
when the post is written, shown in the feed, on its page or through the API."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import sign_up
from tests.web.test_social import api

LINK = "https://internal.example.invalid/latest?utm=1"


@pytest.fixture
def looked_up(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every host name the process resolves or connects to from Python."""
    calls: list[Any] = []
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(host)
        return real(host, *args, **kwargs)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(address)
        raise OSError("no outgoing connection in this test")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return calls


def test_a_posted_link_is_shown_as_its_text_and_never_fetched(app, looked_up):
    with TestClient(app) as ana:
        sign_up(ana, "Ana", "ana@example.org", handle="ana")
        made = api(ana, "POST", "/posts", {"body": f"Read this: {LINK}"})
        assert made.status_code == 201, made.text
        pid = made.json()["id"]
        html = made.json()["html"]
        shown = [ana.get("/feed").text, ana.get(f"/posts/{pid}").text, html]
    escaped = LINK.replace("&", "&amp;")
    for page in shown:
        assert f'<a href="{escaped}" rel="nofollow noopener noreferrer ugc">' in page
    # the link's text only: no picture, title or summary read from the page
    assert html.count("<a ") == 1 and "<img" not in html
    assert not any("example.invalid" in str(call) for call in looked_up), looked_up

"""'Do not ask me to introduce anyone' as JSON: ``/api/v1/me/do-not-ask`` reads and
sets the switch of the settings page (the same service function), with the API's
authentication and the same checks of the reason.

The ``people`` of ``test_social``: Ana and Bo are connected, Bo and Cy are connected.
"""

from __future__ import annotations

from tests.web.conftest import post_form
from tests.web.test_social import api, people  # noqa: F401


def test_the_do_not_ask_switch_through_the_api(people):  # noqa: F811
    ana, bo = people["ana"], people["bob"]
    request = {"broker": "bob", "to": "cyd", "body": "Would you introduce me to Cy?"}

    def switch() -> object:
        return api(bo, "GET", "/me/do-not-ask").json()

    assert switch() == {"on": False, "reason": None}
    # a signed-in browser writes with the CSRF header only
    assert bo.put("/api/v1/me/do-not-ask", json={"on": True}).status_code == 403
    for reason in ("x" * 201, "busy\x1b[2J"):
        refused = api(bo, "PUT", "/me/do-not-ask", {"on": True, "reason": reason})
        assert refused.status_code == 422 and set(refused.json()["fields"]) == {"reason"}
    assert switch() == {"on": False, "reason": None}

    on = api(bo, "PUT", "/me/do-not-ask", {"on": True, "reason": "<b>busy</b> this year"})
    assert on.status_code == 200 and on.json() == {"on": True, "reason": "<b>busy</b> this year"}
    assert switch() == on.json()
    settings = bo.get("/settings").text
    assert 'name="do_not_ask" value="on" checked>' in settings
    assert "&lt;b&gt;busy&lt;/b&gt; this year" in settings and "<b>busy" not in settings
    asked = api(ana, "POST", "/introductions", request)
    assert asked.status_code == 409
    assert "do_not_ask" in {r["rule"] for r in asked.json()["reasons"]}

    # the settings page's form switches off what the API switched on
    off = post_form(bo, "/settings/do-not-ask", {"reason": ""}, page="/settings")
    assert off.status_code == 303
    assert switch() == {"on": False, "reason": None}
    assert api(ana, "POST", "/introductions", request).status_code == 201

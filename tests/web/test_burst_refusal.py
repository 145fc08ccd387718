"""The same message to too many members: refused with its rule and the moment it
lifts, in the API as an introduction's refusal is, and on the page in the same
partial."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from tests.web.conftest import api_headers, post_form, sign_up
from weakties.service import messages

SPAM = "Buy my wonderful consulting services now, best prices in town"
T0 = dt.datetime(2026, 12, 6, 10, 0)


def test_the_burst_refusal_says_its_rule_and_when_it_lifts(app, client, monkeypatch):
    clock = {"now": T0}
    monkeypatch.setattr(messages, "utcnow", lambda: clock["now"])
    sign_up(client, "Dee Sender", "dee@example.org", handle="dee")
    others = []
    for i in range(6):
        with TestClient(app) as member:
            sign_up(member, f"Member {i}", f"m{i}@example.org", handle=f"member{i}")
        others.append(f"member{i}")

    def send(handle: str):
        return client.post(
            "/api/v1/conversations",
            json={"to": [handle], "body": f"Hi {handle}! {SPAM}"},
            headers=api_headers(client),
        )

    for i, handle in enumerate(others[:5]):
        clock["now"] = T0 + dt.timedelta(hours=i)
        assert send(handle).status_code == 201
    clock["now"] = T0 + dt.timedelta(hours=5)
    refused = send("member5")
    assert refused.status_code == 409
    body = refused.json()
    assert body["error"] == (
        "the same message to 6 members in a day: write to each one personally "
        "(at most 5 receive the same text); it could go to another member from "
        "2026-12-07 10:00 UTC"
    )
    # the first message leaves the sliding day at 10:00 the next day: possible
    # from the first minute of the day after
    assert body["reasons"] == [
        {
            "rule": "same_message_recipients",
            "message": body["error"],
            "possible_on": "2026-12-08",
            "params": {"count": 6, "limit": 5, "possible_at": "2026-12-07T10:00:00"},
        }
    ]
    assert body["possible_on"] == "2026-12-08"

    page = post_form(client, "/messages", {"to": "member5", "body": f"Dear member5 {SPAM}"})
    assert page.status_code == 409
    assert 'data-rule="same_message_recipients"' in page.text
    # the rule named in words, its detail from its parts
    assert "The same message to a few members a day" in page.text
    assert "write to each one personally (at most 5 receive the same text)" in page.text
    assert "Possible from Dec 8, 2026." in page.text
    assert "The request becomes possible" not in page.text  # an introduction's words

    clock["now"] = T0 + dt.timedelta(hours=24, seconds=1)
    assert send("member5").status_code == 201

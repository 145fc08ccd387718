"""Keep in touch in the browser: the reminders with their reasons, snooze and dismiss
as forms without JavaScript, the cadences' form naming its wrong field, the same
as JSON; a member sees only their own reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import api_headers, post_form, sign_up
from weakties.store.clock import set_clock, utcnow

PAGE = "/network/keep-in-touch"


def _connect(a: TestClient, b: TestClient, handle_b: str) -> None:
    sent = a.post(
        "/api/v1/invitations", json={"handle": handle_b, "note": "Hi"}, headers=api_headers(a)
    )
    assert sent.status_code == 201, sent.text
    done = b.post(
        f"/api/v1/invitations/{sent.json()['id']}/accept", json={}, headers=api_headers(b)
    )
    assert done.status_code == 200, done.text


@pytest.fixture
def month_later(client, other, store):
    """Ana and Bob connected and wrote today: a weak tie, in the 50 however few
    ties Ana has (the closest 5 and 15 are strong ties only). A month later that
    message is past the closest layer's two weeks but within the 50's quarter:
    nobody is due. The database's clock is then 100 days later, past the quarter."""
    sign_up(client, "Ana Lima", "ana@example.org", handle="ana")
    sign_up(other, "Bob <b>Chen</b>", "bob@example.org", handle="bob")
    _connect(client, other, "bob")
    sent = client.post(
        "/api/v1/conversations",
        json={"to": ["bob"], "body": "Coffee next week?"},
        headers=api_headers(client),
    )
    assert sent.status_code == 201, sent.text
    start = utcnow()
    with store.engine.begin() as conn:
        set_clock(conn, start + dt.timedelta(days=30))
    assert client.get("/api/v1/network/keep-in-touch").json()["due"] == []
    with store.engine.begin() as conn:
        set_clock(conn, start + dt.timedelta(days=100))
    found = client.get("/api/v1/network/keep-in-touch").json()
    assert [r["handle"] for r in found["due"]] == ["bob"]
    return found["due"][0]["id"]


def test_the_reminder_with_its_reasons(client, month_later):
    found = client.get("/api/v1/network/keep-in-touch").json()
    (bob,) = found["due"]
    assert (bob["class"], bob["layer"], bob["cadence_days"]) == ("weak", 50, 91)
    assert [r["kind"] for r in bob["reasons"]] == ["last_contact", "cadence"]
    assert bob["reasons"][0]["text"].startswith("last contact 3 months ago")
    page = client.get(PAGE).text
    assert "last contact 3 months ago" in page and "closest 50 every 91 days" in page
    # a name written by its owner is text, never markup
    assert "Bob &lt;b&gt;Chen&lt;/b&gt;" in page and "<b>Chen</b>" not in page
    assert 'href="/network/keep-in-touch" aria-current="page"' in page
    post_form(client, "/settings/language", {"locale": "fr"}, page="/settings")
    french = client.get(PAGE).text
    assert "dernier contact il y a 3 mois" in french
    assert "vos 50 plus proches tous les 91 jours" in french


def test_snooze_dismiss_and_restore_without_javascript(client, month_later):
    pid = month_later
    bad = post_form(client, f"{PAGE}/{pid}/snooze", {"until": "someday"}, page=PAGE)
    assert bad.status_code == 422
    assert 'id="e-until-' in bad.text and 'aria-invalid="true"' in bad.text
    today = client.get("/api/v1/network/keep-in-touch").json()["as_of"]
    day = (dt.date.fromisoformat(today) + dt.timedelta(days=60)).isoformat()
    done = post_form(client, f"{PAGE}/{pid}/snooze", {"until": day}, page=PAGE)
    assert (done.status_code, done.headers["location"]) == (303, PAGE)
    found = client.get("/api/v1/network/keep-in-touch").json()
    assert found["due"] == [] and found["snoozed"][0]["snoozed_until"] == day
    post_form(client, f"{PAGE}/{pid}/restore", {}, page=PAGE)
    assert len(client.get("/api/v1/network/keep-in-touch").json()["due"]) == 1
    post_form(client, f"{PAGE}/{pid}/dismiss", {}, page=PAGE)
    found = client.get("/api/v1/network/keep-in-touch").json()
    assert found["due"] == [] and found["snoozed"] == []
    # the same through the API
    headers = api_headers(client)
    client.delete(f"/api/v1/network/keep-in-touch/{pid}", headers=headers)
    put = client.post(
        f"/api/v1/network/keep-in-touch/{pid}/snooze", json={"until": day}, headers=headers
    )
    assert put.json() == {"person_id": pid, "snoozed_until": day}
    late = client.post(
        f"/api/v1/network/keep-in-touch/{pid}/snooze", json={"until": "2001-01-01"}, headers=headers
    )
    assert late.status_code == 422 and "until" in late.json()["fields"]


def test_the_cadences_form(client, month_later):
    bad = post_form(
        client, f"{PAGE}/cadences", {"cadence_5": "often", "cadence_15": "20"}, page=PAGE
    )
    assert bad.status_code == 422
    assert 'id="e-cadence_5"' in bad.text and 'value="often"' in bad.text
    # nothing was saved
    assert client.get("/api/v1/network/keep-in-touch").json()["cadences"][1]["days"] == 30
    ok = post_form(
        client,
        f"{PAGE}/cadences",
        {"cadence_5": "60", "cadence_15": "30", "cadence_50": "", "cadence_150": "365"},
        page=PAGE,
    )
    assert ok.status_code == 303
    found = client.get("/api/v1/network/keep-in-touch").json()
    assert found["due"] == []  # no reminders about the 50, where Bob is
    assert [c["days"] for c in found["cadences"]] == [60, 30, None, 365]
    headers = api_headers(client)
    put = client.put(
        "/api/v1/network/keep-in-touch/cadences", json={"cadence_5": 7}, headers=headers
    )
    assert [c["days"] for c in put.json()] == [7, 30, None, 365]
    refused = client.put(
        "/api/v1/network/keep-in-touch/cadences", json={"cadence_5": 0}, headers=headers
    )
    assert refused.status_code == 422


def test_nobody_answers_anothers_reminders(client, other, month_later, app):
    pid = month_later
    # Bob has a reminder about Ana, not about himself; a stranger has none
    with TestClient(app) as third:
        sign_up(third, "Cy Dorn", "cy@example.org", handle="cyd")
        assert third.get("/api/v1/network/keep-in-touch").json()["due"] == []
        refused = third.post(
            f"/api/v1/network/keep-in-touch/{pid}/dismiss", headers=api_headers(third)
        )
        assert refused.status_code == 404
    assert [r["handle"] for r in other.get("/api/v1/network/keep-in-touch").json()["due"]] == [
        "ana"
    ]


def test_a_platform_connection_without_a_message_counts_from_its_day(client, other, store):
    """Connected on the platform, never written: the connection's day is the last
    contact, at the outer layer's cadence (yearly by default)."""
    sign_up(client, "Ana Lima", "ana@example.org", handle="ana")
    sign_up(other, "Bob <b>Chen</b>", "bob@example.org", handle="bob")
    _connect(client, other, "bob")
    start = utcnow()

    def due(days: int) -> list[dict]:
        with store.engine.begin() as conn:
            set_clock(conn, start + dt.timedelta(days=days))
        return client.get("/api/v1/network/keep-in-touch").json()["due"]

    assert due(200) == []
    (bob,) = due(366)
    assert bob["handle"] == "bob" and bob["layer"] == 150 and bob["cadence_days"] == 365
    assert [r["kind"] for r in bob["reasons"]] == ["connected", "cadence"]
    assert bob["reasons"][0]["date"] == start.date().isoformat()
    assert "no message since" in client.get(PAGE).text
    assert [r["handle"] for r in other.get("/api/v1/network/keep-in-touch").json()["due"]] == [
        "ana"
    ]
    post_form(client, "/settings/language", {"locale": "fr"}, page="/settings")
    assert "aucun message depuis" in client.get(PAGE).text
    # the outer layer switched off: no reminder
    off = client.put(
        "/api/v1/network/keep-in-touch/cadences",
        json={"cadence_150": None},
        headers=api_headers(client),
    )
    assert off.status_code == 200, off.text
    assert due(366) == []


def test_an_old_export_then_the_platform_the_present_is_the_clocks(client, other, store, tmp_path):
    """Ana's only data is an export two years old: it is read as of its own date.
    Then she connects with Bob on the platform: her data is live, its present is
    the clock's — Bob is in her tie table and her dashboard's date is today, and
    a year later her silent connection with him is reminded."""
    from tests.support import connections, profile, url, write_files
    from weakties.ingest.linkedin.importer import import_linkedin
    from weakties.service.context import viewer

    sign_up(client, "Ana Lima", "ana@example.org", handle="ana")
    sign_up(other, "Bob Chen", "bob@example.org", handle="bob")
    export = write_files(
        tmp_path / "ana",
        {
            "Profile.csv": profile("Ana", "Lima"),
            "Connections.csv": connections([["Dee", "Vo", url("dee"), "", "", "", "02 Mar 2024"]]),
        },
    )
    import_linkedin(store, export, "ana", export_date=dt.date(2024, 3, 10))
    with store.engine.connect() as conn:
        alone = viewer(conn, "ana")
    assert alone.now == dt.datetime(2024, 3, 11) and alone.note is not None
    _connect(client, other, "bob")
    start = utcnow()
    with store.engine.connect() as conn:
        live = viewer(conn, "ana")
    assert live.note is None and live.now.date() == start.date()
    names = {t["name"] for t in client.get("/api/v1/network/ties").json()["ties"]}
    assert {"Bob Chen", "Dee Vo"} <= names
    report = client.get("/api/v1/network").json()["report"]
    assert report["as_of"][:10] == start.date().isoformat()
    with store.engine.begin() as conn:
        set_clock(conn, start + dt.timedelta(days=366))
    due = client.get("/api/v1/network/keep-in-touch").json()["due"]
    (bob,) = [r for r in due if r["handle"] == "bob"]
    assert bob["cadence_days"] == 365
    assert [r["kind"] for r in bob["reasons"]] == ["connected", "cadence"]
    assert bob["reasons"][0]["date"] == start.date().isoformat()

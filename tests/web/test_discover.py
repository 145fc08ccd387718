"""People you may know and opportunities in the browser: reasons, one-click
invitation under the invitation rules, and the feed's items in the notifications,
once each however often the feed is computed."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import insert, select

from tests.web.conftest import api_headers, csrf, post_form, sign_up
from weakties.model.tables import Event, Member, Notification
from weakties.service import discover, tasks
from weakties.store.clock import utcnow

PYMK = "/network/people-you-may-know"
OPP = "/network/opportunities"


def _connect(a, b, handle_b):
    sent = a.post(
        "/api/v1/invitations", json={"handle": handle_b, "note": "Hi"}, headers=api_headers(a)
    )
    assert sent.status_code == 201, sent.text
    done = b.post(
        f"/api/v1/invitations/{sent.json()['id']}/accept", json={}, headers=api_headers(b)
    )
    assert done.status_code == 200, done.text


@pytest.fixture
def trio(client, other, app):
    """Ana — Bob — Cy: Cy is Ana's second degree, through Bob."""
    from fastapi.testclient import TestClient

    third = TestClient(app)
    third.__enter__()
    sign_up(client, "Ana Lima", "ana@example.org", handle="ana")
    sign_up(other, "Bob Chen", "bob@example.org", handle="bob")
    sign_up(third, "Cy <b>Dorn</b>", "cy@example.org", handle="cyd")
    _connect(client, other, "bob")
    _connect(other, third, "cyd")
    yield third
    third.__exit__(None, None, None)


def test_people_you_may_know_with_reasons_and_one_click(client, trio):
    found = client.get("/api/v1/network/people-you-may-know").json()
    (cy,) = [p for p in found["people"] if p["invite"]["handle"] == "cyd"]
    assert cy["mutual_contacts"] == 1 and cy["mutual_sample"] == ["Bob Chen"]
    assert cy["invite"] == {"handle": "cyd", "state": "none", "needs_note": False}
    page = client.get(PYMK).text
    assert "1 mutual contact (Bob Chen)" in page
    assert "Cy &lt;b&gt;Dorn&lt;/b&gt;" in page and "<b>Dorn</b>" not in page
    done = post_form(client, "/network/invite", {"handle": "cyd", "back": PYMK}, page=PYMK)
    assert (done.status_code, done.headers["location"]) == (303, PYMK)
    again = client.get("/api/v1/network/people-you-may-know").json()
    (cy,) = [p for p in again["people"] if p["invite"]["handle"] == "cyd"]
    assert cy["invite"]["state"] == "invited"
    assert "Invitation sent" in client.get(PYMK).text
    # the rules still hold for one click: a second invitation is refused, named
    twice = post_form(client, "/network/invite", {"handle": "cyd", "back": PYMK}, page=PYMK)
    assert twice.status_code == 422 and "Your invitation is waiting for an answer." in twice.text
    assert 'role="alert"' in twice.text


def test_a_stranger_needs_a_note(client, trio, app):
    from fastapi.testclient import TestClient

    with TestClient(app) as fourth:
        sign_up(fourth, "Dee Far", "dee@example.org", handle="dee")
        refused = post_form(fourth, "/network/invite", {"handle": "ana", "back": PYMK}, page=PYMK)
        assert refused.status_code == 422 and 'data-handle="ana"' in refused.text
        assert "You have no contact in common" in refused.text
        ok = post_form(
            fourth,
            "/network/invite",
            {"handle": "ana", "note": "We met at the meetup", "back": "//evil.example"},
            page=PYMK,
        )
        # one click goes back to a page of ours, never elsewhere
        assert (ok.status_code, ok.headers["location"]) == (303, PYMK)


def test_opportunities_and_their_notifications_once(client, trio, store):
    with store.engine.begin() as conn:
        ana = conn.execute(select(Member.id).where(Member.handle == "ana")).scalar_one()
        bob = conn.execute(select(Member.person_id).where(Member.handle == "bob")).scalar_one()
        conn.execute(
            insert(Event).values(
                member_id=ana,
                person_id=bob,
                kind="career_move",
                occurred_on=(utcnow() - dt.timedelta(days=10)).date(),
                detail=json.dumps(
                    {"from": {"org": "Acme"}, "to": {"org": "Globex", "title": "CTO"}}
                ),
            )
        )
    found = client.get("/api/v1/network/opportunities").json()
    assert [(i["kind"], i["person"], i["org"]) for i in found["items"]] == [
        ("career_move", "Bob Chen", "Globex")
    ]
    assert found["items"][0]["invite"]["state"] == "connected"
    assert "Bob Chen moved to Globex" in client.get(OPP).text
    # the background task notifies it; computed again, and with the career-event scan,
    # it is still one notification
    with store.engine.begin() as conn:
        # Ana, and Cy: Bob's move is in Ana's data, which she shares by name
        assert discover.scan_opportunities(conn) == 2
        assert discover.scan_opportunities(conn) == 0
        tasks._scan_events(conn, {})
        about_bob = conn.execute(
            select(Notification.kind).where(
                Notification.member_id == ana, Notification.person_id == bob
            )
        ).all()
    assert [k for (k,) in about_bob] == ["opportunity"]
    notes = client.get("/notifications").text
    assert notes.count("Bob Chen moved to Globex") == 1
    assert 'href="/network/opportunities"' in notes
    listed = client.get("/api/v1/notifications").json()
    assert [n["kind"] for n in listed].count("opportunity") == 1


def test_the_weekly_limit_says_its_rule_and_day_in_the_members_language(client, trio, app, store):
    from fastapi.testclient import TestClient

    from weakties import service
    from weakties.service import outreach

    with service.transaction(store) as conn:
        # Ana invited Bob already: one more this week
        outreach.set_rule(conn, service.viewer(conn, "ana"), "invitations_per_week", "2")
    post_form(client, "/settings/language", {"locale": "fr"}, page="/settings")
    with TestClient(app) as fourth:
        sign_up(fourth, "Dee Far", "dee@example.org", handle="dee")
    sent = post_form(client, "/network/invite", {"handle": "cyd", "back": PYMK}, page=PYMK)
    assert sent.status_code == 303
    refused = post_form(
        client, "/network/invite", {"handle": "dee", "note": "Bonjour", "back": PYMK}, page=PYMK
    )
    assert refused.status_code == 409
    day = utcnow().date() + dt.timedelta(days=7)
    months = "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.".split()
    said = f"{day.day} {months[day.month - 1]} {day.year}"
    assert (
        "2 invitations en sept jours, c’est la limite : la suivante est possible le " + said
    ) in refused.text
    assert "is the limit" not in refused.text and day.isoformat() not in refused.text


def _event(store, member: str, person: str, kind: str, detail: dict) -> None:
    with store.engine.begin() as conn:
        found_by = conn.execute(select(Member.id).where(Member.handle == member)).scalar_one()
        about = conn.execute(select(Member.person_id).where(Member.handle == person)).scalar_one()
        conn.execute(
            insert(Event).values(
                member_id=found_by,
                person_id=about,
                kind=kind,
                occurred_on=(utcnow() - dt.timedelta(days=10)).date(),
                detail=json.dumps(detail),
            )
        )


def _opportunity_notes(store) -> list[tuple[str, str | None]]:
    with store.engine.begin() as conn:
        return [
            (handle, detail)
            for handle, detail in conn.execute(
                select(Member.handle, Notification.detail)
                .join(Member, Member.id == Notification.member_id)
                .where(Notification.kind == "opportunity")
                .order_by(Notification.id)
            )
        ]


def test_only_a_contacts_move_is_notified_never_a_start_a_title_or_oneself(
    client, other, trio, store
):
    # Ana types her own first job; Bob's new title and Cy's first job are in Ana's data
    month = utcnow().strftime("%Y-%m")
    job = {"organization": "Acme Corp", "start": month, "current": True}
    made = client.post("/api/v1/me/positions", json=job, headers=api_headers(client))
    assert made.status_code == 201, made.text
    _event(store, "ana", "bob", "title_change", {"from": {"org": "Levy"}, "to": {"org": "Levy"}})
    _event(store, "ana", "cyd", "started_job", {"to": {"org": "Initech"}})
    with store.engine.begin() as conn:
        assert discover.scan_opportunities(conn) == 0
    assert _opportunity_notes(store) == []
    # Ana's opportunities never list Ana herself
    mine = client.get("/api/v1/network/opportunities").json()["items"]
    assert "Ana Lima" not in [i["person"] for i in mine]
    assert [i["kind"] for i in mine if i["person"] == "Bob Chen"] == ["title_change"]
    assert "Ana Lima" not in client.get(OPP).text
    # her connection sees her start on the page, worded as a start, and is not told
    theirs = other.get("/api/v1/network/opportunities").json()["items"]
    assert [(i["kind"], i["person"]) for i in theirs if i["person"] == "Ana Lima"] == [
        ("started_job", "Ana Lima")
    ]
    assert "Ana Lima moved to" not in other.get("/notifications").text
    # a real move still is
    _event(store, "ana", "bob", "career_move", {"from": {"org": "Levy"}, "to": {"org": "Globex"}})
    with store.engine.begin() as conn:
        assert discover.scan_opportunities(conn) >= 1
    assert ("ana", "career_move:Globex") in _opportunity_notes(store)


def test_a_start_is_worded_as_a_start_in_both_languages(client, trio, store):
    with store.engine.begin() as conn:
        ana = conn.execute(select(Member.id).where(Member.handle == "ana")).scalar_one()
        bob = conn.execute(select(Member.person_id).where(Member.handle == "bob")).scalar_one()
        conn.execute(
            insert(Notification).values(
                member_id=ana,
                kind="opportunity",
                person_id=bob,
                thread=f"person-{bob}",
                dedup="opp-started",
                detail="started_job:Acme",
                created_at=utcnow(),
            )
        )
    page = client.get("/notifications").text
    assert "Bob Chen started at Acme" in page and "moved to" not in page
    client.post(
        "/settings/language", data={"csrf_token": csrf(client, "/settings"), "locale": "fr"}
    )
    page = client.get("/notifications").text
    assert "Bob Chen a commencé chez Acme" in page and "passé·e" not in page


def test_a_block_hides_the_opportunity_notifications_about_the_blocked(client, trio, store):
    from weakties.service.context import viewer
    from weakties.service.notifications import unread_count

    _event(store, "ana", "bob", "career_move", {"from": {"org": "Acme"}, "to": {"org": "Globex"}})
    with store.engine.begin() as conn:
        discover.scan_opportunities(conn)
        assert unread_count(conn, viewer(conn, "ana")) == 1
    assert "Bob Chen moved to Globex" in client.get("/notifications").text
    blocked = client.post("/api/v1/blocks", json={"handle": "bob"}, headers=api_headers(client))
    assert blocked.status_code == 201, blocked.text
    assert "Bob Chen" not in client.get("/notifications").text
    assert [
        n for n in client.get("/api/v1/notifications").json() if n["kind"] == "opportunity"
    ] == []
    with store.engine.begin() as conn:
        assert unread_count(conn, viewer(conn, "ana")) == 0

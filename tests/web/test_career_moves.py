"""A member's own career move made on the platform is an event like an imported
one (the same rule): their connections get a notification and a feed item with
"why you see this"; a title edit, a past job, a move saved again or a member who
is not a connection get nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.web.conftest import sign_up
from tests.web.test_social import _connect, api
from weakties.model.tables import Event, Member, Notification
from weakties.service import tasks
from weakties.store.clock import utcnow


@pytest.fixture
def trio(app) -> Any:
    """Ana and Bob are connected; Dee is a stranger to both."""
    clients = {h: TestClient(app) for h in ("ana", "bob", "dee")}
    for handle, client in clients.items():
        client.__enter__()
        sign_up(client, handle.title(), f"{handle}@example.org", handle=handle)
    _connect(clients["ana"], clients["bob"], "bob")
    yield clients
    for client in clients.values():
        client.__exit__(None, None, None)


def _job(org: str, title: str, **more: Any) -> dict[str, Any]:
    return {"kind": "job", "organization": org, "title": title, "current": True, **more}


def _events(store) -> list[tuple[str, Any]]:
    with store.engine.begin() as conn:
        ana = conn.execute(select(Member.person_id).where(Member.handle == "ana")).scalar_one()
        return [
            (kind, detail)
            for kind, detail in conn.execute(
                select(Event.kind, Event.detail).where(Event.person_id == ana).order_by(Event.id)
            )
        ]


def _career_notes(store, handle: str) -> list[str | None]:
    with store.engine.begin() as conn:
        tasks._scan_events(conn, {})
        member = conn.execute(select(Member.id).where(Member.handle == handle)).scalar_one()
        return list(
            conn.execute(
                select(Notification.detail).where(
                    Notification.member_id == member, Notification.kind == "career_move"
                )
            ).scalars()
        )


def _careers(client: TestClient) -> list[dict[str, Any]]:
    items = api(client, "GET", "/feed").json()["items"]
    return [i for i in items if i["kind"] == "career"]


def test_a_move_made_on_the_platform_reaches_connections_once(trio, store):
    ana, bob, dee = trio["ana"], trio["bob"], trio["dee"]
    month = utcnow().strftime("%Y-%m")
    first = api(ana, "POST", "/me/positions", _job("Acme", "Engineer", start=month))
    assert first.status_code == 201, first.text
    # a first job is a start, not a move: nobody is told
    assert [k for k, _ in _events(store)] == ["started_job"]
    assert _career_notes(store, "bob") == [] and _careers(bob) == []
    # a title edit, or dates, at the same position: no event
    changed = api(ana, "PUT", f"/me/positions/{first.json()['id']}", _job("Acme", "Lead engineer"))
    assert changed.status_code == 204, changed.text
    assert len(_events(store)) == 1
    # a past job filled in is no news either
    past = {"kind": "job", "organization": "Initech", "start": "2010", "end": "2012"}
    assert api(ana, "POST", "/me/positions", past).status_code == 201
    assert len(_events(store)) == 1

    moved = api(ana, "POST", "/me/positions", _job("Globex <b>SA</b>", "CTO"))
    assert moved.status_code == 201, moved.text
    kinds = [k for k, _ in _events(store)]
    assert kinds == ["started_job", "career_move"]
    assert _career_notes(store, "bob") == ["CTO · Globex <b>SA</b>"]
    assert _career_notes(store, "dee") == []
    # saved again (the same move), edited, or added a second time: still one event
    again = _job("Globex <b>SA</b>", "CTO")
    for _ in range(2):
        assert api(ana, "PUT", f"/me/positions/{moved.json()['id']}", again).status_code == 204
    assert api(ana, "POST", "/me/positions", again).status_code == 201
    assert [k for k, _ in _events(store)] == kinds
    assert _career_notes(store, "bob") == ["CTO · Globex <b>SA</b>"]

    (item,) = _careers(bob)
    assert item["career"]["person"] == "Ana" and item["career"]["handle"] == "ana"
    assert "Globex <b>SA</b>" in item["career"]["after"]
    assert "Acme" in item["career"]["before"]
    # why: a contact of Bob's, told by her own data (no one else's)
    assert item["why"] == [{"kind": "contact", "name": "Ana", "link": "/in/ana", "via": None}]
    page = bob.get("/feed").text
    assert "Why you see this:" in page and "Ana is one of your contacts" in page
    assert "Globex &lt;b&gt;SA&lt;/b&gt;" in page and "<b>SA</b>" not in page
    notes = bob.get("/notifications").text
    assert "Ana has a new position" in notes and "<b>SA</b>" not in notes
    # Dee is not Ana's connection: no feed item, no notification
    assert _careers(dee) == [] and "Globex" not in dee.get("/notifications").text


def test_a_move_of_the_current_job_to_another_employer_is_a_move(trio, store):
    ana = trio["ana"]
    made = api(ana, "POST", "/me/positions", _job("Acme", "Engineer"))
    # corrected to another organisation: the member's employer changed
    edited = api(ana, "PUT", f"/me/positions/{made.json()['id']}", _job("Umbrella", "Engineer"))
    assert edited.status_code == 204
    assert [k for k, _ in _events(store)] == ["started_job", "career_move"]
    assert _career_notes(store, "bob") == ["Engineer · Umbrella"]


def test_a_move_long_ago_or_to_a_study_is_not_news(trio, store):
    ana = trio["ana"]
    api(ana, "POST", "/me/positions", _job("Acme", "Engineer"))
    old = api(ana, "POST", "/me/positions", _job("Globex", "CTO", start="2015-03"))
    assert old.status_code == 201
    study = {"kind": "study", "organization": "Sorbonne", "current": True}
    assert api(ana, "POST", "/me/positions", study).status_code == 201
    assert [k for k, _ in _events(store)] == ["started_job"]
    assert _career_notes(store, "bob") == []

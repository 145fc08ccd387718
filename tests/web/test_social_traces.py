"""Platform messages, comments and reactions are traces for the tie model, weighed
exactly like imported ones: the same features, the same model, the same score.

Ana is connected with Bo and with Cy on the platform. Bo writes to her, comments on
her post and reacts to it on the platform; the very same traces between Ana and Cy
come from an import of Ana's (the LinkedIn channel). The two ties must come out
identical — and stronger than Ana's tie with Dee, with whom nothing happened.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, select, update

from tests.web.conftest import api_headers, sign_up
from weakties.model.tables import Interaction, Member, Tie, table_of, utcnow
from weakties.service.context import reader, viewer

HANDLES = ("ana", "bob", "cyd", "dee")


def _api(client: TestClient, method: str, path: str, body: Any = None) -> Any:
    answer = client.request(method, "/api/v1" + path, json=body, headers=api_headers(client))
    assert answer.status_code < 300, answer.text
    return answer.json() if answer.content else None


@pytest.fixture
def members(app) -> Any:
    clients = {h: TestClient(app) for h in HANDLES}
    for handle, client in clients.items():
        client.__enter__()
        sign_up(client, handle.title(), f"{handle}@example.org", handle=handle)
    for other in ("bob", "cyd", "dee"):
        sent = _api(clients["ana"], "POST", "/invitations", {"handle": other, "note": "Hi"})
        _api(clients[other], "POST", f"/invitations/{sent['id']}/accept", {})
    yield clients
    for client in clients.values():
        client.__exit__(None, None, None)


def _scores(store: Any) -> tuple[Any, dict[str, int]]:
    from weakties.ties.strength import score_ties

    with store.engine.connect() as conn:
        persons = dict(conn.execute(select(Member.handle, Member.person_id)).all())
        ana = viewer(conn, "ana")
        scores = score_ties(reader(conn, ana), as_of=utcnow() + dt.timedelta(days=1))
    return scores, persons


def test_platform_traces_weigh_like_imported_ones(members, store):
    ana, bo = members["ana"], members["bob"]
    post = _api(ana, "POST", "/posts", {"body": "Our launch", "audience": "connections"})
    conversation = _api(bo, "POST", "/conversations", {"to": ["ana"], "body": "Congratulations!"})
    _api(ana, "POST", f"/conversations/{conversation['id']}/messages", {"body": "Thank you"})
    _api(bo, "POST", f"/conversations/{conversation['id']}/messages", {"body": "Lunch soon?"})
    _api(bo, "POST", f"/posts/{post['id']}/comments", {"body": "Well done"})
    _api(bo, "PUT", f"/posts/{post['id']}/reaction", {"kind": "celebrate"})

    since = dt.datetime(2026, 1, 1)
    with store.engine.begin() as conn:
        person = dict(conn.execute(select(Member.handle, Member.person_id)).all())
        member = dict(conn.execute(select(Member.handle, Member.id)).all())
        # the three connections began on the same day, with Ana's invitation
        conn.execute(update(Tie).where(Tie.source == "platform").values(since=since))
        conn.execute(
            update(Interaction).where(Interaction.kind == "invitation").values(occurred_at=since)
        )
        platform = conn.execute(
            select(table_of(Interaction)).where(
                Interaction.channel == "platform",
                Interaction.kind != "invitation",
                Interaction.sender_id.in_([person["ana"], person["bob"]]),
                Interaction.recipient_id.in_([person["ana"], person["bob"]]),
            )
        )
        rows = list(platform)
        assert {r.kind for r in rows} == {"message", "comment", "reaction"}
        assert all(r.content is None for r in rows)  # metadata only
        swap = {person["bob"]: person["cyd"], person["ana"]: person["ana"]}
        for i, r in enumerate(rows):
            # the same trace between Ana and Cy, as an import of Ana's would write it
            conn.execute(
                insert(Interaction).values(
                    kind=r.kind,
                    channel="linkedin",
                    sender_id=swap[r.sender_id],
                    recipient_id=swap[r.recipient_id],
                    occurred_at=r.occurred_at,
                    group_size=r.group_size,
                    conversation="imported-thread" if r.conversation else None,
                    detail=r.detail,
                    asserted_by=member["ana"],
                    natural_key=f"imported-{i}",
                )
            )

    scores, persons = _scores(store)
    at = {h: scores.index_of_person(persons[h]) for h in ("bob", "cyd", "dee")}
    assert None not in at.values()
    platform_row, imported_row = scores.table.row(at["bob"]), scores.table.row(at["cyd"])
    assert platform_row == pytest.approx(imported_row, nan_ok=True)
    assert scores.score[at["bob"]] == scores.score[at["cyd"]]
    assert scores.classes[at["bob"]] == scores.classes[at["cyd"]]
    # and the traces count: the tie with Dee, where nothing happened, is weaker
    assert scores.score[at["bob"]] > scores.score[at["dee"]]
    untouched = scores.table.row(at["dee"])
    assert platform_row != pytest.approx(untouched, nan_ok=True)

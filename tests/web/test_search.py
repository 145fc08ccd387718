"""Search: accent- and case-insensitive prefixes, the viewer's degree as a boost,
nothing the viewer may not see — on SQLite FTS5 and PostgreSQL full text alike."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, update

from tests.web.conftest import api_headers, sign_up
from weakties.model.tables import KnownPerson, Member, Person


def _post(client, path, json=None):
    return client.post(path, json=json, headers=api_headers(client))


@pytest.fixture
def people(app):
    """Ana–Bob connected; Bob–Cyd connected; Dan alone. Three are "Ingénieure"."""
    names = {
        "ana": "Ana Lefèvre",
        "bob": "Bob Martin",
        "cyd": "Cyd Ingénieure-Martin",
        "dan": "Dan Ingénieure",
    }
    clients = {h: TestClient(app) for h in names}
    for handle, client in clients.items():
        client.__enter__()
        sign_up(client, names[handle], f"{handle}@example.org", handle=handle)
    for a, b in (("ana", "bob"), ("bob", "cyd")):
        sent = _post(clients[a], "/api/v1/invitations", {"handle": b, "note": "Hi"})
        assert (
            _post(clients[b], f"/api/v1/invitations/{sent.json()['id']}/accept", {}).status_code
            == 200
        )
    clients["bob"].put(
        "/api/v1/me/profile",
        json={"name": "Bob Martin", "headline": "INGÉNIEURE système"},
        headers=api_headers(clients["bob"]),
    )
    yield clients
    for client in clients.values():
        client.__exit__(None, None, None)


def _find(client, q, kind=""):
    response = client.get("/api/v1/search", params={"q": q, "kind": kind})
    assert response.status_code == 200, response.text
    return response.json()


def test_unaccented_case_insensitive_prefixes_nearest_first(people):
    ana = people["ana"]
    found = _find(ana, "ingenieure")
    # Bob (1st, by headline), Cyd (2nd), Dan (nobody to Ana): the degree boosts
    assert [(p["handle"], p["degree"]) for p in found["people"]] == [
        ("bob", 1),
        ("cyd", 2),
        ("dan", None),
    ]
    assert [p["handle"] for p in _find(ana, "INGÉN mart")["people"]] == ["bob", "cyd"]
    assert [p["handle"] for p in _find(ana, "lefev")["people"]] == ["ana"]
    assert _find(ana, "lefev")["people"][0]["degree"] == 0
    # the page, and its typeahead target
    page = ana.get("/search", params={"q": "ingenieure"}).text
    assert 'id="results"' in page and '<a href="/in/cyd">Cyd Ingénieure-Martin</a>' in page
    french = ana.get("/search", params={"q": "zzz"}, headers={"Accept-Language": "fr"})
    assert "zzz" in french.text


@pytest.mark.parametrize(
    "query", ['"', "*", "a AND", "NEAR(x y)", "-x", "x:*", "'); drop table person; --", "(((", "é*"]
)
def test_any_text_is_only_words(people, query):
    """Nothing typed reaches either engine's query syntax: no error, no surprise."""
    response = people["ana"].get("/api/v1/search", params={"q": query})
    assert response.status_code == 200
    assert people["ana"].get("/search", params={"q": query}).status_code == 200


def test_nothing_the_viewer_may_not_see(people, store):
    ana, dan = people["ana"], people["dan"]
    # a contact only Dan's data knows, while Dan shares nothing: found by Dan only
    with store.engine.begin() as conn:
        dan_member = conn.execute(Member.__table__.select().where(Member.handle == "dan")).first()
        secret = conn.execute(
            insert(Person).values(display_name="Zoé Secrète").returning(Person.id)
        ).scalar_one()
        conn.execute(insert(KnownPerson).values(member_id=dan_member.id, person_id=secret))
        conn.execute(update(Member).where(Member.handle == "dan").values(sharing="nothing"))
    assert [p["name"] for p in _find(dan, "zoe")["people"]] == ["Zoé Secrète"]
    assert _find(ana, "zoe")["people"] == []
    assert "Zoé" not in ana.get("/search", params={"q": "zoe secrete"}).text
    # an organisation only a hidden contact's position names is not found either
    dan_org = _post(dan, "/api/v1/me/positions", {"organization": "Hidden Works", "current": True})
    assert dan_org.status_code == 201
    # Dan is a member: his own profile's employer is visible to every member
    assert [o["name"] for o in _find(ana, "hidden works")["organizations"]] == ["Hidden Works"]


def test_organisations_and_groups(people):
    ana, cyd = people["ana"], people["cyd"]
    assert (
        _post(ana, "/api/v1/me/positions", {"organization": "Société Générale"}).status_code == 201
    )
    made = _post(cyd, "/api/v1/groups", {"name": "Ingénieures du Nord", "access": "request"})
    assert made.status_code == 201
    found = _find(ana, "societe")
    assert [o["name"] for o in found["organizations"]] == ["Société Générale"]
    assert found["groups"] == []
    groups = _find(ana, "ingenieures nord")["groups"]
    assert [(g["id"], g["name"]) for g in groups] == [(made.json()["id"], "Ingénieures du Nord")]
    only = _find(ana, "ingenieure", kind="groups")
    assert only["people"] == [] and [g["name"] for g in only["groups"]] == ["Ingénieures du Nord"]
    # a renamed member is found by the new name only (the index follows the rows)
    ana.put("/api/v1/me/profile", json={"name": "Anouk Lefèvre"}, headers=api_headers(ana))
    assert [p["handle"] for p in _find(cyd, "anouk")["people"]] == ["ana"]
    assert _find(cyd, "ana lef")["people"] == []


def test_a_block_hides_each_member_from_the_others_search(people):
    ana, bob = people["ana"], people["bob"]
    assert [p["handle"] for p in _find(ana, "bob martin")["people"]] == ["bob"]
    assert _post(ana, "/api/v1/blocks", {"handle": "bob"}).status_code == 201
    assert _find(ana, "bob martin")["people"] == []
    assert _find(bob, "ana lefevre")["people"] == []  # either way
    assert "Bob Martin" not in ana.get("/search", params={"q": "bob"}).text
    # others still find both
    assert [p["handle"] for p in _find(people["cyd"], "bob martin")["people"]] == ["bob"]
    assert ana.delete("/api/v1/blocks/bob", headers=api_headers(ana)).status_code == 204
    assert [p["handle"] for p in _find(ana, "bob martin")["people"]] == ["bob"]


def test_sharp_s_and_ss_find_each_other(people):
    """A query is casefolded ("Straße" is "strasse") while both indexes keep "ß":
    each word with "ss" asks for either spelling, of people and posts alike."""
    ana, dan = people["ana"], people["dan"]
    renamed = dan.put(
        "/api/v1/me/profile",
        json={"name": "Dan Straße", "headline": "Ingénieure"},
        headers=api_headers(dan),
    )
    assert renamed.status_code < 300, renamed.text
    for body in ("Große Straße 1", "Strasse 2", "Strand 3"):
        assert _post(ana, "/api/v1/posts", {"body": body}).status_code == 201
    for q in ("Straße", "strasse", "STRASSE", "straß", "grosse strasse"):
        named = [p["name"] for p in _find(ana, q.split()[-1], "people")["people"]]
        assert named == ["Dan Straße"], q
        posts = sorted(p["excerpt"] for p in _find(ana, q, "posts")["posts"])
        assert posts == (["Große Straße 1"] if " " in q else ["Große Straße 1", "Strasse 2"]), q

"""Search finds posts and jobs too: a post only by the members inside its audience,
never a hidden one, never by or about a member hidden from the viewer; jobs open
and not expired, with the network that works there; accents and case ignored."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select, update

from tests.web.test_social import _employ, api, people  # noqa: F401
from weakties.model.tables import JobPosting, Organization, Post


def _posts(client: Any, q: str) -> list[str]:
    found = api(client, "GET", f"/search?q={q}&kind=posts")
    assert found.status_code == 200, found.text
    return sorted(p["excerpt"] for p in found.json()["posts"])


def test_posts_are_found_inside_their_audience_only(people, store):  # noqa: F811
    ana, bo, cy, dee = (people[h] for h in ("ana", "bob", "cyd", "dee"))
    _employ(store, "ana", "Lyon Data Alumni", kind="group")
    _employ(store, "cyd", "Lyon Data Alumni", kind="group")
    with store.engine.connect() as conn:
        gid = conn.execute(
            select(Organization.id).where(Organization.name == "Lyon Data Alumni")
        ).scalar_one()
    for body, audience in (
        ("Ingénieure **publique**", "everyone"),
        ("Ingénieure pour mes relations", "connections"),
        ("Ingénieure du groupe", "group"),
    ):
        extra = {"group_id": gid} if audience == "group" else {}
        made = api(ana, "POST", "/posts", {"body": body, "audience": audience, **extra})
        assert made.status_code == 201, made.text
    hidden = api(bo, "POST", "/posts", {"body": "Ingénieure cachée"}).json()["id"]
    with store.engine.begin() as conn:
        conn.execute(
            update(Post).where(Post.id == hidden).values(hidden_at=dt.datetime(2026, 1, 1))
        )
    # accents and case ignored, each word a prefix
    assert _posts(bo, "INGENIEURE") == ["Ingénieure pour mes relations", "Ingénieure publique"]
    assert _posts(bo, "ingen relat") == ["Ingénieure pour mes relations"]
    assert _posts(cy, "ingénieure") == ["Ingénieure du groupe", "Ingénieure publique"]
    assert _posts(dee, "ingenieure") == ["Ingénieure publique"]
    assert _posts(ana, "ingenieure") == sorted(
        ["Ingénieure publique", "Ingénieure pour mes relations", "Ingénieure du groupe"]
    )
    # a post hidden by the operator: nobody finds it, its author neither
    for client in (ana, bo, cy, dee):
        assert "Ingénieure cachée" not in _posts(client, "cachee")
    # a block hides each one's posts from the other's search
    assert api(dee, "POST", "/blocks", {"handle": "ana"}).status_code == 201
    assert _posts(dee, "ingenieure") == []
    assert api(dee, "POST", "/posts", {"body": "Ingénieure aussi"}).status_code == 201
    assert "Ingénieure aussi" not in _posts(ana, "ingenieure")
    assert "Ingénieure aussi" in _posts(bo, "ingenieure")


def test_a_post_about_a_member_hidden_from_the_viewer_is_not_found(people):  # noqa: F811
    ana, bo, cy = (people[h] for h in ("ana", "bob", "cyd"))
    made = api(bo, "POST", "/posts", {"body": "Bravo @cyd pour le prix"})
    assert made.status_code == 201, made.text
    assert _posts(ana, "bravo prix") == ["Bravo @cyd pour le prix"]
    # Cy blocks Ana: the post naming Cy is no longer found by her
    assert api(cy, "POST", "/blocks", {"handle": "ana"}).status_code == 201
    assert _posts(ana, "bravo prix") == []
    assert _posts(people["dee"], "bravo prix") == ["Bravo @cyd pour le prix"]


def test_the_page_escapes_what_members_wrote(people):  # noqa: F811
    ana, bo = people["ana"], people["bob"]
    body = "<script>alert(1)</script> Réseau <b>gras</b> [lien](javascript:alert(2))"
    assert api(ana, "POST", "/posts", {"body": body}).status_code == 201
    page = bo.get("/search?q=reseau").text
    assert "<script>alert" not in page and "<b>gras" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Réseau &lt;b&gt;gras&lt;/b&gt;" in page
    assert 'href="javascript' not in page
    assert 'href="/in/ana"' in page and "Posts" in page


def test_open_jobs_are_found_with_the_network_that_works_there(people, store):  # noqa: F811
    ana, cy, dee = (people[h] for h in ("ana", "cyd", "dee"))
    _employ(store, "cyd", "Globex Énergie")
    _employ(store, "bob", "Globex Énergie")
    with store.engine.connect() as conn:
        org = conn.execute(
            select(Organization.id).where(Organization.name == "Globex Énergie")
        ).scalar_one()
    ids = {}
    for title in ("Ingénieur données", "Ingénieur fermé", "Ingénieur expiré"):
        made = api(
            cy,
            "POST",
            "/jobs",
            {"organization": f"#{org}", "title": title, "location": "Lyon"},
        )
        assert made.status_code == 201, made.text
        ids[title] = made.json()["id"]
    assert api(cy, "POST", f"/jobs/{ids['Ingénieur fermé']}/close").status_code == 204
    with store.engine.begin() as conn:
        conn.execute(
            update(JobPosting)
            .where(JobPosting.id == ids["Ingénieur expiré"])
            .values(expires_on=dt.date(2020, 1, 1))
        )
    found = api(ana, "GET", "/search?q=ingenieur&kind=jobs").json()
    assert [j["id"] for j in found["jobs"]] == [ids["Ingénieur données"]]
    assert found["jobs"][0]["network"] == {"first": 1, "second": 1, "total": 2}
    assert found["people"] == [] and found["posts"] == []
    # by the organisation's name, without its accents; or by place
    by_org = api(ana, "GET", "/search?q=globex+energie").json()
    assert [j["id"] for j in by_org["jobs"]] == [ids["Ingénieur données"]]
    assert [j["id"] for j in api(ana, "GET", "/search?q=ingen+lyon").json()["jobs"]] == [
        ids["Ingénieur données"]
    ]
    page = ana.get("/search?q=ingenieur").text
    assert "Ingénieur données" in page and "2 people in your network work there" in page
    assert "Ingénieur fermé" not in page and "Ingénieur expiré" not in page
    # a block hides the poster's jobs
    assert api(dee, "POST", "/blocks", {"handle": "cyd"}).status_code == 201
    assert api(dee, "GET", "/search?q=ingenieur&kind=jobs").json()["jobs"] == []
    assert api(ana, "GET", "/search?q=x&kind=moon").status_code == 422


def test_french_page_names_the_new_kinds(people):  # noqa: F811
    from tests.web.conftest import post_form

    ana = people["ana"]
    assert api(ana, "POST", "/posts", {"body": "Ingénieure"}).status_code == 201
    post_form(ana, "/settings/language", {"locale": "fr"}, page="/settings")
    page = ana.get("/search?q=ingenieure").text
    assert "Publications" in page and "Offres d’emploi" in page


#: (author, audience, text, hidden by the operator), newest first
_TIMELINE = (
    ("cyd", "connections", "Relevant secret one", False),
    ("cyd", "connections", "Relevant secret two", False),
    ("dee", "everyone", "Relevant but hidden", True),
    ("dee", "everyone", "Unrelated words", False),
    ("bob", "everyone", "Relevant public A", False),
    ("cyd", "connections", "Relevant secret three", False),
    ("bob", "everyone", "RELEVANT public B", False),
    ("dee", "everyone", "Rélevant public C", False),
    ("dee", "everyone", "Irrelevant public D", False),
)


def _timeline(store: Any) -> None:
    """The posts of _TIMELINE, written with their times (a minute apart) in an
    order of their own: the newest is not the last written."""
    from weakties.model.tables import Member

    now = dt.datetime(2026, 12, 1, 12, 0)
    with store.engine.begin() as conn:
        members = dict(conn.execute(select(Member.handle, Member.id)).all())
        for n in (4, 0, 8, 2, 6, 1, 7, 3, 5):
            author, audience, body, hidden = _TIMELINE[n]
            conn.execute(
                Post.__table__.insert().values(  # type: ignore[attr-defined]
                    author_id=members[author],
                    audience=audience,
                    body=body,
                    html=f"<p>{body}</p>",
                    created_at=now - dt.timedelta(minutes=n),
                    hidden_at=now if hidden else None,
                )
            )


@pytest.fixture(params=["one-window", "walk", "short-walk"])
def walk(request: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """How SQLite's search walks the newest posts (PostgreSQL's planner does not):
    every post in one window (the defaults, at this size), windows of one or two
    posts until the page is full, or one post and then the text index."""
    from weakties.service import posts

    if request.param != "one-window":
        monkeypatch.setattr(posts, "WINDOW_MIN", 1)
        monkeypatch.setattr(posts, "WINDOW_PER_RESULT", 1)
        monkeypatch.setattr(posts, "WINDOW_MAX", 2)
        budget = 10**6 if request.param == "walk" else 0
        monkeypatch.setattr(posts, "walk_budget", lambda _posts, _limit: budget)
    return str(request.param)


def _newest(client: Any, q: str, limit: int) -> list[str]:
    found = api(client, "GET", f"/search?q={q}&kind=posts&limit={limit}")
    assert found.status_code == 200, found.text
    return [p["excerpt"] for p in found.json()["posts"]]


def test_the_newest_readable_matches_are_found_whatever_the_walk(people, store, walk):  # noqa: F811
    """The newest matches are posts Ana may not read (Cy's, for his connections;
    one hidden by the operator): hers are older, found newest first; fewer than
    the page when the page is larger than the matches."""
    _timeline(store)
    ana, bo, dee = people["ana"], people["bob"], people["dee"]
    assert _newest(ana, "relevant", 2) == ["Relevant public A", "RELEVANT public B"]
    everyone = ["Relevant public A", "RELEVANT public B", "Rélevant public C"]
    assert _newest(ana, "relevant", 10) == everyone
    assert _newest(dee, "relev", 20) == everyone
    # Bo is Cy's connection: Cy's posts too, in their place
    assert _newest(bo, "relevant", 2) == ["Relevant secret one", "Relevant secret two"]
    assert _newest(bo, "relevant", 4) == [
        "Relevant secret one",
        "Relevant secret two",
        "Relevant public A",
        "Relevant secret three",
    ]
    assert _newest(bo, "relevant public", 10) == everyone
    assert _newest(ana, "relevant secret", 10) == []
    assert _newest(ana, "nothing", 10) == []


def test_the_network_at_a_job_is_counted_again_after_a_change(people, store):  # noqa: F811
    """The network counted at a job's organisation is kept for the viewer between
    pages, and counted again once someone's job or a tie changed."""
    ana, bo, cy = people["ana"], people["bob"], people["cyd"]
    _employ(store, "cyd", "Initech Lyon")
    with store.engine.connect() as conn:
        org = conn.execute(
            select(Organization.id).where(Organization.name == "Initech Lyon")
        ).scalar_one()
    made = api(cy, "POST", "/jobs", {"organization": f"#{org}", "title": "Ingénieur réseau"})
    assert made.status_code == 201, made.text

    def network() -> dict[str, int]:
        (job,) = api(ana, "GET", "/search?q=reseau&kind=jobs").json()["jobs"]
        return dict(job["network"])

    assert network() == {"first": 0, "second": 1, "total": 1}  # Cy, through Bo
    assert network() == {"first": 0, "second": 1, "total": 1}
    _employ(store, "bob", "Initech Lyon")  # Bo, Ana's contact, works there now
    assert network() == {"first": 1, "second": 1, "total": 2}
    # Ana and Cy connect: Cy is her contact, no longer of the second degree
    sent = api(ana, "POST", "/invitations", {"handle": "cyd", "note": "Hi"})
    assert sent.status_code == 201, sent.text
    assert api(cy, "POST", f"/invitations/{sent.json()['id']}/accept", {}).status_code == 200
    assert network() == {"first": 2, "second": 0, "total": 2}
    assert "2 people in your network work there" in ana.get("/jobs?q=initech").text
    del bo

"""An organisation's page says what it is about (when the data says it), lists its
open jobs with the network that works there and its newest posts the viewer may
read — audiences, blocks and the operator's hiding respected — in a number of
queries that does not grow with the jobs and posts shown."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import event, select, update

from tests.web.test_social import _employ, api, people  # noqa: F401
from weakties.model.tables import Organization, Post


def _globex(store) -> int:
    with store.engine.connect() as conn:
        return int(
            conn.execute(select(Organization.id).where(Organization.name == "Globex")).scalar_one()
        )


def _post(client: Any, body: str, org: int, audience: str = "everyone") -> int:
    made = api(
        client, "POST", "/posts", {"body": body, "audience": audience, "organization_id": org}
    )
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def test_open_jobs_and_readable_posts_on_the_organisation_page(people, store):  # noqa: F811
    ana, bo, cy, dee = (people[h] for h in ("ana", "bob", "cyd", "dee"))
    for handle in ("bob", "cyd", "dee"):
        _employ(store, handle, "Globex")
    org = _globex(store)
    job = api(cy, "POST", "/jobs", {"organization": f"#{org}", "title": "Data <i>engineer</i>"})
    assert job.status_code == 201, job.text
    closed = api(cy, "POST", "/jobs", {"organization": f"#{org}", "title": "Old role"}).json()
    assert api(cy, "POST", f"/jobs/{closed['id']}/close").status_code == 204
    _post(cy, "Cy's <script>news</script> for everyone", org)
    _post(bo, "Bob's news for connections", org, "connections")
    _post(dee, "Dee's news", org)
    hidden = _post(cy, "Cy's hidden news", org)
    with store.engine.begin() as conn:
        conn.execute(
            update(Post).where(Post.id == hidden).values(hidden_at=dt.datetime(2026, 1, 1))
        )

    seen = api(ana, "GET", f"/orgs/{org}").json()
    assert seen["about"] is None  # a company: the data has no text for it
    assert [j["title"] for j in seen["jobs"]] == ["Data <i>engineer</i>"]
    assert seen["jobs"][0]["network"] == {"first": 1, "second": 1, "total": 2}
    assert [p["excerpt"] for p in seen["posts"]] == [
        "Dee's news",
        "Bob's news for connections",
        "Cy's <script>news</script> for everyone",
    ]
    page = ana.get(f"/orgs/{org}").text
    assert "2 people in your network work there" in page
    assert "Data &lt;i&gt;engineer&lt;/i&gt;" in page and "<i>engineer" not in page
    assert "&lt;script&gt;news" in page and "<script>news" not in page
    assert "Old role" not in page and "hidden news" not in page
    # Cy is not Dee's connection: Bob's post is not Dee's to read; a stranger reads
    # the public ones
    by_cy = [p["excerpt"] for p in api(cy, "GET", f"/orgs/{org}").json()["posts"]]
    assert "Bob's news for connections" in by_cy  # Bob and Cy are connected
    by_dee = [p["excerpt"] for p in api(dee, "GET", f"/orgs/{org}").json()["posts"]]
    assert "Bob's news for connections" not in by_dee and "Dee's news" in by_dee
    # a block hides the blocked member's posts and jobs, both ways
    assert api(ana, "POST", "/blocks", {"handle": "cyd"}).status_code == 201
    after = api(ana, "GET", f"/orgs/{org}").json()
    assert after["jobs"] == []
    assert [p["excerpt"] for p in after["posts"]] == ["Dee's news", "Bob's news for connections"]
    assert "Cy&#39;s" not in ana.get(f"/orgs/{org}").text


def test_a_group_says_what_it_is_about(people):  # noqa: F811
    ana = people["ana"]
    made = api(ana, "POST", "/groups", {"name": "Lyon data", "about": "<b>Data</b> people"})
    assert made.status_code == 201, made.text
    gid = made.json()["id"]
    assert api(people["dee"], "GET", f"/orgs/{gid}").json()["about"] == "<b>Data</b> people"


def test_the_page_reads_in_bounded_queries(people, store):  # noqa: F811
    from weakties import service
    from weakties.service import orgpages

    cy = people["cyd"]
    _employ(store, "cyd", "Globex")
    org = _globex(store)

    def queries() -> int:
        count = 0

        def seen(*_args: Any) -> None:
            nonlocal count
            count += 1

        event.listen(store.engine, "before_cursor_execute", seen)
        try:
            with service.transaction(store) as conn:
                orgpages.org_page(conn, service.viewer(conn, "ana"), org)
        finally:
            event.remove(store.engine, "before_cursor_execute", seen)
        return count

    def add(n: int) -> None:
        for i in range(n):
            assert api(cy, "POST", "/jobs", {"organization": f"#{org}", "title": f"Job {i}"})
            _post(cy, f"News {i}", org)

    add(1)
    queries()  # what a process reads once and keeps is read now
    one = queries()
    add(3)
    assert queries() == one
    page = api(people["ana"], "GET", f"/orgs/{org}").json()
    assert len(page["jobs"]) == 4 and len(page["posts"]) == 4


def test_a_school_page_lists_its_students_and_alumni(people, store):  # noqa: F811
    ana, bo = people["ana"], people["bob"]
    # Bob (Ana's connection) studied there; Cyd (his) studies there now
    done = api(
        bo,
        "POST",
        "/me/positions",
        {"kind": "study", "organization": "Sorbonne", "title": "MSc", "start": "2012",
         "end": "2014"},
    )  # fmt: skip
    assert done.status_code in (200, 201), done.text
    now = {"kind": "study", "organization": "Sorbonne", "start": "2024"}
    assert api(people["cyd"], "POST", "/me/positions", now).status_code in (200, 201)
    with store.engine.connect() as conn:
        school = conn.execute(
            select(Organization.id).where(Organization.name == "Sorbonne")
        ).scalar_one()
    seen = api(ana, "GET", f"/orgs/{school}").json()
    assert (seen["people_count"], seen["former_count"]) == (1, 1)
    assert [(p["name"], p["degree"]) for p in seen["former"]] == [("Bob", 1)]
    assert [(p["name"], p["degree"]) for p in seen["people"]] == [("Cyd", 2)]

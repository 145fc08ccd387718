"""The feed's pages over posts of every age: the newest first, each post once, however
far apart they are (the feed looks for a page's posts in a widening window of days).

Ana is connected with Bo; Cy is a stranger whose posts are not Ana's to see in her feed.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert

from weakties.model.tables import Member, Person, Post, Tie, utcnow
from weakties.service.context import viewer
from weakties.service.feed import feed

AGES = [0.01, 0.5, 0.6, 2, 3, 6.5, 8, 20, 29, 40, 200, 365, 400, 900, 3000]  # days


@pytest.fixture
def posts(store):
    now = utcnow()
    with store.engine.begin() as conn:
        member = {}
        for name in ("ana", "bo", "cy"):
            person = conn.execute(
                insert(Person).values(display_name=name.title(), name_key=name).returning(Person.id)
            ).scalar_one()
            member[name] = (
                conn.execute(
                    insert(Member).values(handle=name, person_id=person).returning(Member.id)
                ).scalar_one(),
                person,
            )
        (ana, ana_person), (bo, bo_person) = member["ana"], member["bo"]
        for by in (ana, bo):
            conn.execute(
                insert(Tie).values(
                    person_a_id=min(ana_person, bo_person),
                    person_b_id=max(ana_person, bo_person),
                    source="platform",
                    asserted_by=by,
                    since=now - dt.timedelta(days=4000),
                )
            )
        made = []
        for k, days in enumerate(AGES):
            for author in ("bo", "cy"):
                post = conn.execute(
                    insert(Post)
                    .values(
                        author_id=member[author][0],
                        audience="everyone" if k % 2 else "connections",
                        body=f"{author} {days}",
                        html=f"<p>{author} {days}</p>",
                        created_at=now - dt.timedelta(days=days),
                    )
                    .returning(Post.id)
                ).scalar_one()
                if author == "bo":
                    made.append(post)
    return made


@pytest.mark.parametrize("size", [1, 2, 4, 20])
def test_every_post_once_newest_first(store, posts, size):
    seen, cursor = [], None
    with store.engine.connect() as conn:
        ana = viewer(conn, "ana")
        for _ in range(len(posts) + 1):
            page = feed(conn, ana, cursor, limit=size)
            seen += [item.post.id for item in page.items if item.post]
            cursor = page.next_cursor
            if cursor is None:
                break
    assert seen == posts  # Bo's, from the newest to the oldest; none of Cy's

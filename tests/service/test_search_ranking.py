"""Search walks down the text matches a batch at a time and stops when the page is
full of people nearer than any left: the page is the one the whole ranking gives
(the viewer's degree first, then the text score, the name, the id), for every
kind of member, with blocks, on SQLite and PostgreSQL.

A small platform where everyone is called Ana: eight members sharing by name,
by count or nothing, and contacts only their data knows, tied at random.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from sqlalchemy import insert

from weakties.model import tables as t
from weakties.service import live
from weakties.service import search as search_service
from weakties.service.context import shared, viewer
from weakties.service.social import blocked_people
from weakties.store.reader import Reader
from weakties.store.search_ddl import match_people_named

NOW = dt.datetime(2026, 6, 1)
SHARING = ["names", "names", "names", "counts", "nothing", "names", "names", "counts"]
PEOPLE = 40


@pytest.fixture
def platform(store: Any) -> Any:
    rng = random.Random(12)
    with store.engine.begin() as conn:
        conn.execute(
            insert(t.Person),
            [
                {
                    "id": i,
                    # a few have Ana twice (a better text score), many score alike
                    "display_name": f"Ana {rng.choice(['Roy', 'Lee', 'Ng'])} {i}",
                    "headline": "Ana's friend" if i % 7 == 0 else "engineer",
                }
                for i in range(1, PEOPLE + 1)
            ],
        )
        conn.execute(
            insert(t.Member),
            [
                {"id": m, "handle": f"m{m}", "person_id": m, "sharing": s, "created_at": NOW}
                for m, s in enumerate(SHARING, start=1)
            ],
        )
        pairs: set[tuple[int, int, int]] = set()
        while len(pairs) < 160:
            a, b = sorted(rng.sample(range(1, PEOPLE + 1), 2))
            # in the data of one of the two when they are members, else anyone's
            ends = [p for p in (a, b) if p <= len(SHARING)]
            pairs.add((a, b, rng.choice(ends) if ends else rng.randint(1, len(SHARING))))
        conn.execute(
            insert(t.Tie),
            [
                {
                    "person_a_id": a,
                    "person_b_id": b,
                    "source": rng.choice(["platform", "connection", "inferred_colleague"]),
                    "asserted_by": by,
                    "since": NOW,
                    "confidence": 1.0,
                }
                for a, b, by in sorted(pairs)
            ],
        )
        conn.execute(
            insert(t.KnownPerson),
            [{"member_id": 4, "person_id": p} for p in range(30, 36)],
        )
        conn.execute(insert(t.Block), [{"blocker_id": 1, "blocked_id": 2, "created_at": NOW}])
    live.clear()
    return store


def _whole_ranking(conn: Any, who: Any, query: str, limit: int) -> list[tuple[int, int | None]]:
    """The page as every match, ranked at once, gives it."""
    found = {pid: (score, name) for pid, score, name in match_people_named(conn, query, 2000)}
    r = Reader(conn, who.scope)
    hidden = blocked_people(conn, who)
    visible = [p for p in r.keep_visible(found, "names") if p not in hidden]
    named, _ = r.degrees(without=hidden)
    degree = {p: named[p] for p in visible if p in named}
    if who.person_id in visible:
        degree[who.person_id] = 0
    bucket = {0: 0, 1: 0, 2: 1}

    def rank(pid: int) -> tuple[int, float, str, int]:
        return (bucket.get(degree.get(pid, -1), 2), -found[pid][0], found[pid][1], pid)

    return [(p, degree.get(p)) for p in sorted(visible, key=rank)[:limit]]


@pytest.mark.parametrize("batch", [1, 3, 100])
def test_the_page_is_the_one_the_whole_ranking_gives(platform, monkeypatch, batch):
    monkeypatch.setattr(search_service, "BATCH", batch)
    with platform.engine.connect() as conn:
        viewers = [viewer(conn, f"m{m}") for m in range(1, len(SHARING) + 1)]
        for who in [*viewers, shared(conn)]:
            for query, limit in (("ana", 5), ("ana", 12), ("ana", 100), ("ana roy", 4)):
                got = search_service.search(conn, who, query, kinds=("people",), limit=limit)
                want = _whole_ranking(conn, who, query, limit)
                assert [(p.person_id, p.degree) for p in got.people] == want, (who.label, query)

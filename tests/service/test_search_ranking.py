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
from sqlalchemy import insert, select

from weakties.model import tables as t
from weakties.service import live
from weakties.service import search as search_service
from weakties.service.context import shared, viewer
from weakties.service.social import blocked_people
from weakties.store.reader import Reader
from weakties.store.search_ddl import match_orgs, match_people_named

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


def _organisations(store: Any) -> None:
    """Thirty organisations called Ana something (some twice: a better score, many
    alike), of both kinds, some with a group page, each held by people of the
    platform in one member's data or nobody's: each viewer sees some of them."""
    from weakties.model.site_tables import GroupPage

    rng = random.Random(5)
    orgs = [
        {
            "id": 100 + i,
            "name": f"Ana {'Ana ' if i % 5 == 0 else ''}{rng.choice(['Works', 'Club'])} {i}",
            "norm_name": f"ana {i}",
            "kind": "group" if i % 3 == 0 else "organization",
            "created_at": NOW,
        }
        for i in range(30)
    ]
    with store.engine.begin() as conn:
        conn.execute(insert(t.Organization), orgs)
        conn.execute(
            insert(GroupPage),
            [{"organization_id": o["id"], "created_at": NOW} for o in orgs[::4]],
        )
        conn.execute(
            insert(t.Position),
            [
                {
                    "person_id": rng.randint(1, PEOPLE),
                    "organization_id": o["id"],
                    "kind": "group" if o["kind"] == "group" else "job",
                    "is_current": True,
                    "source": "linkedin",
                    "asserted_by": rng.randint(1, len(SHARING)),
                    "natural_key": f"p{o['id']}",
                }
                for o in orgs
                if o["id"] % 7  # every seventh held by nobody
            ],
        )
    live.clear()


def _whole_orgs(conn: Any, who: Any, query: str, limit: int) -> tuple[list[int], list[int]]:
    """The organisations and groups as every match, looked at at once, gives them."""
    from weakties.model.site_tables import GroupPage

    score = dict(match_orgs(conn, query, 2000))
    rows = conn.execute(
        select(
            t.Organization.id, t.Organization.name, t.Organization.kind, GroupPage.organization_id
        )
        .outerjoin(GroupPage, GroupPage.organization_id == t.Organization.id)
        .where(t.Organization.id.in_(score))
    ).all()
    rows.sort(key=lambda r: (-score[r[0]], r[1], r[0]))
    seen = set(Reader(conn, who.scope).visible_orgs([r[0] for r in rows if r[3] is None]))
    groups = [r[0] for r in rows if r[3] is not None or (r[0] in seen and r[2] == "group")]
    orgs = [r[0] for r in rows if r[3] is None and r[0] in seen and r[2] != "group"]
    return orgs[:limit], groups[:limit]


@pytest.mark.parametrize("batch", [1, 3, 100])
def test_the_organisations_are_the_ones_every_match_gives(platform, monkeypatch, batch):
    """The walk down the organisations stops when neither list can change: the
    same lists as when every match is looked at, whichever list fills first."""
    _organisations(platform)
    monkeypatch.setattr(search_service, "BATCH", batch)
    kinds = ("organizations", "groups")
    with platform.engine.connect() as conn:
        viewers = [viewer(conn, f"m{m}") for m in range(1, len(SHARING) + 1)]
        for who in [*viewers, shared(conn)]:
            for query, limit in (("ana", 1), ("ana", 3), ("ana", 8), ("ana", 100), ("ana club", 2)):
                got = search_service.search(conn, who, query, kinds=kinds, limit=limit)
                want = _whole_orgs(conn, who, query, limit)
                assert ([o.id for o in got.organizations], [g.id for g in got.groups]) == want, (
                    who.label,
                    query,
                    limit,
                )


def test_some_people_scored_alone_score_as_among_all(platform):
    """SQLite: the people a query matches, read without a score, are the ones the
    ranking reads; some of them scored alone have the scores, names and rows the
    ranking gives them (the page of a viewer whose contacts fill it)."""
    from weakties.store.search_ddl import match_people_among, match_people_ids

    rng = random.Random(3)
    with platform.engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            pytest.skip("SQLite's reads")
        for query in ("ana", "ana roy", "roy", "friend", "zzz"):
            every = {r[0]: r for r in match_people_named(conn, query, 2000)}
            assert sorted(match_people_ids(conn, query, 2000)) == sorted(every)
            for size in (1, 5, 20):
                asked = rng.sample(range(1, PEOPLE + 1), size)
                want = sorted(every[p] for p in asked if p in every)
                assert sorted(match_people_among(conn, query, asked)) == want, (query, asked)

"""A profile, an organisation page and a search send few statements to the database,
each read once: on PostgreSQL every statement is a round trip to another process,
and a page's parts used to ask again for what another part of it had read (whom
the viewer is not shown: three times on a profile and on an organisation page;
the invitations between the two members: twice on a profile).

A small platform: eight members sharing by name, one blocked by the viewer and one
suspended, connected at random, all working at one organisation.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, insert

from weakties.model import tables as t
from weakties.service import live, orgpages, profiles
from weakties.service import search as search_service
from weakties.service.context import viewer

NOW = dt.datetime(2026, 6, 1)
MEMBERS = 8
#: the statements a profile may send at most (27 before the page's parts shared
#: what they read); a new section adds its own reads: raise this with it
PROFILE_STATEMENTS = 22


@pytest.fixture
def platform(store: Any) -> Any:
    rng = random.Random(5)
    with store.engine.begin() as conn:
        conn.execute(
            insert(t.Person),
            [
                {"id": i, "display_name": f"Ana Lee {i}", "headline": "engineer"}
                for i in range(1, MEMBERS + 1)
            ],
        )
        conn.execute(
            insert(t.Member),
            [
                {"id": m, "handle": f"m{m}", "person_id": m, "created_at": NOW}
                for m in range(1, MEMBERS + 1)
            ],
        )
        conn.execute(insert(t.Organization), [{"id": 1, "name": "Acme", "norm_name": "acme"}])
        conn.execute(
            insert(t.Position),
            [
                {
                    "person_id": m,
                    "organization_id": 1,
                    "kind": "job",
                    "title": "Engineer",
                    "source": "platform",
                    "asserted_by": m,
                    "start_date": dt.date(2020, 1, 1),
                    "is_current": True,
                    "natural_key": f"job-{m}",
                }
                for m in range(1, MEMBERS + 1)
            ],
        )
        pairs = {(1, 2), (2, 3), (3, 4), (2, 5)}
        while len(pairs) < 14:
            a, b = sorted(rng.sample(range(1, MEMBERS + 1), 2))
            if (a, b) != (1, 3):  # m3 stays two steps from m1
                pairs.add((a, b))
        conn.execute(
            insert(t.Tie),
            [
                {
                    "person_a_id": a,
                    "person_b_id": b,
                    "source": "platform",
                    "asserted_by": by,
                    "since": NOW,
                    "confidence": 1.0,
                }
                for a, b in sorted(pairs)
                for by in (a, b)
            ],
        )
        conn.execute(insert(t.Block), [{"blocker_id": 1, "blocked_id": 7, "created_at": NOW}])
        conn.execute(insert(t.Suspension), [{"member_id": 8, "reason": "spam", "created_at": NOW}])
    live.clear()
    yield store
    live.clear()


@contextmanager
def _statements(store: Any) -> Iterator[list[str]]:
    sent: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(" ".join(statement.split()))

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(store.engine, "before_cursor_execute", count)


def _reading(sent: list[str], table: str) -> int:
    return sum(1 for s in sent if f"FROM {table} " in s + " ")


def _page(store: Any, call: Any) -> tuple[Any, list[str]]:
    """The page for m1 by a server that keeps nothing of earlier requests yet,
    with the statements it sent."""
    live.clear()
    with store.engine.begin() as conn:
        who = viewer(conn, "m1")
        with _statements(store) as sent:
            page = call(conn, who)
    return page, sent


def test_a_profile_reads_each_thing_once(platform):
    page, sent = _page(platform, lambda conn, who: profiles.member_profile(conn, who, "m3"))
    assert page.degree == 2 and page.mutual  # through m2
    assert _reading(sent, "block") == 1
    assert _reading(sent, "suspension") == 1
    assert _reading(sent, "invitation") == 2  # connection_state, pending_between
    assert len(sent) <= PROFILE_STATEMENTS, "\n".join(sent)


def test_an_organisation_page_and_a_search_read_whom_to_hide_once(platform):
    page, sent = _page(platform, lambda conn, who: orgpages.org_page(conn, who, 1))
    shown = {p.person_id for p in page.people}
    assert 7 not in shown and 8 not in shown and {1, 2, 3} <= shown
    assert _reading(sent, "block") == 1
    assert _reading(sent, "suspension") == 1
    found, sent = _page(platform, lambda conn, who: search_service.search(conn, who, "ana"))
    assert 7 not in {p.person_id for p in found.people}
    assert _reading(sent, "block") <= 1
    assert _reading(sent, "suspension") <= 1


def test_what_a_page_hides_follows_a_block_at_once(platform):
    """Whom the viewer is not shown is kept between requests only while no block
    (or suspension) changed: a block made after the first page shows in the next."""
    page, _ = _page(platform, lambda conn, who: orgpages.org_page(conn, who, 1))
    assert 3 in {p.person_id for p in page.people}
    with platform.engine.begin() as conn:
        conn.execute(insert(t.Block), [{"blocker_id": 3, "blocked_id": 1, "created_at": NOW}])
    with platform.engine.begin() as conn:
        page = orgpages.org_page(conn, viewer(conn, "m1"), 1)
        assert 3 not in {p.person_id for p in page.people}
        with pytest.raises(Exception, match="no member"):
            profiles.member_profile(conn, viewer(conn, "m1"), "m3")

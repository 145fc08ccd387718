"""A viewer's dates are read once per change, not once per request: the clock
setting and the member's newest export while the graph is unchanged, whether the
member did something after it while the traces are unchanged too — and every
change of them is seen by the next request.

Ana's newest export is of 2020-03-01 and the database's clock is 2026-06-01, so
her data is read as of the day after her export until she does something later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, insert

from weakties.model import tables as t
from weakties.service.context import viewer
from weakties.store.clock import set_clock

CLOCK = dt.datetime(2026, 6, 1)
EXPORT = dt.date(2020, 3, 1)


@pytest.fixture
def platform(store: Any) -> Any:
    with store.engine.begin() as conn:
        conn.execute(
            insert(t.Person), [{"id": 1, "display_name": "Ana"}, {"id": 2, "display_name": "Bo"}]
        )
        conn.execute(insert(t.Member), [{"id": 1, "handle": "ana", "person_id": 1}])
        conn.execute(
            insert(t.ImportRun).values(
                member_id=1,
                source_kind="linkedin",
                path="export.zip",
                content_hash="a" * 64,
                export_date=EXPORT,
                finished_at=dt.datetime(2020, 3, 2),
            )
        )
        set_clock(conn, CLOCK)
    return store


@contextmanager
def statements(store: Any) -> Iterator[list[str]]:
    sent: list[str] = []

    def keep(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        sent.append(statement)

    event.listen(store.engine, "before_cursor_execute", keep)
    try:
        yield sent
    finally:
        event.remove(store.engine, "before_cursor_execute", keep)


def _ana(store: Any) -> Any:
    with store.engine.begin() as conn:
        return viewer(conn, "ana")


def test_the_dates_are_read_once_then_follow_every_change(platform):
    store = platform
    first = _ana(store)
    assert (first.clock, first.now, first.data_date) == (CLOCK, dt.datetime(2020, 3, 2), EXPORT)
    with statements(store) as sent:
        assert _ana(store) == first
    # the counters only: no clock setting, no import, no activity read again
    assert not [s for s in sent if "setting" in s or "import_run" in s or "interaction" in s]

    later = CLOCK + dt.timedelta(days=3)
    with store.engine.begin() as conn:
        set_clock(conn, later)
    assert _ana(store).clock == later

    with store.engine.begin() as conn:
        conn.execute(
            insert(t.ImportRun).values(
                member_id=1,
                source_kind="linkedin",
                path="export2.zip",
                content_hash="b" * 64,
                export_date=dt.date(2021, 1, 1),
                finished_at=dt.datetime(2021, 1, 2),
            )
        )
    assert _ana(store).now == dt.datetime(2021, 1, 2)

    # a message after the export: her data is live, its present the clock's
    with store.engine.begin() as conn:
        conn.execute(
            insert(t.Interaction).values(
                kind="message",
                channel="platform",
                sender_id=1,
                recipient_id=2,
                occurred_at=dt.datetime(2026, 5, 1),
                asserted_by=1,
                natural_key="platform-message-1",
            )
        )
    assert _ana(store).now == later


def test_a_transaction_that_wrote_reads_the_dates_itself(platform):
    store = platform
    _ana(store)
    with store.engine.connect() as conn:
        set_clock(conn, CLOCK + dt.timedelta(days=9))
        assert viewer(conn, "ana").clock == CLOCK + dt.timedelta(days=9)
        conn.rollback()
    assert _ana(store).clock == CLOCK

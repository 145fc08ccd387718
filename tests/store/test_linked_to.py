"""Those of some people tied to one of the viewer's contacts
(:meth:`weakties.store.read_ties.TieReads.linked_to`): by an active social tie the
viewer may use at the level asked, from either end; on SQLite read through the
indexes of the active ties, each end's own."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import event, insert

from weakties.model import tables as t

NOW = dt.datetime(2026, 6, 1)


def test_people_tied_to_the_contacts_from_either_end(store: Any, backend: str) -> None:
    from weakties.service.context import viewer
    from weakties.store.reader import Reader

    n = 40
    with store.engine.begin() as conn:
        conn.execute(
            insert(t.Person), [{"id": i, "display_name": f"P {i}"} for i in range(1, n + 1)]
        )
        conn.execute(
            insert(t.Member),
            [
                {"id": i, "handle": f"m{i}", "person_id": i, "sharing": "names"}
                for i in range(1, n + 1)
            ],
        )
        # m1's contacts: 2..6. 20 is tied to 3 (as the pair's first end), 25 to 4
        # (its second end), 30 to 5 by a tie that ended, 31 to 6 by an imported
        # (not social) one, 32 to 33 only (not a contact)
        pairs = [(1, b, "platform", None) for b in range(2, 7)]
        pairs += [(3, 20, "platform", None), (25, 40, "platform", None)]
        pairs += [(4, 25, "platform", None), (5, 30, "platform", NOW), (6, 31, "inferred", None)]
        pairs += [(32, 33, "platform", None)]
        conn.execute(
            insert(t.Tie),
            [
                {
                    "person_a_id": a,
                    "person_b_id": b,
                    "source": source,
                    "asserted_by": by,
                    "ended_at": ended,
                }
                for a, b, source, ended in pairs
                for by in (a, b)
            ],
        )
    sent: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, params: Any, *_rest: Any) -> None:
        sent.append((statement, params))

    with store.engine.connect() as conn:
        reader = Reader(conn, viewer(conn, "m1").scope)
        first = reader.first_degree()
        assert first == {2, 3, 4, 5, 6}
        event.listen(store.engine, "before_cursor_execute", keep)
        try:
            found = reader.linked_to({20, 25, 30, 31, 32, 33, 40}, first, "names")
        finally:
            event.remove(store.engine, "before_cursor_execute", keep)
        assert found == {20, 25}
        assert reader.linked_to(set(), first, "names") == set()
        assert reader.linked_to({20}, set(), "names") == set()
        # the same as every tie of those people says
        assert reader.degrees_among({20, 25, 30, 31, 32}) == {20: 2, 25: 2}
        if backend == "sqlite":
            # each end through its own index of the active ties (the planner,
            # without statistics, took the plain index of person_b_id)
            ((statement, params),) = sent
            raw = conn.connection.driver_connection
            plan = [row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + statement, params)]
            on_tie = [line for line in plan if line.startswith("SEARCH tie")]
            assert on_tie == [
                "SEARCH tie USING INDEX ix_tie_a_active (person_a_id=?)",
                "SEARCH tie USING INDEX ix_tie_b_active (person_b_id=?)",
            ], plan

"""What keeps the platform's reads fast on PostgreSQL, and leaves SQLite as it was.

- Search: the text vectors are a stored generated column with the GIN index on it
  (revision 0016), followed by every write of a name or a headline; SQLite keeps
  its FTS5 tables.
- The store's connections compile no query to machine code (``jit = off``).
- ``Store.analyze()`` after a bulk load gathers the planner's statistics and moves
  the new rows from the search indexes' pending lists into them (nothing on SQLite).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import insert, inspect, text, update

from weakties.model import tables as t
from weakties.store.engine import open_store
from weakties.store.search_ddl import VECTOR, match_orgs, match_people

NOW = dt.datetime(2026, 6, 1)


def test_a_search_follows_names_through_the_stored_vectors(store, backend):
    with store.engine.begin() as conn:
        conn.execute(
            insert(t.Person),
            [
                {"id": 1, "display_name": "Zoë Ingénieure", "headline": "Müller engineer"},
                {"id": 2, "display_name": "Ana Roy", "headline": None},
            ],
        )
        conn.execute(
            insert(t.Organization), [{"id": 1, "name": "Société Générale", "norm_name": "sg"}]
        )
    with store.engine.begin() as conn:
        assert [p for p, _ in match_people(conn, "ingenieure zoe", 10)] == [1]
        assert [p for p, _ in match_people(conn, "mull", 10)] == [1]
        assert [o for o, _ in match_orgs(conn, "societe gen", 10)] == [1]
        conn.execute(update(t.Person).where(t.Person.id == 1).values(display_name="Léa Roy"))
        conn.execute(update(t.Organization).values(name="Acme"))
    with store.engine.begin() as conn:
        assert match_people(conn, "zoe", 10) == []
        assert sorted(p for p, _ in match_people(conn, "roy", 10)) == [1, 2]
        assert match_orgs(conn, "societe", 10) == []
        assert [o for o, _ in match_orgs(conn, "acme", 10)] == [1]
        columns = {
            table: {c["name"] for c in inspect(conn).get_columns(table)}
            for table in ("person", "organization")
        }
        if backend == "sqlite":
            assert all(VECTOR not in names for names in columns.values())
            return
        assert all(VECTOR in names for names in columns.values())
        generated = conn.execute(
            text(
                "SELECT table_name, is_generated FROM information_schema.columns "
                "WHERE column_name = :c ORDER BY table_name"
            ),
            {"c": VECTOR},
        ).all()
        assert generated == [
            ("job_posting", "ALWAYS"),
            ("organization", "ALWAYS"),
            ("person", "ALWAYS"),
            ("post", "ALWAYS"),
        ]
        indexes = dict(
            conn.execute(
                text(
                    "SELECT indexname, indexdef FROM pg_indexes "
                    "WHERE indexname IN ('search_person_fts', 'search_org_fts')"
                )
            ).all()
        )
        assert set(indexes) == {"search_person_fts", "search_org_fts"}
        assert all(f"gin ({VECTOR})" in d for d in indexes.values()), indexes


@pytest.mark.postgres
def test_postgres_connections_compile_no_query_and_analyze_gathers_statistics(postgres):
    url = postgres.new_database()
    store = open_store(url)
    try:
        with store.engine.begin() as conn:
            assert conn.execute(text("SHOW jit")).scalar() == "off"
            # planned for their parameters each time (no prepared statements)
            assert conn.connection.dbapi_connection.prepare_threshold is None  # type: ignore[union-attr]
            conn.execute(
                insert(t.Person), [{"id": i, "display_name": f"P {i}"} for i in range(1, 41)]
            )
            conn.execute(insert(t.Member), [{"id": 1, "handle": "m1", "person_id": 1}])
            conn.execute(
                insert(t.Tie),
                [
                    {"person_a_id": 1, "person_b_id": b, "source": "platform", "asserted_by": 1}
                    for b in range(2, 41)
                ],
            )
        store.analyze()
        with store.engine.connect() as conn:
            analysed = conn.execute(
                text("SELECT count(*) FROM pg_stats WHERE tablename = 'tie'")
            ).scalar()
            # the new people are in the search index itself, not its pending list
            pending = conn.execute(text("SELECT gin_clean_pending_list('search_person_fts')"))
            assert pending.scalar() == 0
        assert analysed  # the tie table's columns have statistics
    finally:
        store.close()
        postgres.drop(url)


def test_analyze_leaves_sqlite_without_statistics(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'w.sqlite'}")
    try:
        store.analyze()
        with store.engine.connect() as conn:
            assert not inspect(conn).has_table("sqlite_stat1")
    finally:
        store.close()


@pytest.mark.postgres
def test_postgres_looks_up_each_tie_s_member_rather_than_hashing_them_all(postgres):
    """The visibility rules look up the member of each tie a read returns (by
    primary key); PostgreSQL's planner would rather hash every member for a few
    ties, which a platform of thousands of members pays on every read."""
    from sqlalchemy import event

    from weakties.service.context import viewer
    from weakties.store.reader import Reader

    url = postgres.new_database()
    store = open_store(url)
    n = 1000
    try:
        with store.engine.begin() as conn:
            conn.execute(
                insert(t.Person), [{"id": i, "display_name": f"P {i}"} for i in range(1, n + 1)]
            )
            conn.execute(
                insert(t.Member),
                [{"id": i, "handle": f"m{i}", "person_id": i} for i in range(1, n + 1)],
            )
            # m1 has 300 contacts, as many as the planner wants to hash the members for
            pairs = [(1, b) for b in range(2, 302)] + [(a, a + 1) for a in range(302, n)]
            conn.execute(
                insert(t.Tie),
                [
                    {"person_a_id": a, "person_b_id": b, "source": "platform", "asserted_by": by}
                    for a, b in pairs
                    for by in (a, b)
                ],
            )
        store.analyze()
        sent: list[tuple[str, Any]] = []

        def keep(_conn: Any, _cursor: Any, statement: str, params: Any, *_rest: Any) -> None:
            sent.append((statement, params))

        with store.engine.connect() as conn:
            reader = Reader(conn, viewer(conn, "m1").scope)
            event.listen(store.engine, "before_cursor_execute", keep)
            try:
                assert reader.first_degree() == set(range(2, 302))
                assert reader.keep_visible(range(200, 700)) == list(range(200, 700))
            finally:
                event.remove(store.engine, "before_cursor_execute", keep)
            cursor = conn.connection.dbapi_connection.cursor()
            for statement, params in sent:
                cursor.execute("EXPLAIN " + statement, params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                assert "hashed SubPlan" not in plan, plan
                assert "Seq Scan on member" not in plan, plan
    finally:
        store.close()
        postgres.drop(url)


@pytest.mark.postgres
def test_the_second_degree_on_a_job_is_read_from_the_index_of_active_ties(postgres):
    """Whether each of an organisation's people has a tie with one of the viewer's
    contacts can be answered from the indexes of the active ties (revision 0017),
    one end at a time: no tie row need be read to learn that it has not ended.
    (On a platform of 1 M ties the planner chooses them; on this small one it
    would read the few pages of the table instead, so reading rows is turned
    off to show that the indexes are enough.)"""
    from sqlalchemy import event

    from weakties.service.context import viewer
    from weakties.store.reader import Reader

    url = postgres.new_database()
    store = open_store(url)
    n = 1000
    try:
        with store.engine.begin() as conn:
            conn.execute(
                insert(t.Person), [{"id": i, "display_name": f"P {i}"} for i in range(1, n + 1)]
            )
            conn.execute(
                insert(t.Member),
                [{"id": i, "handle": f"m{i}", "person_id": i} for i in range(1, n + 1)],
            )
            # m1's 300 contacts; ten of them know one of 402..411 (one tie of
            # those ended), the others are tied in a chain
            pairs = [(1, b) for b in range(2, 302)] + [(a, a + 1) for a in range(302, n)]
            pairs += [(b, 400 + b) for b in range(2, 12)]
            conn.execute(
                insert(t.Tie),
                [
                    {
                        "person_a_id": a,
                        "person_b_id": b,
                        "source": "platform",
                        "asserted_by": by,
                        "ended_at": NOW if (a, b) == (11, 411) else None,
                    }
                    for a, b in pairs
                    for by in (a, b)
                ],
            )
        store.analyze()
        sent: list[tuple[str, Any]] = []

        def keep(_conn: Any, _cursor: Any, statement: str, params: Any, *_rest: Any) -> None:
            sent.append((statement, params))

        with store.engine.connect() as conn:
            reader = Reader(conn, viewer(conn, "m1").scope)
            first = reader.first_degree()
            event.listen(store.engine, "before_cursor_execute", keep)
            try:
                found = reader.linked_to(set(range(302, 701)), first, "names")
            finally:
                event.remove(store.engine, "before_cursor_execute", keep)
            assert found == set(range(402, 411))  # 411's tie with 11 has ended
            cursor = conn.connection.dbapi_connection.cursor()
            for setting in ("seqscan", "bitmapscan", "indexscan"):
                cursor.execute(f"SET enable_{setting} = off")
            assert sent
            for statement, params in sent:
                cursor.execute("EXPLAIN " + statement, params)
                plan = [row[0].strip() for row in cursor.fetchall()]
                reads = [line.split(" using ")[0] for line in plan if " on tie " in line]
                assert reads == ["->  Index Only Scan"] * 2, plan
                assert all("_active on tie" in line for line in plan if " on tie " in line)
    finally:
        store.close()
        postgres.drop(url)

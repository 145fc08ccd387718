"""The Alembic migrations build exactly the schema the models declare, on every back end."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text

from weakties.model.tables import Post, every_table
from weakties.store.engine import open_store


@pytest.fixture
def empty_url(backend, db_path, request):
    """A database without any table yet: the migrations start from nothing."""
    if backend == "sqlite":
        yield f"sqlite:///{db_path}"
        return
    server = request.getfixturevalue("postgres")
    url = server.empty_database()
    yield url
    server.drop(url)


def _not_search(name, type_, parent_names):
    """The full-text structures (``search_*``: FTS5 tables, expression indexes) are
    each back end's own, outside the models (see ``weakties.store.search_ddl``)."""
    return not (name or "").startswith("search_")


def test_migrated_schema_equals_the_models(empty_url):
    store = open_store(empty_url)
    try:
        with store.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"include_name": _not_search})
            diff = compare_metadata(context, every_table())
        assert diff == []
        assert store.current_revision() == store.head_revision()
    finally:
        store.close()


def test_opening_again_is_a_no_op_and_upgrade_is_idempotent(empty_url):
    open_store(empty_url).close()
    store = open_store(empty_url)
    try:
        store.upgrade()
        with store.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
        assert set(every_table().tables) <= tables
    finally:
        store.close()


def _migrate(store, direction: str, revision: str) -> None:
    from alembic import command

    from weakties.store.engine import _alembic_config

    cfg = _alembic_config(store.url)
    with store.write() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, direction)(cfg, revision)


def _post_schema(conn) -> list[tuple]:
    """What the database declares about ``post``: its table, indexes and triggers
    (SQLite), its indexes and columns (PostgreSQL)."""
    if conn.dialect.name == "sqlite":
        return conn.execute(
            text(
                "SELECT type, name, sql FROM sqlite_master "
                "WHERE tbl_name IN ('post', 'search_post') ORDER BY type, name"
            )
        ).all()
    return conn.execute(
        text(
            "SELECT indexname, indexdef, NULL, NULL FROM pg_indexes WHERE tablename = 'post' "
            "UNION ALL SELECT column_name, data_type, is_nullable, generation_expression "
            "FROM information_schema.columns WHERE table_name = 'post' ORDER BY 1"
        )
    ).all()


def _author_nullable(conn) -> bool:
    return next(
        c["nullable"] for c in inspect(conn).get_columns("post") if c["name"] == "author_id"
    )


def test_a_post_without_author_and_the_comments_on_posts_survive_revision_0021(store_url):
    """Revision 0021 makes ``post.author_id`` optional (a deleted member's post kept
    for others' comments). Down to 0020 and up again: the placeholders go on the
    way down (with their comments), every other post and comment stays both ways,
    and the post table's indexes and full-text triggers are as they were."""
    from weakties.store.search_ddl import matches

    store = open_store(store_url)
    try:
        at = "2026-01-01 10:00:00"
        with store.write() as conn:
            for pid, handle in ((1, "ana"), (2, "bo")):
                conn.execute(
                    text(
                        "INSERT INTO person (id, display_name, name_key, created_at, updated_at) "
                        "VALUES (:i, :h, :h, :t, :t)"
                    ),
                    {"i": pid, "h": handle, "t": at},
                )
                conn.execute(
                    text(
                        "INSERT INTO member (id, handle, person_id, sharing, created_at) "
                        "VALUES (:i, :h, :i, 'names', :t)"
                    ),
                    {"i": pid, "h": handle, "t": at},
                )
            for post, author, body in ((10, 1, "Pélican news"), (11, None, "")):
                conn.execute(
                    text(
                        "INSERT INTO post (id, author_id, audience, body, html, created_at) "
                        "VALUES (:i, :a, 'everyone', :b, :b, :t)"
                    ),
                    {"i": post, "a": author, "b": body, "t": at},
                )
                conn.execute(
                    text(
                        "INSERT INTO comment (id, post_id, author_id, body, html, created_at) "
                        "VALUES (:i, :p, 2, 'Bo writes', 'Bo writes', :t)"
                    ),
                    {"i": post * 10, "p": post, "t": at},
                )
            conn.execute(
                text(
                    "INSERT INTO reaction (post_id, member_id, kind, created_at) "
                    "VALUES (10, 2, 'like', :t)"
                ),
                {"t": at},
            )
        with store.engine.connect() as conn:
            head_schema = _post_schema(conn)
            assert _author_nullable(conn)

        _migrate(store, "downgrade", "0020")
        with store.engine.connect() as conn:
            assert not _author_nullable(conn)
            assert conn.execute(text("SELECT id FROM post ORDER BY id")).scalars().all() == [10]
            assert conn.execute(text("SELECT id FROM comment")).scalars().all() == [100]
            assert conn.execute(text("SELECT count(*) FROM reaction")).scalar() == 1

        _migrate(store, "upgrade", "head")
        with store.write() as conn:
            assert _post_schema(conn) == head_schema
            assert conn.execute(text("SELECT id FROM comment")).scalars().all() == [100]
            assert conn.execute(text("SELECT count(*) FROM reaction")).scalar() == 1
            conn.execute(
                text(
                    "INSERT INTO post (id, author_id, audience, body, html, created_at) "
                    "VALUES (12, NULL, 'everyone', 'Pelicans again', '', :t)"
                ),
                {"t": at},
            )
            # the full-text index kept up: the older post found, the new one too
            found = conn.execute(
                select(Post.id).where(matches(conn, "post", "pelican")).order_by(Post.id)
            )
            assert found.scalars().all() == [10, 12]
    finally:
        store.close()

"""Deleting an account while another member writes on what the member wrote, on
PostgreSQL, where requests write concurrently (SQLite has one writer at a time).

A reply to the member's comment, or a comment on the member's post, committed
between the deletion's read of what others wrote there and its delete (which
cascades: ``comment.parent_id`` and ``comment.post_id`` are ON DELETE CASCADE)
went with the member. It is either kept (as the deletion keeps what others
wrote) or refused, never committed and then silently deleted; refused with the
``NotFoundError`` of a post or comment that is gone (a 404, the usual message),
not a foreign key's ``IntegrityError`` (a 500).
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import exc, select, text

from weakties.errors import NotFoundError
from weakties.model.tables import Comment
from weakties.service import memberdata, posts
from weakties.service.accounts import sign_up
from weakties.store.engine import open_store

pytestmark = pytest.mark.postgres

PASSWORD = "a long enough password"


@pytest.fixture
def pg_store(postgres):
    url = postgres.new_database()
    store = open_store(url)
    yield store
    store.close()
    postgres.drop(url)


def _member(conn, handle: str):
    return sign_up(
        conn, email=f"{handle}@example.org", password=PASSWORD, name=handle.title(), handle=handle
    )


def _waiting_on_a_lock(store, thread: threading.Thread) -> None:
    """Until ``thread`` has finished or another connection waits on a lock."""
    deadline = time.monotonic() + 30
    with store.engine.connect() as watcher:
        while thread.is_alive() and time.monotonic() < deadline:
            waiting = watcher.execute(
                text(
                    "select count(*) from pg_stat_activity "
                    "where datname = current_database() and wait_event_type = 'Lock'"
                )
            ).scalar()
            if waiting:
                return
            # PostgreSQL keeps one snapshot of pg_stat_activity per transaction: a
            # new transaction each time, or a lock taken after the first look is
            # never seen (the loop ran to its deadline, 30 s)
            watcher.rollback()
            thread.join(0.05)


@pytest.mark.parametrize("on", ["her comment", "her post"])
def test_what_others_write_during_a_deletion_is_kept_or_refused(pg_store, monkeypatch, on):
    with pg_store.engine.begin() as conn:
        _member(conn, "opal")  # the operator (the first account), who stays
        ana, bo = _member(conn, "ana"), _member(conn, "bob")
        bos_post = posts.create_post(conn, bo.viewer(conn), "Bo's news").id
        anas_post = posts.create_post(conn, ana.viewer(conn), "Ana's news").id
        asked = posts.add_comment(conn, ana.viewer(conn), bos_post, "Ana asks").id
    post_id, parent_id = (bos_post, asked) if on == "her comment" else (anas_post, None)
    outcome: dict[str, object] = {}

    def bo_writes() -> None:  # a request of Bo's, on a connection of its own
        try:
            with pg_store.engine.begin() as conn:
                posts.add_comment(conn, bo.viewer(conn), post_id, "Bo writes", parent_id)
            outcome["written"] = True
        except NotFoundError as error:  # what he answered is gone
            outcome["refused"] = error
        except exc.IntegrityError as error:  # a refusal the pages and the API call a 500
            outcome["failed"] = error

    keep_posts = memberdata._keep_commented_posts

    def then_bo_writes(conn, member):
        # the deletion has read what others wrote on Ana's posts and comments, and
        # has not deleted her yet: Bo's request comes now
        keep_posts(conn, member)
        writer = threading.Thread(target=bo_writes)
        writer.start()
        _waiting_on_a_lock(pg_store, writer)
        outcome["writer"] = writer

    monkeypatch.setattr(memberdata, "_keep_commented_posts", then_bo_writes)
    with pg_store.engine.begin() as conn:
        memberdata.delete_account(conn, ana, PASSWORD)
    writer = outcome.pop("writer")
    assert isinstance(writer, threading.Thread)
    writer.join(30)
    assert not writer.is_alive()
    with pg_store.engine.connect() as conn:
        kept = conn.execute(
            select(Comment.post_id, Comment.parent_id).where(Comment.body == "Bo writes")
        )
        kept = kept.all()
    assert "failed" not in outcome, outcome["failed"]
    assert ("written" in outcome) != ("refused" in outcome)
    if "written" in outcome:  # committed: it stays, as what others write stays
        assert kept == [(post_id, None)]
    else:
        assert kept == []

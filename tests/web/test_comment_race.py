"""A comment written through the API while the post it is on goes with its
author's account: on PostgreSQL (requests write concurrently there) it waits for
the deletion and is then answered 404 in the one error shape, never a 500."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import select

from tests.service.test_account_deletion_race import _waiting_on_a_lock
from tests.web.conftest import PASSWORD
from tests.web.test_social import api, people  # noqa: F401
from weakties.model.tables import Account, Comment, Member, Post
from weakties.service import memberdata
from weakties.service.accounts import account_by_id


def test_a_comment_on_a_post_deleted_meanwhile_is_a_404(people, store, monkeypatch, backend):  # noqa: F811
    if backend != "postgresql":
        pytest.skip("SQLite has one writer at a time: no comment is written during a deletion")
    ana, bo = people["ana"], people["bob"]
    made = api(ana, "POST", "/posts", {"body": "Ana's news"})
    assert made.status_code == 201, made.text
    post_id = made.json()["id"]
    answered: dict[str, Any] = {}

    def bo_comments() -> None:
        try:
            answered["response"] = api(bo, "POST", f"/posts/{post_id}/comments", {"body": "Bo"})
        except Exception as error:  # the test client raises what would be a 500
            answered["error"] = error

    keep_posts = memberdata._keep_commented_posts

    def then_bo_comments(conn, member):
        keep_posts(conn, member)  # Ana's posts are locked, not deleted yet
        writer = threading.Thread(target=bo_comments)
        writer.start()
        _waiting_on_a_lock(store, writer)
        answered["writer"] = writer

    monkeypatch.setattr(memberdata, "_keep_commented_posts", then_bo_comments)
    with store.engine.begin() as conn:
        account_id = conn.execute(
            select(Account.id)
            .join(Member, Member.id == Account.member_id)
            .where(Member.handle == "ana")
        ).scalar_one()
        account = account_by_id(conn, account_id)
        assert account is not None
        memberdata.delete_account(conn, account, PASSWORD)
    writer = answered.pop("writer")
    writer.join(30)
    assert not writer.is_alive()
    assert "error" not in answered, answered["error"]
    response = answered["response"]
    assert response.status_code == 404, response.text
    body = response.json()
    assert body["ok"] is False and body["status"] == 404
    with store.engine.connect() as conn:
        assert conn.execute(select(Post.id).where(Post.id == post_id)).first() is None
        assert conn.execute(select(Comment.id).where(Comment.body == "Bo")).first() is None

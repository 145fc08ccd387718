"""A block hides each member from the other in the list of members too (``weakties
members --as X``, the service's ``admin.members``), as in search and every other
list; a suspended member is in no one's but their own, nor in the list of what
every member may see (no ``--as``)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import insert, select
from typer.testing import CliRunner

from weakties.cli.main import app
from weakties.model.tables import Member, Suspension
from weakties.service import accounts, admin, moderation
from weakties.service.context import viewer
from weakties.store.engine import open_store

HANDLES = ("ana", "bob", "cyd", "dee")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    from argon2 import PasswordHasher

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    path = tmp_path_factory.mktemp("members") / "members.sqlite"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(accounts, "_hasher", lambda: cheap)
        store = open_store(path)
        with store.engine.begin() as conn:
            for handle in HANDLES:
                accounts.sign_up(
                    conn,
                    email=f"{handle}@example.org",
                    password="a long enough password",
                    name=handle.title(),
                    handle=handle,
                )
            # Ana blocks Bo; Cyd blocks Ana; Dee is suspended
            moderation.block(conn, viewer(conn, "ana"), "bob")
            moderation.block(conn, viewer(conn, "cyd"), "ana")
            dee = conn.execute(select(Member.id).where(Member.handle == "dee")).scalar_one()
            conn.execute(insert(Suspension).values(member_id=dee, reason="spam"))
        store.close()
    return path


SEEN = {
    "ana": ["ana"],
    "bob": ["bob", "cyd"],
    "cyd": ["bob", "cyd"],
    "dee": ["ana", "bob", "cyd", "dee"],
}


@pytest.mark.parametrize("handle", sorted(SEEN))
def test_the_members_list_leaves_out_whom_a_block_or_suspension_hides(db, handle):
    store = open_store(db)
    try:
        with store.engine.connect() as conn:
            listed = [m.handle for m in admin.members(conn, viewer(conn, handle))]
    finally:
        store.close()
    assert listed == SEEN[handle]
    done = CliRunner().invoke(app, ["--db", str(db), "members", f"--as={handle}", "--json"])
    assert done.exit_code == 0, done.output
    assert [m["handle"] for m in json.loads(done.stdout)] == SEEN[handle]


def test_the_shared_list_holds_every_member_but_the_suspended(db):
    done = CliRunner().invoke(app, ["--db", str(db), "members", "--json"])
    assert [m["handle"] for m in json.loads(done.stdout)] == ["ana", "bob", "cyd"]

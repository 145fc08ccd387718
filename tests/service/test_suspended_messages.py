"""A suspended member's messages are seen by nobody else (docs/platform.md, "Safety
and moderation": nobody else sees them or what they wrote), as behind a block: their
conversation of two is shown to the other member neither in the inbox, the
requests nor the unread count, and its page answers as for a conversation that does
not exist; in a group, the others read everyone but them. The suspended member
still reads their own conversations. Lifting the suspension shows everything again
as it was: it was hidden, not deleted."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from tests.service.test_blocks import _as, _connect, _suspend, store  # noqa: F401
from weakties.errors import NotFoundError
from weakties.model.tables import Suspension
from weakties.service import messages


def test_a_suspended_members_messages_are_shown_to_nobody_else(store):  # noqa: F811
    _connect(store, "ana", "bob")
    _connect(store, "ana", "eve")
    _connect(store, "bob", "eve")
    pair = _as(store, "bob", messages.start_conversation, ["ana"], "BO TO ANA ALONE")
    group = _as(store, "ana", messages.start_conversation, ["bob", "eve"], "Hello both")
    _as(store, "bob", messages.send, group, "BO IN THE GROUP")
    _suspend(store, "bob")

    def inbox(handle: str) -> list[int]:
        return [i.id for i in _as(store, handle, messages.inbox)]

    assert inbox("ana") == [group] and _as(store, "ana", messages.unread_total) == (0, 0)
    with pytest.raises(NotFoundError):
        _as(store, "ana", messages.conversation, pair)
    with pytest.raises(NotFoundError):
        _as(store, "ana", messages.send, pair, "Still there?")
    seen = _as(store, "eve", messages.conversation, group, mark=False)
    assert "BO IN THE GROUP" not in [m.body for m in seen.messages]
    assert "bob" not in {c.handle for c in seen.others}
    # Bo still reads his own
    own = _as(store, "bob", messages.conversation, pair, mark=False)
    assert [m.body for m in own.messages] == ["BO TO ANA ALONE"]
    # lifted: as it was
    with store.engine.begin() as conn:
        conn.execute(delete(Suspension))
    assert sorted(inbox("ana")) == sorted([pair, group])
    back = _as(store, "ana", messages.conversation, pair, mark=False)
    assert [m.body for m in back.messages] == ["BO TO ANA ALONE"] and back.blocked is False

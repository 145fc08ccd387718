"""The people list read from the viewer's contacts alone (``people --limit N``,
``people --degree 1``) is the whole list's beginning, or its contacts: the same
people in the same order, never one behind a block.

Ana is connected to Bob, Cyd, Dee and Eve, and Eve to Fay (Ana's second degree);
Dee is suspended (their connection with Ana stays, and Ana is not shown them).
"""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from weakties.model.tables import Member, Suspension
from weakties.service import accounts, connections
from weakties.service import people as service_people
from weakties.service.context import viewer
from weakties.store.engine import open_store

HANDLES = ("ana", "bob", "cyd", "dee", "eve", "fay")


@pytest.fixture
def store(tmp_path, monkeypatch):
    from argon2 import PasswordHasher

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", lambda: cheap)
    opened = open_store(f"sqlite:///{tmp_path / 'people.sqlite'}")
    with opened.engine.begin() as conn:
        for handle in HANDLES:
            accounts.sign_up(
                conn,
                email=f"{handle}@example.org",
                password="a long enough password",
                # names whose order is not the order of the handles
                name={"bob": "Zoé Bob", "cyd": "Élodie Cyd"}.get(handle, handle.title()),
                handle=handle,
            )
    for a, b in (("ana", "bob"), ("ana", "cyd"), ("ana", "dee"), ("ana", "eve"), ("eve", "fay")):
        sent = _as(opened, a, connections.send_invitation, b, "Hello")
        _as(opened, b, connections.answer_invitation, sent.id, accept=True)
    with opened.engine.begin() as conn:
        dee = conn.execute(select(Member.id).where(Member.handle == "dee")).scalar_one()
        conn.execute(insert(Suspension).values(member_id=dee, reason="spam"))
    yield opened
    opened.close()


def _as(store, handle, fn, *args, **kwargs):
    with store.engine.begin() as conn:
        return fn(conn, viewer(conn, handle), *args, **kwargs)


def _listed(store, **kwargs):
    return [
        (p.id, p.name, p.degree) for p in _as(store, "ana", service_people.list_people, **kwargs)
    ]


def test_a_short_list_is_the_whole_lists_beginning(store, monkeypatch):
    whole = _listed(store)
    names = [name for _, name, _ in whole]
    assert "Dee" not in names and "Fay" in names  # suspended; second degree
    assert [d for *_, d in whole[:3]] == [1, 1, 1]
    for limit in range(1, len(whole) + 2):
        assert _listed(store, limit=limit) == whole[:limit]
    assert _listed(store, degree=1) == [p for p in whole if p[2] == 1]
    assert _listed(store, degree=1, limit=2) == [p for p in whole if p[2] == 1][:2]
    # and read from the contacts alone: not the second degree nor every person seen
    read_everyone = []
    monkeypatch.setattr(
        service_people.Reader, "people_seen", lambda *a, **k: read_everyone.append(1) or set()
    )
    _listed(store, limit=2)
    _listed(store, degree=1)
    assert read_everyone == []

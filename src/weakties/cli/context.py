"""What every command needs: the store named by ``--db``, one transaction, the viewer.

:func:`call` is the whole life of a command's data access: open one
transaction, resolve who is looking, make one service call, commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import typer

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from weakties.service.context import Viewer
    from weakties.store.engine import Store

__all__ = ["AppState", "call", "session", "state", "store"]

T = TypeVar("T")


@dataclass
class AppState:
    db: str | None = None
    _store: Store | None = field(default=None, repr=False)

    def store(self) -> Store:
        if self._store is None:
            from weakties.store.engine import open_store

            self._store = open_store(self.db)
        return self._store


def state(ctx: typer.Context) -> AppState:
    root = ctx.find_root()
    if not isinstance(root.obj, AppState):
        root.obj = AppState()
    return root.obj


def store(ctx: typer.Context) -> Store:
    return state(ctx).store()


@contextmanager
def session(ctx: typer.Context) -> Iterator[Connection]:
    """One transaction for the command: committed on success, rolled back on error."""
    from weakties.service.context import transaction

    with transaction(store(ctx)) as conn:
        yield conn


def resolve(conn: Connection, who: str, member: str | None, as_of: dt.datetime | None) -> Viewer:
    """The viewer of a command: ``member`` (the only member by default), or with
    ``who="operator"`` the whole database when no member is named, or with
    ``who="shared"`` what every member may see when none is named."""
    from weakties import service

    if who == "operator" and not member:
        return service.operator(conn, as_of=as_of)
    if who == "shared":
        return service.viewer_or_shared(conn, member)
    return service.viewer(conn, member, as_of=as_of)


def call(
    ctx: typer.Context,
    fn: Callable[..., T],
    *args: Any,
    member: str | None = None,
    as_of: dt.datetime | None = None,
    who: str = "member",
    after: Callable[[T], None] | None = None,
    **kwargs: Any,
) -> T:
    """Run one service call for the command's viewer in one transaction (``after``
    runs inside it, e.g. writing a file whose failure must undo the call)."""
    from weakties.cli.output import note

    with session(ctx) as conn:
        viewer = resolve(conn, who, member, as_of)
        result = fn(conn, viewer, *args, **kwargs)
        if after is not None:
            after(result)
    if viewer.note:
        note(viewer.note)  # it already says: --as-of DATE for another date
    return result

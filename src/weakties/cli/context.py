"""What every command needs: the store named by ``--db`` and the acting member."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import typer
from sqlalchemy import Connection

from weakties.store.engine import Store, open_store
from weakties.store.visibility import Viewer, resolve_viewer

__all__ = ["AppState", "connection", "state", "store"]


@dataclass
class AppState:
    db: str | None = None
    _store: Store | None = field(default=None, repr=False)

    def store(self) -> Store:
        if self._store is None:
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
def connection(ctx: typer.Context) -> Iterator[Connection]:
    """One transaction for the command: committed on success, rolled back on error."""
    with store(ctx).engine.begin() as conn:
        yield conn


def viewer(conn: Connection, handle: str | None) -> Viewer:
    return resolve_viewer(conn, handle)

"""Worlds built once per backend and test module, then copied for each test.

Building the access matrix's world takes dozens of requests (sign-ups,
invitations, a group, a photo, posts, a job …) and the matrix has hundreds of
rows on two backends. Each row still gets a database of its own: a copy of the
built one (SQLite's backup API; ``CREATE DATABASE … TEMPLATE`` on PostgreSQL),
served by a new app, with browsers carrying the built world's cookies (the
sessions live in the copied database) and the CSRF token each one's forms carry
(the token is bound to the session, so each browser's is read once, when the
world is built, instead of from a page before every request). What one row
writes, no other row sees.

Rows that only read (GET) share one more copy per module and backend, served by
one app kept for the module (``reading``): a page that computes the network
(the dashboard, the ego graph, reminders) then finds the process's snapshot warm
as a running server does, instead of building it again for every row, which
made most of the matrix's time. A GET may remember what it computed (a page
read, a reminder listed) but grants nothing, so what one reading row leaves
cannot change who may read what in the next.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support import copy_sqlite
from tests.web.conftest import csrf, lent_app, make_settings
from weakties.store.engine import Store, open_store


@dataclass
class World:
    clients: dict[str, TestClient]
    ids: dict[str, Any] = field(default_factory=dict)
    # role -> the CSRF token of that browser's session (form field or X-CSRF-Token)
    tokens: dict[str, str] = field(default_factory=dict)


def visitors(expected: dict[str, int], backend: str) -> list[str]:
    """The visitors of an access-matrix row to run, those expected to be refused
    first (a refused request writes nothing, so they cannot change what the
    others find).

    On PostgreSQL only the visitors expected to succeed (or, where everyone is
    refused, the last): who may do what is decided in Python on both back ends
    and checked in full on SQLite; what differs between back ends is the SQL a
    route runs, which its successful requests exercise. Every route still runs
    on PostgreSQL, at a sixth of the requests."""
    order = sorted(expected, key=lambda role: 200 <= expected[role] < 400)
    if backend != "postgresql":
        return order
    return [role for role in order if 200 <= expected[role] < 400] or order[-1:]


# build(app, store) -> World, its clients entered
Build = Callable[[Any, Store], World]


@dataclass
class _Built:
    url: str
    cookies: dict[str, list[Any]]
    ids: dict[str, Any]
    tokens: dict[str, str]


class WorldCopies:
    """Each world built at most once per (name, backend); copies handed out."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.built: dict[tuple[str, str], _Built] = {}
        self.server: Any = None
        # (name, backend) -> the shared reading copy, entered until drop_all
        self.readers: dict[tuple[str, str], tuple[World, Any]] = {}

    def _new_url(self, name: str, backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{self.folder / name}.sqlite"
        return str(self.server.new_database())

    def _build(self, name: str, backend: str, build: Build) -> _Built:
        url = self._new_url(name, backend)
        store = open_store(url)
        try:
            with lent_app(make_settings(url), store) as app:
                world = build(app, store)
                tokens = {role: csrf(client, "/") for role, client in world.clients.items()}
                cookies = {
                    role: [copy.copy(cookie) for cookie in client.cookies.jar]
                    for role, client in world.clients.items()
                }
                for client in world.clients.values():
                    client.__exit__(None, None, None)
        finally:
            store.close()
        return _Built(url, cookies, dict(world.ids), tokens)

    def _copy(self, built: _Built, backend: str, folder: Path) -> str:
        if backend == "postgresql":
            return str(self.server.copy_of(built.url))
        source = built.url.removeprefix("sqlite:///")
        return f"sqlite:///{copy_sqlite(source, folder / 'world.sqlite')}"

    def _built(self, name: str, build: Build, request: pytest.FixtureRequest) -> tuple[str, _Built]:
        backend = str(request.getfixturevalue("backend"))
        if backend == "postgresql":
            self.server = request.getfixturevalue("postgres")
        built = self.built.get((name, backend))
        if built is None:
            built = self.built[(name, backend)] = self._build(name, backend, build)
        return backend, built

    @contextmanager
    def _served(self, built: _Built, backend: str, folder: Path) -> Iterator[tuple[World, Store]]:
        url = self._copy(built, backend, folder)
        store = open_store(url)
        lent = lent_app(make_settings(url), store)
        app = lent.__enter__()
        clients: dict[str, TestClient] = {}
        # one event loop (and one lifespan) for the copy's browsers, as a server
        # has one for all its visitors: the first browser's, which the others
        # send their requests through (a loop each took some 60 ms to start and
        # stop, six a test)
        server: TestClient | None = None
        try:
            for role, jar in built.cookies.items():
                client = clients[role] = TestClient(app, base_url="http://testserver")
                if server is None:
                    server = client.__enter__()
                else:
                    client.portal = server.portal
                for cookie in jar:
                    client.cookies.jar.set_cookie(copy.copy(cookie))
            yield World(clients, dict(built.ids), dict(built.tokens)), store
        finally:
            for client in clients.values():
                if client is not server:
                    client.portal = None
            if server is not None:
                server.__exit__(None, None, None)
            lent.__exit__(None, None, None)
            store.close()
            if backend == "postgresql":
                self.server.drop(url)

    @contextmanager
    def copy(
        self, name: str, build: Build, request: pytest.FixtureRequest, folder: Path
    ) -> Iterator[tuple[World, Store]]:
        backend, built = self._built(name, build, request)
        with self._served(built, backend, folder) as served:
            yield served

    def reading(self, name: str, build: Build, request: pytest.FixtureRequest) -> World:
        """The copy shared by the rows that only read, served until ``drop_all``."""
        backend, built = self._built(name, build, request)
        reader = self.readers.get((name, backend))
        if reader is None:
            folder = self.folder / f"{name}-{backend}-reading"
            folder.mkdir(exist_ok=True)
            served = self._served(built, backend, folder)
            world, _store = served.__enter__()
            reader = self.readers[(name, backend)] = (world, served)
        return reader[0]

    def drop_all(self) -> None:
        for _world, served in self.readers.values():
            served.__exit__(None, None, None)
        self.readers.clear()
        for (_name, backend), built in self.built.items():
            if backend == "postgresql" and self.server is not None:
                self.server.drop(built.url)

"""Demo databases built once per test process and back end, copied for each use.

Building the demo (a generated world, three members' exports imported, ties
inferred) takes seconds on SQLite and more on PostgreSQL, and several modules
use the same one. Each is built at most once per (name, back end) in a test
process, into a database nobody else writes to; a test gets a copy of its own
(SQLite's backup API, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL), so what one
test writes no other sees.

Values a module computes once per back end (a copy served by one app for the
module's tests that only read, the pages they read) are kept by
:class:`PerBackend`, closed at the module's end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.support import copy_sqlite

# build(url): fills the database at ``url`` (new, at the newest schema on PostgreSQL,
# or a copy of the world it is built on)
Build = Callable[[str], Any]


def _demo(n_people: int, seed: int) -> Build:
    def build(url: str) -> None:
        from weakties.demo import build_demo

        store, _result = build_demo(url, n_people=n_people, seed=seed)
        store.close()

    return build


def _accounts(url: str) -> None:
    from argon2 import PasswordHasher
    from sqlalchemy import update

    from weakties.model.tables import Account
    from weakties.service.demo_accounts import DEMO_PASSWORD, open_demo_accounts
    from weakties.store.engine import open_store

    store = open_store(url)
    try:
        open_demo_accounts(store)
        # Every sign-in into a copy of this world verifies the accounts' hash: at
        # argon2's default cost that is some 0.4 to 0.7 s of CPU each, and the
        # modules on this world sign in dozens of times. The same password hashed
        # at the smallest cost, as the tests' own sign-ups are (the cost comes from
        # the hash, whatever the hasher; tests/web/test_accounts.py checks the
        # real parameters, tests/web/test_demo_platform.py the demo's sign-in).
        cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(DEMO_PASSWORD)
        with store.engine.begin() as conn:
            conn.execute(update(Account).values(password_hash=cheap))
    finally:
        store.close()


#: name -> (the world it is built on, or None; what is done to build it)
WORLDS: dict[str, tuple[str | None, Build]] = {
    # the demo of 400 people (seed 5), as ``weakties demo`` writes it
    "demo": (None, _demo(400, 5)),
    # the same with an account for every person (as ``weakties demo --serve``)
    "platform": ("demo", _accounts),
    # a demo large enough for the suggestions' ranker to be fitted, with accounts
    "demo-1200": (None, _demo(1200, 5)),
    "platform-1200": ("demo-1200", _accounts),
}


class DemoWorlds:
    """Each world built at most once per (name, back end); copies handed out."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.built: dict[tuple[str, str], str] = {}

    def url(self, name: str, request: pytest.FixtureRequest, backend: str | None = None) -> str:
        """The URL of the built world ``name`` on ``backend`` (the test's by default;
        a module's fixture on SQLite alone says ``"sqlite"``). Read it (and close
        what read it: PostgreSQL copies only a database nobody is connected to);
        never write to it."""
        backend = backend or str(request.getfixturevalue("backend"))
        found = self.built.get((name, backend))
        if found is None:
            base, build = WORLDS[name]
            if base is not None:
                source = self.url(base, request, backend)
                found = self._copy(source, request, self.folder / f"{name}-{backend}")
            elif backend == "sqlite":
                found = f"sqlite:///{self.folder / name}-sqlite.sqlite"
            else:
                found = str(request.getfixturevalue("postgres").new_database())
            build(found)
            self.built[(name, backend)] = found
        return found

    @staticmethod
    def _copy(source: str, request: pytest.FixtureRequest, stem: Path) -> str:
        if source.startswith("sqlite:///"):
            target = stem.with_name(stem.name + ".sqlite")
            return f"sqlite:///{copy_sqlite(source.removeprefix('sqlite:///'), target)}"
        return str(request.getfixturevalue("postgres").copy_of(source))

    @contextmanager
    def copy(
        self, name: str, request: pytest.FixtureRequest, folder: Path, backend: str | None = None
    ) -> Iterator[str]:
        """The URL of a copy of the world ``name``, the test's own (removed after)."""
        url = self._copy(self.url(name, request, backend), request, folder / name)
        if url.startswith("sqlite:"):
            yield url
            return
        # asked now: a module's copy is removed after its last test, when the
        # request that made it can no longer give fixtures
        server = request.getfixturevalue("postgres")
        try:
            yield url
        finally:
            server.drop(url)


class PerBackend:
    """Values made once per back end for a module, with what they hold open."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.values: dict[str, Any] = {}
        self.stack = ExitStack()

    def get(self, request: pytest.FixtureRequest, make: Callable[[ExitStack, Path], Any]) -> Any:
        """``make(stack, folder)`` for the test's back end, the first time it is asked:
        what it enters on ``stack`` stays open until the module ends."""
        backend = str(request.getfixturevalue("backend"))
        if backend not in self.values:
            folder = self.folder / backend
            folder.mkdir(parents=True, exist_ok=True)
            self.values[backend] = make(self.stack, folder)
        return self.values[backend]

    def close(self) -> None:
        self.stack.close()
        self.values.clear()
